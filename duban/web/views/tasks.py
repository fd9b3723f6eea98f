"""任务详情: one task as printed, with its units, leaders, time limits and targets marked where the
document names them; its status and warning with their reasons; everything written about it (reports,
problems, extensions, instructions, overrides). Leaders and the office write a 批示 here, the office
overrides the status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import render
from ...store.ledger import UNIT_ROLES, target_label, task_key
from ...store.models import ProgressReport, Round, StatusOverride, Task, Unit
from ...supervise import extensions, notes, problems
from ...supervise.records import STATUSES
from ..access import Principal, allow
from ..pages import action, page
from . import instructions
from .common import day
from .ledger import Asked, judge

router = APIRouter()
KINDS = {**dict.fromkeys(UNIT_ROLES, "unit"), "lead_leaders": "leader"}  # role -> the <mark> class


@dataclass
class Span:
    start: int
    end: int
    kind: str  # unit, leader, deadline, target


def marked(text: str, offset: int, spans: list[Span]) -> list[tuple[str, str]]:
    """`text` (which starts at `offset` of the source) cut into (piece, kind) segments, kind "" where
    nothing is named. Where spans overlap the innermost (shortest) wins, so a target inside a time-limit
    phrase stays visible; spans reaching outside the text are clipped."""
    inside = [Span(max(x.start - offset, 0), min(x.end - offset, len(text)), x.kind) for x in spans]
    inside = [x for x in inside if x.start < x.end]
    cuts = sorted({0, len(text), *(x.start for x in inside), *(x.end for x in inside)})
    segments: list[tuple[str, str]] = []
    for a, b in pairwise(cuts):
        covering = [x for x in inside if x.start <= a and b <= x.end]
        kind = min(covering, key=lambda x: x.end - x.start).kind if covering else ""
        if segments and segments[-1][1] == kind:
            segments[-1] = (segments[-1][0] + text[a:b], kind)
        else:
            segments.append((text[a:b], kind))
    return segments


def spans_of(t: Task) -> list[Span]:
    named = [Span(r.span_start, r.span_end, KINDS[r.role]) for r in t.roles if r.role in KINDS]
    return named + [Span(d.span_start, d.span_end, "deadline") for d in t.deadlines] + [
        Span(x.span_start, x.span_end, "target") for x in t.targets]


@dataclass
class RoleLine:
    role: str
    role_name: str
    label: str
    printed: str
    unit_id: str | None
    person_id: str | None


@dataclass
class ReportLine:
    id: int
    unit: str
    status: str | None
    percent: float | None
    value: float | None
    progress: str
    problem: str
    note: str
    by: str
    at: datetime
    round: str | None


@dataclass
class ProblemLine:
    id: int
    text: str
    unit: str | None
    state: str | None  # on the as-of day
    overdue: bool
    raised_by: str
    raised_at: datetime
    assignee: str | None
    steps: list[dict]


def reports(s: Session, task_id: int) -> list[ReportLine]:
    """Every report on the task, newest first."""
    found = s.execute(select(ProgressReport, Unit.name, Round.name).outerjoin(Unit).outerjoin(Round)
                      .where(ProgressReport.task_id == task_id).order_by(ProgressReport.id.desc()))
    return [ReportLine(r.id, unit or r.unit_id or "督查室", r.status, r.percent, r.value, r.progress, r.problem, r.note,
                       r.reported_by, r.reported_at, round_name) for r, unit, round_name in found]


def problem_lines(s: Session, task_id: int, when: date) -> list[ProblemLine]:
    return [ProblemLine(p.id, p.text, p.unit_id, problems.state_on(p, when), problems.overdue(p, when), p.raised_by,
                        p.raised_at, p.assignee,
                        [{"state": x.state, "actor": x.actor, "at": x.at, "note": x.note, "assignee": x.assignee}
                         for x in p.steps])
            for p in problems.problems(s, when, [task_id])]


def report_units(who: Principal, roles: list[RoleLine]) -> list[dict]:
    """The units whose reporting page this user may open from here (a liaison: only its own)."""
    ids = dict.fromkeys(r.unit_id for r in roles if r.unit_id and r.role in UNIT_ROLES)
    names = {r.unit_id: r.label for r in roles}
    return [{"id": u, "name": names[u]} for u in ids if who.office or (who.role == "unit" and u in who.units)]


EXTENSION = ("id", "unit_id", "reason", "old_due", "new_due", "state", "requested_by", "requested_at", "decided_by",
             "decided_at", "decision")
OVERRIDE = ("id", "task_id", "status", "reason", "by", "at")


def plain(record, fields: tuple[str, ...]) -> dict:
    """A database record as the plain data a page and its JSON share."""
    return {f: getattr(record, f) for f in fields}


def found_task(s: Session, task_id: int) -> Task:
    t = s.get(Task, task_id)
    if t is None:
        raise HTTPException(404, f"台账中没有任务 {task_id} (no such task)")
    return t


@page(router, "/tasks/{task_id}", "task.html")
def task_page(request: Request, s: Session, task_id: int, who: Principal = allow("ledger"),
              as_of: Asked(date, "截至日期，默认今天 (as of)") = None) -> dict:
    """任务详情：原文标注、状态预警、进展、问题、延期、批示 (one task and its history)."""
    t, when = found_task(s, task_id), day(as_of)
    doc = t.document
    roles = [RoleLine(r.role, render.ROLE_NAMES.get(r.role, r.role), r.label, r.printed, r.unit_id, r.person_id)
             for r in t.roles]
    return {
        "as_of": when,
        "task": {"id": t.id, "key": task_key(t.id), "number": t.number, "title": t.title, "chapter": t.chapter,
                 "active": t.active, "document_id": doc.id, "document": doc.title or doc.path,
                 "current": doc.current, "line": t.line},
        "segments": marked(doc.source_text[t.span_start:t.span_end], t.span_start, spans_of(t)),
        "roles": roles,
        "deadlines": [render.deadline_label(d) for d in t.deadlines],
        "targets": [target_label(x) for x in t.targets],
        "board": judge(s, when, [t.id]).get(t.id),  # None: the task left the current version
        "reports": reports(s, t.id),
        "problems": problem_lines(s, t.id, when),
        "extensions": [plain(e, EXTENSION) for e in extensions.history(s, t.id)],
        "instructions": [instructions.plain(i) for i in reversed(notes.instructions(s, t.id))],  # newest first
        "overrides": [plain(o, OVERRIDE) for o in s.scalars(
            select(StatusOverride).where(StatusOverride.task_id == t.id).order_by(StatusOverride.at.desc(),
                                                                                  StatusOverride.id.desc()))],
        "report_units": report_units(who, roles),
        "answers": instructions.answers(s, who, t.id),
        "leader": instructions.first_leader(roles),
        "statuses": STATUSES,
    }


@action(router, "/tasks/{task_id}/override")
def override(request: Request, s: Session, task_id: int, reason: Annotated[str, Form(max_length=2000)],
             who: Principal = allow("office"),
             status: Annotated[str, Form(description="状态；留空为取消改定 (status; empty lifts the override)")] = ""
             ) -> dict:
    """改定任务状态 (the office sets or lifts a task's status by hand)."""
    t = found_task(s, task_id)
    o = notes.override(s, t.id, status or None, reason, who.actor)
    s.flush()
    return {"next": f"/tasks/{t.id}", "message": f"已改定为{o.status}" if o.status else "已取消改定，按规则认定",
            "override": plain(o, OVERRIDE)}
