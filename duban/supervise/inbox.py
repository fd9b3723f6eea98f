"""The office's 工作台: what waits for it on a day. 批示 the units have not answered and answers to
confirm, 延期 to decide, problems open and overdue, rounds in progress (those closing soon first) and, in
each, the units that have not reported yet. `counts` is the cheap part the menu shows on every page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..store.models import Document, Extension, Instruction, Problem, Round, Task, TaskRole
from . import calendar, notes, problems, rounds
from .facts import end_of
from .status import RULES


@dataclass
class Counts:
    """The numbers on the menu and the top of the 工作台."""

    answered: int = 0  # 批示 answered by the unit, waiting for the office's 已落实
    unanswered: int = 0  # 批示 the lead unit has not answered
    extensions: int = 0  # 延期 waiting for a decision
    problems_open: int = 0
    problems_overdue: int = 0

    @property
    def waiting(self) -> int:
        """What only the office can move: answers to confirm, requests to decide, overdue problems."""
        return self.answered + self.extensions + self.problems_overdue


@dataclass
class RoundDue:
    round: Round
    state: str
    workdays_left: int  # to its due day (negative: in its grace days)
    closing: bool
    pending: dict[str, list[int]] = field(default_factory=dict)  # unit id -> ids of the tasks not reported yet


def live_tasks():
    """Tasks of the running plans' current versions (a finished plan asks nothing more)."""
    return select(Task.id).join(Document).where(Document.current, Document.running)


def counts(s: Session, as_of: date) -> Counts:
    states = dict(s.execute(select(Instruction.state, func.count()).where(Instruction.task_id.in_(live_tasks()))
                            .group_by(Instruction.state)).all())
    waiting = s.scalar(select(func.count()).select_from(Extension).where(
        Extension.state == "待审批", Extension.task_id.in_(live_tasks())))
    found = open_problems(s, as_of)
    return Counts(states.get(notes.ANSWERED, 0), states.get(notes.PENDING, 0), waiting, len(found),
                  sum(problems.overdue(p, as_of) for p in found))


def unanswered_for(s: Session, unit_ids: list[str]) -> int:
    """批示 on live tasks led by one of the units, not answered yet."""
    led = select(TaskRole.task_id).where(TaskRole.role == "lead_units", TaskRole.unit_id.in_(unit_ids))
    return s.scalar(select(func.count()).select_from(Instruction).where(
        Instruction.state == notes.PENDING, Instruction.task_id.in_(led), Instruction.task_id.in_(live_tasks())))


def open_problems(s: Session, as_of: date) -> list[Problem]:
    """Problems on live tasks not 销号 on `as_of`, oldest first."""
    found = s.scalars(select(Problem).where(Problem.state != "销号", Problem.task_id.in_(live_tasks()),
                                            Problem.raised_at <= end_of(as_of)).order_by(Problem.id))
    return [p for p in found if problems.state_on(p, as_of) != "销号"]


def rounds_due(s: Session, as_of: date) -> list[RoundDue]:
    """Rounds of running plans open on `as_of`, the nearest due first, with who has not reported."""
    running = select(Document.id).where(Document.current, Document.running)
    found = []
    for r in s.scalars(select(Round).where(Round.document_id.in_(running), Round.opens <= as_of)
                       .order_by(Round.due, Round.id)):
        if rounds.shut(r, as_of):
            continue
        left = calendar.workdays_between(as_of, r.due)
        line = RoundDue(r, rounds.state(r, as_of), left, left <= RULES["rounds"]["closing_workdays"])
        for task, unit in rounds.tally(s, r, as_of).pending:
            line.pending.setdefault(unit, []).append(task)
        found.append(line)
    return found
