"""Reminders (催办): for each lead unit, the tasks with a warning and the reports still owed in the open
round, as a message the office can paste into a chat, and as rows for a sheet. What each unit is told
waits in a temporary SQLite file until read back unit by unit: a province's reminders in flat memory."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from ..store.models import Round
from . import problems, rounds, warnings
from .facts import Facts
from .records import COLOUR_NAMES
from .status import ymd

ORDER = {"red": 0, "yellow": 1, "blue": 2, None: 3}  # most urgent first


@dataclass
class Item:
    key: str
    number: str
    title: str
    colour: str | None
    reason: str
    overdue: bool = False  # past its limit (a task) or past its 销号 day (a problem)


class Spool:
    """Items and owed task numbers by unit, in insertion order, on disk ("" opens a private temporary file)."""

    def __init__(self) -> None:
        self.db = sqlite3.connect("", check_same_thread=False)  # a request's threads take turns with it
        self.db.execute("CREATE TABLE items (unit TEXT, rank INT, key TEXT, number TEXT, title TEXT, colour TEXT, "
                        "reason TEXT, overdue INT)")
        self.db.execute("CREATE TABLE owed (unit TEXT, number TEXT)")

    def add_item(self, unit: str, x: Item) -> None:
        self.db.execute("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (unit, ORDER[x.colour], x.key, x.number, x.title, x.colour, x.reason, x.overdue))

    def add_owed(self, unit: str, number: str) -> None:
        self.db.execute("INSERT INTO owed VALUES (?, ?)", (unit, number))

    def finish(self) -> None:
        self.db.execute("CREATE INDEX items_by_unit ON items (unit, rank)")  # rowid, the order added, comes last in any index
        self.db.execute("CREATE INDEX owed_by_unit ON owed (unit)")

    def items(self, unit: str) -> list[Item]:
        return [Item(*row[:-1], bool(row[-1])) for row in self.db.execute(
            "SELECT key, number, title, colour, reason, overdue FROM items WHERE unit = ? ORDER BY rank, rowid", (unit,))]

    def owed(self, unit: str) -> list[str]:
        return [n for (n,) in self.db.execute("SELECT number FROM owed WHERE unit = ? ORDER BY rowid", (unit,))]


@dataclass
class Reminder:
    unit: str  # registry name
    unit_id: str = ""
    spool: Spool | None = field(default=None, repr=False, compare=False)
    colours: Counter = field(default_factory=Counter)  # warned items by colour (None: an overdue problem)
    owing: int = 0  # reports not yet made in the open round
    round: str = ""
    due: date | None = None

    @property
    def items(self) -> list[Item]:
        """Warned tasks and overdue problems, most urgent first."""
        return self.spool.items(self.unit_id) if self.spool else []

    @property
    def owed(self) -> list[str]:
        """Task numbers not yet reported in the open round."""
        return self.spool.owed(self.unit_id) if self.spool and self.owing else []

    def text(self, as_of: date, issuer: str) -> str:
        lines = [f"【督办提醒】{self.unit}：", f"截至{ymd(as_of)}，你单位牵头的以下任务需抓紧推进："]
        lines += [f"{i}. {COLOUR_NAMES.get(x.colour, '提示')}｜任务{x.number}“{x.title}”：{x.reason}"
                  for i, x in enumerate(self.items, start=1)]
        if owed := self.owed:
            lines.append(f"请于{ymd(self.due)}前报送“{self.round}”调度进展（尚有{len(owed)}项未报：任务"
                         f"{'、'.join(owed)}）。")
        return "\n".join([*lines, f"{issuer}  {ymd(as_of)}"])


class Board:
    """The reminders being gathered: a Reminder per unit, what it is told in the spool."""

    def __init__(self) -> None:
        self.spool, self.by_unit = Spool(), {}

    def of(self, unit: str, name: str) -> Reminder:
        return self.by_unit.setdefault(unit, Reminder(name, unit, self.spool))

    def item(self, unit: str, name: str, x: Item) -> None:
        self.of(unit, name).colours[x.colour] += 1
        self.spool.add_item(unit, x)

    def owe(self, unit: str, name: str, number: str, r: Round) -> None:
        reminder = self.of(unit, name)
        reminder.owing += 1
        self.spool.add_owed(unit, number)
        if reminder.due is None or r.due >= reminder.due:  # the text names the latest round
            reminder.round, reminder.due = r.name, r.due


def reminders(session: Session, as_of: date, documents: list[int] | None = None) -> list[Reminder]:
    """Units with something to be reminded of, most urgent (most red) first. The board is read a batch
    at a time: only what a unit is told is kept."""
    board = Board()
    known: dict[int, list] = {}  # each document's rounds
    for batch in warnings.batches(session, as_of, documents):
        add_warned(as_of, batch, board)
        found = {e.facts.id: e.facts for e in batch}
        add_problems(session, as_of, found, board)
        add_owed(session, as_of, found, board, known)
    board.spool.finish()
    return sorted(board.by_unit.values(), key=lambda r: (-r.colours["red"], r.unit))


def add_warned(as_of: date, batch: list[warnings.Entry], board: Board) -> None:
    for e in batch:
        for unit, name in e.facts.lead_units.items():
            # the unit is told of its own missed rounds, not of the other lead units'
            w = warnings.warn(e.facts, e.status, as_of, {u: r for u, r in e.missed.items() if u == unit})
            if w.colour:
                board.item(unit, name, Item(e.facts.key, e.facts.number, e.facts.title, w.colour,
                                            "；".join(w.reasons), bool(e.status.overdue)))


def add_problems(session: Session, as_of: date, found: dict[int, Facts], board: Board) -> None:
    for p in problems.problems(session, as_of, list(found)):
        if problems.overdue(p, as_of):
            f = found[p.task_id]
            for unit, name in f.lead_units.items():
                board.item(unit, name, Item(f.key, f.number, f.title, None,
                                            f"问题#{p.id}“{p.text}”逾期未销号（{problems.state_on(p, as_of)}）", True))


def add_owed(session: Session, as_of: date, found: dict[int, Facts], board: Board, known: dict[int, list]) -> None:
    """The batch's reports owed in its documents' open rounds (`known`: the rounds, kept between batches)."""
    for of_doc in rounds.of_each(session, (f.document_id for f in found.values()), known):
        for r in [r for r in of_doc if r.opens <= as_of and not rounds.shut(r, as_of)]:
            for task, unit in rounds.tally(session, r, as_of, list(found)).pending:
                board.owe(unit, found[task].lead_units[unit], found[task].number, r)
