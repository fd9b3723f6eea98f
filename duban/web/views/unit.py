"""单位: the unit liaison's pages. A unit sees the tasks it must report on in the current round (调度),
each with a form starting from its last report (the draft), and its other tasks read-only; it reports
one task at a time here, or downloads its sheet and uploads it filled; it raises problems and asks for
more time. The office reaches every unit's page and may report for any of them."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import clock
from ...errors import DubanError
from ...limits import MB, limit
from ...sheets.ledger import Sheet, heading_of, write_ledger
from ...sheets.returns import Rejection, read_returned
from ...store import ledger, transaction
from ...store.ledger import UNIT_ROLES, target_label
from ...store.models import Document, ProgressReport, Round, Task, TaskRole, Unit
from ...store.progress import import_progress, round_for
from ...supervise import extensions, notes, problems, reports, rounds
from ...supervise.records import STATUSES
from ...supervise.warnings import board
from ..access import Principal, allow
from ..pages import action, page
from .common import XLSX, BoardLine, board_line, download, safe_name
from .instructions import plain as instruction_fields

router = APIRouter()
NAMED_FORMATS = {".xlsx", ".xlsm", ".xls", ".et", ".csv", ".ods", ".wps"}  # read, or refused by name


def unit_url(unit_id: str) -> str:
    return f"/units/{quote(unit_id, safe='')}"


def unit_or_404(s: Session, unit_id: str) -> Unit:
    found = s.get(Unit, unit_id)
    if found is None:
        raise HTTPException(404, f"没有单位 {unit_id} (no such unit)")
    return found


# --- /unit: the units to choose from --------------------------------------------------------------

@dataclass
class UnitChoice:
    id: str
    name: str
    url: str
    lead: int  # current tasks it leads (牵头)
    other: int  # current tasks it shares (配合、责任)


def task_counts(s: Session, unit_ids: list[str] | None, q: str | None) -> list[UnitChoice]:
    """Units with a role on some current task (groups such as 各乡镇 left out), with their task counts."""
    lead = func.count(func.distinct(Task.id)).filter(TaskRole.role == "lead_units")
    total = func.count(func.distinct(Task.id))
    query = (select(Unit.id, Unit.name, lead, total).join(TaskRole, TaskRole.unit_id == Unit.id)
             .join(Task, Task.id == TaskRole.task_id).join(Document)
             .where(Document.current, Document.running, Task.active, TaskRole.role.in_(UNIT_ROLES),
                    Unit.kind != "group")
             .group_by(Unit.id, Unit.name).order_by(Unit.id))
    if unit_ids is not None:
        query = query.where(Unit.id.in_(unit_ids))
    if q:
        query = query.where(Unit.name.contains(q.strip(), autoescape=True))
    return [UnitChoice(i, name, unit_url(i), n_lead, n - n_lead) for i, name, n_lead, n in s.execute(query)]


@page(router, "/unit", "unit_list.html")
def my_units(request: Request, s: Session, who: Principal = allow("report"),
             q: Annotated[str | None, Query(description="单位名称中的词 (part of a unit's name)")] = None) -> dict:
    """本单位：联络员的单位（督查室可查所有单位）(the units to report for)."""
    units = task_counts(s, None if who.office else who.units, q)
    return {"q": q or "", "units": units, "office": who.office}


# --- /units/{unit_id}: the unit's tasks and forms -------------------------------------------------

@dataclass
class OpenRound:
    id: int
    document_id: int
    document: str
    name: str
    opens: date
    due: date
    closes: date


@dataclass
class Draft:
    """What the form starts from: the unit's last report on the task."""

    status: str | None = None
    percent: float | None = None
    value: float | None = None
    progress: str = ""
    problem: str = ""  # shown as a hint only: sent again it would raise the problem again
    reported_at: datetime | None = None
    reported_by: str = ""


@dataclass
class ToReport:
    """A task the unit leads, with its form."""

    task: BoardLine
    round: str | None  # the round the report would answer
    asked: bool  # the round asks this unit for it
    reported: bool  # …and the unit has answered it
    targets: list[str]
    numeric_target: bool  # then the form asks for 完成值 too
    draft: Draft
    instructions: list[dict]  # the leaders' 批示 on it, newest first, each answered here
    status_note: str = ""  # why the ledger reads it otherwise than the status last chosen


def open_rounds(s: Session, document_ids: set[int], now: datetime) -> dict[int, Round]:
    """The round a report made now answers, per document (none outside every round)."""
    found = {doc: round_for(s, doc, now) for doc in sorted(document_ids)}
    return {doc: r for doc, r in found.items() if r is not None}


def as_draft(p: ProgressReport | None) -> Draft:
    if p is None:
        return Draft()
    return Draft(p.status, p.percent, p.value, p.progress, p.problem, p.reported_at, p.reported_by)


def own_last_reports(s: Session, unit_id: str, task_ids: list[int]) -> dict[int, ProgressReport]:
    """The unit's last report on each task (for tasks no open round asks about)."""
    last = {}
    for p in s.scalars(select(ProgressReport).where(ProgressReport.task_id.in_(task_ids),
                                                    ProgressReport.unit_id == unit_id).order_by(ProgressReport.id)):
        last[p.task_id] = p
    return last


def asked_in(s: Session, found: dict[int, Round], unit_id: str,
             today: date) -> dict[int, tuple[Round, ProgressReport | None, bool]]:
    """Per task the open rounds ask this unit about: (round, its last report, answered yet)."""
    asked = {}
    for r in found.values():
        tally = rounds.tally(s, r, today)
        answered = {task for task, unit in [*tally.on_time, *tally.late] if unit == unit_id}
        for d in reports.drafts(s, r, unit_id):
            asked[d.task_id] = (r, d.last, d.task_id in answered)
    return asked


@page(router, "/units/{unit_id}", "unit.html")
def unit_page(request: Request, s: Session, unit_id: str, who: Principal = allow("report"),
              task: Annotated[int | None, Query(description="刚处理的任务，页面滚动到它 (the task just acted on)")] = None,
              ) -> dict:
    """单位填报页：本轮须报送的任务（含草稿）和其他任务 (a unit's tasks to report on)."""
    unit = unit_or_404(s, unit_id)
    now = clock.now()
    today = now.date()
    mine = set(s.scalars(select(TaskRole.task_id).where(TaskRole.unit_id == unit_id, TaskRole.role.in_(UNIT_ROLES))))
    docs = sorted(set(s.scalars(select(Task.document_id).join(Document).where(
        Task.id.in_(mine), Document.running))))  # a finished plan asks nothing more
    entries = [e for e in board(s, today, docs) if e.facts.id in mine] if docs else []
    leads = [e for e in entries if unit_id in e.facts.lead_units]
    found = open_rounds(s, {e.facts.document_id for e in leads}, now)
    asked = asked_in(s, found, unit_id, today)
    last = own_last_reports(s, unit_id, [e.facts.id for e in leads if e.facts.id not in asked])
    written = notes.by_task(s, [e.facts.id for e in leads])
    forms = []
    for e in leads:
        r, previous, reported = asked.get(e.facts.id, (found.get(e.facts.document_id), last.get(e.facts.id), False))
        line, draft = board_line(e), as_draft(previous)
        forms.append(ToReport(line, r.name if r else None, e.facts.id in asked, reported,
                              [target_label(t) for t in e.facts.targets],
                              any(t.value is not None for t in e.facts.targets), draft,
                              [instruction_fields(i) for i in written.get(e.facts.id, [])],
                              status_differs(draft.status, line)))
    forms.sort(key=lambda x: (not x.asked, x.reported))  # stable: document order within each group
    titles = {d.id: d.title or d.path for d in s.scalars(select(Document).where(Document.id.in_(list(found))))}
    return {
        "unit": {"id": unit.id, "name": unit.name, "url": unit_url(unit.id)}, "as_of": today,
        "rounds": [OpenRound(r.id, doc, titles[doc], r.name, r.opens, r.due, r.closes) for doc, r in found.items()],
        "to_report": forms, "pending": sum(x.asked and not x.reported for x in forms),
        "others": [board_line(e) for e in entries if unit_id not in e.facts.lead_units],
        "statuses": list(STATUSES), "focus": task,
    }


# --- writes on one task ---------------------------------------------------------------------------

def back_to_task(unit_id: str, task_id: int) -> str:
    """The unit's page scrolled to the task just acted on (#), which it outlines with the message (?task=)."""
    return f"{unit_url(unit_id)}?task={task_id}#task-{task_id}"


@action(router, "/units/{unit_id}/tasks/{task_id}/report")
def report_progress(
    request: Request, s: Session, unit_id: str, task_id: int,
    progress: Annotated[str, Form(description="进展情况 (what was done)", max_length=5000)] = "",
    status: Annotated[str | None, Form(description="状态，如 序时推进、已完成 (status word)")] = None,
    percent: Annotated[float | None, Form(description="完成比例 0–100 (percent done)")] = None,
    value: Annotated[float | None, Form(description="完成值，单位同量化目标 (figure reached)")] = None,
    problem: Annotated[str, Form(description="存在问题：填写即登记为问题 (raises a problem)", max_length=5000)] = "",
    who: Principal = allow("report"),
) -> dict:
    """报送一项任务的进展 (report progress on a task)."""
    if not progress.strip():
        raise DubanError("请填写进展情况 (the progress text is required)")
    found = reports.report(s, task_id, unit_id, who.actor, status=status, progress=progress.strip(), percent=percent,
                           value=value, problem=problem.strip())
    answered = s.get(Round, found.round_id) if found.round_id else None
    message = f"已报送：{answered.name}" if answered else "已报送（当前没有进行中的调度轮次）"
    s.flush()
    differs = status_differs(found.status, next((board_line(e) for e in board(s, clock.today(), tasks=[task_id])), None))
    return {"next": back_to_task(unit_id, task_id), "report_id": found.id,
            "round": answered.name if answered else None, "status_note": differs,
            "message": message + ("；所填问题已登记" if found.problem else "") + (f"。{differs}" if differs else "")}


def status_differs(chosen: str | None, line: BoardLine | None) -> str:
    """Why the ledger reads the task otherwise than the status the unit chose ("" when they agree)."""
    if not chosen or line is None or line.status == chosen:
        return ""
    return f"所报状态为“{chosen}”，台账认定为“{line.status}”：{'；'.join(line.reasons) or '按状态规则认定'}"


@action(router, "/units/{unit_id}/tasks/{task_id}/problem")
def raise_problem(request: Request, s: Session, unit_id: str, task_id: int,
                  text: Annotated[str, Form(description="问题内容 (the problem)", max_length=5000)],
                  who: Principal = allow("report")) -> dict:
    """就一项任务反映问题 (raise a problem on a task)."""
    found = problems.raise_problem(s, task_id, text, who.actor, unit=unit_id)
    return {"next": back_to_task(unit_id, task_id), "problem_id": found.id, "due": found.due,
            "message": f"问题 #{found.id} 已登记，应于 {found.due} 前办结"}


@action(router, "/units/{unit_id}/tasks/{task_id}/extension")
def request_extension(request: Request, s: Session, unit_id: str, task_id: int,
                      new_due: Annotated[date, Form(description="申请延至 (the new time limit)")],
                      reason: Annotated[str, Form(description="延期理由 (why)", max_length=5000)],
                      who: Principal = allow("report")) -> dict:
    """申请延期 (ask for a later time limit)."""
    found = extensions.request(s, task_id, new_due, reason, who.actor, unit=unit_id)
    return {"next": back_to_task(unit_id, task_id), "extension_id": found.id, "new_due": found.new_due,
            "message": f"延期申请已提交（延至 {found.new_due}），待督查室审批"}


# --- the unit's sheet: download, fill, upload ------------------------------------------------------

def unit_sheet(s: Session, unit: Unit, folder: Path) -> Path:
    """The unit's sheet as `duban export ledger --by-unit` writes it, for this one unit, with the tasks the
    open rounds ask about first and the 批示 on each task."""
    f = ledger.Filter(units=[unit.id], plans=ledger.RUNNING)
    titles = ledger.documents(s, f)
    rows = list(ledger.rows(s, f))
    now = clock.now()
    asked = asked_in(s, open_rounds(s, {r.document_id for r in rows}, now), unit.id, now.date())
    written = notes.by_task(s, [r.id for r in rows])
    sheet = Sheet(unit.name, rows, unit.id, unit.name, len(titles) > 1, due_now=set(asked),
                  instructions={t: "\n".join(map(notes.in_words, found)) for t, found in written.items()})
    path = folder / "sheet.xlsx"
    write_ledger([sheet], path, heading_of(titles), now.date())
    return path


@router.get("/units/{unit_id}/sheet.xlsx", summary="下载本单位填报表 (the unit's sheet to fill, .xlsx)")
def download_sheet(request: Request, unit_id: str, who: Principal = allow("report")) -> Response:
    with transaction(request.app.state.engine) as s, tempfile.TemporaryDirectory() as folder:
        unit = unit_or_404(s, unit_id)
        content = unit_sheet(s, unit, Path(folder)).read_bytes()
    return download(content, XLSX, f"{unit.name}-填报表-{clock.today():%Y%m%d}.xlsx", "sheet.xlsx")


def rejection_row(r: Rejection) -> dict:
    """One refused row: where (for the error page) and its parts (for scripts)."""
    return {"where": str(r).removesuffix(f": {r.reason}"), "message": r.reason, "sheet": r.sheet, "row": r.row,
            "column": r.column, "key": r.key, "reason": r.reason}


@action(router, "/units/{unit_id}/returns")
def upload_returns(request: Request, s: Session, unit_id: str,
                   file: Annotated[UploadFile, File(description="填好的本单位填报表 .xlsx (the filled sheet)")],
                   who: Principal = allow("report")) -> dict:
    """上传填好的填报表，全部核对无误才导入 (upload the filled sheet: all rows or none)."""
    name = safe_name(file.filename or "", "sheet.xlsx")
    if Path(name).suffix.lower() not in NAMED_FORMATS:  # openpyxl reads a workbook only by its suffix
        name = f"{Path(name).stem}.xlsx"
    content = file.file.read(limit("upload_mb") * MB + 1)
    if len(content) > limit("upload_mb") * MB:
        raise HTTPException(413, f"文件太大，超过 {limit('upload_mb')} MB (the file is too large)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        result = import_progress(request.app.state.engine, path, read_returned(path), who.actor, unit=unit_id)
    if result.rejected:
        shown = result.rejected[:limit("shown_errors")]
        more = f"（以下列出前 {len(shown)} 处）" if len(shown) < len(result.rejected) else ""
        raise DubanError(f"填报表有 {len(result.rejected)} 处错误，未导入任何内容，请改正后重新上传{more} (nothing imported)",
                         errors=[rejection_row(r) for r in shown])
    return {"next": unit_url(unit_id), "applied": result.applied, "unchanged": result.unchanged,
            "blank": result.blank,
            "message": f"已导入 {result.applied} 条进展，{result.unchanged} 条与上次相同未重复记录，"
                       f"{result.blank} 行未填写"}
