"""The day the ledger lives on: today, unless a demo names another (DUBAN_TODAY=2024-10-15) or a script
replays past events (`clock.set_to(day)`). The clock keeps running from that day, so a report made in
the demo lands on the demo's day and is judged with it. Sign-ins and the audit log keep real time."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from .errors import DubanError

replayed: ContextVar[date | None] = ContextVar("replayed", default=None)


def demo_day() -> date | None:
    """The day a demo runs on (DUBAN_TODAY), or None on a real ledger."""
    if not (named := os.environ.get("DUBAN_TODAY")):
        return None
    try:
        return date.fromisoformat(named)
    except ValueError:
        raise DubanError(f"DUBAN_TODAY 应为 YYYY-MM-DD，而不是 {named!r} (bad date)") from None


def now() -> datetime:
    real = datetime.now()
    day = replayed.get() or demo_day()
    return real if day is None else real + (day - real.date())


def today() -> date:
    return now().date()


@contextmanager
def set_to(day: date) -> Iterator[None]:
    """Run a block as if on `day` (a script replaying a year of events)."""
    token = replayed.set(day)
    try:
        yield
    finally:
        replayed.reset(token)
