"""办结: the office marks a plan finished (or running again). A plan whose period is over is proposed on
the documents page and the overview; it is finished only when the office confirms."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from ...supervise import counts, lifecycle, state
from ..access import Principal, allow
from ..pages import action
from .common import day

router = APIRouter()


def proposals(s: Session, when: date) -> list[dict]:
    """Running plans whose period ended before `when`, for the office to confirm 已办结."""
    stored = counts.plan_limits(s) if state.fresh(s, when) else None  # else every task's facts are read
    return [{"id": doc.id, "title": doc.title or doc.path, "ended": end}
            for doc, end in lifecycle.period_over(s, when, stored)]


@action(router, "/documents/{document_id}/finish")
def finish(request: Request, s: Session, document_id: int, who: Principal = allow("office")) -> dict:
    """标记办结：文件不再进入总览、考核、催办和单位填报 (mark a plan finished)."""
    doc = lifecycle.finish(s, document_id, who.actor, day(None))
    return {"next": "/documents", "finished_on": doc.finished_on,
            "message": f"已办结：{doc.title}。它仍在任务台账中，可搜索、导出"}


@action(router, "/documents/{document_id}/reopen")
def reopen(request: Request, s: Session, document_id: int, who: Principal = allow("office")) -> dict:
    """恢复执行 (a plan running again)."""
    doc = lifecycle.reopen(s, document_id, who.actor)
    return {"next": "/documents", "message": f"已恢复执行：{doc.title}"}
