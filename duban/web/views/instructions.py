"""批示 followed to the end: a leader (or the office for them) writes one on a task; a liaison of a lead
unit answers what was done (办理情况) from the task or its unit page; the office marks it 已落实; the
leader sees the answer on the task. The lists of open 批示 feed the office's 工作台."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy.orm import Session

from ...store.models import Instruction, Task
from ...supervise import notes
from ..access import Principal, allow
from ..pages import action
from .account import safe_next

router = APIRouter()
FIELDS = ("id", "task_id", "leader", "person_id", "text", "at", "recorded_by", "state", "answer", "answered_by",
          "answered_at", "closed_by", "closed_at")
Back = Annotated[str, Form(description="写完后回到的页面 (page to go back to)")]


def plain(i: Instruction) -> dict:
    return {f: getattr(i, f) for f in FIELDS}


def answers(s: Session, who: Principal, task_id: int) -> bool:
    """Whether this user answers the task's 批示: the office, or a liaison of one of its lead units."""
    return who.office or (who.role == "unit" and notes.leads(s, task_id, who.units))


def first_leader(roles: list) -> str:
    """The name of the task's first 牵头领导 ("" if it names none)."""
    return next((r.label for r in roles if r.role == "lead_leaders"), "")


def leader_of(who: Principal, t: Task, asked: str) -> str:
    """Whose 批示 it is: a leader writes as themself; the office names one, by default the first 牵头领导."""
    if who.role == "leader":
        return who.person_name or who.person_id or who.name
    return asked.strip() or first_leader(t.roles)


def on_task(s: Session, task_id: int, instruction_id: int) -> Instruction:
    found = s.get(Instruction, instruction_id)
    if found is None or found.task_id != task_id:
        raise HTTPException(404, "该任务下没有这条批示")
    return found


@action(router, "/tasks/{task_id}/instruction")
def instruction(request: Request, s: Session, task_id: int, text: Annotated[str, Form(max_length=2000)],
                who: Principal = allow("instruct"),
                leader: Annotated[str, Form(max_length=100, description="领导姓名（督查室代录时）")] = "",
                back: Back = "") -> dict:
    """写批示 (record a leader's instruction on a task)."""
    i = notes.instruct(s, task_id, leader_of(who, s.get(Task, task_id), leader), text, who.actor)
    s.flush()
    return {"next": safe_next(back) or f"/tasks/{task_id}", "message": f"已记录{i.leader}的批示",
            "instruction": plain(i)}


@action(router, "/tasks/{task_id}/instructions/{instruction_id}/answer")
def answer(request: Request, s: Session, task_id: int, instruction_id: int,
           text: Annotated[str, Form(max_length=5000, description="办理情况 (what was done)")],
           who: Principal = allow("report"), back: Back = "") -> dict:
    """答复批示：填写办理情况 (a lead unit answers a 批示)."""
    i = on_task(s, task_id, instruction_id)
    if not answers(s, who, task_id):
        raise HTTPException(403, "只有牵头单位可以答复批示的办理情况")
    notes.answer(s, i.id, text, who.actor)
    return {"next": safe_next(back) or f"/tasks/{task_id}#instruction-{i.id}", "message": "办理情况已提交，待督查室确认落实",
            "instruction": plain(i)}


@action(router, "/tasks/{task_id}/instructions/{instruction_id}/close")
def close(request: Request, s: Session, task_id: int, instruction_id: int, who: Principal = allow("office"),
          back: Back = "") -> dict:
    """标记批示已落实 (the office closes an answered 批示)."""
    i = notes.close(s, on_task(s, task_id, instruction_id).id, who.actor)
    return {"next": safe_next(back) or f"/tasks/{task_id}#instruction-{i.id}", "message": "已标记为已落实",
            "instruction": plain(i)}
