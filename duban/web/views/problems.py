"""问题 and 延期: the problem board, each problem under the state it is in (发现 → 协调 → 解决 → 反馈 → 销号)
with its steps and a form to move it on, those past their due day flagged; and the extension requests,
pending ones first, with the office's approve / refuse form and a box to tick each for approving several
at once (all or none). The library decides which moves and decisions are allowed: a refusal comes back
as a 400."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...store.ledger import task_key
from ...store.models import Problem, Task, Unit
from ...supervise import extensions, problems
from ...supervise.facts import end_of
from ..access import Principal, allow
from ..pages import action, page
from .common import choices, day
from .rounds import TaskRef

router = APIRouter()
PENDING = "待审批"


@dataclass
class Step:
    state: str
    actor: str
    at: datetime
    note: str
    assignee: str | None


@dataclass
class ProblemLine:
    id: int
    task: TaskRef
    document_id: int
    unit: str | None
    text: str
    state: str
    raised_by: str
    raised_at: datetime
    due: date | None
    assignee: str | None
    overdue: bool
    overdue_days: int  # calendar days past the due day
    steps: list[Step]
    moves: list[str]  # the states the library lets it go to next


@dataclass
class StateGroup:
    state: str
    problems: list[ProblemLine] = field(default_factory=list)


@dataclass
class ExtensionLine:
    id: int
    task: TaskRef
    unit: str | None
    reason: str
    old_due: date | None
    new_due: date
    state: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision: str


def task_refs(s: Session, ids: set[int]) -> dict[int, tuple[TaskRef, int]]:
    """Each task's reference and its document id."""
    return {t.id: (TaskRef(t.id, task_key(t.id), t.number, t.title), t.document_id)
            for t in s.scalars(select(Task).where(Task.id.in_(ids)))}


def unit_names(s: Session, ids: set[str | None]) -> dict[str, str]:
    return {uid: name for uid, name in s.execute(select(Unit.id, Unit.name).where(Unit.id.in_({i for i in ids if i})))}


def problem_line(p: Problem, when: date, task: tuple[TaskRef, int], units: dict[str, str]) -> ProblemLine:
    state, late = problems.state_on(p, when) or "发现", problems.overdue(p, when)
    steps = [Step(x.state, x.actor, x.at, x.note, x.assignee) for x in p.steps if x.at <= end_of(when)]
    return ProblemLine(p.id, task[0], task[1], units.get(p.unit_id, p.unit_id), p.text, state, p.raised_by,
                       p.raised_at, p.due, p.assignee, late, (when - p.due).days if late and p.due else 0, steps,
                       list(problems.NEXT[p.state]))


@page(router, "/problems", "problems.html")
def problem_board(request: Request, s: Session, who: Principal = allow("office"),
                  state: Annotated[str | None, Query(description="只看这一环节：发现/协调/解决/反馈/销号 (state)")] = None,
                  doc: Annotated[int | None, Query(description="只看这份文件的任务 (document id)")] = None,
                  overdue: Annotated[bool, Query(description="只看逾期未销号的 (overdue only)")] = False,
                  as_of: Annotated[date | None, Query(description="截至日期，默认今天 (as of)")] = None) -> dict:
    """问题清单：按环节分组，逾期标出 (the problem board)."""
    when = day(as_of)
    found = problems.problems(s, when)
    tasks, units = task_refs(s, {p.task_id for p in found}), unit_names(s, {p.unit_id for p in found})
    lines = [problem_line(p, when, tasks[p.task_id], units) for p in found]
    lines = [x for x in lines if (doc is None or x.document_id == doc) and (not overdue or x.overdue)]
    groups = [StateGroup(k, [x for x in lines if x.state == k]) for k in problems.STATES if state in (None, "", k)]
    return {"as_of": when, "doc": doc, "state": state, "overdue_only": overdue, "documents": choices(s),
            "states": list(problems.STATES), "total": sum(len(g.problems) for g in groups),
            "overdue": sum(x.overdue for g in groups for x in g.problems), "groups": groups}


@action(router, "/problems/{problem_id}/move")
def move_problem(request: Request, s: Session, problem_id: int,
                 state: Annotated[str, Form(description="下一环节：协调/解决/反馈/销号 (next state)")],
                 who: Principal = allow("office"),
                 note: Annotated[str, Form(description="说明 (note)")] = "",
                 assignee: Annotated[str | None, Form(description="负责的单位或领导，协调时必填 (assignee)")] = None) -> dict:
    """推进问题到下一环节 (move a problem on)."""
    p = problems.move(s, problem_id, state, who.actor, note.strip(), (assignee or "").strip() or None)
    return {"next": f"/problems#p{p.id}", "message": f"问题 #{p.id} 已进入“{p.state}”", "id": p.id, "state": p.state,
            "assignee": p.assignee}


@page(router, "/extensions", "extensions.html")
def extension_list(request: Request, s: Session, who: Principal = allow("office")) -> dict:
    """延期申请：待审批的在前，已审批的在后 (extension requests)."""
    found = extensions.history(s)
    tasks, units = task_refs(s, {e.task_id for e in found}), unit_names(s, {e.unit_id for e in found})
    lines = [ExtensionLine(e.id, tasks[e.task_id][0], units.get(e.unit_id, e.unit_id), e.reason, e.old_due, e.new_due,
                           e.state, e.requested_by, e.requested_at, e.decided_by, e.decided_at, e.decision)
             for e in found]
    return {"as_of": day(None), "pending": [x for x in lines if x.state == PENDING],
            "decided": [x for x in reversed(lines) if x.state != PENDING]}


@action(router, "/extensions/{extension_id}/decide")
def decide_extension(request: Request, s: Session, extension_id: int,
                     decision: Annotated[Literal["approve", "refuse"], Form(description="approve 批准 | refuse 驳回")],
                     who: Principal = allow("office"),
                     note: Annotated[str, Form(description="审批意见 (note)")] = "") -> dict:
    """审批延期申请：批准或驳回 (approve or refuse an extension request)."""
    e = extensions.decide(s, extension_id, decision == "approve", who.actor, note.strip())
    return {"next": "/extensions", "message": f"延期申请 #{e.id} {e.state}", "id": e.id, "state": e.state}


@action(router, "/extensions/approve")
def approve_extensions(request: Request, s: Session,
                       ids: Annotated[list[int], Form(description="勾选的延期申请编号，可多个 (request ids)")],
                       who: Principal = allow("office"),
                       note: Annotated[str, Form(description="审批意见 (note)")] = "") -> dict:
    """批量批准延期申请：全部批准或一件也不批准 (approve several requests at once, all or none)."""
    approved = extensions.approve_all(s, ids, who.actor, note.strip())
    return {"next": "/extensions", "message": f"已批准延期申请 {len(approved)} 件："
            + "、".join(f"#{e.id}" for e in approved), "ids": [e.id for e in approved]}
