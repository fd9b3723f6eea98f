"""The office's daily jobs, run by `duban worker` at the times of the settings' [schedule], or once by
`duban run-jobs` from cron or a systemd timer: statuses and warnings for the new day, the rounds that
opened and shut, then reminders and digests sent to each unit's channel. Each job runs once a day (its
run is an audit-log entry, so a restarted worker does not send twice); reminders wait for a working day.
One worker per database: a second one waits for the first's lock (PostgreSQL advisory lock; on SQLite
a lock on a file beside the database)."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from . import clock
from .config import settings
from .store import audit, transaction
from .store.models import AuditEntry, Round
from .supervise import calendar, rounds, state

ACTOR = "worker"
LOCK_KEY = 0x6475_6261_6E  # "duban": the advisory lock every worker of a database takes
ORDER = ("refresh", "rounds", "remind", "digest")
RETRY_EVERY = 300.0  # seconds between the worker's looks at messages waiting for a retry or quiet hours' end


@dataclass
class Ran:
    job: str
    day: date
    said: str  # what it did, for the log and the terminal
    skipped: bool = False


def refresh(engine: Engine, day: date) -> str:
    done = state.refresh_all(engine, day)
    return f"已判定 {done.derived} 项，按推算更新 {done.moved} 项，{done.held} 项不变 (derived, moved, held)"


def round_events(engine: Engine, day: date) -> str:
    """Each round that has opened or shut by `day` written once to the audit log, with the shut one's
    count of reports expected, on time, late and missing as it stood that day."""
    opened = shut = 0
    with transaction(engine) as s:
        told = set(s.scalars(select(AuditEntry.entity_id).where(AuditEntry.action.in_(("round_opened", "round_shut")))))
        for r in s.scalars(select(Round).where(Round.opens <= day)):
            if f"{r.id}:opened" not in told:
                audit.record(s, ACTOR, "round_opened", "round", f"{r.id}:opened", name=r.name, due=r.due)
                opened += 1
            if rounds.shut(r, day) and f"{r.id}:shut" not in told:
                t = rounds.tally(s, r, day)
                audit.record(s, ACTOR, "round_shut", "round", f"{r.id}:shut", name=r.name, expected=t.expected,
                             on_time=len(t.on_time), late=len(t.late), missed=len(t.missed) + len(t.pending))
                shut += 1
    return f"开始 {opened} 轮，结束 {shut} 轮 (rounds opened, shut)"


def remind(engine: Engine, day: date) -> str:
    """The morning's 催办 and events, one message each, to the units that take them so."""
    return notified(engine, day, "events")


def digest(engine: Engine, day: date) -> str:
    """The day's digest, to the units that take one; and what quiet hours held or a failure left."""
    return notified(engine, day, "digest")


def notified(engine: Engine, day: date, only: str) -> str:
    from . import notify  # the channels load only where messages are sent

    queued = notify.queue_day(engine, day, only=only)
    return f"排队 {queued} 条；{sent_line(notify.send_due(engine, clock.now()))}"


def sent_line(counts) -> str:
    return f"发送 {counts.sent} 条，失败 {counts.failed} 条，暂缓 {counts.held} 条 (sent, failed, held)"


JOBS: dict[str, Callable[[Engine, date], str]] = {"refresh": refresh, "rounds": round_events, "remind": remind,
                                                  "digest": digest}
ON_WORKDAYS = {"remind", "digest"}  # no 催办 on a Sunday or during 春节


def ran_before(engine: Engine, job: str, day: date) -> bool:
    with engine.connect() as c:
        return c.scalar(select(AuditEntry.id).where(AuditEntry.action == "run_job",
                                                    AuditEntry.entity_id == f"{job}:{day}").limit(1)) is not None


def run_job(engine: Engine, job: str, day: date, force: bool = False) -> Ran:
    """`job` for `day`, unless it already ran for that day (`force`: again) or the day is off for it."""
    if job in ON_WORKDAYS and not calendar.is_workday(day):
        return Ran(job, day, "非工作日，不发送 (not a working day)", skipped=True)
    if not force and ran_before(engine, job, day):
        return Ran(job, day, "今天已运行 (already ran)", skipped=True)
    with clock.set_to(day) if day != clock.today() else nullcontext():
        said = JOBS[job](engine, day)
    with transaction(engine) as s:
        audit.record(s, ACTOR, "run_job", "job", f"{job}:{day}", said=said)
    return Ran(job, day, said)


def due_jobs(now: datetime) -> list[str]:
    """The jobs whose time today has come, in order; a job with no time set never runs on its own."""
    times = settings()["schedule"]
    return [j for j in ORDER if times.get(j) and clock_time(times[j]) <= now.time()]


def clock_time(text: str):
    return datetime.strptime(text, "%H:%M").time()


def next_wake(now: datetime) -> float:
    """Seconds until the next job's time today, or the first one tomorrow; at most RETRY_EVERY, when the
    messages waiting for a retry or for quiet hours to end are sent."""
    times = sorted(clock_time(t) for t in settings()["schedule"].values() if t)
    later = [datetime.combine(now.date(), t) for t in times if t > now.time()]
    wake = later[0] if later else datetime.combine(now.date() + timedelta(days=1), times[0]) if times else now
    return max(1.0, min(RETRY_EVERY, (wake - now).total_seconds()))


def retried(engine: Engine) -> str | None:
    """Send the waiting messages whose time has come (a retry, the end of quiet hours); None if none."""
    from . import notify

    counts = notify.send_due(engine, clock.now())
    return sent_line(counts) if counts.sent or counts.failed else None


@contextmanager
def the_only_worker(engine: Engine, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the database's worker lock while the block runs; `waiting` is told once if another has it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as c:
            if not c.exec_driver_sql(f"SELECT pg_try_advisory_lock({LOCK_KEY})").scalar():
                waiting()
                c.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_KEY})")
            try:
                yield
            finally:
                c.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEY})")
        return
    with open(Path(engine.url.database).with_suffix(".worker.lock"), "w") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(f, fcntl.LOCK_EX)
        yield


def work(engine: Engine, said: Callable[[Ran], None], rounds_left: int | None = None) -> None:
    """Run each day's jobs as their times come, for ever (or `rounds_left` wake-ups, for tests)."""
    while rounds_left is None or rounds_left > 0:
        now = clock.now()
        for job in due_jobs(now):
            said(run_job(engine, job, now.date()))
        if (sent := retried(engine)) is not None:
            said(Ran("retry", now.date(), sent))
        if rounds_left is not None:
            rounds_left -= 1
            if rounds_left == 0:
                return
        time.sleep(next_wake(clock.now()))
