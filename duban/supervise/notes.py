"""What the office and the leaders write on a task: a status override with its reason, and a leader's
instruction (批示). Both are kept with who and when, and audited."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..store import audit
from ..store.models import Instruction, Person, StatusOverride, Task
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
