"""Reminders (催办): for each lead unit, the tasks with a warning and the reports still owed in the open
round, as a message the office can paste into a chat, and as rows for a sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from . import problems, rounds, warnings
from .facts import Facts
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
    """Units with something to be reminded of, most urgent (most red) first. The board is read a batch
    at a time: only what a unit is told is kept."""
    by_unit: dict[str, Reminder] = {}
    known: dict[int, list] = {}  # each document's rounds
    for batch in warnings.batches(session, as_of, documents):
        add_warned(as_of, batch, by_unit)
        found = {e.facts.id: e.facts for e in batch}
        add_problems(session, as_of, found, by_unit)
        add_owed(session, as_of, found, by_unit, known)
    order = {"red": 0, "yellow": 1, "blue": 2, None: 3}
    for r in by_unit.values():
        r.items.sort(key=lambda x: order[x.colour])
    return sorted(by_unit.values(), key=lambda r: (-sum(x.colour == "red" for x in r.items), r.unit))


def add_warned(as_of: date, batch: list[warnings.Entry], by_unit: dict[str, Reminder]) -> None:
    for e in batch:
        for unit, name in e.facts.lead_units.items():
            # the unit is told of its own missed rounds, not of the other lead units'
            w = warnings.warn(e.facts, e.status, as_of, {u: r for u, r in e.missed.items() if u == unit})
            if w.colour:
                by_unit.setdefault(unit, Reminder(name)).items.append(
                    Item(e.facts.key, e.facts.number, e.facts.title, w.colour, "；".join(w.reasons)))


def add_problems(session: Session, as_of: date, found: dict[int, Facts], by_unit: dict[str, Reminder]) -> None:
    for p in problems.problems(session, as_of, list(found)):
        if problems.overdue(p, as_of):
            f = found[p.task_id]
            for unit, name in f.lead_units.items():
                by_unit.setdefault(unit, Reminder(name)).items.append(
                    Item(f.key, f.number, f.title, None, f"问题#{p.id}“{p.text}”逾期未销号（{problems.state_on(p, as_of)}）"))


def add_owed(session: Session, as_of: date, found: dict[int, Facts], by_unit: dict[str, Reminder],
             known: dict[int, list]) -> None:
    """The batch's reports owed in its documents' open rounds (`known`: the rounds, kept between batches)."""
    for doc in sorted({f.document_id for f in found.values()}):
        for r in [r for r in rounds.of_document(session, doc, known) if r.opens <= as_of and not rounds.shut(r, as_of)]:
            for task, unit in rounds.tally(session, r, as_of, list(found)).pending:
                reminder = by_unit.setdefault(unit, Reminder(found[task].lead_units[unit]))
                reminder.owed.append(found[task].number)
                if reminder.due is None or r.due >= reminder.due:  # the text names the latest round
                    reminder.round, reminder.due = r.name, r.due
