"""What the rules need to know about each task on a given day, read in one pass: its lead units and
leaders, its time limit, targets, the reports, approved extensions and office overrides made by the
end of that day. Anything later is left out, so any past day can be replayed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property

from sqlalchemy import Row, Select, Text, select, type_coerce
from sqlalchemy.orm import Session

from ..store.among import among
from ..store.ledger import BATCH, STREAMED, task_key
from ..store.models import (
    Deadline,
    Document,
    Extension,
    Person,
    ProgressReport,
    StatusOverride,
    Target,
    Task,
    TaskRole,
    Unit,
)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


@dataclass
class Report:
    id: int
    unit_id: str | None
    status: str | None
    percent: float | None
    value: float | None
    at: datetime
    round_id: int | None


@dataclass
class Facts:
    id: int
    document_id: int
    number: str
    title: str
    chapter: str
    starts: date | None  # the document's date: the task's clock starts then
    due: date | None  # the printed time limit (the latest, where there are several)
    standing: bool  # 长期坚持: no end, or only a recurring duty
    position: int = 0  # its place in the document
    running: bool = True  # its plan not marked 已办结
    limit_basis: str = ""  # why `due` (or standing): the words it was read from, and which rule chose them
    lead_units: dict[str, str] = field(default_factory=dict)  # unit id -> registry name (groups left out)
    leaders: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # rows of the targets table, read as the model
    reports: list[Report] = field(default_factory=list)  # in order, up to the day (rows read as Report)
    extensions: list[Extension] = field(default_factory=list)  # approved by the day, in order (rows, as targets)
    override: StatusOverride | None = None  # the office's latest reading, if not lifted (a row, as targets)
    later: date | None = None  # the day of its first report, extension or override after the day (a past replayed)

    @property
    def key(self) -> str:
        return task_key(self.id)

    @cached_property
    def goal(self) -> float | None:
        """The value of the task's one target to reach (≥ or =), if it has exactly one: reports of a
        figure are measured against it."""
        goals = [t.value for t in self.targets if t.comparator in (">=", "=", ">") and t.value]
        return goals[0] if len(goals) == 1 else None

    @property
    def extended_to(self) -> date | None:
        return self.extensions[-1].new_due if self.extensions else None

    @property
    def why_due(self) -> str:
        """The limit in force and why: the printed words, or the extension approved over them."""
        return f"经批准延期至{self.extended_to}（原{self.limit_basis}）" if self.extended_to else self.limit_basis


def current() -> Select:
    """The ids of the current, active tasks: of a plan's version in force, not dropped from it."""
    return select(Task.id).join(Document).where(Document.current, Task.active)


def current_ids(session: Session, documents: Iterable[int] | None = None,
                tasks: Iterable[int] | None = None) -> list[int]:
    """The current, active tasks (of some documents, or some tasks; else of every plan not finished), in
    the documents' order."""
    q = current()
    if documents is None and tasks is None:
        q = q.where(Document.running)  # a finished plan is asked for by name only
    if documents is not None:
        q = q.where(among(Document.id, list(documents)))
    if tasks is not None:
        q = q.where(among(Task.id, list(tasks)))
    return list(session.scalars(q.order_by(Document.id, Task.position).execution_options(yield_per=STREAMED)))


def of_tasks(session: Session, as_of: date, documents: Iterable[int] | None = None,
             tasks: Iterable[int] | None = None) -> dict[int, Facts]:
    """Facts of the current, active tasks (of some documents, or some tasks; else of every plan not
    finished), by task id, in the documents' order."""
    return read(session, as_of, current_ids(session, documents, tasks))


def read(session: Session, as_of: date, order: list[int]) -> dict[int, Facts]:
    """Facts of these tasks (current and active: `current_ids`), by task id, in this order."""
    facts: dict[int, Facts] = {}
    cutoff = end_of(as_of)
    for i in range(0, len(order), BATCH):  # PostgreSQL takes at most 65,535 parameters in one statement
        ids = order[i:i + BATCH]
        tasks = fetched(session, select(Task.id, Task.document_id, Task.number, Task.title, Task.chapter, Task.position)
                        .where(among(Task.id, ids)))
        plans = documents(session, {t.document_id for t in tasks}, Document.date, Document.finished_on)
        found = {t.id: Facts(t.id, t.document_id, t.number, t.title, t.chapter, plans[t.document_id].date, None, False,
                             position=t.position, running=plans[t.document_id].finished_on is None) for t in tasks}
        facts.update((task_id, found[task_id]) for task_id in ids)
        add_roles(session, facts, ids)
        add_limits(session, facts, ids)
        add_targets(session, facts, ids)
        add_history(session, facts, ids, cutoff)
    return facts


def documents(session: Session, ids: Iterable[int], *what) -> dict[int, Row]:
    """Columns of these documents by id, looked up one by one: joined to a batch of tasks instead, the
    planner read the whole documents table (their texts with them) for every batch."""
    return {d.id: d for d in fetched(session, select(Document.id, *what).where(among(Document.id, ids)))}


def columns(model: type) -> Select:
    return select(*model.__table__.columns)


def fetched(session: Session, query: Select) -> list[Row]:
    """Rows of plain values, read by attribute like the model, all at once on the session's connection:
    building a mapped object per row, the ORM's reading of rows and fetching them one by one were each a
    fifth of the time of deriving a province's ledger."""
    return session.connection().execute(query).all()


def add_roles(session: Session, facts: dict[int, Facts], ids: list[int]) -> None:
    for task_id, role, unit_id, kind, name, person, printed in fetched(session,
            select(TaskRole.task_id, TaskRole.role, TaskRole.unit_id, Unit.kind, Unit.name, Person.name,
                   TaskRole.printed).outerjoin(Unit).outerjoin(Person)
            .where(among(TaskRole.task_id, ids), TaskRole.role.in_(("lead_units", "lead_leaders")))
            .order_by(TaskRole.task_id, TaskRole.position)):
        if role == "lead_units" and unit_id and kind != "group":
            facts[task_id].lead_units[unit_id] = name
        elif role == "lead_leaders":
            facts[task_id].leaders.append(person or printed)


PERIOD_WORDS = ("year_end", "year")  # 全年, 年内, 年底前, "2024年": the plan's period, not a date of the task's own


def add_limits(session: Session, facts: dict[int, Facts], ids: list[int]) -> None:
    """A task's limit: the latest date printed for it, an explicit date ruling over a period word in the
    same task ("全年供应…，11月底前完成" is due at the end of November, not of the year), with its basis."""
    dated: dict[int, list[Deadline]] = {}
    recurrence = type_coerce(Deadline.recurrence, Text).label("recurrence")  # its JSON is not needed: only whether any
    for d in fetched(session, select(Deadline.id, Deadline.task_id, Deadline.text, Deadline.due, Deadline.kind,
                                     Deadline.inferred, recurrence).where(among(Deadline.task_id, ids)).order_by(Deadline.id)):
        if d.kind == "standing":
            facts[d.task_id].standing = True
            facts[d.task_id].limit_basis = f"条目写明“{d.text}”，为常态工作" if d.text else "常态工作"
        elif d.recurrence in (None, "null") and d.due is not None:
            dated.setdefault(d.task_id, []).append(d)
    for task_id, limits in dated.items():
        ruling = [d for d in limits if d.kind not in PERIOD_WORDS] or limits
        chosen = max(ruling, key=lambda d: d.due)
        facts[task_id].due = chosen.due
        if not facts[task_id].standing:
            facts[task_id].limit_basis = basis(chosen, [d for d in limits if d not in ruling])
    for task_id in ids:
        f = facts[task_id]
        if f.due is None and not f.standing:
            f.standing, f.limit_basis = True, "未写完成时限，按常态工作"


def basis(chosen: Deadline, overruled: list[Deadline]) -> str:
    """"按“11月底前”；明确日期优先于“全年”", "文件未写时限，按文件年度推定": the limit's reason, as shown."""
    if chosen.inferred or not chosen.text:
        return "条目未写时限，按文件年度推定"
    words = "、".join(dict.fromkeys(f"“{d.text}”" for d in overruled if d.text))
    return f"按“{chosen.text}”" + (f"；明确日期优先于{words}" if words else "")


def add_targets(session: Session, facts: dict[int, Facts], ids: list[int]) -> None:
    for t in fetched(session, columns(Target).where(among(Target.task_id, ids)).order_by(Target.id)):
        facts[t.task_id].targets.append(t)


def add_history(session: Session, facts: dict[int, Facts], ids: list[int], cutoff: datetime) -> None:
    """Reports, approved extensions and overrides up to `cutoff`, in order; of those after it (a past day
    replayed) only the first one's day is kept: the state may move then."""
    r, e, o = ProgressReport, Extension, StatusOverride
    for row in fetched(session, select(r.task_id, r.id, r.unit_id, r.status, r.percent, r.value,
                                       r.reported_at.label("at"), r.round_id)
                       .where(among(r.task_id, ids)).order_by(r.reported_at, r.id)):
        if kept(facts[row.task_id], row.at, cutoff):
            facts[row.task_id].reports.append(row)  # read as a Report: its fields by name
    for row in fetched(session, columns(e).where(among(e.task_id, ids), e.state == "已批准", e.decided_at.is_not(None))
                       .order_by(e.decided_at, e.id)):
        if kept(facts[row.task_id], row.decided_at, cutoff):
            facts[row.task_id].extensions.append(row)
    for row in fetched(session, columns(o).where(among(o.task_id, ids)).order_by(o.at, o.id)):
        if kept(facts[row.task_id], row.at, cutoff):
            facts[row.task_id].override = row if row.status else None


def kept(f: Facts, at: datetime, cutoff: datetime) -> bool:
    """Whether a fact is known by `cutoff`; if not, the task's state may move on its day."""
    if at <= cutoff:
        return True
    f.later = min(f.later or at.date(), at.date())
    return False
