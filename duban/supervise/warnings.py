"""The three-colour warnings of the 督办单 practice: red when a task is overdue or a lead unit missed the
last shut round, yellow when it is behind 序时进度 (or not started late into its period), blue when its
time limit is a few working days away. The worst colour wins; every reason is kept."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from ..store.ledger import BATCH
from . import calendar, facts, rounds, status
from .facts import Facts
from .status import RULES, Status, ymd


@dataclass
class Warning:
    colour: str | None = None  # red, yellow, blue
    reasons: list[str] = field(default_factory=list)

    def raise_to(self, colour: str, reason: str) -> None:
        order = (None, "blue", "yellow", "red")
        if order.index(colour) > order.index(self.colour):
            self.colour = colour
        self.reasons.append(reason)


@dataclass
class Entry:
    """A task on a day: what is known, its status, its warning."""

    facts: Facts
    status: Status
    warning: Warning
    missed: dict[str, str] = field(default_factory=dict)  # lead unit id -> the shut round it missed


def warn(f: Facts, s: Status, as_of: date, missed: dict[str, str], rules: dict = RULES) -> Warning:
    """`missed`: unit id -> the name of the shut round it did not report in."""
    w = Warning()
    if s.status in (status.DONE, "长期坚持") and not missed:
        return w
    if s.overdue:
        w.raise_to("red", f"逾期{s.overdue}个工作日（时限{ymd(s.due)}）")
    for unit, name in missed.items():
        w.raise_to("red", f"{f.lead_units.get(unit, unit)}未报送“{name}”调度")
    if s.behind and not s.overdue:
        w.raise_to("yellow", s.reasons[-1])
    if s.status == "未启动" and (s.expected or 0) >= rules["warnings"]["not_started_yellow"]:
        w.raise_to("yellow", f"尚未启动，序时进度已达{status.pct(s.expected)}")
    if (left := days_left(s, as_of, rules)) is not None:
        w.raise_to("blue", f"距时限{ymd(s.due)}还有{left}个工作日")
    return w


def days_left(s: Status, as_of: date, rules: dict = RULES) -> int | None:
    """Working days to the limit of an open task due soon (临期), whatever colour a worse reason gives it;
    None when it is done, overdue, without a limit or not yet near it."""
    if s.status == status.DONE or not s.due or s.overdue:
        return None
    left = calendar.workdays_between(as_of, s.due)
    return left if left <= rules["warnings"]["blue_workdays"] else None


def lateness(s: Status, as_of: date, rules: dict = RULES) -> str:
    """overdue, soon (临期) or "": what is kept of the task's lateness, its counts of days moving daily."""
    return "overdue" if s.overdue else "soon" if days_left(s, as_of, rules) is not None else ""


def last_missed(session: Session, as_of: date, documents: Iterable[int], tasks: list[int],
                known: dict[int, list]) -> dict[int, dict[str, str]]:
    """task id -> {unit id: round name} for the latest round of each document shut by `as_of` (of some
    tasks only: a page of the ledger need not tally whole documents). `known` keeps each document's
    rounds between batches."""
    missed: dict[int, dict[str, str]] = {}
    for of_doc in rounds.of_each(session, documents, known):
        if shut := [r for r in of_doc if rounds.shut(r, as_of)]:
            for task_id, unit in rounds.tally(session, shut[-1], as_of, tasks).missed:
                missed.setdefault(task_id, {})[unit] = shut[-1].name
    return missed


def batches(session: Session, as_of: date, documents: list[int] | None = None, rules: dict = RULES,
            tasks: list[int] | None = None) -> Iterator[list[Entry]]:
    """The board a batch of tasks at a time: memory stays flat however large the ledger."""
    ids = facts.current_ids(session, documents, tasks)
    known: dict[int, list] = {}  # each document's rounds
    for i in range(0, len(ids), BATCH):
        yield entries(session, as_of, ids[i:i + BATCH], rules, known)


def entries(session: Session, as_of: date, ids: list[int], rules: dict = RULES,
            known: dict[int, list] | None = None) -> list[Entry]:
    """These tasks (current and active, at most a BATCH) on `as_of`, in this order. `known` keeps each
    document's rounds between batches."""
    found = facts.read(session, as_of, ids)
    missed = last_missed(session, as_of, [f.document_id for f in found.values()], list(found),
                         {} if known is None else known)
    out = []
    for f in found.values():
        s, owed = status.derive(f, as_of, rules), missed.get(f.id, {})
        out.append(Entry(f, s, warn(f, s, as_of, owed, rules), owed))
    return out


def stream(session: Session, as_of: date, documents: list[int] | None = None, rules: dict = RULES,
           tasks: list[int] | None = None) -> Iterator[Entry]:
    for entries in batches(session, as_of, documents, rules, tasks):
        yield from entries


def board(session: Session, as_of: date, documents: list[int] | None = None, rules: dict = RULES,
          tasks: list[int] | None = None) -> list[Entry]:
    """Every current task (of some documents, or some tasks) with its status and warning on `as_of`."""
    return list(stream(session, as_of, documents, rules, tasks))
