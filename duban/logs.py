"""The process's log, set up once at `duban serve` from settings()["log"]: the app's lines and one access
line per web request (logger `duban.access`), on stderr (systemd's journal, `docker logs`), as text or as
one JSON object per line, each carrying the request id of the request it belongs to ("-" outside one)."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

LEVELS = ("debug", "info", "warning", "error")
ACCESS = "duban.access"
ACCESS_FIELDS = ("method", "path", "status", "ms", "user")  # what an access line carries besides the id
TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# the request being answered: set by the web's tracing middleware, read by every log line made meanwhile
request_id: ContextVar[str] = ContextVar("request_id", default="-")


class RequestId(logging.Filter):
    """Gives every record the current request's id (a record that already names one keeps it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class Json(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the access
    fields where the record has them, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", "-")}
        line |= {k: getattr(record, k) for k in ACCESS_FIELDS if hasattr(record, k)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def config(log: dict) -> dict:
    """The dictConfig for settings()["log"]: uvicorn applies it in each of its worker processes. With
    `access: false` the access logger is off; uvicorn's own access lines are always off (ours name the
    user and the request id)."""
    level = str(log.get("level", "info")).lower()
    if level not in LEVELS:
        from .errors import DubanError
        raise DubanError(f"log.level 应为 {' | '.join(LEVELS)} (unknown log level {level!r})")
    formatter = {"()": f"{__name__}.Json"} if log.get("json") else {"format": TEXT}
    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestId"}},
        "formatters": {"duban": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "duban", "filters": ["request_id"],
                                "stream": "ext://sys.stderr"}},
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {ACCESS: {"level": "INFO" if log.get("access", True) else "CRITICAL"},
                    "uvicorn.access": {"level": "CRITICAL", "propagate": False}},
    }


def configure(log: dict) -> None:
    """Set up this process's logging (the CLI's own commands; uvicorn does it from `config` for serve)."""
    import logging.config
    logging.config.dictConfig(config(log))
