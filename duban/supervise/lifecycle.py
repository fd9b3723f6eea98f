"""A plan's lifecycle: 执行中 until the office marks it 已办结. A finished plan leaves the day's work
(总览, 考核, reminders, a unit's page and sheet) but stays in the ledger, searchable and exportable.
A plan whose period is over (every time limit past, or its year ended if a task is standing) is only
proposed for finishing: the office confirms."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ..errors import DubanError
from ..store import audit
from ..store.among import among
from ..store.ledger import FINISHED, RUNNING
from ..store.models import Document
from . import facts

PLAN_YEAR = re.compile(r"(20\d\d)年")


def state(doc: Document) -> str:
    return RUNNING if doc.running else FINISHED


def running(session: Session) -> list[int]:
    """Current documents not marked finished."""
    return list(session.scalars(select(Document.id).where(Document.current, Document.running)
                                .order_by(Document.id)))


def plan_year(doc: Document | Row) -> int | None:
    """The year a plan is for: the first year in its title (2024年工作要点), else the year it was issued."""
    found = PLAN_YEAR.search(doc.title or "")
    return int(found.group(1)) if found else doc.date.year if doc.date else None


def period_end(session: Session, doc: Document | Row, today: date) -> date | None:
    """The last day the plan asks anything for: its latest time limit (extensions included), or the end of
    its year when a task is standing; None when a standing plan names no year."""
    found = facts.of_tasks(session, today, documents=[doc.id]).values()
    latest = max((f.extended_to or f.due for f in found if not f.standing), default=None)
    return end_of(doc, any(f.standing for f in found), latest)


def end_of(doc: Document | Row, standing: bool, latest: date | None) -> date | None:
    if standing or latest is None:
        year = plan_year(doc)
        return date(year, 12, 31) if year else None
    return latest


def period_over(session: Session, today: date,
                stored: dict[int, tuple[bool, date | None]] | None = None) -> list[tuple[Row, date]]:
    """Running plans (id, title, date, path, ingested_at) whose period ended before `today`, with the day
    it ended: to be confirmed 已办结. `stored`: by document, (a task standing?, the latest other limit) as
    the stored states give them. Rows, not documents: a province has thousands of plans."""
    found, q = [], select(Document.id, Document.title, Document.date, Document.path, Document.ingested_at)
    if stored is not None:  # only the plans that may have ended are read: a limit still to come rules out the rest
        q = q.where(among(Document.id, [d for d, (standing, latest) in stored.items()
                                        if standing or latest is None or latest < today]))
    for doc in session.execute(q.where(Document.current, Document.running).order_by(Document.id)):
        end = end_of(doc, *stored.get(doc.id, (False, None))) if stored is not None else period_end(session, doc, today)
        if end is not None and end < today:
            found.append((doc, end))
    return found


def current_document(session: Session, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None or not doc.current:
        raise DubanError(f"台账中没有现行公文 {document_id} (no such current document)")
    return doc


def finish(session: Session, document_id: int, actor: str, on: date) -> Document:
    """Mark a plan 已办结 on `on`; its versions after this one stay finished until reopened."""
    doc = current_document(session, document_id)
    if doc.finished_on:
        raise DubanError(f"“{doc.title}”已于 {doc.finished_on} 办结 (already finished)")
    doc.finished_on, doc.finished_by = on, actor
    audit.record(session, actor, "finish_plan", "document", doc.id, on=on.isoformat())
    return doc


def reopen(session: Session, document_id: int, actor: str) -> Document:
    """Back to 执行中 (a plan marked finished by mistake, or extended)."""
    doc = current_document(session, document_id)
    if not doc.finished_on:
        raise DubanError(f"“{doc.title}”仍在执行中 (not finished)")
    audit.record(session, actor, "reopen_plan", "document", doc.id, finished_on=doc.finished_on.isoformat())
    doc.finished_on = doc.finished_by = None
    return doc
