"""Working days in mainland China: weekends off, statutory holidays off, make-up workdays (调休) on,
as published by the State Council and kept by the `chinesecalendar` package. Years the package
does not yet know fall back to Monday–Friday; `known` tells which."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import chinese_calendar

SOURCE = f"chinesecalendar {chinese_calendar.__version__}"  # whose holidays: another release may move them


def known(day: date) -> bool:
    try:
        chinese_calendar.is_workday(day)
        return True
    except NotImplementedError:
        return False


@cache  # the package checks its whole table on every call; a ledger asks about the same days again and again
def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_workday(day: date) -> date:
    """`day` if it is a working day, else the first one after it (a limit falling on a holiday moves on)."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_workdays(day: date, n: int) -> date:
    """The n-th working day after `day` (n = 0: `day` itself)."""
    while n > 0:
        day += timedelta(days=1)
        n -= is_workday(day)
    return day


@cache  # most tasks share a limit (年底前): one count serves them all
def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end < start:
        return -workdays_between(end, start)
    return sum(is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
