"""How long a task's derived state holds: the last day on which its status, colour and lateness (overdue,
临期 or neither) are sure to be today's if nothing happens to the task — and whatever happens to it (a
report, an override, an extension, a round opened or locked) derives it again at once. The daily refresh
then derives only the tasks whose day has come, not a province's million; and what their state becomes
then is worked out ahead (`ahead`), so that a day when most limits move needs no deriving either.

The rules compare the day with a few dates only, so a state can move on those days alone: its limit (序时
进度 reaches 100 % on it, it is behind the day after, overdue from the next working day), the first day of
its 临期 window, the month ends that move 序时进度 (every day when it is measured in days), the days its
plan's rounds shut, and the day of a fact recorded after the day (a past day replayed). Any of them may
leave the state as it was: then the next refresh derives it once more and moves its day on."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import cache
from typing import NamedTuple

from .. import __version__
from ..store.models import Round
from . import calendar, status
from .facts import Facts
from .status import RULES, Status, month_end
from .warnings import Entry, lateness, warn

ONE_DAY = timedelta(days=1)
STEPS = 6  # states worked out ahead: a year's-end limit moves a task four times in three weeks


class Step(NamedTuple):
    """A state ahead: from its first day through its last (None: no end)."""
    day: date
    until: date | None
    status: str
    colour: str  # "none" where no colour
    late: str


def mark(rules: dict = RULES) -> str:
    """What a promise to hold rests on: the rules, the holiday calendar, this release's code."""
    under = json.dumps([rules, calendar.SOURCE, __version__], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(under.encode()).hexdigest()[:16]


def until(e: Entry, as_of: date, rounds: Iterable[Round], rules: dict = RULES) -> date | None:
    """The last day from `as_of` on which the task's state is sure to hold (`as_of` itself when it may move
    tomorrow); None when no day ahead moves it (a task done, or standing, with no round left to shut)."""
    shut = () if e.status.overdue else shutting(rounds)  # red already: a round missed adds only a reason
    ahead = [d for d in (*limit_days(e.status, rules), *shut, e.facts.later) if d is not None and d > as_of]
    first = min(ahead, default=None)
    if moved := schedule_moves(e, as_of, first, rules):
        first = moved
    return first - ONE_DAY if first else None


def ahead(e: Entry, as_of: date, last: date | None, rounds: list[Round], rules: dict = RULES) -> list[Step]:
    """The states that follow the one derived on `as_of` (sure through `last`, its `until`) if nothing
    happens to the task, each through the day before the next (equal ones merged), STEPS at most. None
    from the day a round shuts or a fact recorded after the day counts: the ledger's data decide those, so
    the refresh derives the task then."""
    f, steps = e.facts, []
    stop = min((d for d in (*shutting(rounds), f.later) if d is not None and d > as_of), default=date.max)
    for _ in range(STEPS):
        if last is None or (day := last + ONE_DAY) >= stop:
            break
        s = status.derive(f, day, rules)
        w = warn(f, s, day, e.missed, rules)
        last = until(Entry(f, s, w, e.missed), day, rounds, rules)
        step = Step(day, last, s.status, w.colour or "none", lateness(s, day, rules))
        if steps and steps[-1][2:] == step[2:]:
            steps[-1] = steps[-1]._replace(until=last)
        else:
            steps.append(step)
    return steps


def schedule_moves(e: Entry, as_of: date, before: date | None, rules: dict) -> date | None:
    """The first day before `before` on which 序时进度 has moved enough to change the task's state:
    tomorrow when it is measured in days, else the first month's end that does (on a month's last day it
    moves to the next month's). A task behind with 60 % reported stays behind while 序时进度 climbs, one at
    95 % is 序时推进 until 序时进度 passes it: most month ends change nothing. From the limit on, 100 %."""
    s = e.status
    if s.expected is None or s.status == status.DONE or as_of >= s.due:
        return None
    if rules["schedule"]["measure"] == "day":
        return as_of + ONE_DAY
    day, now = month_end(as_of + ONE_DAY), None
    while day < (before or s.due):
        now = now or judged(e.facts, as_of, e.missed, rules)
        if judged(e.facts, day, e.missed, rules) != now:
            return day
        day = month_end(day + ONE_DAY)
    return None


def judged(f: Facts, day: date, missed: dict[str, str], rules: dict) -> tuple[str, str | None, str]:
    """What is stored of the task's state on `day` that the day can move: status, colour, lateness."""
    s = status.derive(f, day, rules)
    return s.status, warn(f, s, day, missed, rules).colour, lateness(s, day, rules)


def limit_days(s: Status, rules: dict) -> Iterator[date]:
    """The limit's days: 临期 from the window's first day, 序时进度 at 100 % on the limit, behind the day
    after, overdue (red) from the first working day after it. A task done has none."""
    if s.status == status.DONE or s.due is None:
        return
    yield window_opens(s.due, rules["warnings"]["blue_workdays"])
    yield s.due
    yield s.due + ONE_DAY
    yield calendar.add_workdays(s.due, 1)


def shutting(rounds: Iterable[Round]) -> Iterator[date]:
    """A plan's rounds shut on their closing day, or on the day the office locked them."""
    for r in rounds:
        yield r.closes
        if r.locked_at is not None:
            yield r.locked_at.date()


@cache  # a ledger's tasks share a few limits
def window_opens(due: date, workdays: int) -> date:
    """The first day from which at most `workdays` working days remain to `due`: the (workdays + 1)-th
    working day counting back from it, the limit itself the first if it is one."""
    day, seen = due, 0
    while (seen := seen + calendar.is_workday(day)) <= workdays:
        day -= ONE_DAY
    return day
