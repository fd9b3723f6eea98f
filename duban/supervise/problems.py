"""The problem closed loop (问题发现、协调、解决、反馈闭环): a problem raised on a task moves 发现 → 协调
(assigned to a unit or leader) → 解决 → 反馈 → 销号, one step at a time, each step with who, when and
what was said. 反馈 may send it back to 协调 when the fix did not hold. A problem not 销号 by its due
day (raised + N working days) is overdue."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..store import audit
from ..store.among import among
from ..store.models import Problem, ProblemStep, Task
from . import calendar
from .facts import end_of
from .status import RULES

STATES = ("发现", "协调", "解决", "反馈", "销号")
NEXT = {"发现": ("协调",), "协调": ("解决",), "解决": ("反馈",), "反馈": ("销号", "协调"), "销号": ()}


def raise_problem(session: Session, task_id: int, text: str, actor: str, unit: str | None = None,
                  at: datetime | None = None, due: date | None = None) -> Problem:
    if session.get(Task, task_id) is None:
        raise DubanError(f"台账中没有任务 {task_id} (no such task)")
    if not text.strip():
        raise DubanError("问题内容不能为空 (the problem text is empty)")
    at = at or clock.now()
    p = Problem(task_id=task_id, unit_id=unit, text=text.strip(), raised_by=actor, raised_at=at,
                due=due or calendar.add_workdays(at.date(), RULES["problems"]["due_workdays"]))
    session.add(p)
    session.flush()
    session.add(ProblemStep(problem_id=p.id, state="发现", actor=actor, at=at, note=p.text))
    audit.record(session, actor, "raise_problem", "problem", p.id, task=task_id, unit=unit, due=p.due.isoformat())
    return p


def move(session: Session, problem_id: int, state: str, actor: str, note: str = "", assignee: str | None = None,
         at: datetime | None = None) -> Problem:
    """Move a problem to its next state; 协调 needs an assignee (a unit or a leader)."""
    p = session.get(Problem, problem_id)
    if p is None:
        raise DubanError(f"没有问题 #{problem_id} (no such problem)")
    if state not in NEXT[p.state]:
        allowed = "、".join(NEXT[p.state]) or "无（已销号）"
        raise DubanError(f"问题 #{p.id} 处于“{p.state}”，下一步只能是：{allowed} (cannot go to {state})")
    if state == "协调" and not (assignee or "").strip():
        raise DubanError("协调须指定负责的单位或领导 (an assignee is needed)")
    at = at or clock.now()
    if p.due is None:  # raised from a returned sheet: the clock starts when it was raised
        p.due = calendar.add_workdays(p.raised_at.date(), RULES["problems"]["due_workdays"])
    p.state, p.assignee = state, assignee or p.assignee
    session.add(ProblemStep(problem_id=p.id, state=state, actor=actor, at=at, note=note, assignee=assignee))
    audit.record(session, actor, "problem_" + state, "problem", p.id, note=note, assignee=assignee)
    return p


def state_on(p: Problem, as_of: date) -> str | None:
    """The state the problem was in at the end of `as_of` (None: not yet raised)."""
    steps = [s.state for s in p.steps if s.at <= end_of(as_of)]
    return steps[-1] if steps else ("发现" if p.raised_at <= end_of(as_of) else None)


def overdue(p: Problem, as_of: date) -> bool:
    due = p.due or calendar.add_workdays(p.raised_at.date(), RULES["problems"]["due_workdays"])
    return state_on(p, as_of) not in (None, "销号") and as_of > due


def problems(session: Session, as_of: date, task_ids: list[int] | None = None) -> list[Problem]:
    """Problems raised by `as_of`, oldest first."""
    q = select(Problem).where(Problem.raised_at <= end_of(as_of)).order_by(Problem.id)
    return list(session.scalars(q.where(among(Problem.task_id, task_ids)) if task_ids is not None else q))
