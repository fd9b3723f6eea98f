"""Files into the ledger. Each file is read, extracted and resolved first, then written in one
transaction: a file that fails leaves the database as it was. The same bytes twice change nothing;
a document whose series (issuer + 文号, else its title) is already in the ledger with other tasks
becomes a new version, and its tasks are matched to the old ones so their reports stay attached.
A reviewer's corrections of the series (`corrections`, `duban.review`) are applied after extraction,
before units are resolved; the same bytes corrected since are read again and revise the current
version in place."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .. import answer_key, clock, review, units
from ..extract import extract_file
from ..records import Document as Extracted
from ..records import Task as ExtractedTask
from ..review import match_tasks, squeeze
from ..units.registry import Registry
from . import audit, corrections, transaction
from .bulk import insert_returning_ids, insert_rows
from .models import Deadline, Document, Person, Target, Task, TaskRole, Unit


@dataclass
class DocumentResult:
    title: str
    version: int
    status: str  # new | version | unchanged | corrected (the same file again, revised by newer corrections)
    matched: int = 0
    changed: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    vanished: list[int] = field(default_factory=list)


@dataclass
class FileResult:
    path: Path
    documents: list[DocumentResult] = field(default_factory=list)
    without_tasks: int = 0

    @property
    def tasks(self) -> int:
        return sum(d.matched + len(d.new) for d in self.documents if d.status != "unchanged")


def sha256(data: bytes | str) -> str:
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest()


def series_of(doc: Extracted) -> str:
    if doc.doc_number:
        return f"{squeeze(doc.issuer or '')}|{squeeze(doc.doc_number)}"[:400]
    return f"|{squeeze(doc.title or doc.source)}"[:400]


def content_hash(doc: Extracted, corrected: bool = False) -> str:
    """Its tasks' texts; for a corrected document also what the review made of them, so a correction
    makes the same text a change to store."""
    texts = "\n".join(squeeze(t.text) for t in doc.tasks)
    return sha256(texts + "\n" + answer_key.fingerprint(doc) if corrected else texts)


def ledger_roles(task: ExtractedTask, found: list[units.Resolved], first_leads: bool) -> list[dict]:
    """The task's people and units as ledger roles. Units named with no role word: the first leads
    ("列第一位的责任单位为牵头单位") when the task names no lead unit and `first_leads`, the rest are 责任单位."""
    has_lead = bool(task.role("lead_units"))
    spans = {}
    for mention in task.mentions:
        spans.setdefault((mention.role, mention.name), mention.span)
    rows = []
    for m in found:
        role = m.role
        if role == "unattributed_units":
            first = not any(r["printed_role"] == role for r in rows)
            role = "lead_units" if first and first_leads and not has_lead else "resp_units"
        res = m.resolution
        span = spans.get((m.role, m.printed), task.span)
        rows.append({"role": role, "printed_role": m.role, "printed": m.printed, "status": res.status,
                     "span_start": span.start, "span_end": span.end,
                     "unit_id": res.id if res.status != "person" else None,
                     "person_id": res.id if res.status == "person" else None})
    return rows


def task_row(task: ExtractedTask, document_id: int, position: int) -> dict:
    return {"document_id": document_id, "active": True, "position": position, "number": task.number,
            "path": task.path, "chapter": task.chapter, "title": task.title, "text": task.text,
            "line": task.line, "span_start": task.span.start, "span_end": task.span.end}


def children(task: ExtractedTask, task_id: int, roles: list[dict]) -> dict[type, list[dict]]:
    return {
        TaskRole: [{"task_id": task_id, "position": k, **r} for k, r in enumerate(roles)],
        Target: [{"task_id": task_id, "span_start": x["span"][0], "span_end": x["span"][1],
                  **{k: x[k] for k in ("text", "metric", "value", "value_max", "unit", "comparator", "kind", "year")}}
                 for x in task.targets],
        Deadline: [{"task_id": task_id, "text": d.text, "span_start": d.span.start, "span_end": d.span.end,
                    "due": d.due, "kind": d.kind, "recurrence": d.recurrence, "inferred": d.inferred}
                   for d in task.deadlines],
    }


def insert_ignoring_existing(session: Session, model: type, rows: list[dict]) -> None:
    """Insert registry entries another file (or process) may have inserted already."""
    if not rows:
        return
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[session.get_bind().dialect.name]
    session.execute(dialect.insert(model).on_conflict_do_nothing(), rows)


def save_registry_entries(session: Session, found: list[units.Resolved]) -> None:
    units_, persons = {}, {}
    for m in found:
        u, uid = m.resolution.unit, m.resolution.id
        if uid is None:
            continue
        if m.resolution.status == "person":
            persons[uid] = {"id": uid, "name": u.name, "region": u.region or ""}
        else:
            units_[uid] = {"id": uid, "name": u.name, "kind": u.kind, "region": u.region or ""}
    insert_ignoring_existing(session, Unit, sorted(units_.values(), key=lambda r: r["id"]))
    insert_ignoring_existing(session, Person, sorted(persons.values(), key=lambda r: r["id"]))


def insert_tasks(session: Session, tasks: list[tuple[int, ExtractedTask, list[dict]]], document_id: int) -> list[int]:
    """Bulk-insert (position, task, roles) with their roles, targets and deadlines; their new ids."""
    if not tasks:
        return []
    # through COPY on PostgreSQL, unseen by the session's events: the document's own flush told them it changed
    ids = insert_returning_ids(session, Task, [task_row(t, document_id, pos) for pos, t, _ in tasks])
    rows: dict[type, list[dict]] = {TaskRole: [], Target: [], Deadline: []}
    for task_id, (_, t, roles) in zip(ids, tasks, strict=True):
        for model, more in children(t, task_id, roles).items():
            rows[model] += more
    for model, more in rows.items():
        insert_rows(session, model, more)
    return list(ids)


def revise(session: Session, task: Task, new: ExtractedTask, document_id: int, position: int, roles: list[dict]):
    """Point a matched task at the new version: its fields, roles, targets and deadlines replaced."""
    for k, v in task_row(new, document_id, position).items():
        setattr(task, k, v)
    task.roles.clear()
    task.targets.clear()
    task.deadlines.clear()
    session.flush()
    for model, rows in children(new, task.id, roles).items():
        if rows:
            session.execute(insert(model), rows)


def header(doc: Extracted) -> dict:
    return {"issuer": doc.issuer, "doc_number": doc.doc_number, "title": doc.title,
            "date": date.fromisoformat(doc.date) if doc.date else None, "region": doc.region, "public": doc.public}


def store_document(session: Session, doc: Extracted, digest: str, position: int, path: Path, source,
                   found: dict[int, list[units.Resolved]], first_leads: bool, actor: str,
                   corrected: bool = False) -> DocumentResult:
    """Store one document: a new series, a new version of one, or (the same file again with newer
    corrections) the current version revised in place, since a file's bytes are stored once."""
    series, content = series_of(doc), content_hash(doc, corrected)
    current = session.scalars(select(Document).where(Document.series == series, Document.current)
                              .with_for_update()).first()
    if current is not None and current.content_hash == content:
        return DocumentResult(doc.title or "", current.version, "unchanged")
    in_place = current is not None and (current.file_hash, current.position) == (digest, position)
    if in_place:
        row = current
        for k, v in {**header(doc), "content_hash": content, "ingested_at": clock.now()}.items():
            setattr(row, k, v)
    else:
        row = Document(series=series, version=current.version + 1 if current else 1, current=True, file_hash=digest,
                       content_hash=content, position=position, path=str(path), format=source.format,
                       source_text=source.text, ingested_at=clock.now(), **header(doc))
        if current is not None:
            row.finished_on, row.finished_by = current.finished_on, current.finished_by  # the plan's, not the file's
            current.current = False
            session.flush()  # the old version stops being current before the new one claims the series
        session.add(row)
    session.flush()
    roles = [ledger_roles(t, found.get(id(t), []), first_leads) for t in doc.tasks]
    status = "corrected" if in_place else "version" if current else "new"
    result = DocumentResult(doc.title or "", row.version, status)
    old = session.scalars(select(Task).where(Task.document_id == current.id, Task.active)).all() if current else []
    pairs = match_tasks(list(old), doc.tasks)
    for i, t in enumerate(doc.tasks):
        if i in pairs:
            previous = pairs[i]
            if squeeze(previous.text) != squeeze(t.text):
                result.changed.append(previous.id)
            revise(session, previous, t, row.id, i, roles[i])
    result.matched = len(pairs)
    result.new = insert_tasks(session, [(i, t, roles[i]) for i, t in enumerate(doc.tasks) if i not in pairs], row.id)
    kept = {t.id for t in pairs.values()}
    for t in old:
        if t.id not in kept:
            t.active = False
            result.vanished.append(t.id)
    action = {"new": "ingest", "version": "new_version", "corrected": "reingest_corrected"}[status]
    audit.record(session, actor, action, "document", row.id,
                 path=str(path), series=series, version=row.version, matched=result.matched,
                 changed=result.changed, new=result.new if current else len(result.new), vanished=result.vanished)
    return result


def stored_unchanged(session: Session, digest: str) -> list[Document]:
    """The documents already stored from these bytes, unless one of them (still current) has been
    corrected since: then the file must be read again."""
    seen = session.scalars(select(Document).where(Document.file_hash == digest).order_by(Document.position)).all()
    corrected = any(d.current and (at := corrections.newest_at(session, d.series)) and at > d.ingested_at
                    for d in seen)
    return [] if corrected else list(seen)


def mapped_labels(session: Session, docs: list[Extracted]) -> dict[str, str]:
    """Table column labels the reviewer mapped for these documents' series."""
    return review.columns_of(e for d in docs for e in corrections.of_series(session, series_of(d)))


def correct(session: Session, docs: list[Extracted], source) -> set[int]:
    """Apply each document's series' corrections (before units are resolved); ids of the corrected ones."""
    done = set()
    for doc in docs:
        if edits := corrections.of_series(session, series_of(doc)):
            review.apply(doc, edits, source.text)
            done.add(id(doc))
    return done


def ingest_in(session: Session, path: Path, registry: Registry, actor: str, first_leads: bool = True,
              read: Callable[[Path], tuple] = extract_file) -> FileResult:
    """Read, extract, correct and store one file in the caller's transaction (DubanError for a file that
    cannot be read). The same bytes twice change nothing, unless corrected since. `read` extracts the
    file (one read ahead hands over its result)."""
    digest = sha256(path.read_bytes())
    if seen := stored_unchanged(session, digest):  # a file is stored whole or not at all
        return FileResult(path, [DocumentResult(d.title or "", d.version, "unchanged") for d in seen])
    source, docs = read(path)
    if labels := mapped_labels(session, docs):  # a table read again with its columns as the reviewer mapped them
        source, docs = extract_file(path, labels=labels)
    corrected = correct(session, docs, source)
    found: dict[int, list[units.Resolved]] = {}
    resolved = units.resolve(docs, registry)
    for m in resolved:
        found.setdefault(id(m.task), []).append(m)
    result = FileResult(path)
    save_registry_entries(session, resolved)
    for position, doc in enumerate(docs):
        if not doc.tasks:
            result.without_tasks += 1
            continue
        result.documents.append(store_document(session, doc, digest, position, path, source, found,
                                               first_leads, actor, id(doc) in corrected))
    return result


def ingest(engine: Engine, path: Path, registry: Registry, actor: str, first_leads: bool = True,
           read: Callable[[Path], tuple] = extract_file) -> FileResult:
    """Read, extract, correct and store one file in one transaction: a file that fails changes nothing."""
    with transaction(engine) as session:
        return ingest_in(session, path, registry, actor, first_leads, read)
