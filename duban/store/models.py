"""The ledger's tables. A `Task` is a ledger row with a stable id: a revised document (a new `Document`
version in the same series) re-points its matched tasks instead of creating new ones, so their
progress reports stay attached. `AuditEntry` rows are only ever inserted (the migration adds
triggers that refuse UPDATE and DELETE)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
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
)
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
    source_text: Mapped[str] = mapped_column(Text)  # the decoded file: every span points into it
    ingested_at: Mapped[datetime] = mapped_column(DateTime)

    tasks: Mapped[list[Task]] = relationship(back_populates="document")


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


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))  # office_admin, office_staff, unit, leader
    password_hash: Mapped[str | None] = mapped_column(Text)
    units: Mapped[list] = mapped_column(JSON, default=list)  # unit ids a liaison reports for
    person_id: Mapped[str | None] = mapped_column(ForeignKey("persons.id"))


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
