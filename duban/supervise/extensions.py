"""Extension requests (延期申请): a unit asks to move a task's time limit, giving a reason and a new
date; the office approves or refuses. Every request stays, so a task's limits have a history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..store import audit
from ..store.models import Extension
from . import facts


def request(session: Session, task_id: int, new_due: date, reason: str, actor: str, unit: str | None = None,
            at: datetime | None = None) -> Extension:
    today = (at or clock.now()).date()
    f = facts.of_tasks(session, today, tasks=[task_id]).get(task_id)
    if f is None:
        raise DubanError(f"台账中没有现行任务 {task_id} (no such current task)")
    if not reason.strip():
        raise DubanError("延期申请须说明理由 (a reason is needed)")
    if session.scalar(select(Extension.id).where(Extension.task_id == task_id, Extension.state == "待审批")):
        raise DubanError(f"任务 {f.key} 已有待审批的延期申请 (a request is already pending)")
    if new_due <= today:
        raise DubanError(f"新时限 {new_due} 应晚于今天 {today} (the new limit must be after today)")
    old = f.extended_to or f.due
    if old and new_due <= old:
        raise DubanError(f"新时限 {new_due} 应晚于现时限 {old} (the new limit must be later)")
    e = Extension(task_id=task_id, unit_id=unit, reason=reason.strip(), old_due=old, new_due=new_due,
                  requested_by=actor, requested_at=at or clock.now())
    session.add(e)
    session.flush()
    audit.record(session, actor, "request_extension", "extension", e.id, task=task_id, unit=unit,
                 old_due=old.isoformat() if old else None, new_due=new_due.isoformat(), reason=e.reason)
    return e


def decide(session: Session, extension_id: int, approve: bool, actor: str, note: str = "",
           at: datetime | None = None) -> Extension:
    e = session.get(Extension, extension_id)
    if e is None:
        raise DubanError(f"没有延期申请 #{extension_id} (no such request)")
    if e.state != "待审批":
        raise DubanError(f"延期申请 #{e.id} 已{e.state[1:]} (already decided: {e.state})")
    e.state, e.decided_by, e.decided_at, e.decision = "已批准" if approve else "已驳回", actor, at or clock.now(), note
    audit.record(session, actor, "decide_extension", "extension", e.id, task=e.task_id, state=e.state, note=note)
    return e


def approve_all(session: Session, ids: list[int], actor: str, note: str = "",
                at: datetime | None = None) -> list[Extension]:
    """Approve several requests, each by `decide` (so each is audited as one approval is), or none: every
    id is checked first and a refusal names all that cannot be approved. The caller's transaction makes
    the whole batch one write."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise DubanError("请先勾选要批准的延期申请")
    found = {e.id: e for e in session.scalars(select(Extension).where(Extension.id.in_(ids)))}
    bad = [f"#{i} 不存在" if i not in found else f"#{i} 已{found[i].state[1:]}"
           for i in ids if i not in found or found[i].state != "待审批"]
    if bad:
        raise DubanError(f"批量批准未执行，全部申请均未改动：延期申请 {'，'.join(bad)}")
    return [decide(session, i, True, actor, note, at) for i in ids]


def history(session: Session, task_id: int | None = None) -> list[Extension]:
    q = select(Extension).order_by(Extension.requested_at, Extension.id)
    return list(session.scalars(q.where(Extension.task_id == task_id) if task_id is not None else q))
