"""The ledger's tables. A `Task` is a ledger row with a stable id: a revised document (a new `Document`
version in the same series) re-points its matched tasks instead of creating new ones, so their
progress reports stay attached. `AuditEntry` rows are only ever inserted (the migration adds
triggers that refuse UPDATE and DELETE)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy import text as sql_text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("file_hash", "position"), UniqueConstraint("series", "version"))

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(400), index=True)  # issuer + doc_number, else the title
    version: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    file_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    content_hash: Mapped[str] = mapped_column(String(64))  # sha256 of its tasks: a re-typed copy is no new version
    position: Mapped[int] = mapped_column(Integer, default=0)  # which document of the file (gazettes hold several)
    path: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(10))
    issuer: Mapped[str | None] = mapped_column(Text)
    doc_number: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    date: Mapped[date | None] = mapped_column(Date)
    region: Mapped[str | None] = mapped_column(String(100))
    public: Mapped[bool | None] = mapped_column(Boolean)
    source_text: Mapped[str] = mapped_column(Text, deferred=True)  # the decoded file, read when asked
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    finished_on: Mapped[date | None] = mapped_column(Date)  # 已办结: marked by the office; None while 执行中
    finished_by: Mapped[str | None] = mapped_column(String(100))

    tasks: Mapped[list[Task]] = relationship(back_populates="document")

    @hybrid_property
    def running(self) -> bool:
        """执行中: not marked 已办结 (in a query too: `.where(Document.running)`)."""
        return self.finished_on is None

    @running.inplace.expression
    @classmethod
    def _running(cls):
        return cls.finished_on.is_(None)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_document_position", "document_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # False: vanished from the latest version
    position: Mapped[int] = mapped_column(Integer)  # order within the document
    number: Mapped[str] = mapped_column(String(40))
    path: Mapped[list] = mapped_column(JSON)  # heading path: ["一", "（三）", "5"]
    chapter: Mapped[str] = mapped_column(Text, default="")  # the top heading's text, for chapter rows
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    line: Mapped[int] = mapped_column(Integer)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document] = relationship(back_populates="tasks")
    roles: Mapped[list[TaskRole]] = relationship(cascade="all, delete-orphan", order_by="TaskRole.position")
    targets: Mapped[list[Target]] = relationship(cascade="all, delete-orphan", order_by="Target.id")
    deadlines: Mapped[list[Deadline]] = relationship(cascade="all, delete-orphan", order_by="Deadline.id")


class Unit(Base):
    """A registry entry named by some task: an agency, a group (各乡镇) or a provisional name."""

    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)  # the registry id
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(100), default="")


class Person(Base):
    """A leader named in a 牵头领导 column."""

    __tablename__ = "persons"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(100), default="")


class TaskRole(Base):
    """One unit or leader in one role of a task. `role` is the ledger's role; `printed_role` what the
    extraction read (unattributed_units becomes lead_units for the first listed, resp_units after)."""

    __tablename__ = "task_roles"
    __table_args__ = (Index("ix_task_roles_unit", "unit_id"), Index("ix_task_roles_task", "task_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(30))
    printed_role: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer)
    printed: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)  # where it is first named in the task
    span_end: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # the registry's resolution status
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))

    unit: Mapped[Unit | None] = relationship()
    person: Mapped[Person | None] = relationship()

    @property
    def label(self) -> str:
        """The registry's name where the mention resolved, else the name as printed."""
        return self.unit.name if self.unit else self.person.name if self.person else self.printed


class Target(Base):
    __tablename__ = "targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(Text)
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(40))
    comparator: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(30))
    year: Mapped[int | None] = mapped_column(Integer)


class Deadline(Base):
    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_due", "due", "task_id"),)  # the ledger by a range of time limits

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    span_start: Mapped[int] = mapped_column(Integer)
    span_end: Mapped[int] = mapped_column(Integer)
    due: Mapped[date | None] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))
    recurrence: Mapped[dict | None] = mapped_column(JSON)
    inferred: Mapped[bool] = mapped_column(Boolean, default=False)


class ProgressReport(Base):
    """What a unit (or the office) reported on a task: never edited, a later report supersedes it."""

    __tablename__ = "progress_reports"
    __table_args__ = (Index("ix_progress_task_at", "task_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))  # None: the office itself
    status: Mapped[str | None] = mapped_column(String(20))
    progress: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[float | None] = mapped_column(Float)
    problem: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(Text, default="")  # file, sheet and row it came from
    value: Mapped[float | None] = mapped_column(Float)  # the figure reached, in the unit of the task's target
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)  # the round it answers


class Problem(Base):
    """A problem raised on a task (the supervision loop works it to 销号)."""

    __tablename__ = "problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default="发现")
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_at: Mapped[datetime] = mapped_column(DateTime)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"))
    due: Mapped[date | None] = mapped_column(Date)  # to be 销号 by then, else flagged overdue
    assignee: Mapped[str | None] = mapped_column(Text)  # the unit or leader coordinating it (协调)

    steps: Mapped[list[ProblemStep]] = relationship(order_by="ProblemStep.id")


class ProblemStep(Base):
    """One move of a problem through 发现 → 协调 → 解决 → 反馈 → 销号: who, when, what was said."""

    __tablename__ = "problem_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("problems.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    assignee: Mapped[str | None] = mapped_column(Text)


class Cycle(Base):
    """A plan's reporting cycle (每月N日前 / 每季度); its rounds are created with it."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    every: Mapped[str] = mapped_column(String(10))  # month, quarter
    day: Mapped[int] = mapped_column(Integer)  # reports due on this day of the round's month
    grace: Mapped[int] = mapped_column(Integer, default=0)  # working days late reports still count
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Round(Base):
    """One 调度: every lead unit reports once on each of its open tasks by `due`; reports until
    `closes` (due + grace working days) count as late; after that, or once locked, the round is shut."""

    __tablename__ = "rounds"
    __table_args__ = (UniqueConstraint("document_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"))  # None: opened ad hoc
    name: Mapped[str] = mapped_column(String(100))  # 2024年3月, 2024年第一季度, 专项调度
    opens: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    closes: Mapped[date] = mapped_column(Date)
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)  # locked by the office before `closes`
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(DateTime)

    document: Mapped[Document] = relationship()


class StatusOverride(Base):
    """The office's own reading of a task's status, with its reason; status None lifts the last one."""

    __tablename__ = "status_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)


class Instruction(Base):
    """A leader's instruction (批示) on a task."""

    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    leader: Mapped[str] = mapped_column(String(100))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))
    # followed to the end: 待办理 → 已答复 (the unit's 办理情况) → 已落实 (marked by the office)
    state: Mapped[str] = mapped_column(String(10), default="待办理", server_default="待办理")
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Extension(Base):
    """A request (延期申请) to move a task's time limit; the office approves or refuses it. Rows are
    never deleted: the history of a task's limits is its extensions in order."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(Text)
    old_due: Mapped[date | None] = mapped_column(Date)
    new_due: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="待审批")  # 待审批, 已批准, 已驳回
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # office_admin, office_staff, unit, leader
    password_hash: Mapped[str | None] = mapped_column(Text)
    units: Mapped[list] = mapped_column(JSON, default=list)  # unit ids a liaison reports for
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))
    must_change: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # set by an admin
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # cannot sign in


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_seq", "seq", unique=True), Index("ix_audit_log_actor_at", "actor", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    seq: Mapped[int | None] = mapped_column(BigInteger)  # place in the hash chain (store.audit)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's latest entry (one row): taking it in each writing transaction orders the entries."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its sha256, so a leaked
    database opens no session. Signing out or changing the password deletes the rows."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    seen_at: Mapped[datetime] = mapped_column(DateTime)


class LoginFailure(Base):
    """A sign-in attempt, recorded before the password is checked (so simultaneous guesses all count) and
    cleared by its success; uncleared ones throttle that login from that address, and that address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_login_at", "login", "at"),
                      Index("ix_login_failures_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(100), default="")
    at: Mapped[datetime] = mapped_column(DateTime)
    cleared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Upload(Base):
    """A document uploaded for review: kept on disk under DUBAN_DATA_DIR until confirmed into the ledger."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(Text)  # as the user named it
    path: Mapped[str] = mapped_column(Text)  # where it is kept
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Correction(Base):
    """A reviewer's correction of the extraction, kept apart from it so it is applied again whenever the
    document (same series) is extracted again: re-ingested, or a new version of it. `task_text` is the
    extracted text of the task it corrects, matched like revised tasks are; `field` is a role, deadlines,
    targets, number, title, or a structural edit (split, merge, drop); the newest row per
    (series, task, field) wins."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_series", "series", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(400))
    task_text: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(30))
    value: Mapped[dict | list | str | None] = mapped_column(JSON)
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)


class LinkDecision(Base):
    """The office's word on a link between a task of a plan and a task of a plan taking it up (duban/compare):
    confirmed (kept whatever the matcher says) or rejected (never shown as a link). Kept like corrections,
    by the two documents' series and the tasks' texts, so it holds for their later versions; the newest row
    per pair wins."""

    __tablename__ = "link_decisions"
    __table_args__ = (Index("ix_link_decisions_series", "upper_series", "lower_series", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    upper_series: Mapped[str] = mapped_column(String(400))
    upper_text: Mapped[str] = mapped_column(Text)
    lower_series: Mapped[str] = mapped_column(String(400))
    lower_text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(10))  # confirmed | rejected
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)


# a status or colour filter with the other as the order, either way (migration 0013)
JUDGED_INDEXES = {f"ix_task_states_{by}_{rank}{way}": (by, sql_text(f"{rank} DESC") if way else rank, "document_id",
                                                      "position")
                  for by, rank in (("colour", "status_rank"), ("status", "colour_rank")) for way in ("", "_desc")}


class TaskState(Base):
    """A task's status and warning colour on `day` as the rules derive them, kept so that the ledger can
    filter and sort by them in SQL. supervise/state.py writes it in the transaction of every event that
    changes it, and for every task when the day changes (`duban refresh`)."""

    __tablename__ = "task_states"
    __table_args__ = (Index("ix_task_states_document", "document_id", "standing", "due"),  # each plan's limits
                      # 总览's lists: the longest overdue and the soonest due, only those tasks indexed
                      *(Index(f"ix_task_states_{late}", "due", "document_id", "position",
                              postgresql_where=sql_text(f"late = '{late}'"), sqlite_where=sql_text(f"late = '{late}'"))
                        for late in ("overdue", "soon")),
                      # sorted by status or colour (either way, ties in document order), a page walks
                      # one of these instead of sorting every task; filtered by one and sorted by the other too
                      *(Index(f"ix_task_states_{rank}{way}", sql_text(f"{rank} DESC") if way else rank, "document_id",
                              "position") for rank in ("status_rank", "colour_rank") for way in ("", "_desc")),
                      *(Index(name, *columns) for name, columns in JUDGED_INDEXES.items()))

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)  # the day these values were first derived (kept while they hold): sure from it to `until`
    status: Mapped[str] = mapped_column(String(10))
    status_rank: Mapped[int] = mapped_column(Integer)  # the order of STATUSES: 已完成 first
    colour: Mapped[str] = mapped_column(String(10))  # red, yellow, blue or none
    colour_rank: Mapped[int] = mapped_column(Integer)  # red first, none last
    due: Mapped[date | None] = mapped_column(Date)  # the limit in force
    # overdue (past the limit, not completed), soon (临期: the limit near) or "": not their counts of
    # working days, which move every day while the state holds (the pages count them from `due`)
    late: Mapped[str] = mapped_column(String(10), default="", server_default="")
    until: Mapped[date | None] = mapped_column(Date)  # the last day it surely holds (supervise/steady.py); None: no end
    standing: Mapped[bool] = mapped_column(Boolean, default=False)  # 长期坚持: no end of its own
    document_id: Mapped[int | None] = mapped_column(Integer)  # the task's, copied: the ledger's order
    position: Mapped[int | None] = mapped_column(Integer)
    # what the tallies counted it under (its chapter, its lead units as a JSON list of ids), so that a
    # change of either moves its counts from the old place to the new
    chapter: Mapped[str] = mapped_column(Text, default="", server_default="")
    lead_units: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    running: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # its plan not 已办结


class StateAhead(Base):
    """What a task's stored state becomes on the days after it stops holding, if nothing happens to the
    task (supervise/steady.py `ahead`): each step from its first day through its last. Written with the
    state whenever the task is derived; the daily refresh moves a state whose day has come to the step
    covering the day in SQL, without reading the task's facts (supervise/steps.py)."""

    __tablename__ = "state_ahead"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # its first day
    until: Mapped[date | None] = mapped_column(Date)  # its last day; None: no end
    status: Mapped[str] = mapped_column(String(10))
    status_rank: Mapped[int] = mapped_column(Integer)
    colour: Mapped[str] = mapped_column(String(10))
    colour_rank: Mapped[int] = mapped_column(Integer)
    late: Mapped[str] = mapped_column(String(10))


class ChapterTally(Base):
    """How many stored task states a chapter of a document has in each status, colour and lateness
    (overdue, soon: 临期, or neither): 总览 of a province sums these instead of counting a million rows.
    Kept by supervise/tallies.py with every change of task_states, in the same transaction."""

    __tablename__ = "chapter_tallies"

    document_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chapter: Mapped[str] = mapped_column(Text, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    colour: Mapped[str] = mapped_column(String(10), primary_key=True)
    late: Mapped[str] = mapped_column(String(10), primary_key=True)  # overdue, soon or ""
    n: Mapped[int] = mapped_column(Integer)


class UnitTally(Base):
    """The same per lead unit of a document (its id; "" for the tasks naming none): a task with two lead
    units is counted for each."""

    __tablename__ = "unit_tallies"

    document_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    colour: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class RunningTally(Base):
    """The tasks of every running plan (not 已办结) by status, colour and lateness: 总览 of a province reads
    a dozen rows instead of summing its thousands of plans' tallies."""

    __tablename__ = "running_tallies"

    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    colour: Mapped[str] = mapped_column(String(10), primary_key=True)
    late: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class RunningUnitTally(Base):
    """The same per lead unit ("" for the tasks naming none)."""

    __tablename__ = "running_unit_tallies"

    unit_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(10), primary_key=True)
    colour: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class StateDay(Base):
    """A day on which every task's state was derived afresh: on that day the stored states are the derived
    ones, and the ledger filters by them; on any other day it derives."""

    __tablename__ = "state_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    # what the states were derived under (supervise/steady.py's mark): under other rules, another holiday
    # calendar or another release, a state sure to hold no longer is, and the refresh derives every task
    rules: Mapped[str] = mapped_column(String(64), default="", server_default="")


class ReadingProgress(Base):
    """How many pages of an upload OCR has read, under the ticket its page chose: kept in the database so
    that any worker process of `duban serve --workers N` answers the page's question."""

    __tablename__ = "reading_progress"

    ticket: Mapped[str] = mapped_column(String(64), primary_key=True)
    done: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


class OutboxMessage(Base):
    """A message to a unit (duban/notify): queued in the transaction that derives it, sent outside any,
    each attempt counted. `key` makes queuing the same day twice queue nothing more; `events` the keys of
    what it tells, so an event is told once however many days it stays in view."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due", "state", "due_at"), Index("ix_outbox_unit_day", "unit_id", "day"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    unit_id: Mapped[str] = mapped_column(String(200))  # the ledger's unit id, else the office's name for it
    unit_name: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20))  # wecom, dingtalk, email, sms
    address: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    events: Mapped[list] = mapped_column(JSON, default=list)
    day: Mapped[date] = mapped_column(Date)  # the day whose events it carries
    created_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)  # after quiet hours; moved on by each failed attempt
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(10), default="waiting")  # waiting, sent, failed
