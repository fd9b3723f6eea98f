"""审计: the office reads the audit log (who did what, when, to which record), filtered by user, task,
action and date, and sees whether its hash chain is intact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...lexicon import load
from ...store import audit
from ...store.models import AuditEntry
from ..access import Principal, allow
from ..pages import page
from .common import Asked

router = APIRouter()
SHOWN = 500
WORDS = load("audit_words")


def called(kind: str, name: str) -> str:
    """An action, a record kind or a detail in the office's words (the code's name when none is known)."""
    return WORDS[kind].get(name, name)


def in_words(value):
    return called("values", value) if isinstance(value, str) else value


@dataclass
class Line:
    seq: int | None
    at: datetime
    actor: str
    via: str  # 网页 or 命令行
    action: str
    action_name: str
    entity: str
    entity_id: str
    detail: dict


@page(router, "/audit", "audit.html")
def audit_page(request: Request, s: Session, who: Principal = allow("office"),
               user: Asked(str, "操作人 (who)") = None, task: Asked(int, "任务ID (a task)") = None,
               action: Asked(str, "操作 (action)") = None, since: Asked(date, "起始日期 (from)") = None,
               until: Asked(date, "截止日期 (to)") = None, verify: Asked(bool, "校验哈希链 (check the chain)") = None,
               ) -> dict:
    """审计日志：最新的在前，可按操作人、任务、操作、日期筛选，可校验哈希链 (the audit log)."""
    rows = audit.entries(s, user, task, since, until, action, SHOWN)
    checked = None
    if verify:
        chained, before, findings = audit.verify(s)
        checked = {"chained": chained, "before": before, "findings": [str(f) for f in findings]}
    return {"lines": [Line(e.seq, e.at, e.actor, "命令行" if e.actor.startswith(audit.CLI) else "网页", e.action,
                           called("actions", e.action), called("entities", e.entity), e.entity_id,
                           {called("details", k): in_words(v) for k, v in (e.detail or {}).items()}) for e in rows],
            "shown": SHOWN, "user": user or "", "task": task or "", "action": action or "",
            "since": since or "", "until": until or "", "checked": checked,
            "actions": {a: called("actions", a) for a in s.scalars(select(AuditEntry.action).distinct()
                                                                   .order_by(AuditEntry.action))}}
