"""The request id and the log: every answer carries X-Request-ID (the proxy's, or a new one), a 500 page shows
it, the access line carries the same id, and with `json: true` every line is one JSON object."""

from __future__ import annotations

import json
import logging
import logging.config
import re

import pytest
from fastapi.testclient import TestClient

from duban import logs
from duban.store import connect
from duban.web import create_app


def crashing_app():
    """The app with one extra route that fails: mounted here, never shipped."""
    app = create_app(connect())

    def boom():
        raise RuntimeError("a bug")

    app.add_api_route("/boom", boom)
    return app


@pytest.fixture
def configured():
    """Apply a settings()["log"] as `duban serve` does, and put the process's logging back afterwards."""
    root, kept = logging.getLogger(), {}

    def apply(log: dict) -> None:
        kept.update(handlers=root.handlers[:], level=root.level,
                    levels={n: logging.getLogger(n).level for n in (logs.ACCESS, "uvicorn.access")})
        logging.config.dictConfig(logs.config(log))

    yield apply
    if kept:
        root.handlers[:] = kept["handlers"]
        root.setLevel(kept["level"])
        for name, level in kept["levels"].items():
            logging.getLogger(name).setLevel(level)


def test_every_answer_has_a_request_id_and_a_sent_one_is_kept():
    c = TestClient(create_app(connect()))
    made = c.get("/login").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", made) and c.get("/login").headers["X-Request-ID"] != made
    assert c.get("/login", headers={"X-Request-ID": "nginx-42"}).headers["X-Request-ID"] == "nginx-42"
    # an id that could carry markup into the error page or a forged line into the log is replaced
    assert c.get("/login", headers={"X-Request-ID": "<b>x</b>"}).headers["X-Request-ID"] != "<b>x</b>"


def test_a_500_page_shows_the_id_its_access_line_carries(caplog):
    caplog.set_level(logging.INFO)
    c = TestClient(crashing_app(), raise_server_exceptions=False)
    r = c.get("/boom", headers={"X-Request-ID": "case-500"})
    assert r.status_code == 500 and r.headers["X-Request-ID"] == "case-500"
    assert "服务器出错" in r.text and "<code>case-500</code>" in r.text
    access = [x for x in caplog.records if x.name == logs.ACCESS]
    assert [(x.method, x.path, x.status, x.request_id) for x in access] == [("GET", "/boom", 500, "case-500")]
    assert [x.levelname for x in caplog.records if x.name == "duban.web"] == ["ERROR"]  # its id: test_json_lines


def test_the_chinese_error_pages_show_the_id():
    r = TestClient(create_app(connect())).get("/no-such-page", headers={"X-Request-ID": "case-404"})
    assert r.status_code == 404 and "页面不存在" in r.text and "case-404" in r.text


def test_access_lines_name_the_user(site, caplog):
    caplog.set_level(logging.INFO, logger=logs.ACCESS)
    site.client("office_admin").get("/ledger")
    line = [x for x in caplog.records if x.name == logs.ACCESS][-1]
    assert (line.path, line.status, line.user) == ("/ledger", 200, "admin") and line.ms >= 0


def test_json_lines_parse(configured, capsys):
    configured({"level": "info", "json": True, "access": True})
    TestClient(crashing_app(), raise_server_exceptions=False).get("/boom?x=1", headers={"X-Request-ID": "j-1"})
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    access = [x for x in lines if x["logger"] == logs.ACCESS]
    assert access and access[0] | {"time": "", "ms": 0} == {
        "time": "", "level": "info", "logger": logs.ACCESS, "message": access[0]["message"], "request_id": "j-1",
        "method": "GET", "path": "/boom?x=1", "status": 500, "ms": 0, "user": "-"}
    crash = next(x for x in lines if x["logger"] == "duban.web")
    assert crash["request_id"] == "j-1" and "RuntimeError: a bug" in crash["exception"]


def test_access_false_writes_no_access_lines(configured, capsys):
    configured({"level": "info", "json": False, "access": False})
    TestClient(create_app(connect())).get("/login")
    assert "GET /login" not in capsys.readouterr().err


def test_text_lines_carry_the_id(configured, capsys):
    configured({"level": "info", "json": False, "access": True})
    TestClient(create_app(connect())).get("/login", headers={"X-Request-ID": "t-1"})
    assert re.search(r"INFO duban.access \[t-1\] GET /login 200 \d+ms -", capsys.readouterr().err)


def test_an_unknown_level_is_refused():
    from duban.errors import DubanError
    with pytest.raises(DubanError, match="log.level"):
        logs.config({"level": "loud"})
