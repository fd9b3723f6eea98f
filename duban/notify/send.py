"""Sending what is due: each waiting message whose time has come goes out through its channel outside
any transaction (a slow robot holds no lock), then its result is written in a transaction of its own with
an audit entry. A failure is tried again `retry_minutes` later (after quiet hours), up to `retries` more
times, then the message is `failed` and shown on the office's 工作台."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select, update

from .. import clock
from ..config import settings
from ..errors import DubanError
from ..store import audit, transaction
from ..store.ledger import find_units
from ..store.models import OutboxMessage
from .channels import CHANNELS, Outgoing, SendError
from .outbox import FAILED, SENT, WAITING
from .quiet import after_quiet
from .routes import Route, route_named, routes

ACTOR = "system:notify"  # the audit's actor when no one runs it by hand (a colon: never a web login)
BATCH = 200
CLAIM = timedelta(minutes=10)  # a message taken by a sender that then died is due again this much later


@dataclass
class Sent:
    sent: int = 0
    failed: int = 0  # attempts that failed in this run (tried again later, or given up on)
    held: int = 0  # still waiting: in quiet hours, or for a retry


def send_due(engine: Engine, now: datetime | None = None, conf: dict | None = None, actor: str = ACTOR) -> Sent:
    conf = conf or settings()
    now = now or clock.now()
    out, tried = Sent(), set()
    while batch := due_batch(engine, now, tried):
        with transaction(engine) as s:
            table = routes(s, conf)
        for m in batch:
            tried.add(m.id)
            if not claimed(engine, m, now):
                continue  # another sender (the worker, `duban notify send` by hand) took it
            error = attempt(m, table.get(m.unit_id), conf)
            with transaction(engine) as s:
                record(s, m.id, error, now, conf, actor)
            out.sent, out.failed = out.sent + (error is None), out.failed + (error is not None)
    with transaction(engine) as s:
        out.held = s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == WAITING))
    return out


def due_batch(engine: Engine, now: datetime, tried: set[int]) -> list[OutboxMessage]:
    """Waiting messages due by `now` not yet tried in this run (one retried later waits for another run)."""
    with transaction(engine) as s:
        found = s.scalars(select(OutboxMessage).where(OutboxMessage.state == WAITING, OutboxMessage.due_at <= now)
                          .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(BATCH + len(tried)))
        return [m for m in found if m.id not in tried][:BATCH]


def claimed(engine: Engine, m: OutboxMessage, now: datetime) -> bool:
    """Whether this run takes the message to send: its due time is moved past the send as it was read, so
    a sender that read it too finds it taken, and a run that dies while sending leaves it due CLAIM later
    (sent at least once, never twice by two senders at once)."""
    with transaction(engine) as s:
        return s.execute(update(OutboxMessage).where(OutboxMessage.id == m.id, OutboxMessage.state == WAITING,
                                                     OutboxMessage.due_at == m.due_at)
                         .values(due_at=now + CLAIM)).rowcount == 1


def attempt(m: OutboxMessage, route: Route | None, conf: dict) -> str | None:
    """None when the message went, else why not."""
    # the secret stays in the settings, never in the outbox: read where the message goes out
    outgoing = Outgoing(m.address, m.subject, m.body, route.secret if route and route.address == m.address else "")
    try:
        CHANNELS[m.channel](outgoing, conf)
    except (SendError, OSError) as e:
        return str(e) or type(e).__name__
    return None


def record(s, message_id: int, error: str | None, now: datetime, conf: dict, actor: str) -> None:
    m = s.get(OutboxMessage, message_id)
    m.attempts += 1
    if error is None:
        m.state, m.sent_at = SENT, now
        audit.record(s, actor, "notify_sent", "message", m.id, unit=m.unit_name, channel=m.channel,
                     attempt=m.attempts)
        return
    m.last_error = error[:1000]
    if m.attempts > conf["notify"]["retries"]:
        m.state = FAILED
    else:
        m.due_at = after_quiet(now + timedelta(minutes=conf["notify"]["retry_minutes"]), conf["notify"]["quiet_hours"])
    audit.record(s, actor, "notify_failed", "message", m.id, unit=m.unit_name, channel=m.channel,
                 attempt=m.attempts, error=m.last_error, state=m.state)


def send_test(engine: Engine, words: str, conf: dict | None = None, actor: str = ACTOR) -> Route:
    """A one-line message to the unit's channel now, not through the outbox: the office checks a route
    as it sets it up. A failure is a DubanError saying why."""
    conf = conf or settings()
    with transaction(engine) as s:
        route = route_for(s, words, conf)
    text = f"这是督办系统发给{route.name}的测试消息，收到即表示通知渠道设置正确。"
    m = OutboxMessage(unit_id=route.unit, channel=route.channel, address=route.address, subject="【督办提醒】测试消息",
                      body=text)
    error = attempt(m, route, conf)
    with transaction(engine) as s:
        audit.record(s, actor, "notify_test", "unit", route.unit, channel=route.channel, error=error or "")
    if error:
        raise DubanError(f"测试消息未发出 (the test message failed): {error}")
    return route


def route_for(s, words: str, conf: dict) -> Route:
    table = routes(s, conf)
    if found := route_named(table, words):
        return found
    units = find_units(s, words)
    if len(units) == 1 and units[0].id in table:
        return table[units[0].id]
    raise DubanError(f"“{words}”没有设置通知渠道：请在 duban.toml 的 [notify.units] 中设置 (no channel for this unit)")
