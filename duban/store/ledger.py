"""The ledger as rows: current tasks with their roles, limits, targets and latest report, read in
batches so a 100,000-task ledger streams in constant memory. Also the stable task key printed in
the hidden column of every exported sheet."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from .. import render
from ..errors import DubanError
from .among import among
from .models import Deadline, Document, Person, ProgressReport, Target, Task, TaskRole, TaskState, Unit
from .search import mentions

BATCH = 1000
STREAMED = 20_000  # rows fetched at a time from a server-side cursor: a million ids never sit in a buffer
UNIT_ROLES = ("lead_units", "co_units", "resp_units")
RUNNING, FINISHED = "执行中", "已办结"  # a plan's lifecycle: finished once the office marks it


def task_key(task_id: int) -> str:
    """"T42-9f1c": the id and a check, so a key typed or pasted wrong is caught, not misread."""
    return f"T{task_id}-{hashlib.sha256(f'duban-task-{task_id}'.encode()).hexdigest()[:4]}"


def parse_task_key(key: str) -> int:
    """The task id in a key; DubanError for a malformed or altered key."""
    m = re.fullmatch(r"T(\d+)-[0-9a-f]{4}", key.strip())
    if not m or task_key(int(m.group(1))) != key.strip():
        raise DubanError(f"任务ID无效或被改动 (malformed or altered task id) {key!r}")
    return int(m.group(1))


@dataclass
class Filter:
    documents: list[int] | None = None  # document ids (current versions)
    units: list[str] | None = None  # unit ids: tasks where one of them has a unit role
    leader: str | None = None  # a leader's name or id
    chapter: str | None = None  # part of the chapter heading
    status: str | None = None  # latest reported status
    text: str | None = None  # part of the task text
    person: str | None = None  # a leader's person id: only the tasks they lead (牵头领导)
    words: list[str] | None = None  # each must occur in the task's text or title
    due_from: date | None = None  # a printed time limit on or after this day
    due_to: date | None = None  # a printed time limit on or before this day
    plans: str | None = None  # RUNNING or FINISHED: tasks of such plans only
    # by the stored states (supervise/state.py): the caller knows them to be fresh today
    judged_status: str | None = None  # a derived status
    judged_colour: str | None = None  # a warning colour: red, yellow, blue or none


@dataclass
class Row:
    id: int
    document_id: int
    document: str
    chapter: str
    number: str
    title: str
    text: str
    roles: dict[str, list[str]] = field(default_factory=dict)  # role -> labels, in the document's order
    unit_ids: set[str] = field(default_factory=set)
    deadlines: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    progress: str = ""
    status: str = ""
    percent: float | None = None
    problem: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        return task_key(self.id)

    def cell(self, *roles: str) -> str:
        return "、".join(dict.fromkeys(n for r in roles for n in self.roles.get(r, [])))


def target_label(t: Target) -> str:
    return render.target_label({k: getattr(t, k) for k in ("metric", "value", "value_max", "unit", "comparator", "kind")})


def find_units(session: Session, name: str) -> list[Unit]:
    """Units whose id or name is `name`, else whose name contains it ("发改" finds 冠县发展和改革局 only if
    printed so; the office types the registry name or part of it)."""
    exact = session.scalars(select(Unit).where(or_(Unit.id == name, Unit.name == name))).all()
    return list(exact) or list(session.scalars(select(Unit).where(Unit.name.contains(name, autoescape=True)).order_by(Unit.id)))


def filtered(f: Filter) -> Select:
    """Current, active tasks that pass the filter (all but status, which needs the latest report)."""
    q = select(Task.id).join(Document).where(Document.current, Task.active)
    if f.documents:
        q = q.where(Document.id.in_(f.documents))
    if f.plans:
        q = q.where(Document.running if f.plans == RUNNING else ~Document.running)
    if f.units:
        q = q.where(Task.id.in_(select(TaskRole.task_id).where(TaskRole.unit_id.in_(f.units),
                                                               TaskRole.role.in_(UNIT_ROLES))))
    if f.leader:
        q = q.where(Task.id.in_(select(TaskRole.task_id).outerjoin(Person).where(
            TaskRole.role == "lead_leaders", or_(TaskRole.printed == f.leader, Person.id == f.leader))))
    if f.chapter:
        q = q.where(Task.chapter.contains(f.chapter, autoescape=True))
    if f.text:
        q = q.where(Task.text.contains(f.text, autoescape=True))
    return narrowed(q, f)


def narrowed(q: Select, f: Filter) -> Select:
    """The filters the web ledger adds: a leader's own tasks, every search word, a range of time limits."""
    if f.person:
        q = q.where(Task.id.in_(select(TaskRole.task_id).where(TaskRole.role == "lead_leaders",
                                                               TaskRole.person_id == f.person)))
    for word in f.words or []:
        q = q.where(mentions(word))
    if f.due_from or f.due_to:
        limits = [Deadline.task_id == Task.id, Deadline.due.is_not(None)]
        limits += [Deadline.due >= f.due_from] if f.due_from else []
        limits += [Deadline.due <= f.due_to] if f.due_to else []
        q = q.where(exists(select(Deadline.id).where(and_(*limits))))
    if f.judged_status or f.judged_colour:  # a join, not IN: one index gives a page sorted by the states too
        judged = [TaskState.status == f.judged_status] if f.judged_status else []
        judged += [TaskState.colour == f.judged_colour] if f.judged_colour else []
        q = with_states(q).where(*judged)
    return q


def with_states(q: Select) -> Select:
    """The query joined to the stored states, once."""
    if any(TaskState.__table__ in find_tables(f, include_joins=True) for f in q.get_final_froms()):
        return q
    return q.join(TaskState, TaskState.task_id == Task.id)


SORTS = ("number", "chapter", "due", "status", "colour")  # the orders SQL gives besides document order


def sort_keys(q: Select, sort: str) -> tuple[Select, list[tuple[ColumnElement, bool]], list[ColumnElement]]:
    """The query joined to what `sort` needs, the keys to order by (each with whether a task may lack it:
    those sort last), and the document order that breaks their ties."""
    in_document = [Task.document_id, Task.position]  # not Document.id: the (document, position) index serves
    if sort == "due":  # each task's latest printed time limit: one grouped join, not a subquery per row
        due = select(Deadline.task_id, func.max(Deadline.due).label("due")).group_by(Deadline.task_id).subquery()
        return q.outerjoin(due, due.c.task_id == Task.id), [(due.c.due, True)], in_document
    if sort == "number":
        return q, [(func.length(Task.number), True), (Task.number, True)], in_document  # "9" before "10"
    if sort == "chapter":
        return q, [(Task.chapter, True)], in_document
    if sort in ("status", "colour"):  # by the stored states: the caller knows them fresh, every task has one
        rank = TaskState.status_rank if sort == "status" else TaskState.colour_rank
        # never missing, and tied in the state's copy of the document order: one index gives the page
        return with_states(q), [(rank, False)], [TaskState.document_id, TaskState.position]
    return q, [], in_document


def count(session: Session, f: Filter, cap: int | None = None) -> int:
    """How many tasks pass the filter (all but status); counting stops past `cap` (it returns cap + 1),
    because counting every match of a broad search costs a scan of the whole ledger."""
    q = filtered(f) if cap is None else filtered(f).limit(cap + 1)
    return session.scalar(select(func.count()).select_from(q.subquery())) or 0


def sorted_ids(session: Session, f: Filter, sort: str = "", descending: bool = False, offset: int = 0,
               limit: int | None = None) -> list[int]:
    """Ids of the filtered tasks in the order asked (one of SORTS, else document order), one page of
    them when `limit` is given: a page of a 100,000-task ledger reads only its own rows."""
    return list(session.scalars(in_order(filtered(f), sort, descending).offset(offset).limit(limit)))


def in_order(q: Select, sort: str, descending: bool) -> Select:
    """The query sorted as asked, missing values last, ties in document order."""
    q, keys, then = sort_keys(q, sort)
    by_keys = [part for key, may_lack in keys
               for part in [key.is_(None)] * may_lack + [key.desc() if descending else key]]
    # equal keys stay in document order; with no key, descending reverses the document order itself
    return q.order_by(*by_keys, *(c.desc() if descending and not keys else c for c in then))


def task_ids(session: Session, f: Filter) -> list[int]:
    return list(session.scalars(filtered(f).order_by(Task.document_id, Task.position)
                                .execution_options(yield_per=STREAMED)))


def documents(session: Session, f: Filter) -> list[str]:
    """Titles of the documents the filtered tasks come from."""
    return list(session.scalars(select(Document.title).where(Document.id.in_(
        select(Task.document_id).where(Task.id.in_(filtered(f))))).order_by(Document.id)))


def units_of(session: Session, f: Filter) -> list[Unit]:
    """Units (not groups such as 各乡镇) with a unit role on some filtered task: the sheets of a --by-unit export."""
    return list(session.scalars(select(Unit).where(Unit.kind != "group", Unit.id.in_(select(TaskRole.unit_id).where(
        TaskRole.task_id.in_(filtered(f)), TaskRole.role.in_(UNIT_ROLES)))).order_by(Unit.id)))


def latest_reports(session: Session, ids: list[int]) -> dict[int, ProgressReport]:
    """Each task's latest report, as plain values read by attribute like the model."""
    reports = select(*ProgressReport.__table__.columns).where(among(ProgressReport.task_id, ids))
    return {r.task_id: r for r in session.execute(reports.order_by(ProgressReport.id))}


def batch_rows(session: Session, ids: list[int]) -> list[Row]:
    """The rows of these tasks, read as plain values (a mapped object per row was a tenth of an export)."""
    def values_of(key: ColumnElement, *what, order=None) -> list:
        return session.execute(select(*what).where(among(key, ids)).order_by(order)).all()

    tasks = values_of(Task.id, Task.id, Task.document_id, Task.chapter, Task.number, Task.title, Task.text)
    titles = dict(session.execute(select(Document.id, Document.title).where(
        among(Document.id, {t.document_id for t in tasks}))).all())
    rows = {t.id: Row(t.id, t.document_id, titles.get(t.document_id) or "", t.chapter, t.number, t.title, t.text)
            for t in tasks}
    for role, unit_id, printed, status, unit_name, person_name, task_id in session.execute(
            select(TaskRole.role, TaskRole.unit_id, TaskRole.printed, TaskRole.status, Unit.name, Person.name,
                   TaskRole.task_id).outerjoin(Unit).outerjoin(Person).where(among(TaskRole.task_id, ids))
            .order_by(TaskRole.task_id, TaskRole.position)):
        row = rows[task_id]
        # a group ("各乡镇（街道）") reads best as printed; an agency by its registry name
        row.roles.setdefault(role, []).append(printed if status == "group" else unit_name or person_name or printed)
        if unit_id and role in UNIT_ROLES:
            row.unit_ids.add(unit_id)
    for d in values_of(Deadline.task_id, *Deadline.__table__.columns, order=Deadline.id):
        if (label := render.deadline_label(d)) not in rows[d.task_id].deadlines:
            rows[d.task_id].deadlines.append(label)
    for t in values_of(Target.task_id, *Target.__table__.columns, order=Target.id):
        rows[t.task_id].targets.append(target_label(t))
    for task_id, r in latest_reports(session, ids).items():
        row = rows[task_id]
        row.progress, row.status, row.percent, row.problem, row.note = (
            r.progress, r.status or "", r.percent, r.problem, r.note)
    return [rows[i] for i in ids]


def rows(session: Session, f: Filter | None = None) -> Iterator[Row]:
    """The filtered ledger, in document order, a batch of BATCH tasks at a time."""
    f = f or Filter()
    for row in rows_of(session, task_ids(session, f)):
        if f.status is None or row.status == f.status:
            yield row


def rows_of(session: Session, ids: list[int]) -> Iterator[Row]:
    """The rows of these tasks, in the order given, a batch of BATCH tasks at a time, the next batch read
    (in a thread, the session's only user meanwhile) while the caller handles this one: an export's
    writing and the database's reading overlap."""
    def batches() -> Iterator[list[Row]]:
        for i in range(0, len(ids), BATCH):
            yield batch_rows(session, ids[i:i + BATCH])
            session.expunge_all()  # keep memory flat on big ledgers

    with ThreadPoolExecutor(1) as reader:
        waiting = iter(batches())
        ahead = reader.submit(next, waiting, None)
        while (batch := ahead.result()) is not None:
            ahead = reader.submit(next, waiting, None)
            yield from batch
