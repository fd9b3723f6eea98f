"""What the office and the leaders write on a task: a status override with its reason, and a leader's
instruction (批示), followed to the end: the leader writes it (待办理), a lead unit answers what it did
(已答复, its 办理情况), the office marks it carried out (已落实). All kept with who and when, and audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..store import audit
from ..store.models import Instruction, Person, StatusOverride, Task, TaskRole
from .records import STATUSES


def override(session: Session, task_id: int, status: str | None, reason: str, actor: str,
             at: datetime | None = None) -> StatusOverride:
    """Set the task's status by hand (status None lifts the override: the rules decide again)."""
    if session.get(Task, task_id) is None:
        raise DubanError(f"台账中没有任务 {task_id} (no such task)")
    if status is not None and status not in STATUSES:
        raise DubanError(f"状态应为：{'、'.join(STATUSES)} (unknown status {status!r})")
    if not reason.strip():
        raise DubanError("改定状态须说明理由 (a reason is needed)")
    o = StatusOverride(task_id=task_id, status=status, reason=reason.strip(), by=actor, at=at or clock.now())
    session.add(o)
    audit.record(session, actor, "override_status", "task", task_id, status=status, reason=o.reason)
    return o


def instruct(session: Session, task_id: int, leader: str, text: str, actor: str,
             at: datetime | None = None) -> Instruction:
    """Record a leader's 批示 on a task; the leader is matched to the registry by name or id where possible."""
    if session.get(Task, task_id) is None:
        raise DubanError(f"台账中没有任务 {task_id} (no such task)")
    if not leader.strip() or not text.strip():
        raise DubanError("批示须有领导姓名和内容 (a leader and a text are needed)")
    person = session.scalar(select(Person.id).where(or_(Person.id == leader, Person.name == leader)))
    i = Instruction(task_id=task_id, leader=leader.strip(), person_id=person, text=text.strip(),
                    at=at or clock.now(), recorded_by=actor)
    session.add(i)
    audit.record(session, actor, "instruct", "task", task_id, leader=i.leader, text=i.text)
    return i


def instructions(session: Session, task_id: int) -> list[Instruction]:
    return list(session.scalars(select(Instruction).where(Instruction.task_id == task_id).order_by(Instruction.at)))


def by_task(session: Session, task_ids: list[int]) -> dict[int, list[Instruction]]:
    """The 批示 on each of the tasks, newest first (for the task cards of a unit's or a leader's page)."""
    found: dict[int, list[Instruction]] = {}
    for i in session.scalars(select(Instruction).where(Instruction.task_id.in_(task_ids))
                             .order_by(Instruction.at.desc(), Instruction.id.desc())):
        found.setdefault(i.task_id, []).append(i)
    return found


PENDING, ANSWERED, DONE = "待办理", "已答复", "已落实"


def in_words(i: Instruction) -> str:
    """One 批示 as a unit's sheet prints it: who, when, what, where it stands and the unit's answer."""
    line = f"{i.leader}（{i.at:%Y-%m-%d}）：{i.text}【{i.state}】"
    return line + (f"\n办理情况：{i.answer}" if i.answer else "")


def instruction_or_refuse(session: Session, instruction_id: int) -> Instruction:
    found = session.get(Instruction, instruction_id)
    if found is None:
        raise DubanError(f"没有批示 {instruction_id} (no such instruction)")
    return found


def answer(session: Session, instruction_id: int, text: str, actor: str, at: datetime | None = None) -> Instruction:
    """A unit's 办理情况 on a 批示; answering again replaces the answer until the office marks it 已落实."""
    i = instruction_or_refuse(session, instruction_id)
    if i.state == DONE:
        raise DubanError("该批示已落实，不能再修改办理情况 (the instruction is closed)")
    if not text.strip():
        raise DubanError("请填写办理情况 (the answer is empty)")
    i.answer, i.answered_by, i.answered_at, i.state = text.strip(), actor, at or clock.now(), ANSWERED
    audit.record(session, actor, "answer_instruction", "instruction", i.id, task=i.task_id, answer=i.answer)
    return i


def close(session: Session, instruction_id: int, actor: str, at: datetime | None = None) -> Instruction:
    """The office marks a 批示 carried out (已落实); only after the unit has answered it."""
    i = instruction_or_refuse(session, instruction_id)
    if i.state != ANSWERED:
        raise DubanError("批示须先有单位的办理情况，才能标记已落实" if i.state == PENDING else "该批示已标记为已落实"
                         + " (only an answered instruction can be closed)")
    i.state, i.closed_by, i.closed_at = DONE, actor, at or clock.now()
    audit.record(session, actor, "close_instruction", "instruction", i.id, task=i.task_id)
    return i


def open_instructions(session: Session, task_ids: list[int] | None = None,
                      states: tuple[str, ...] = (PENDING, ANSWERED)) -> list[Instruction]:
    """批示 not yet 已落实 (on the given tasks), oldest first."""
    query = select(Instruction).where(Instruction.state.in_(states)).order_by(Instruction.at, Instruction.id)
    if task_ids is not None:
        query = query.where(Instruction.task_id.in_(task_ids))
    return list(session.scalars(query))


def leads(session: Session, task_id: int, unit_ids: list[str]) -> bool:
    """Whether one of `unit_ids` leads the task (the units that answer its 批示)."""
    return session.scalar(select(TaskRole.id).where(
        TaskRole.task_id == task_id, TaskRole.role == "lead_units", TaskRole.unit_id.in_(unit_ids)).limit(1)) is not None
