"""A unit's report on one task, outside a returned sheet (the web form, the CLI, a script): checked like
a sheet row, stored like one. A unit starts from a draft: its last report on each task it is asked
about in a round, so it only changes what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..sheets.returns import Returned, status_of
from ..store.ledger import UNIT_ROLES, task_key
from ..store.models import Document, ProgressReport, Round, Task, TaskRole
from ..store.progress import store_report
from . import rounds


def report(session: Session, task_id: int, unit: str | None, actor: str, *, status: str | None = None,
           progress: str = "", percent: float | None = None, value: float | None = None, problem: str = "",
           at: datetime | None = None) -> ProgressReport:
    """Store one report; DubanError when the task is not current, the unit has no role on it, or the
    status word or percentage is not one duban reads."""
    task = session.scalar(select(Task).join(Document).where(Task.id == task_id, Task.active, Document.current))
    if task is None:
        raise DubanError(f"台账中没有现行任务 {task_key(task_id)} (no such current task)")
    if unit is not None and not session.scalar(select(TaskRole.id).where(
            TaskRole.task_id == task_id, TaskRole.unit_id == unit, TaskRole.role.in_(UNIT_ROLES))):
        raise DubanError(f"{unit} 不是任务 {task_key(task_id)} 的牵头或责任单位 (the unit has no role on this task)")
    if percent is not None and not 0 <= percent <= 100:
        raise DubanError(f"完成比例超出 0–100 (out of range): {percent}")
    try:
        word = status_of(status) if status else None
    except ValueError as e:
        raise DubanError(str(e)) from None
    r = Returned("", 0, task_id, task_key(task_id), None, progress=progress, status=word, percent=percent,
                 value=value, problem=problem)
    return store_report(session, r, task, unit, actor, at or clock.now(), "direct")


@dataclass
class Draft:
    task_id: int
    number: str
    title: str
    last: ProgressReport | None  # the unit's last report: the form starts from it


def drafts(session: Session, r: Round, unit: str) -> list[Draft]:
    """What the unit is asked for in round `r`, each task with its last report."""
    ids = [task_id for task_id, u in rounds.expected(session, r) if u == unit]
    last = {}
    for p in session.scalars(select(ProgressReport).where(ProgressReport.task_id.in_(ids),
                                                          ProgressReport.unit_id == unit).order_by(ProgressReport.id)):
        last[p.task_id] = p
    tasks = {t.id: t for t in session.scalars(select(Task).where(Task.id.in_(ids)))}
    return [Draft(i, tasks[i].number, tasks[i].title, last.get(i)) for i in ids]
