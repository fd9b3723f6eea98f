"""Working days in mainland China: weekends off, statutory holidays off, make-up workdays (调休) on,
as published by the State Council and kept by the `chinesecalendar` package, and the office's own days
in its settings ([calendar] holidays / workdays), which win. A year neither knows falls back to
Monday–Friday (春节 and 国庆 as working days): `unknown_years` names it for a warning on every command
and in the inbox until the office adds that year's days."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import chinese_calendar

from ..config import settings
from ..errors import DubanError

SOURCE = f"chinesecalendar {chinese_calendar.__version__}"  # whose holidays: another release may move them


WARN_AHEAD_FROM = 11  # from November the next year's days matter too: offices set up next year's rounds


@cache
def office_days() -> tuple[frozenset[date], frozenset[date]]:
    """(holidays, workdays) the office has set, as dates; a malformed one is a settings error."""
    days = settings()["calendar"]
    try:
        return tuple(frozenset(date.fromisoformat(str(d)) for d in days[k]) for k in ("holidays", "workdays"))
    except ValueError as e:
        raise DubanError(f"[calendar] 中的日期应为 YYYY-MM-DD ({e})") from None


def known(day: date) -> bool:
    """Whether `day`'s year is in the package's table or the office has set holidays in it."""
    holidays, _ = office_days()
    if any(h.year == day.year for h in holidays):
        return True
    try:
        chinese_calendar.is_workday(day)
        return True
    except NotImplementedError:
        return False


def unknown_years(today: date) -> list[int]:
    """This year, and from November the next one, where neither the package nor the office knows the
    holidays."""
    years = [today.year, today.year + 1] if today.month >= WARN_AHEAD_FROM else [today.year]
    return [y for y in years if not known(date(y, 6, 1))]


def warning(today: date) -> str | None:
    """The loud line every command and the inbox show while a year's holidays are unknown."""
    if not (years := unknown_years(today)):
        return None
    named = "、".join(f"{y} 年" for y in years)
    return (f"节假日日历不含 {named}：这些年份暂按周一至周五计算工作日（春节、国庆将算作工作日）。"
            f"请升级本系统，或由管理员在设置文件中补填该年的放假日和调休上班日。")


@cache  # the package checks its whole table on every call; a ledger asks about the same days again and again
def is_workday(day: date) -> bool:
    holidays, workdays = office_days()
    if day in workdays or day in holidays:
        return day in workdays
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
