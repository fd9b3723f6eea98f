"""Ledger commands: ingest, summary, tasks, show, export ledger, import progress."""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DubanError
from . import app, console, open_registry, out, pages_shown, user_errors

if TYPE_CHECKING:
    from rich.text import Text

    from ..store import ledger
    from ..store.models import Task, Unit


@cache
def role_names() -> dict[str, str]:
    """The ledger's roles (no 未注明角色): their column names."""
    from .. import render
    return {k: v for k, v in render.ROLE_NAMES.items() if k != "unattributed_units"}


# tasks stored by one ingest after which the planner's statistics are refreshed, and again each time they
# double: a fresh PostgreSQL planned a growing ledger's reads for empty tables (20,000 tasks: 341 tasks/s)
ANALYZE_AFTER = 1000


def engine():
    from ..store import connect
    with user_errors():
        return connect(pooled=False)


def files_of(paths: list[Path], folder: Path | None) -> list[Path]:
    from ..ingest import ACCEPTED
    found = list(paths)
    if folder is not None:
        if not folder.is_dir():
            raise typer.BadParameter(f"目录不存在 (no such directory): {folder}")
        found += sorted(p for p in folder.rglob("*") if p.suffix.lower() in ACCEPTED)
    if not found:
        raise typer.BadParameter("请给出文件或 --dir 目录 (give files or --dir)")
    return found


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="文件：.txt .md .docx .pdf .html")] = None,
    folder: Annotated[Path | None, typer.Option("--dir", help="导入目录下的全部文件 (every file under a folder)")] = None,
    first_leads: Annotated[bool, typer.Option(
        "--first-leads/--no-first-leads", help="未注明角色时列第一位的单位为牵头单位 (the first unnamed-role unit leads)")] = True,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="同时读取的文件数，默认每核一个 (files read at once; one per core)")] = None,
) -> None:
    """把文件读入工作台账；同一文件再次导入不变，修订版成为新版本 (ingest files into the ledger)."""
    from rich.progress import Progress
    from rich.table import Table

    from ..extract import extract_file
    from ..store import analyze, audit
    from ..store.ahead import ingest_files
    files = files_of(paths or [], folder)
    db, registry, actor = engine(), open_registry(), audit.current_user()
    results, failed, analyzed = [], [], 0
    with Progress(console=console(), transient=True) as progress:
        bar = progress.add_task("导入 (ingesting)", total=len(files))

        def read(path: Path) -> tuple:  # in a thread of its own: its scan's pages on the same bar
            with pages_shown(path, progress):
                return extract_file(path)

        for path, result in ingest_files(db, files, registry, actor, first_leads, read, workers):
            if isinstance(result, Exception):
                failed.append(f"{path}: {result}" if not isinstance(result, DubanError) or not result.path
                              else str(result))
            else:
                results.append(result)
                if (stored := sum(r.tasks for r in results)) >= max(ANALYZE_AFTER, 2 * analyzed):
                    analyze(db)
                    analyzed = stored
            progress.advance(bar)
    if ANALYZE_AFTER <= sum(r.tasks for r in results) != analyzed:
        analyze(db)
    table = Table(title=f"导入 {len(files)} 个文件 (ingested files)")
    for name in ("文件", "公文", "版本", "结果", "沿用任务", "内容有改动", "新增", "已删除"):
        table.add_column(name, overflow="fold")
    status_names = {"new": "新导入", "version": "新版本", "corrected": "按更正修订", "unchanged": "无变化"}
    for r in results:
        for d in r.documents:
            table.add_row(r.path.name, d.title[:40], str(d.version), status_names[d.status],
                          *(str(x) if d.status != "unchanged" else "" for x in (
                              d.matched, len(d.changed), len(d.new), len(d.vanished))))
        if not r.documents:
            table.add_row(r.path.name, f"（无任务，{r.without_tasks} 份公文）", "", "无任务", "", "", "", "")
    out.print(table)
    for f in failed:
        typer.echo(f"未导入 (not ingested): {f}", err=True)
    typer.echo(f"共导入任务 {sum(r.tasks for r in results)} 项；失败文件 {len(failed)} 个 (tasks stored; files failed)")
    raise typer.Exit(2 if failed else 0)


@app.command("summary")
def summary_cmd() -> None:
    """台账概况：公文、任务、单位、填报情况 (the ledger at a glance)."""
    from rich.table import Table
    from sqlalchemy import func, select

    from ..store import ledger, transaction
    from ..store.models import Document, ProgressReport, Task, TaskRole, Unit
    with transaction(engine()) as s:
        docs = s.execute(select(Document.title, Document.doc_number, Document.version, func.count(Task.id))
                         .join(Task).where(Document.current, Task.active).group_by(Document.id)
                         .order_by(Document.id)).all()
        table = Table(title="工作台账 (the ledger)")
        for name in ("公文", "文号", "版本", "任务"):
            table.add_column(name, overflow="fold")
        for title, number, version, n in docs:
            table.add_row(title or "", number or "", str(version), str(n))
        out.print(table)
        statuses = Counter(r.status or "未填报" for r in ledger.rows(s))
        lead = Counter(name for (name,) in s.execute(
            select(func.coalesce(Unit.name, TaskRole.printed)).select_from(TaskRole).outerjoin(Unit).join(Task)
            .join(Document).where(Document.current, Task.active, TaskRole.role == "lead_units")))
        reports = s.scalar(select(func.count(ProgressReport.id)))
    typer.echo(f"公文 {len(docs)} 份，任务 {sum(n for *_, n in docs)} 项，牵头单位 {len(lead)} 个，进展报告 {reports} 条")
    typer.echo("状态 (status): " + "  ".join(f"{k} {v}" for k, v in statuses.most_common()))
    typer.echo("牵头任务最多的单位 (most tasks led): " + "、".join(f"{k} {v}" for k, v in lead.most_common(8)))


def documents_named(s, names: list[str]) -> list[int]:
    """Current documents by id (a number names that document alone), 文号 or part of the title;
    BadParameter if one matches nothing."""
    from sqlalchemy import or_, select

    from ..store.models import Document
    ids = []
    for name in names:
        by_id = select(Document.id).where(Document.current, Document.id == (int(name) if name.isdigit() else -1))
        q = select(Document.id).where(Document.current, or_(Document.doc_number == name, Document.title.contains(name, autoescape=True)))
        found = list(s.scalars(by_id)) or list(s.scalars(q))
        if not found:
            raise typer.BadParameter(f"台账中没有这份公文 (no such document): {name}")
        ids += found
    return ids


def units_named(s, names: list[str]) -> list[Unit]:
    from ..store import ledger
    found = []
    for name in names:
        units = ledger.find_units(s, name)
        if not units:
            raise typer.BadParameter(f"台账中没有这个单位 (no such unit): {name}")
        found += units
    return found


def task_filter(s, docs, units, leader, chapter, status, search) -> ledger.Filter:
    from ..store import ledger
    return ledger.Filter(documents=documents_named(s, docs) if docs else None,
                         units=[u.id for u in units_named(s, units)] if units else None,
                         leader=leader, chapter=chapter, status=status, text=search)


DocOpt = Annotated[list[str] | None, typer.Option("--doc", help="公文：编号、文号或标题中的词 (a document)")]
UnitOpt = Annotated[list[str] | None, typer.Option("--unit", help="单位：登记簿名称或其中的词 (a unit)")]


@app.command("tasks")
def tasks_cmd(
    docs: DocOpt = None,
    units: UnitOpt = None,
    leader: Annotated[str | None, typer.Option("--leader", help="牵头领导 (a leader)")] = None,
    chapter: Annotated[str | None, typer.Option("--chapter", help="章节标题中的词 (part of a chapter heading)")] = None,
    status: Annotated[str | None, typer.Option("--status", help="最新填报状态 (latest status)")] = None,
    search: Annotated[str | None, typer.Option("--search", help="任务内容中的词 (words in the task)")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table | json | csv")] = "table",
) -> None:
    """按条件列出台账任务 (list ledger tasks by document, unit, leader, chapter, status or words)."""
    from rich.table import Table

    from ..sheets.inert import csv_field
    from ..store import ledger, transaction
    if format not in ("table", "json", "csv"):
        raise typer.BadParameter(f"格式应为 table | json | csv (unknown format {format!r})")
    with transaction(engine()) as s:
        rows = [{"id": r.id, "key": r.key, "document": r.document, "chapter": r.chapter, "number": r.number,
                 "title": r.title, **{k: r.cell(k) for k in role_names()}, "deadlines": "；".join(r.deadlines),
                 "targets": "；".join(r.targets), "status": r.status, "percent": r.percent, "progress": r.progress}
                for r in ledger.rows(s, task_filter(s, docs, units, leader, chapter, status, search))]
    if format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif format == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"])
        w.writeheader()
        w.writerows({k: csv_field(v) for k, v in row.items()} for row in rows)
    else:
        table = Table(title=f"任务 {len(rows)} 项 (tasks)")
        for name in ("编号", "章节", "序号", "任务", "牵头领导", "牵头单位", "完成时限", "状态"):
            table.add_column(name, overflow="fold")
        for r in rows:
            table.add_row(str(r["id"]), r["chapter"][:12], r["number"], r["title"], r["lead_leaders"], r["lead_units"],
                          r["deadlines"], r["status"])
        out.print(table)


HIGHLIGHT = {"lead_leaders": "bold magenta", "lead_units": "bold red", "co_units": "bold blue",
             "resp_units": "bold cyan", "deadline": "bold yellow", "target": "bold green"}


def highlighted(task: Task) -> Text:
    """The task as printed in its source, with units, leaders, limits and targets coloured at their spans."""
    from rich.text import Text
    start = task.span_start
    text = Text(task.document.source_text[start:task.span_end])
    spans = [(r.span_start, r.span_end, HIGHLIGHT[r.role]) for r in task.roles if r.role in HIGHLIGHT] + \
        [(d.span_start, d.span_end, HIGHLIGHT["deadline"]) for d in task.deadlines if not d.inferred] + \
        [(t.span_start, t.span_end, HIGHLIGHT["target"]) for t in task.targets]
    for a, b, style in spans:
        text.stylize(style, a - start, b - start)
    return text


@app.command("show")
def show_cmd(task_id: Annotated[str, typer.Argument(help="任务编号，如 42 或 T42-9f1c (a task id or key)")]) -> None:
    """一项任务的原文（单位、时限、目标着色）、角色、时限、目标和填报历史 (one task in full)."""
    from rich.table import Table
    from sqlalchemy import select

    from .. import render
    from ..store import ledger, transaction
    from ..store.models import AuditEntry, ProgressReport, Task
    with user_errors():
        number = int(task_id) if task_id.isdigit() else ledger.parse_task_key(task_id)
    with transaction(engine()) as s:
        task = s.get(Task, number)
        if task is None:
            typer.echo(f"错误 (error): 台账中没有任务 {task_id} (no such task)", err=True)
            raise typer.Exit(2)
        d = task.document
        out.print(f"[bold]{ledger.task_key(task.id)}[/]  {d.title or ''} {d.doc_number or ''} 第{d.version}版  "
                  f"{task.chapter}  第{task.number}项  {d.path}:{task.line}" + ("" if task.active else "  （已从新版本删除）"))
        out.print(highlighted(task))
        legend = {**role_names(), "deadline": "时限", "target": "目标"}
        out.print("  ".join(f"[{style}]{legend[key]}[/]" for key, style in HIGHLIGHT.items()))
        roles = Table(title="角色 (roles)")
        for name in ("角色", "原文", "登记簿", "核对"):
            roles.add_column(name)
        for r in task.roles:
            roles.add_row(role_names().get(r.role, r.role), r.printed, r.label if (r.unit or r.person) else "", r.status)
        out.print(roles)
        out.print("完成时限 (deadlines): " + ("；".join(render.deadline_label(x) + (f"（{x.text}）" if x.text else "") for x in task.deadlines) or "无"))
        out.print("量化目标 (targets): " + ("；".join(ledger.target_label(t) for t in task.targets) or "无"))
        history = Table(title="填报历史 (reports)")
        for name in ("时间", "单位", "状态", "比例", "进展情况", "问题", "填报人", "来源"):
            history.add_column(name, overflow="fold")
        for r in s.scalars(select(ProgressReport).where(ProgressReport.task_id == task.id).order_by(ProgressReport.id)):
            history.add_row(f"{r.reported_at:%Y-%m-%d %H:%M}", r.unit_id or "督查室", r.status or "",
                            "" if r.percent is None else f"{r.percent:g}%", r.progress, r.problem, r.reported_by, r.source)
        out.print(history)
        trail = s.scalars(select(AuditEntry).where(AuditEntry.entity == "task", AuditEntry.entity_id == str(task.id))
                          .order_by(AuditEntry.id)).all()
        out.print(f"审计记录 {len(trail)} 条 (audit entries)")


export_app = typer.Typer(help="导出 (export).", no_args_is_help=True)
import_app = typer.Typer(help="导入 (import).", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")


@export_app.command("ledger")
def export_ledger(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="输出 .xlsx 文件 (the workbook)")],
    docs: DocOpt = None,
    units: UnitOpt = None,
    by_unit: Annotated[bool, typer.Option("--by-unit", help="每个单位一个工作表，供其填报 (one sheet per unit)")] = False,
    title: Annotated[str | None, typer.Option("--title", help="标题行 (the title row)")] = None,
) -> None:
    """按办公室打印的格式导出工作台账 .xlsx (the ledger as offices print it; --by-unit for units to fill)."""
    from rich.progress import Progress

    from .. import clock
    from ..sheets.ledger import Sheet, heading_of, write_ledger
    from ..store import ledger, transaction
    db = engine()
    with transaction(db) as s:
        f = task_filter(s, docs, units, None, None, None, None)
        titles = ledger.documents(s, f)
        heading = title or heading_of(titles)
        several = len(titles) > 1
        if by_unit:
            sheets = [Sheet(u.name, ledger.rows(s, ledger.Filter(documents=f.documents, units=[u.id])), u.id, u.name,
                            several) for u in (units_named(s, units) if units else ledger.units_of(s, f))]
        else:
            sheets = [Sheet("台账", ledger.rows(s, f), several_documents=several)]
        with Progress(console=console(), transient=True) as progress, user_errors():
            bar = progress.add_task("导出 (exporting)", total=None)
            written = write_ledger(sheets, out_file, heading, clock.today(), lambda: progress.advance(bar))
    typer.echo(f"已写出 {len(sheets)} 个工作表、{written} 行任务 (wrote sheets, task rows): {out_file}")


@import_app.command("progress")
def import_progress_cmd(
    path: Annotated[Path, typer.Argument(help="单位交回的 .xlsx 台账 (the filled ledger sheet)")],
    unit: Annotated[str | None, typer.Option("--unit", help="填报单位（默认取工作表中记录的单位）(the reporting unit)")] = None,
    partial: Annotated[bool, typer.Option("--partial", help="只导入有效行，其余写入退回文件 (apply the valid rows only)")] = False,
    rejected_out: Annotated[Path | None, typer.Option("--rejected", help="退回行写到此文件 (.xlsx/.csv)")] = None,
    by: Annotated[str | None, typer.Option("--by", help="代谁导入，记在系统用户名旁 (on whose behalf; kept beside the system user)")] = None,
) -> None:
    """导入单位填报的进展情况：先全部核对，有错则一行也不导入（或 --partial）(import progress from a returned sheet)."""
    from .. import export
    from ..sheets.returns import read_returned
    from ..store import audit, transaction
    from ..store.progress import import_progress
    db = engine()
    with user_errors():
        sheets = read_returned(path)
    unit_id = None
    if unit:
        with transaction(db) as s:
            found = units_named(s, [unit])
        if len(found) > 1:
            raise typer.BadParameter(f"“{unit}”对应多个单位 (several units match): {'、'.join(u.name for u in found)}")
        unit_id = found[0].id
    result = import_progress(db, path, sheets, audit.current_user(by), unit_id, partial)
    for r in result.rejected:
        typer.echo(f"{path.name} {r}", err=True)
    if result.rejected and partial:
        target = rejected_out or path.with_name(f"{path.stem}_退回.xlsx")
        rows = [{"sheet": r.sheet, "row": r.row or "", "column": r.column or "", "key": r.key, "reason": r.reason}
                for r in result.rejected]
        with user_errors():
            export.write_table(rows, {"sheet": "工作表", "row": "行", "column": "列", "key": "任务ID", "reason": "原因"},
                               target, "退回")
        typer.echo(f"退回 {len(rows)} 行 (rejected rows written): {target}")
    if result.rejected and not partial:
        typer.echo(f"未导入任何内容：{len(result.rejected)} 处错误，请改正后重新导入，或加 --partial 只导入有效行 "
                   f"(nothing imported: {len(result.rejected)} problems)", err=True)
        raise typer.Exit(1)
    typer.echo(f"已导入 {result.applied} 条进展，{result.unchanged} 条与上次相同未重复记录，{result.blank} 行未填写 "
               f"(applied, unchanged, left blank)")
    raise typer.Exit(1 if result.rejected else 0)
