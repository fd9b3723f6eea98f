"""公开: the progress of documents the office marks public (政务公开), readable by anyone. Only the plan's
own words and the figures: task, lead units (bodies, not people), time limit, status, completion. No leader
names, no reporters, no progress text (units write names and phone numbers into it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from sqlalchemy.orm import Session

from ...lexicon import load
from ...store import audit
from ...store.models import Document
from ...supervise.records import STATUSES
from ...supervise.warnings import board
from ..access import Principal, allow
from ..pages import action, page
from .common import day, documents

router = APIRouter()
NOT_REPORTED, BEHIND = "未报送", "滞后"  # a task no unit has reported on: said as such, not judged 滞后 in public
MEANINGS = load("supervise")["status_meanings"]


@dataclass
class PublicTask:
    number: str
    title: str
    chapter: str
    lead_units: list[str]
    due: date | None
    status: str
    percent: float | None


def counts(tasks: list[PublicTask]) -> dict[str, int]:
    found = Counter(t.status for t in tasks)
    return {k: found.get(k, 0) for k in (*STATUSES, NOT_REPORTED)}


def shown_status(e) -> str:
    return NOT_REPORTED if e.status.status == BEHIND and not e.facts.reports else e.status.status


def public_tasks(s: Session, document_id: int, as_of: date) -> list[PublicTask]:
    return [PublicTask(e.facts.number, e.facts.title, e.facts.chapter, list(e.facts.lead_units.values()),
                       e.status.due, shown_status(e), e.status.percent) for e in board(s, as_of, [document_id])]


@page(router, "/public", "public.html")
def public(request: Request, s: Session, who: Principal = allow("public"),
           as_of: Annotated[date | None, Query(description="截至日期 (as of)")] = None) -> dict:
    """政务公开：公开文件的任务进展 (public documents' progress, no personal data)."""
    when = day(as_of)
    shown = []
    for d in documents(s, public_only=True):
        tasks = public_tasks(s, d.id, when)
        shown.append({"id": d.id, "title": d.title, "tasks": len(tasks), "statuses": counts(tasks)})
    return {"as_of": when, "documents": shown, "statuses": [*STATUSES, NOT_REPORTED], "meanings": MEANINGS}


@page(router, "/public/documents/{document_id}", "public_document.html")
def public_document(request: Request, s: Session, document_id: int, who: Principal = allow("public"),
                    as_of: Annotated[date | None, Query(description="截至日期 (as of)")] = None) -> dict:
    """一份公开文件的任务进展 (one public document's progress)."""
    doc = s.get(Document, document_id)
    if doc is None or not doc.current or not doc.public:
        raise HTTPException(404, "没有这份公开文件 (no such public document)")
    when = day(as_of)
    tasks = public_tasks(s, document_id, when)
    return {"as_of": when, "document": {"id": doc.id, "title": doc.title, "issuer": doc.issuer,
                                        "doc_number": doc.doc_number, "date": doc.date},
            "statuses": counts(tasks), "tasks": tasks, "meanings": MEANINGS}


@action(router, "/documents/{document_id}/public")
def set_public(request: Request, s: Session, document_id: int, public: Annotated[bool, Form()],
               who: Principal = allow("office")) -> dict:
    """设定文件是否政务公开 (mark a document public or not)."""
    doc = s.get(Document, document_id)
    if doc is None:
        raise HTTPException(404, "没有这份文件 (no such document)")
    doc.public = public
    audit.record(s, who.actor, "set_public", "document", doc.id, public=public)
    return {"next": "/public" if public else "/documents", "public": public,
            "message": f"已{'公开' if public else '取消公开'}：{doc.title}"}
