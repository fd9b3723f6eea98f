"""工作台: the office's inbox, what waits for it today, each line a link to where it is dealt with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...lexicon import load
from ...notify import outbox
from ...store.ledger import task_key
from ...store.models import Extension, Task, Unit
from ...supervise import calendar, inbox, notes, problems
from ..access import Principal, allow
from ..pages import page
from .common import day
from .unit import unit_url

router = APIRouter()


@dataclass
class Item:
    """One thing waiting: what, on which task, since when, and where to deal with it."""

    task_id: int
    task: str  # 任务ID, number and title
    what: str
    who: str
    at: datetime | date | None
    url: str


def task_names(s: Session, ids: set[int]) -> dict[int, str]:
    found = s.execute(select(Task.id, Task.number, Task.title).where(Task.id.in_(ids))) if ids else []
    return {i: f"{task_key(i)} {number} {title}".strip() for i, number, title in found}


def instruction_items(s: Session, state: str) -> list[Item]:
    found = notes.open_instructions(s, list(s.scalars(inbox.live_tasks())), states=(state,))
    names = task_names(s, {i.task_id for i in found})
    return [Item(i.task_id, names[i.task_id], i.answer if state == notes.ANSWERED else i.text,
                 i.answered_by if state == notes.ANSWERED else i.leader,
                 i.answered_at if state == notes.ANSWERED else i.at, f"/tasks/{i.task_id}#instruction-{i.id}")
            for i in found]


def extension_items(s: Session) -> list[Item]:
    found = list(s.scalars(select(Extension).where(Extension.state == "待审批", Extension.task_id.in_(inbox.live_tasks()))
                           .order_by(Extension.requested_at)))
    names = task_names(s, {e.task_id for e in found})
    return [Item(e.task_id, names[e.task_id], f"申请延至 {e.new_due}：{e.reason}", e.requested_by, e.requested_at,
                 "/extensions") for e in found]


def problem_items(s: Session, when: date, overdue: bool) -> list[Item]:
    found = [p for p in inbox.open_problems(s, when) if problems.overdue(p, when) == overdue]
    names = task_names(s, {p.task_id for p in found})
    return [Item(p.task_id, names[p.task_id], f"{problems.state_on(p, when)}：{p.text}", p.unit_id or p.raised_by,
                 p.due, f"/tasks/{p.task_id}") for p in found]


def round_items(s: Session, when: date) -> list[dict]:
    units = dict(s.execute(select(Unit.id, Unit.name)).all())
    return [{"id": r.round.id, "name": r.round.name, "document": r.round.document.title or r.round.document.path,
             "state": r.state, "due": r.round.due, "closes": r.round.closes, "workdays_left": r.workdays_left,
             "closing": r.closing, "url": f"/rounds/{r.round.id}",
             "pending": [{"unit": units.get(u, u), "tasks": len(owed), "url": unit_url(u)}
                        for u, owed in sorted(r.pending.items(), key=lambda x: -len(x[1]))]}
            for r in sorted(inbox.rounds_due(s, when), key=lambda r: (not r.closing, r.round.due))]


@dataclass
class Undelivered:
    """A message to a unit given up on after its retries (duban/notify)."""

    unit: str
    channel: str
    subject: str
    attempts: int
    error: str
    at: datetime


CHANNEL_NAMES = load("notify")["channels"]


def undelivered(s: Session) -> list[Undelivered]:
    return [Undelivered(m.unit_name, CHANNEL_NAMES.get(m.channel, m.channel), m.subject, m.attempts, m.last_error,
                        m.due_at) for m in outbox.failed(s)]


@page(router, "/inbox", "inbox.html")
def inbox_page(request: Request, s: Session, who: Principal = allow("office")) -> dict:
    """工作台：待确认的批示办理情况、待审批的延期、超期问题、进行中的调度和未报送单位 (what waits for the office)."""
    when = day(None)
    return {"as_of": when, "counts": inbox.counts(s, when),
            "answered": instruction_items(s, notes.ANSWERED), "unanswered": instruction_items(s, notes.PENDING),
            "extensions": extension_items(s), "overdue": problem_items(s, when, True),
            "open_problems": problem_items(s, when, False), "rounds": round_items(s, when),
            "undelivered": undelivered(s), "calendar_warning": calendar.warning(when)}
