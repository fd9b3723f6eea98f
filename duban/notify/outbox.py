"""The outbox: the day's messages queued in one transaction (a message a row, `waiting`), so a failure
queues nothing; `send.py` sends them outside it. Queuing a day again queues nothing more: a message's key
is its unit and event (a digest: its unit and day), and an event some earlier message carried is not told
again."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from .. import clock
from ..config import settings
from ..store import transaction
from ..store.among import among
from ..store.models import Document, OutboxMessage
from ..supervise.bulletin import office_of
from . import compose, events
from .quiet import after_quiet
from .routes import Route, routes

WAITING, SENT, FAILED = "waiting", "sent", "failed"
ONLY = {"events": False, "digest": True}  # the units `only` picks: those taking single messages, or a digest


def queue_day(target: Session | Engine, as_of: date, at: datetime | None = None, only: str | None = None,
              conf: dict | None = None) -> int:
    """Queue the messages of `as_of` for every unit with a route (`only` "events" or "digest": the units
    taking single messages, or a digest), due at `at` (now) or when the quiet hours end; how many queued."""
    if isinstance(target, Engine):
        with transaction(target) as s:
            return queue_in(s, as_of, at, only, conf)
    return queue_in(target, as_of, at, only, conf)


def queue_in(s: Session, as_of: date, at: datetime | None, only: str | None, conf: dict | None) -> int:
    conf = conf or settings()
    at = at or clock.now()
    chosen = {u: r for u, r in routes(s, conf).items() if only is None or r.digest == ONLY[only]}
    if not chosen:
        return 0
    day = events.Day(s, as_of, conf)
    told = carried(s, list(chosen), as_of - timedelta(days=conf["notify"]["lookback_days"] + 1))
    fresh = [e for e in events.of_day(day) if (e.unit, e.key) not in told]
    drafts = compose.drafts(fresh, chosen, as_of, issuer(s, conf))
    have = set(s.scalars(select(OutboxMessage.key).where(among(OutboxMessage.key, [d.key for d in drafts]))))
    due = after_quiet(at, conf["notify"]["quiet_hours"])
    made = [message(d, as_of, at, due) for d in drafts if d.key not in have]
    s.add_all(made)
    return len(made)


def carried(s: Session, units: list[str], since: date) -> set[tuple[str, str]]:
    """(unit, event key) of what the units' messages since `since` told (or are waiting to tell)."""
    rows = s.execute(select(OutboxMessage.unit_id, OutboxMessage.events)
                     .where(among(OutboxMessage.unit_id, units), OutboxMessage.day >= since))
    return {(unit, key) for unit, keys in rows for key in keys}


def message(d: compose.Draft, as_of: date, at: datetime, due: datetime) -> OutboxMessage:
    r: Route = d.route
    return OutboxMessage(key=d.key, unit_id=r.unit, unit_name=r.name, channel=r.channel, address=r.address,
                         subject=d.subject, body=d.body, events=d.events, day=as_of, created_at=at, due_at=due,
                         attempts=0, last_error="", state=WAITING)


def issuer(s: Session, conf: dict) -> str:
    """The signature: the office's setting, else the office of the first current plan."""
    if conf["notify"]["issuer"]:
        return conf["notify"]["issuer"]
    doc = s.scalars(select(Document).where(Document.current).order_by(Document.id)).first()
    return office_of(doc) if doc else "督查室"


def failed(s: Session, limit: int = 100) -> list[OutboxMessage]:
    """Messages given up on after their retries, the latest first: for the office's 工作台."""
    return list(s.scalars(select(OutboxMessage).where(OutboxMessage.state == FAILED)
                          .order_by(OutboxMessage.due_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def waiting(s: Session) -> list[OutboxMessage]:
    return list(s.scalars(select(OutboxMessage).where(OutboxMessage.state == WAITING)
                          .order_by(OutboxMessage.due_at, OutboxMessage.id)))
