"""Quiet hours ("22:00-07:30"): a message due inside them waits for their end. A window may cross
midnight; "" means none."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..errors import DubanError


def window(text: str) -> tuple[time, time] | None:
    if not text.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError:
        raise DubanError(f"notify.quiet_hours 应为 HH:MM-HH:MM，而不是 {text!r} (bad quiet hours)") from None
    return start, end


def inside(t: time, start: time, end: time) -> bool:
    return start <= t < end if start <= end else t >= start or t < end


def after_quiet(at: datetime, text: str) -> datetime:
    """`at`, or the end of the quiet hours it falls in."""
    found = window(text)
    if found is None or not inside(at.time(), *found):
        return at
    start, end = found
    ends = datetime.combine(at.date(), end)
    return ends if at.time() < end else ends + timedelta(days=1)
