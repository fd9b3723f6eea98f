"""领导: a leader's portfolio, the tasks they lead (牵头领导) counted by status and warning colour and
listed by colour, red first, each with its reasons and a place to write a 批示. A leader opens only their
own; the office sees the list of leaders and opens any."""

from __future__ import annotations

from collections import Counter
from datetime import date

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store import ledger
from ...store.models import Document, Person, Task, TaskRole
from ...supervise import notes
from ...supervise.records import COLOUR_NAMES, COLOURS, STATUSES
from ..access import Principal, allow
from ..pages import page
from . import instructions
from .common import day
from .ledger import Asked, judge

router = APIRouter()
AsOf = Asked(date, "截至日期，默认今天 (as of)")


def portfolio(s: Session, person_id: str, when: date) -> dict:
    """The leader's tasks on `when`: counts by status and colour, and the tasks grouped by colour."""
    person = s.get(Person, person_id)
    if person is None:
        raise HTTPException(404, f"没有这位领导 {person_id} (no such leader)")
    lines = judge(s, when, ledger.sorted_ids(s, ledger.Filter(person=person_id, plans=ledger.RUNNING))).values()
    written = notes.by_task(s, [x.id for x in lines])
    by_status, by_colour = Counter(x.status for x in lines), Counter(x.colour for x in lines)
    return {
        "as_of": when, "person": {"id": person.id, "name": person.name}, "total": len(lines),
        "statuses": {k: by_status.get(k, 0) for k in STATUSES},
        "colours": {k: by_colour.get(k, 0) for k in COLOURS} | {"none": by_colour.get(None, 0)},
        "groups": [{"colour": c, "name": f"{COLOUR_NAMES[c]}预警" if c else "无预警",
                    "tasks": [x for x in lines if x.colour == c]} for c in (*COLOURS, None)],
        "instructions": {task: [instructions.plain(i) for i in found] for task, found in written.items()},
        "leaders": [],
    }


def leaders(s: Session) -> list[dict]:
    """Everyone named 牵头领导 of a task of a running plan, with how many such tasks they lead."""
    found = s.execute(
        select(Person.id, Person.name, func.count(func.distinct(Task.id)))
        .join(TaskRole, TaskRole.person_id == Person.id).join(Task, Task.id == TaskRole.task_id).join(Document)
        .where(TaskRole.role == "lead_leaders", Document.current, Document.running, Task.active)
        .group_by(Person.id, Person.name).order_by(Person.name))
    return [{"id": i, "name": name, "tasks": n} for i, name, n in found]


@page(router, "/leader", "leader.html")
def my_tasks(request: Request, s: Session, who: Principal = allow("instruct"), as_of: AsOf = None) -> dict:
    """领导：本人牵头的任务；督查室看到领导名单 (a leader's own tasks; the office: the list of leaders)."""
    when = day(as_of)
    if who.role == "leader" and who.person_id:
        return portfolio(s, who.person_id, when)
    return {"as_of": when, "person": None, "leaders": leaders(s) if who.office else []}


@page(router, "/leaders/{person_id}", "leader.html")
def leader_tasks(request: Request, s: Session, person_id: str, who: Principal = allow("instruct"),
                 as_of: AsOf = None) -> dict:
    """一位领导牵头的任务：按状态、预警统计 (one leader's tasks by status and colour)."""
    return portfolio(s, person_id, day(as_of))
