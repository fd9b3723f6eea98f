"""Reporting rounds (调度). A plan's cycle (每月N日前, 每季度) creates its rounds at once; the office may
open an ad hoc round. Each round expects one report per open task per lead unit: a task already
completed is not asked again. A round's reports are due on `due`; those made in the next `grace`
working days count as late; then (or when the office locks it) the round is shut and whoever has
not reported has missed it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..store import audit
from ..store.among import among
from ..store.models import Cycle, ProgressReport, Round
from . import calendar, facts, status
from .lifecycle import current_document

EVERY = {"month": 1, "quarter": 3}


def round_name(every: str, year: int, month: int) -> str:
    return f"{year}年{month}月" if every == "month" else f"{year}年第{'一二三四'[(month - 1) // 3]}季度"


def due_days(every: str, day: int, start: date, end: date) -> list[tuple[str, date]]:
    """(name, due) of each round from `start` to `end`: day `day` of every month (or of each quarter's
    last month), moved to the next working day when it falls on a weekend or holiday."""
    step, found = EVERY[every], []
    year, month = start.year, start.month
    if every == "quarter":
        month += (3 - month % 3) % 3
    while (year, month) <= (end.year, end.month):
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        due = calendar.next_workday(date(year, month, min(day, last)))
        if start <= due:
            found.append((round_name(every, year, month), due))
        year, month = year + (month + step - 1) // 12, (month + step - 1) % 12 + 1
    return found


def plan_cycle(session: Session, document_id: int, every: str | None, day: int | None, actor: str,
               grace: int | None = None, start: date | None = None, end: date | None = None) -> list[Round]:
    """Give a document its reporting cycle and create the cycle's rounds (contiguous: each opens the day
    after the previous one closes), from today unless the office gives an earlier or later start (rounds
    opened before today are `backfilled`)."""
    doc = current_document(session, document_id)
    every, day = every or status.RULES["rounds"]["every"], day or status.RULES["rounds"]["day"]
    if every not in EVERY or not 1 <= day <= 31:
        raise DubanError(f"报送周期应为 month 或 quarter，日期 1–31 (bad cycle {every!r} day {day})")
    grace = status.RULES["rounds"]["grace"] if grace is None else grace
    start = start or clock.today()  # rounds already past only when the office asks for them (a start date)
    end = end or date(start.year, 12, 31)
    cycle = Cycle(document_id=doc.id, every=every, day=day, grace=grace, start=start, end=end, created_by=actor,
                  created_at=clock.now())
    session.add(cycle)
    session.flush()
    rounds, opens = [], start
    for name, due in due_days(every, day, start, end):
        rounds.append(add_round(session, doc.id, name, opens, due, grace, actor, cycle.id))
        opens = rounds[-1].closes + timedelta(days=1)
    audit.record(session, actor, "plan_cycle", "document", doc.id, every=every, day=day, grace=grace,
                 rounds=[r.name for r in rounds])
    return rounds


def open_round(session: Session, document_id: int, name: str, due: date, actor: str, grace: int | None = None,
               opens: date | None = None) -> Round:
    """An ad hoc round (专项调度) opened by the office."""
    doc = current_document(session, document_id)
    grace = status.RULES["rounds"]["grace"] if grace is None else grace
    found = add_round(session, doc.id, name, opens or clock.today(), due, grace, actor)
    audit.record(session, actor, "open_round", "round", found.id, name=name, due=due.isoformat(), grace=grace)
    return found


def add_round(session: Session, document_id: int, name: str, opens: date, due: date, grace: int, actor: str,
              cycle_id: int | None = None) -> Round:
    if session.scalar(select(Round.id).where(Round.document_id == document_id, Round.name == name)):
        raise DubanError(f"这份公文已有调度轮次“{name}” (the round already exists)")
    if due < opens:
        raise DubanError(f"调度“{name}”的报送截止日 {due} 早于开始日 {opens} (due before it opens)")
    found = Round(document_id=document_id, cycle_id=cycle_id, name=name, opens=opens, due=due,
                  closes=calendar.add_workdays(due, grace), opened_by=actor, opened_at=clock.now())
    session.add(found)
    session.flush()
    return found


def lock_round(session: Session, round_id: int, actor: str, at: datetime | None = None) -> Round:
    found = session.get(Round, round_id)
    if found is None:
        raise DubanError(f"没有调度轮次 {round_id} (no such round)")
    found.locked_at = at or clock.now()
    audit.record(session, actor, "lock_round", "round", found.id, at=found.locked_at.isoformat())
    return found


def shut(r: Round, as_of: date) -> bool:
    return as_of >= r.closes or (r.locked_at is not None and r.locked_at.date() <= as_of)


def state(r: Round, as_of: date) -> str:
    """未开始 before it opens, 进行中 to its due day, 补报期 in its grace days (late reports still count),
    then 已结束 (or when the office locks it)."""
    if shut(r, as_of):
        return "已结束"
    if as_of < r.opens:
        return "未开始"
    return "进行中" if as_of <= r.due else "补报期"


def rounds_of(session: Session, document_ids: list[int] | None = None) -> list[Round]:
    q = select(Round).order_by(Round.due, Round.id)
    return list(session.scalars(q.where(among(Round.document_id, document_ids)) if document_ids else q))


def of_each(session: Session, documents: Iterable[int], known: dict[int, list[Round]]) -> list[list[Round]]:
    """Each of these documents' rounds in order (in the documents' id order). `known` keeps them between
    batches; those it lacks are read in one query: a ledger page's 50 tasks may come from 50 plans (a
    query each was half the statements of a province's page)."""
    ordered = sorted(set(documents))
    if missing := [d for d in ordered if d not in known]:
        known.update((d, []) for d in missing)
        for r in rounds_of(session, missing):
            known[r.document_id].append(r)
    return [known[d] for d in ordered]


def find_round(session: Session, name: str) -> Round:
    """A round by id or name; DubanError when none or several match."""
    q = select(Round).where(Round.id == int(name)) if name.isdigit() else select(Round).where(Round.name == name)
    found = list(session.scalars(q))
    if len(found) != 1:
        raise DubanError(f"调度轮次“{name}”{'不存在' if not found else '有多个，请用编号'} (no such round, or several)")
    return found[0]


@dataclass
class Tally:
    """Who has reported in a round, by (task id, unit id)."""

    round: Round
    on_time: dict[tuple[int, str], datetime] = field(default_factory=dict)
    late: dict[tuple[int, str], datetime] = field(default_factory=dict)
    missed: list[tuple[int, str]] = field(default_factory=list)  # the round is shut
    pending: list[tuple[int, str]] = field(default_factory=list)  # not yet, the round still open
    unasked: list[tuple[int, str]] = field(default_factory=list)  # not reported in a backfilled round: no fault

    @property
    def expected(self) -> int:
        return len(self.on_time) + len(self.late) + len(self.missed) + len(self.pending)


def expected(session: Session, r: Round, tasks: list[int] | None = None) -> list[tuple[int, str]]:
    """(task, lead unit) pairs the round asks for (of some tasks only): tasks not completed before it opened."""
    before = r.opens - timedelta(days=1)
    found = facts.of_tasks(session, before, documents=[r.document_id], tasks=tasks)
    return [(f.id, unit) for f in found.values() if status.derive(f, before).status != status.DONE
            for unit in f.lead_units]


def tally(session: Session, r: Round, as_of: date, tasks: list[int] | None = None) -> Tally:
    first: dict[tuple[int, str], datetime] = {}
    q = (select(ProgressReport.task_id, ProgressReport.unit_id, ProgressReport.reported_at)
         .where(ProgressReport.round_id == r.id, ProgressReport.reported_at <= facts.end_of(as_of)))
    if tasks is not None:
        q = q.where(among(ProgressReport.task_id, tasks))
    for task_id, unit_id, at in session.execute(q.order_by(ProgressReport.reported_at)):
        first.setdefault((task_id, unit_id), at)
    t = Tally(r)
    for pair in expected(session, r, tasks):
        if (at := first.get(pair)) is not None:
            (t.on_time if at.date() <= r.due else t.late)[pair] = at
        else:
            (t.pending if not shut(r, as_of) else t.unasked if backfilled(r) else t.missed).append(pair)
    return t


def backfilled(r: Round) -> bool:
    """A round made after it opened (a cycle started before the day the office planned it) or opening
    before its plan was in the ledger: the reports it gets are kept, but no unit was asked in time, so
    none has missed it or reported late for it."""
    return r.opens < r.opened_at.date() or r.opens < r.document.ingested_at.date()
