"""任务台账: the ledger filtered (document, chapter, unit, leader, status, colour, time limits, words),
sorted and paginated in SQL, and the same rows as the .xlsx offices print. Status and warning colour are
derived for the page's tasks only; a status or colour filter (or sort) reads the stored states when they
are today's (supervise/state.py), else derives them for every filtered task. A unit liaison sees only its units' tasks, a leader only the tasks they lead.
The export carries what the page shows: the derived 状态 and the warning colour in words with its reasons."""

from __future__ import annotations

import math
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, StringConstraints
from sqlalchemy.orm import Session

from ...sheets.ledger import Sheet, Verdict, heading_of, plan_name, write_ledger
from ...store import ledger, transaction
from ...supervise import state
from ...supervise.records import COLOUR_NAMES, COLOURS, STATUSES
from ...supervise.warnings import Entry, board
from ..access import Principal, allow
from ..pages import page
from .common import XLSX, Asked, BoardLine, board_line, choices, day, documents, download

router = APIRouter()
# a page says "2000+" past this: an exact count of a broad filter reads every match (5000 cost a province
# 90 ms of a 175 ms page); a county's ledger, and a unit's tasks in a city's, are counted exactly
COUNT_CAP = 2000
COLOUR_CHOICES = (*COLOURS, "none")  # "none": no warning
COLOUR_RANK = {c: i for i, c in enumerate((*COLOURS, None))}  # red first
SORT_NAMES = {"": "文件顺序", "number": "序号", "chapter": "章节", "due": "时限", "status": "状态", "colour": "预警"}
DERIVED_SORTS = {"status": lambda x: STATUSES.index(x.status) if x.status in STATUSES else len(STATUSES),
                 "colour": lambda x: COLOUR_RANK[x.colour]}


Words = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


@dataclass
class Ask:
    """The ledger's filters as the query string gives them (shared by the page and the export)."""

    doc: Asked(int, "文件 (document id)") = None
    plans: Asked(Literal[ledger.RUNNING, ledger.FINISHED], "文件状态：执行中/已办结，默认全部 (plan state)") = None
    chapter: Asked(Words, "章节标题中的词 (part of a chapter heading)") = None
    unit: Asked(Words, "单位：登记簿编号或名称中的词 (unit id or part of its name)") = None
    leader: Asked(Words, "牵头领导姓名或编号 (leader)") = None
    status: Asked(Literal[STATUSES], "状态 (derived status)") = None
    colour: Asked(Literal[COLOUR_CHOICES], "预警颜色 red/yellow/blue/none (warning colour)") = None
    due_from: Asked(date, "时限不早于 (a time limit on or after)") = None
    due_to: Asked(date, "时限不晚于 (a time limit on or before)") = None
    q: Asked(Words, "搜索：空格分隔的词须全部出现 (words, all must occur)") = None
    as_of: Asked(date, "截至日期，默认今天 (as of)") = None

    def query(self, **more) -> str:
        """The filters as a query string, to carry into sort links, the pager and the export."""
        given = {k: v for k, v in {**asdict(self), **more}.items() if v not in (None, "")}
        return urlencode(given)


FILTER_NAMES = {"plans": "文件状态", "chapter": "章节", "unit": "单位", "leader": "牵头领导", "status": "状态",
                "colour": "预警", "due_from": "时限自", "due_to": "时限至", "q": "搜索"}
COLOUR_WORDS = {"red": "红色预警", "yellow": "黄色预警", "blue": "蓝色预警", "none": "无预警"}


@dataclass
class Warned(BoardLine):
    """A board line that keeps apart why it has its colour: the page prints it and the export's 预警原因
    says it, without the status reasons the board line also lists."""

    why: list[str] = field(default_factory=list)


def warned_line(e: Entry) -> Warned:
    return Warned(**vars(board_line(e)), why=list(dict.fromkeys(e.warning.reasons)))


@dataclass
class LedgerLine:
    """One row of the ledger page: the task as the ledger prints it, with its derived status and warning."""

    id: int
    key: str
    document_id: int
    document: str
    plan: str  # the plan the document issues: the page's group row
    chapter: str
    number: str
    title: str
    text: str
    lead_units: str
    co_units: str
    resp_units: str
    leaders: str
    deadlines: list[str]
    targets: list[str]
    progress: str  # the latest report
    reported: str  # the status word of the latest report
    status: str  # derived on the as-of day
    percent: float | None
    expected: float | None
    due: date | None
    overdue: int
    colour: str | None
    colour_name: str
    reasons: list[str] = field(default_factory=list)  # of the status and the warning
    why: list[str] = field(default_factory=list)  # of the warning alone


def judge(s: Session, when: date, ids: list[int], line=board_line) -> dict[int, BoardLine]:
    """Status and warning on `when` of these tasks alone (a page, not the whole board), by task id."""
    lines = {}
    for i in range(0, len(ids), ledger.BATCH):
        lines.update((e.facts.id, line(e)) for e in board(s, when, tasks=ids[i:i + ledger.BATCH]))
    return lines


def scope(s: Session, who: Principal, ask: Ask) -> ledger.Filter | None:
    """The filter asked for, narrowed to what the user may see; None when nothing can pass."""
    units = [u.id for u in ledger.find_units(s, ask.unit)] if ask.unit else None
    if who.role == "unit":  # a liaison's own units, whatever the query says
        units = [u for u in (who.units if units is None else units) if u in who.units]
    if (units is not None and not units) or (who.role == "leader" and not who.person_id):
        return None
    return ledger.Filter(documents=[ask.doc] if ask.doc else None, units=units, leader=ask.leader,
                         chapter=ask.chapter, person=who.person_id if who.role == "leader" else None,
                         words=(ask.q or "").split() or None, due_from=ask.due_from, due_to=ask.due_to,
                         plans=ask.plans)


def passes(x: BoardLine, ask: Ask) -> bool:
    return (ask.status is None or x.status == ask.status) and (
        ask.colour is None or (x.colour or "none") == ask.colour)


def counted(s: Session, f: ledger.Filter, ids: list[int], offset: int, limit: int | None) -> int:
    """How many tasks pass: a page short of full is the last one and says it without counting."""
    if limit is None or (len(ids) < limit and (ids or not offset)):
        return offset + len(ids)
    return ledger.count(s, f, COUNT_CAP)


def listing(s: Session, who: Principal, ask: Ask, sort: str = "", offset: int = 0,
            limit: int | None = None) -> tuple[int, list[int], dict[int, BoardLine] | None]:
    """How many tasks pass, the ids of the page asked (all with no limit), and their lines where the
    filter or order needed them (None: not derived yet)."""
    f, when = scope(s, who, ask), day(ask.as_of)
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if f is None:
        return 0, [], {}
    if ask.status is None and ask.colour is None and key not in DERIVED_SORTS:
        ids = ledger.sorted_ids(s, f, key, descending, offset, limit)
        return counted(s, f, ids, offset, limit), ids, None
    if state.fresh(s, when):  # the stored states are today's: filter, sort and count in SQL
        f.judged_status, f.judged_colour = ask.status, ask.colour
        ids = ledger.sorted_ids(s, f, key, descending, offset, limit)
        return counted(s, f, ids, offset, limit), ids, None
    # another day (or today's refresh has not run): judge every filtered task, then page in Python
    everything = ledger.sorted_ids(s, f, key, descending and key not in DERIVED_SORTS)
    lines = judge(s, when, everything, warned_line)
    ids = [i for i in everything if i in lines and passes(lines[i], ask)]
    if key in DERIVED_SORTS:  # a stable sort: document order among equals
        ids.sort(key=lambda i: DERIVED_SORTS[key](lines[i]), reverse=descending)
    window = ids[offset:offset + limit] if limit else ids
    return len(ids), window, {i: lines[i] for i in window}


def scope_note(who: Principal) -> str:
    """What a liaison or leader is told about the rows they cannot see."""
    if who.role == "unit":
        return f"只显示本单位（{'、'.join(who.units) or '未绑定单位'}）承担的任务"
    if who.role == "leader":
        return f"只显示{who.person_name or '本人'}牵头的任务"
    return ""


def filter_words(ask: Ask, titles: dict[int, str]) -> list[str]:
    """The filters in words ("预警：红色预警"), for the paper, where the form is not printed."""
    words = [f"文件：{titles.get(ask.doc, ask.doc)}"] if ask.doc else []
    for key, name in FILTER_NAMES.items():
        if (value := getattr(ask, key)) not in (None, ""):
            words.append(f"{name}：{COLOUR_WORDS.get(value, value) if key == 'colour' else value}")
    return words


def ledger_line(row: ledger.Row, x: Warned) -> LedgerLine:
    return LedgerLine(
        id=row.id, key=row.key, document_id=row.document_id, document=row.document, plan=plan_name(row.document),
        chapter=row.chapter, number=row.number, title=row.title, text=row.text, lead_units=row.cell("lead_units"),
        co_units=row.cell("co_units"), resp_units=row.cell("resp_units"), leaders=row.cell("lead_leaders"),
        deadlines=row.deadlines, targets=row.targets, progress=row.progress, reported=row.status, status=x.status,
        percent=x.percent, expected=x.expected, due=x.due, overdue=x.overdue, colour=x.colour,
        colour_name=x.colour_name, reasons=x.reasons, why=x.why)


def verdict(x: Warned) -> Verdict:
    """A task's line as the export writes it: what the page shows in its 状态 and 预警 columns."""
    return Verdict(x.status, COLOUR_NAMES.get(x.colour, "无"), "；".join(x.why))


Sort = Annotated[str, BeforeValidator(lambda v: v or ""), Query(
    description="排序：number/chapter/due/status/colour，前加 - 为倒序；默认文件顺序 (sort; -key descending)",
    pattern=r"^-?(number|chapter|due|status|colour)?$")]


@page(router, "/ledger", "ledger.html")
def ledger_page(request: Request, s: Session, ask: Annotated[Ask, Depends()], who: Principal = allow("ledger"),
                sort: Sort = "",
                page: Annotated[int, Query(ge=1, description="第几页 (page)")] = 1,
                per: Annotated[int, Query(ge=1, le=200, description="每页条数，最多200 (page size)")] = 50) -> dict:
    """任务台账：筛选、搜索、排序、分页 (the ledger, filtered, sorted and paginated)."""
    total, ids, lines = listing(s, who, ask, sort, (page - 1) * per, per)
    lines = judge(s, day(ask.as_of), ids, warned_line) if lines is None else lines
    rows = [ledger_line(row, lines[row.id]) for row in ledger.batch_rows(s, ids) if row.id in lines]
    offered = choices(s)
    more = total > COUNT_CAP  # then `total` is COUNT_CAP and the pager goes on while pages are full
    total = min(total, COUNT_CAP)
    return {
        "as_of": day(ask.as_of), "filters": ask, "sort": sort, "page": page, "per": per, "total": total,
        "more": more, "pages": max(1, math.ceil(total / per), page + 1 if more and len(rows) == per else 1),
        "rows": rows, "documents": offered,
        "filter_words": filter_words(ask, {d.id: d.title for d in documents(s, only=[ask.doc] if ask.doc else [])}),
        "statuses": STATUSES, "colours": COLOUR_CHOICES, "sorts": SORT_NAMES,
        # the pager keeps filters, order and page size; sort links and the export keep the filters
        "query": ask.query(sort=sort, per=per if per != 50 else None),
        "filters_query": ask.query(per=per if per != 50 else None),
        "scoped": scope_note(who),
    }


@router.get("/ledger.xlsx", summary="导出筛选后的台账 .xlsx (the filtered ledger as .xlsx)")
def ledger_xlsx(request: Request, ask: Annotated[Ask, Depends()], who: Principal = allow("ledger")) -> Response:
    """Exactly the rows the ledger page lists for these filters (every page), in document order."""
    with transaction(request.app.state.engine) as s:
        _, ids, lines = listing(s, who, ask)
        lines = judge(s, day(ask.as_of), ids, warned_line) if lines is None else lines
        f = scope(s, who, ask)
        titles = ledger.documents(s, f) if f is not None else []
        heading = heading_of(titles)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "台账.xlsx"
            sheet = Sheet("台账", ledger.rows_of(s, ids), several_documents=len(titles) > 1,
                          verdicts={i: verdict(x) for i, x in lines.items()})
            write_ledger([sheet], path, heading, day(ask.as_of))
            content = path.read_bytes()
    return download(content, XLSX, f"{heading}-{day(ask.as_of):%Y%m%d}.xlsx", f"ledger-{day(ask.as_of)}.xlsx")
