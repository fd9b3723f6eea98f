"""Reminders (催办): for each lead unit, the tasks with a warning and the reports still owed in the open
round, as a message the office can paste into a chat, and as rows for a sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from . import problems, rounds, warnings
from .records import COLOUR_NAMES
from .status import ymd


@dataclass
class Item:
    key: str
    number: str
    title: str
    colour: str | None
    reason: str


@dataclass
class Reminder:
    unit: str  # registry name
    items: list[Item] = field(default_factory=list)
    owed: list[str] = field(default_factory=list)  # task numbers not yet reported in the open round
    round: str = ""
    due: date | None = None

    def text(self, as_of: date, issuer: str) -> str:
        lines = [f"【督办提醒】{self.unit}：", f"截至{ymd(as_of)}，你单位牵头的以下任务需抓紧推进："]
        lines += [f"{i}. {COLOUR_NAMES.get(x.colour, '提示')}｜任务{x.number}“{x.title}”：{x.reason}"
                  for i, x in enumerate(self.items, start=1)]
        if self.owed:
            lines.append(f"请于{ymd(self.due)}前报送“{self.round}”调度进展（尚有{len(self.owed)}项未报：任务"
                         f"{'、'.join(self.owed)}）。")
        return "\n".join([*lines, f"{issuer}  {ymd(as_of)}"])


def reminders(session: Session, as_of: date, documents: list[int] | None = None) -> list[Reminder]:
    """Units with something to be reminded of, most urgent (most red) first."""
    board = warnings.board(session, as_of, documents)
    by_unit: dict[str, Reminder] = {}
    for e in board:
        for unit, name in e.facts.lead_units.items():
            # the unit is told of its own missed rounds, not of the other lead units'
            w = warnings.warn(e.facts, e.status, as_of, {u: r for u, r in e.missed.items() if u == unit})
            if w.colour:
                by_unit.setdefault(unit, Reminder(name)).items.append(
                    Item(e.facts.key, e.facts.number, e.facts.title, w.colour, "；".join(w.reasons)))
    add_problems(session, as_of, board, by_unit)
    add_owed(session, as_of, board, by_unit)
    order = {"red": 0, "yellow": 1, "blue": 2, None: 3}
    for r in by_unit.values():
        r.items.sort(key=lambda x: order[x.colour])
    return sorted(by_unit.values(), key=lambda r: (-sum(x.colour == "red" for x in r.items), r.unit))


def add_problems(session: Session, as_of: date, board: list[warnings.Entry], by_unit: dict[str, Reminder]) -> None:
    facts = {e.facts.id: e.facts for e in board}
    for p in problems.problems(session, as_of, list(facts)):
        if problems.overdue(p, as_of):
            f = facts[p.task_id]
            for unit, name in f.lead_units.items():
                by_unit.setdefault(unit, Reminder(name)).items.append(
                    Item(f.key, f.number, f.title, None, f"问题#{p.id}“{p.text}”逾期未销号（{problems.state_on(p, as_of)}）"))


def add_owed(session: Session, as_of: date, board: list[warnings.Entry], by_unit: dict[str, Reminder]) -> None:
    facts = {e.facts.id: e.facts for e in board}
    for r in rounds.rounds_of(session, sorted({f.document_id for f in facts.values()})):
        if r.opens <= as_of and not rounds.shut(r, as_of):
            for task, unit in rounds.tally(session, r, as_of).pending:
                if task in facts:
                    reminder = by_unit.setdefault(unit, Reminder(facts[task].lead_units[unit]))
                    reminder.owed.append(facts[task].number)
                    reminder.round, reminder.due = r.name, r.due
