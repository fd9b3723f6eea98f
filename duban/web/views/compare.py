"""对照: the office compares two plans in the ledger (a city's and a county's taking it up, or one body's two
years), confirms or rejects each link, and downloads the comparison as .xlsx with its word on every link.
Its word is kept by the plans' series and the tasks' texts (compare/stored.py), so it holds for later
versions of either plan."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy.orm import Session

from ...compare.across import across
from ...compare.keys import key_of
from ...compare.plans import Plan, compare
from ...compare.stored import DECISIONS, decide, plan_of_document, words_on
from ...errors import DubanError
from ...sheets.compared import VERDICTS, compared_sheets, write_xlsx
from ...store import transaction
from ..access import Principal, allow
from ..pages import action, page
from .common import XLSX, Asked, download
from .documents import ledger_documents

router = APIRouter()
SHOWN = {"": "全部关系", "open": "待确认", "confirmed": "已确认"}


def compared(s: Session, upper: int, lower: int) -> tuple[Plan, Plan, dict]:
    """The two plans and their comparison, the office's word applied."""
    if upper == lower:
        raise DubanError("请选择两个不同的文件 (choose two different documents)")
    up, down = plan_of_document(s, upper), plan_of_document(s, lower)
    return up, down, compare(up, [down], words_on(s, up, [down]))


@page(router, "/compare", "compare.html")
def compare_page(request: Request, s: Session, who: Principal = allow("office"),
                 plan: Annotated[list[int] | None, Query(description="同级并列的文件 (plans of one level)")] = None,
                 upper: Asked(int, "上级（或上一年）文件 (the plan taken up)") = None,
                 lower: Asked(int, "下级（或下一年）文件 (the plan taking it up)") = None,
                 years: Asked(bool, "前后两年 (two years of one body)") = None,
                 show: Asked(str, "全部 / 待确认 / 已确认 (which links)") = None,
                 least: Asked(float, "最低相似度 (lowest score shown)") = None) -> dict:
    """方案对照：承接关系（可确认、否决）、未承接的任务、自行增加的任务、目标高低、时限；或同级方案并列
    (compare two plans, or plans of one level side by side)."""
    side_by_side = side_by_side_of(s, plan or [])
    result = compared(s, upper, lower)[2] if upper and lower and not side_by_side else None
    links = [x for x in (result or {}).get("links", []) if x["score"] >= (least or 0) and
             (not show or (x.get("decision") == "confirmed") == (show == "confirmed"))]
    return {"documents": ledger_documents(s), "plans": plan or [], "side_by_side": side_by_side,
            "upper": upper, "lower": lower, "years": bool(years),
            "show": show or "", "shown": SHOWN, "least": least or "", "result": result, "links": links,
            "words": DECISIONS, "verdicts": VERDICTS[bool(years)]}


def side_by_side_of(s: Session, plans: list[int]) -> dict | None:
    """Plans of one level side by side: the clusters, a row each, with each plan's task numbers, and what each
    plan lacks that most others have."""
    if not plans:
        return None
    if len(set(plans)) < 2:
        raise DubanError("同级并列至少选两个不同的文件 (choose two documents or more)")
    return across([plan_of_document(s, i) for i in dict.fromkeys(plans)])


@action(router, "/compare/decide")
def decide_link(request: Request, s: Session, upper_task: Annotated[int, Form()], lower_task: Annotated[int, Form()],
                decision: Annotated[str, Form()], upper: Annotated[int, Form()], lower: Annotated[int, Form()],
                years: Annotated[str, Form()] = "", who: Principal = allow("office")) -> dict:
    """确认或否决一条承接关系 (confirm or reject a link)."""
    decide(s, upper_task, lower_task, decision, who.actor)
    return {"next": f"/compare?upper={upper}&lower={lower}" + ("&years=true" if years else ""),
            "message": f"已{DECISIONS[decision]}这条承接关系"}


@router.get("/compare/{upper}/{lower}/key.json", summary="督查室确认的承接关系，作为标准答案 (the office's links as an answer key)")
def compare_key(request: Request, upper: int, lower: int, who: Principal = allow("office")) -> Response:
    with transaction(request.app.state.engine) as s:
        up, down, result = compared(s, upper, lower)
    key = key_of(result, up.source, down.source)
    return download(json.dumps(key, ensure_ascii=False, indent=1).encode(), "application/json",
                    f"承接关系标准答案-{upper}-{lower}.json", f"compare-key-{upper}-{lower}.json")


@router.get("/compare/{upper}/{lower}.xlsx", summary="方案对照 .xlsx (the comparison, a sheet per view)")
def compare_xlsx(request: Request, upper: int, lower: int, years: bool = False,
                 who: Principal = allow("office")) -> Response:
    with transaction(request.app.state.engine) as s:
        result = compared(s, upper, lower)[2]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "对照.xlsx"
        write_xlsx(compared_sheets(result, years), path)
        content = path.read_bytes()
    return download(content, XLSX, f"方案对照-{upper}-{lower}.xlsx", f"compare-{upper}-{lower}.xlsx")
