"""Counting from the stored task states (supervise/state.py): 总览 on a day they are fresh reads the
tallies kept beside them (supervise/tallies.py) by status, colour, lateness, chapter and lead unit instead
of deriving every task, and lists the overdue and due-soon tasks from the states; the plans whose period
is over come from the stored limits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, false, func, select
from sqlalchemy.orm import Session

from ..store.models import (
    ChapterTally,
    Document,
    RunningTally,
    RunningUnitTally,
    Task,
    TaskState,
    Unit,
    UnitTally,
)


def totals(session: Session, doc: int | None) -> list[tuple[str, str, str, int]]:
    """(status, colour, lateness, tasks) of one document's tasks, or of every running plan's."""
    m = ChapterTally if doc else RunningTally
    q = select(m.status, m.colour, m.late, func.sum(m.n)).group_by(m.status, m.colour, m.late).having(func.sum(m.n) > 0)
    return [tuple(r) for r in session.execute(q.where(m.document_id == doc) if doc else q)]


def unit_counts(session: Session, doc: int | None) -> list[tuple[str | None, str, str, int]]:
    """(lead unit's name, status, colour, tasks) of one document's tasks, or of every running plan's; None
    for the tasks that name no lead unit."""
    m = UnitTally if doc else RunningUnitTally
    q = (select(Unit.name, m.status, m.colour, func.sum(m.n)).select_from(m).outerjoin(Unit, Unit.id == m.unit_id)
         .group_by(Unit.name, m.status, m.colour).having(func.sum(m.n) > 0))
    return [tuple(r) for r in session.execute(q.where(m.document_id == doc) if doc else q)]


def plans_counted(doc: int | None) -> Select:
    """The document, or the running plans, that have a task counted, in order."""
    counted = (select(ChapterTally.n).where(ChapterTally.document_id == Document.id, ChapterTally.n > 0).limit(1)
               .scalar_subquery())  # a look-up per plan: EXISTS became a scan of every tally
    return (select(Document.id).where(Document.current, Document.id == doc if doc else Document.running,
                                      counted.is_not(None)).order_by(Document.id))


def plan_count(session: Session, doc: int | None) -> int:
    return session.scalar(select(func.count()).select_from(plans_counted(doc).subquery()))


def chapter_counts(session: Session, doc: int | None, plans: int) -> list[tuple[int, str, str, str, int]]:
    """(document, chapter, status, colour, tasks) of the first `plans` plans counted, chapters in the order
    they are printed."""
    first = list(session.scalars(plans_counted(doc).limit(plans)))
    rows = session.execute(
        select(ChapterTally.document_id, ChapterTally.chapter, ChapterTally.status, ChapterTally.colour,
               func.sum(ChapterTally.n)).where(ChapterTally.document_id.in_(first), ChapterTally.n > 0)
        .group_by(ChapterTally.document_id, ChapterTally.chapter, ChapterTally.status, ChapterTally.colour)).all()
    at = {(d, c): p for d, c, p in session.execute(
        select(Task.document_id, Task.chapter, func.min(Task.position)).where(Task.document_id.in_(first), Task.active)
        .group_by(Task.document_id, Task.chapter))}
    return sorted(map(tuple, rows), key=lambda r: (r[0], at.get((r[0], r[1]), 0)))


def overdue_and_due_soon(session: Session, doc: int | None, cap: int) -> tuple[list[int], list[int]]:
    """The first `cap` overdue tasks of the document or the running plans, longest overdue (earliest limit)
    first; the first `cap` of those near their limit, soonest first (ties in the documents' order)."""
    q = select(TaskState.task_id).where(TaskState.document_id == doc if doc else TaskState.running)
    return tuple(list(session.scalars(q.where(TaskState.late == late).order_by(
        TaskState.due, TaskState.document_id, TaskState.position).limit(cap))) for late in ("overdue", "soon"))


def plan_limits(session: Session) -> dict[int, tuple[bool, date | None]]:
    """By current document: whether a task is standing, and the latest limit in force of the others. Two
    look-ups in the index by document each (ix_task_states_document), not a count of every state."""
    mine = TaskState.document_id == Document.id
    # a scalar look-up, not EXISTS: PostgreSQL turns that into one scan of every state
    standing = select(TaskState.standing).where(mine, TaskState.standing).limit(1).scalar_subquery()
    latest = select(func.max(TaskState.due)).where(mine, TaskState.standing == false()).scalar_subquery()
    rows = session.execute(select(Document.id, standing, latest).where(Document.current))
    return {document_id: (bool(standing), latest) for document_id, standing, latest in rows}
