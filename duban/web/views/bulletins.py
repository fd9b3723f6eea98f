"""通报: every round that can have a bulletin (newest first) with its figures, the bulletin of one round
read in the browser (figures and tables, as JSON too) and downloaded as the .docx the office sends."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session

from ...store import transaction
from ...supervise import bulletin, rounds
from ...supervise.records import COLOUR_NAMES, STATUSES, Bulletin
from ...word.bulletin import Table, blocks, percent, write_docx
from ..access import Principal, allow
from ..pages import page
from .common import day, download
from .rounds import round_line, round_or_404

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AsOf = Annotated[date | None, Query(description="截至日期，默认今天，不晚于本轮结束（锁定）之日 (as of)")]


@page(router, "/bulletins", "bulletins.html")
def bulletin_list(request: Request, s: Session, who: Principal = allow("office")) -> dict:
    """通报：各轮调度的报送情况与通报下载 (rounds and their bulletins)."""
    when = day(None)
    newest_first = sorted(rounds.rounds_of(s), key=lambda r: (r.due, r.id), reverse=True)
    return {"as_of": when, "rounds": [round_line(s, r, when) for r in newest_first]}


def bulletin_of(s: Session, round_id: int, as_of: date | None) -> Bulletin:
    """The round's bulletin, issued by the supervision office of its plan's region."""
    r = round_or_404(s, round_id)
    return bulletin.bulletin(s, r, as_of, bulletin.office_of(r.document))


@page(router, "/rounds/{round_id}/bulletin", "rounds_bulletin.html")
def bulletin_page(request: Request, s: Session, round_id: int, who: Principal = allow("office"),
                  as_of: AsOf = None) -> dict:
    """一轮调度的通报内容：总体情况、分章节、滞后任务、未报送单位、考核排名 (a round's bulletin)."""
    b = bulletin_of(s, round_id, as_of)
    return {"as_of": b.as_of, "round_id": round_id, "bulletin": b, "reported": b.reported,
            "rate": percent(b.reported, b.expected), "statuses": list(STATUSES), "colour_names": COLOUR_NAMES,
            "blocks": [as_block(kind, x) for kind, x in blocks(b)]}


def as_block(kind: str, x: str | Table) -> dict:
    """One block of the bulletin's text, laid out by the page as the .docx lays it out on paper."""
    return {"kind": kind, "table": x} if isinstance(x, Table) else {"kind": kind, "text": x}


@router.get("/rounds/{round_id}/bulletin.docx", summary="下载一轮调度的通报（Word）(a round's bulletin as .docx)",
            response_class=Response, responses={200: {"content": {DOCX: {}}}})
def bulletin_docx(request: Request, round_id: int, who: Principal = allow("office"), as_of: AsOf = None) -> Response:
    with transaction(request.app.state.engine) as s:
        b = bulletin_of(s, round_id, as_of)
    with TemporaryDirectory() as folder:
        path = Path(folder) / "bulletin.docx"
        write_docx(b, path)
        content = path.read_bytes()
    return download(content, DOCX, f"{b.title}.docx", f"bulletin-{round_id}.docx")
