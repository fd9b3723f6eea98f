"""催办: what `duban remind` prints, in the browser. For each lead unit with a warned task, an overdue
problem or a report owed in the open round, the message exactly as the CLI prints it, with a button
that copies it (to paste into 企业微信 or a text message), and all of them as an .xlsx: one row per
unit holding its whole message (what is pasted, one unit at a time), then the per-task list for tracking.
The filters are the CLI's: the plan (--doc), the as-of day (--as-of) and the signature (--issuer)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...sheets.reminders import write_notices
from ...store import transaction
from ...store.models import Document
from ...supervise import bulletin, remind
from ..access import Principal, allow
from ..pages import page
from .common import XLSX, Asked, choices, day, download

router = APIRouter()
Issuer = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


def issuer_of(s: Session, issuer: str | None) -> str:
    """The signature: the one given, else the office of the first current plan, as `duban remind` signs."""
    if issuer:
        return issuer
    doc = s.scalars(select(Document).where(Document.current).order_by(Document.id)).first()
    return bulletin.office_of(doc) if doc else "督查室"


def found(s: Session, doc: int | None, as_of: date | None) -> list[remind.Reminder]:
    return remind.reminders(s, day(as_of), [doc] if doc else None)


@dataclass
class Notice:
    unit: str
    red: int
    yellow: int
    blue: int
    owed: int  # reports not yet made in the open round
    text: str  # as `duban remind` prints it


def notice(r: remind.Reminder, when: date, issuer: str) -> Notice:
    return Notice(r.unit, r.colours["red"], r.colours["yellow"], r.colours["blue"], r.owing, r.text(when, issuer))


Doc = Asked(int, "只催办这份文件的任务 (document id)")
AsOf = Asked(date, "截至日期，默认今天 (as of)")
Signed = Asked(Issuer, "落款，默认本级督查室 (signature)")


@page(router, "/reminders", "reminders.html")
def reminder_page(request: Request, s: Session, who: Principal = allow("office"), doc: Doc = None,
                  as_of: AsOf = None, issuer: Signed = None) -> dict:
    """催办：逐单位的催办通知，可复制粘贴发送 (per-unit reminders, as `duban remind` prints them)."""
    when, signed = day(as_of), issuer_of(s, issuer)
    notices = [notice(r, when, signed) for r in found(s, doc, as_of)]
    given = {k: v for k, v in {"doc": doc, "as_of": as_of, "issuer": issuer}.items() if v}
    return {"as_of": when, "doc": doc, "issuer": signed, "issuer_given": issuer or "", "documents": choices(s),
            "notices": notices, "query": urlencode(given)}


@router.get("/reminders.xlsx", summary="导出催办通知 .xlsx (the reminders as .xlsx)")
def reminders_xlsx(request: Request, who: Principal = allow("office"), doc: Doc = None, as_of: AsOf = None,
                   issuer: Signed = None) -> Response:
    """The units and messages the page lists for these filters: 催办通知 (a row per unit) and 催办清单."""
    when = day(as_of)
    with transaction(request.app.state.engine) as s:
        reminders, signed = found(s, doc, as_of), issuer_of(s, issuer)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "催办.xlsx"
        write_notices(reminders, when, signed, path)
        content = path.read_bytes()
    return download(content, XLSX, f"催办通知-{when:%Y%m%d}.xlsx", f"reminders-{when}.xlsx")
