"""What a unit is told about a day, derived from the ledger as it stood at the day's end: what is
overdue (a task past its limit, a problem past its 销号 day), the other 催办 (a task with a warning),
reports owed a few working days before a round's due day and in its grace days, a round opened, and
what happened in the last few days (notify.lookback_days): a leader's 批示 on a task it leads, its
extension request decided, a problem given to it to 协调. Each event has a key: the same event found
again (another run, the next day) has the same key."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import DubanError
from ..store.among import among
from ..store.models import Document, Extension, Instruction, Problem, ProblemStep, Round, Task, TaskRole, Unit
from ..supervise import inbox, remind, rounds
from ..supervise.facts import end_of
from ..supervise.records import COLOUR_NAMES
from ..supervise.status import ymd


@dataclass(frozen=True)
class Event:
    unit: str  # the unit id (for a problem's 协调: the assignee as typed, when it names no unit)
    kind: str  # a key of lexicon/notify.yaml kinds
    key: str
    line: str  # what the unit is told, in one line


@dataclass
class Day:
    session: Session
    as_of: date
    conf: dict

    @cached_property
    def reminders(self) -> list[remind.Reminder]:
        return remind.reminders(self.session, self.as_of)

    @property
    def since(self) -> datetime:
        """The start of the days looked back on."""
        return datetime.combine(self.as_of - timedelta(days=self.conf["notify"]["lookback_days"]), datetime.min.time())


def overdue_events(day: Day) -> Iterator[Event]:
    """Tasks past their limit and problems past their 销号 day."""
    return warned_events(day, "overdue", True)


def remind_events(day: Day) -> Iterator[Event]:
    """The other warnings: a limit near, a round missed, progress behind."""
    return warned_events(day, "remind", False)


def warned_events(day: Day, kind: str, overdue: bool) -> Iterator[Event]:
    for r in day.reminders:
        for x in r.items:
            if x.overdue == overdue:
                said = f"{COLOUR_NAMES.get(x.colour, '提示')}｜任务{x.number}“{x.title}”：{x.reason}"
                # a task may carry a warning and overdue problems: each item is its own event
                yield Event(r.unit_id, kind, f"{kind}:{day.as_of}:{x.key}:{short_hash(x.reason)}", said)


def report_due_events(day: Day) -> Iterator[Event]:
    """Each open round's reports still owed, the listed working days before its due day and in its grace days."""
    asked = [r for r in inbox.rounds_due(day.session, day.as_of)
             if r.workdays_left < 0 or r.workdays_left in day.conf["notify"]["report_due_workdays"]]
    tasks = tasks_by_id(day.session, {task for r in asked for owed in r.pending.values() for task in owed})
    for r in asked:
        for unit, owed in r.pending.items():
            yield Event(unit, "report_due", f"report_due:{day.as_of}:{r.round.id}",
                        owed_line(r, [tasks[task][0] for task in owed]))


def owed_line(r: inbox.RoundDue, numbers: list[str]) -> str:
    """The round, its due day and the tasks still owed by number: what the unit needs to act on."""
    name, title = r.round.name, r.round.document.title or ""
    owed = f"尚有{len(numbers)}项未报（任务{'、'.join(numbers)}）"
    if r.workdays_left < 0:
        return f"“{name}”调度（{title}）已过报送截止日{ymd(r.round.due)}，{owed}，请于{ymd(r.round.closes)}前补报"
    return f"请于{ymd(r.round.due)}前报送“{name}”调度进展（{title}），{owed}"


def round_opened_events(day: Day) -> Iterator[Event]:
    running = select(Document.id).where(Document.current, Document.running)
    opened = select(Round).where(Round.document_id.in_(running), Round.opens >= day.since.date(),
                                 Round.opens <= day.as_of).order_by(Round.opens, Round.id)
    for r in day.session.scalars(opened):
        if rounds.shut(r, day.as_of):
            continue
        for unit, n in Counter(unit for _, unit in rounds.expected(day.session, r)).items():
            yield Event(unit, "round_opened", f"round_opened:{r.id}",
                        f"“{r.name}”调度已开始（{r.document.title or ''}），你单位牵头的{n}项任务请于{ymd(r.due)}前报送进展")


def instruction_events(day: Day) -> Iterator[Event]:
    found = list(day.session.scalars(select(Instruction).where(
        Instruction.at >= day.since, Instruction.at <= end_of(day.as_of), Instruction.task_id.in_(inbox.live_tasks()))
        .order_by(Instruction.at, Instruction.id)))
    named, leads = task_names(day.session, {i.task_id for i in found}), lead_units(day.session, found)
    for i in found:
        for unit in leads.get(i.task_id, []):
            yield Event(unit, "instruction", f"instruction:{i.id}",
                        f"{i.leader}对{named[i.task_id]}批示：“{i.text}”，请抓紧办理并在系统中答复办理情况")


def extension_events(day: Day) -> Iterator[Event]:
    found = list(day.session.scalars(select(Extension).where(
        Extension.decided_at >= day.since, Extension.decided_at <= end_of(day.as_of),
        Extension.state != "待审批").order_by(Extension.decided_at, Extension.id)))
    named, leads = task_names(day.session, {e.task_id for e in found}), lead_units(day.session, found)
    for e in found:
        said = f"{named[e.task_id]}延期至{ymd(e.new_due)}的申请{e.state}{'：' + e.decision if e.decision else ''}"
        for unit in [e.unit_id] if e.unit_id else leads.get(e.task_id, []):
            yield Event(unit, "extension", f"extension:{e.id}", said)


def problem_events(day: Day) -> Iterator[Event]:
    steps = list(day.session.execute(select(ProblemStep, Problem).join(Problem).where(
        ProblemStep.state == "协调", ProblemStep.assignee.is_not(None), ProblemStep.at >= day.since,
        ProblemStep.at <= end_of(day.as_of), Problem.task_id.in_(inbox.live_tasks())).order_by(ProblemStep.at)))
    named = task_names(day.session, {p.task_id for _, p in steps})
    units = unit_ids(day.session, {step.assignee for step, _ in steps})
    for step, p in steps:
        who = step.assignee.strip()
        yield Event(units.get(who, who), "problem", f"problem:{step.id}",
                    f"问题#{p.id}“{p.text}”（{named[p.task_id]}）交由你单位协调解决"
                    + (f"，请于{ymd(p.due)}前推动销号" if p.due else ""))


KINDS = {  # what each kind is derived by, in the order a digest lists them
    "overdue": overdue_events,
    "remind": remind_events,
    "report_due": report_due_events,
    "round_opened": round_opened_events,
    "instruction": instruction_events,
    "extension": extension_events,
    "problem": problem_events,
}


def of_day(day: Day) -> list[Event]:
    """The day's events of the kinds the office sends (notify.kinds)."""
    kinds = day.conf["notify"]["kinds"]
    if unknown := [k for k in kinds if k not in KINDS]:
        raise DubanError(f"[notify] kinds 中的 {'、'.join(map(str, unknown))} 不是消息种类，可选：{' | '.join(KINDS)} "
                         "(unknown kind)")
    return [e for kind in kinds for e in KINDS[kind](day)]


def task_names(session: Session, ids: set[int]) -> dict[int, str]:
    return {i: f"任务{number}“{title}”" for i, (number, title) in tasks_by_id(session, ids).items()}


def tasks_by_id(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """task id -> (number, title)."""
    found = session.execute(select(Task.id, Task.number, Task.title).where(among(Task.id, ids))) if ids else []
    return {i: (number, title) for i, number, title in found}


def lead_units(session: Session, rows: list) -> dict[int, list[str]]:
    """task id -> its lead units' ids, for the tasks of `rows`."""
    ids = {r.task_id for r in rows}
    found: dict[int, list[str]] = {}
    if ids:
        for task, unit in session.execute(select(TaskRole.task_id, TaskRole.unit_id).where(
                among(TaskRole.task_id, ids), TaskRole.role == "lead_units", TaskRole.unit_id.is_not(None))
                .order_by(TaskRole.task_id, TaskRole.position)):
            found.setdefault(task, []).append(unit)
    return found


def unit_ids(session: Session, words: set[str]) -> dict[str, str]:
    """The unit id each of these words names (an id or a registry name), where it names one."""
    words = {w.strip() for w in words}
    found: dict[str, str] = {}
    if words:
        for unit, name in session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(words) | Unit.name.in_(words))):
            found.setdefault(unit, unit)
            found.setdefault(name, unit)
    return found


def short_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:8]
