"""Plans in the ledger compared, and the office's word on their links: a stored document's tasks as the
records `compare` reads, and the links the office confirmed or rejected (table link_decisions), kept by
the documents' series and the tasks' texts so they hold for later versions of either plan."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .. import clock, records
from ..errors import DubanError
from ..store import audit
from ..store.models import Document, LinkDecision, Task
from .plans import Plan

DECISIONS = {"confirmed": "确认", "rejected": "否决"}


def plan_of_document(s: Session, document_id: int) -> Plan:
    """The document's tasks still in force, as records, each knowing its ledger id."""
    doc = s.get(Document, document_id)
    if doc is None:
        raise DubanError(f"台账中没有文件 {document_id} (no such document)")
    rows = s.scalars(select(Task).where(Task.document_id == doc.id, Task.active).order_by(Task.position)
                     .options(selectinload(Task.roles), selectinload(Task.targets), selectinload(Task.deadlines)))
    tasks, ids = [], {}
    for t in rows:
        task = records.Task(
            t.number, list(t.path), t.title, t.text, t.line, records.Span(t.span_start, t.span_end),
            mentions=[records.Mention(r.printed, r.role, records.Span(r.span_start, r.span_end)) for r in t.roles],
            chapter=t.chapter,
            deadlines=[records.Deadline(d.text, records.Span(d.span_start, d.span_end), d.due, d.kind, d.recurrence,
                                        d.inferred) for d in t.deadlines],
            targets=[{"metric": x.metric, "value": x.value, "value_max": x.value_max, "unit": x.unit,
                      "comparator": x.comparator, "kind": x.kind, "year": x.year} for x in t.targets])
        tasks.append(task)
        ids[id(task)] = t.id
    record = records.Document(doc.path, doc.issuer, doc.doc_number, doc.title, tasks=tasks)
    return Plan(doc.title or doc.path, record, series=doc.series, ids=ids)


def decisions(s: Session, upper: Plan, lower: Plan) -> dict[tuple[str, str], str]:
    """(upper task text, lower task text) -> confirmed | rejected, the newest word on each pair."""
    rows = s.scalars(select(LinkDecision).where(LinkDecision.upper_series == upper.series,
                                                LinkDecision.lower_series == lower.series).order_by(LinkDecision.id))
    return {(r.upper_text, r.lower_text): r.decision for r in rows}


def words_on(s: Session, upper: Plan, lowers: list[Plan]) -> dict[str, dict[tuple[str, str], str]]:
    """The office's word on the links of each lower plan, by its source, for plans in the ledger (`compare`'s
    `words`); a plan read from a file has none."""
    return {p.source: decisions(s, upper, p) for p in lowers if upper.series and p.series}


def decide(s: Session, upper_task: int, lower_task: int, decision: str, actor: str) -> LinkDecision:
    """The office's word on the link between two ledger tasks, audited."""
    if decision not in DECISIONS:
        raise DubanError(f"只能确认或否决 (a link is confirmed or rejected, not {decision!r})")
    up, down = s.get(Task, upper_task), s.get(Task, lower_task)
    if up is None or down is None:
        raise DubanError("台账中没有这项任务 (no such task)")
    row = LinkDecision(upper_series=up.document.series, upper_text=up.text, lower_series=down.document.series,
                       lower_text=down.text, decision=decision, by=actor, at=clock.now())
    s.add(row)
    s.flush()
    audit.record(s, actor, f"link_{decision}", "link_decision", row.id, upper_task=up.id, lower_task=down.id)
    return row
