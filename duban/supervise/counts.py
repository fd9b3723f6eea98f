"""Counting from the stored task states (supervise/state.py): 总览 on a day they are fresh counts statuses,
colours, chapters and lead units in SQL instead of deriving every task, and the plans whose period is over
come from the stored limits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, case, distinct, false, func, select
from sqlalchemy.orm import Session

from ..store.models import Document, Task, TaskRole, TaskState, Unit


def totals(session: Session, scope: Select) -> list[tuple[str, str, int]]:
    """(status, colour, tasks) of the tasks `scope` selects (ids)."""
    return [tuple(r) for r in session.execute(
        select(TaskState.status, TaskState.colour, func.count()).where(TaskState.task_id.in_(scope))
        .group_by(TaskState.status, TaskState.colour))]


def plan_count(session: Session, scope: Select) -> int:
    return session.scalar(select(func.count(distinct(Task.document_id))).where(Task.id.in_(scope)))


def chapter_counts(session: Session, scope: Select, plans: int) -> list[tuple[int, str, str, str, int]]:
    """(document, chapter, status, colour, tasks) of the tasks `scope` selects (ids) in its first `plans`
    documents, chapters in the order they are printed."""
    first = (select(Task.document_id).where(Task.id.in_(scope)).group_by(Task.document_id)
             .order_by(Task.document_id).limit(plans).scalar_subquery())
    rows = list(session.execute(
        select(TaskState.document_id, Task.chapter, TaskState.status, TaskState.colour, func.count(),
               func.min(TaskState.position)).join(Task, TaskState.task_id == Task.id)
        .where(TaskState.task_id.in_(scope), TaskState.document_id.in_(first))
        .group_by(TaskState.document_id, Task.chapter, TaskState.status, TaskState.colour)))
    at: dict[tuple[int, str], int] = {}
    for document_id, chapter, *_, position in rows:
        at[document_id, chapter] = min(position, at.get((document_id, chapter), position))
    return sorted(((d, c, st, co, n) for d, c, st, co, n, _ in rows), key=lambda r: (r[0], at[r[0], r[1]]))


def unit_counts(session: Session, scope: Select) -> list[tuple[str | None, str, str, int]]:
    """(lead unit's name, status, colour, tasks); None for the tasks that name no lead unit."""
    lead = (select(TaskRole.task_id, TaskRole.unit_id).join(Unit, Unit.id == TaskRole.unit_id)
            .where(TaskRole.role == "lead_units", Unit.kind != "group"))
    leads = lead.where(TaskRole.task_id.in_(scope)).distinct().subquery()
    named = session.execute(
        select(Unit.name, TaskState.status, TaskState.colour, func.count()).select_from(leads)
        .join(Unit, Unit.id == leads.c.unit_id).join(TaskState, TaskState.task_id == leads.c.task_id)
        .group_by(Unit.name, TaskState.status, TaskState.colour))
    unnamed = session.execute(  # NOT EXISTS: NOT IN over a million ids never finished
        select(TaskState.status, TaskState.colour, func.count())
        .where(TaskState.task_id.in_(scope), ~lead.where(TaskRole.task_id == TaskState.task_id).exists())
        .group_by(TaskState.status, TaskState.colour))
    return [*map(tuple, named), *((None, st, co, n) for st, co, n in unnamed)]


def overdue_and_due_soon(session: Session, scope: Select, cap: int) -> tuple[int, list[int], int, list[int]]:
    """How many tasks are overdue and the first `cap` of them, longest overdue first; the same of those
    near their limit, soonest first (ties in the documents' order)."""
    q = select(Task.id).join(TaskState, TaskState.task_id == Task.id).where(Task.id.in_(scope))
    overdue = q.where(TaskState.overdue > 0)
    soon = q.where(TaskState.days_left.is_not(None))

    def count(q: Select) -> int:
        return session.scalar(select(func.count()).select_from(q.subquery()))

    return (count(overdue), list(session.scalars(overdue.order_by(
        TaskState.overdue.desc(), Task.document_id, Task.position).limit(cap))),
        count(soon), list(session.scalars(soon.order_by(TaskState.due, Task.document_id, Task.position).limit(cap))))


def plan_limits(session: Session) -> dict[int, tuple[bool, date | None]]:
    """By current document: whether a task is standing, and the latest limit in force of the others."""
    rows = session.execute(
        select(Task.document_id, func.max(case((TaskState.standing, 1), else_=0)),
               func.max(case((TaskState.standing == false(), TaskState.due))))
        .join(TaskState, TaskState.task_id == Task.id).join(Document)
        .where(Document.current, Task.active).group_by(Task.document_id))
    return {document_id: (bool(standing), latest) for document_id, standing, latest in rows}
