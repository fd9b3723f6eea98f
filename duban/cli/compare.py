"""`duban compare UPPER LOWER...`: what the lower plans took up of the upper one (承接), or a body's two years
(--years), or plans of one level side by side (--across); as tables, the JSON of docs/compare.md, or an .xlsx
with a sheet per view."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rich.table import Table

from ..compare.across import across
from ..compare.plans import Plan, compare
from ..errors import DubanError
from ..sheets.inert import as_text
from . import app, out, read_all, user_errors

FORMATS = ("table", "json")


def label(t: dict) -> str:
    return f"{t['source']} 第{t['number']}项 {t['title']}"


def pair(r: dict) -> list:
    return [label(r["upper"]), label(r["lower"])]


# view -> (sheet, headers, row): a plan against those taking it up; with --years, its sheets are named for two years
VIEWS = {
    "links": (("承接关系", "延续的任务"), ["上级任务", "下级任务", "相似度", "依据"],
              lambda r: [*pair(r), r["score"], r["reason"]]),
    "gaps": (("未承接的上级任务", "不再列入的任务"), ["上级任务"], lambda t: [label(t)]),
    "additions": (("下级自行增加", "新增任务"), ["下级任务"], lambda t: [label(t)]),
    "targets": (("目标对照", "目标调整"), ["上级任务", "下级任务", "指标", "上级目标", "下级目标", "单位", "对照"],
                lambda r: [*pair(r), r["metric"], r["upper_value"], r["lower_value"], r["unit"], r["verdict"]]),
    "deadlines": (("时限晚于上级", "时限推迟"), ["上级任务", "下级任务", "上级时限", "下级时限"],
                  lambda r: [*pair(r), r["upper_due"], r["lower_due"]]),
}
VERDICTS = ({"weaker": "低于上级", "equal": "与上级相同", "stronger": "高于上级"},
            {"weaker": "调低", "equal": "持平", "stronger": "调高"})
Sheet = tuple[str, list[str], list[list]]


def compared_sheets(result: dict, years: bool) -> list[Sheet]:
    sheets = []
    for view, (titles, headers, row) in VIEWS.items():
        rows = [row(r) for r in result[view]]
        if view == "targets":
            rows = [[*r[:-1], VERDICTS[years][r[-1]]] for r in rows]
        if years:
            headers = [h.replace("上级", "上一年").replace("下级", "下一年") for h in headers]
        sheets.append((titles[years], headers, rows))
    return sheets


def across_sheets(result: dict) -> list[Sheet]:
    """The matrix of clusters x plans (task numbers in each cell), and what each plan lacks."""
    plans = result["plans"]
    matrix = [[c["id"], c["title"], *("、".join(t["number"] for t in c["tasks"].get(p, [])) for p in plans)]
              for c in result["clusters"]]
    titles = {c["id"]: c["title"] for c in result["clusters"]}
    lacking = [[p, n, titles[n]] for p in plans for n in result["missing"][p]]
    return [("对照矩阵", ["组", "任务", *plans], matrix), ("多数方案有而本方案缺少", ["方案", "组", "任务"], lacking)]


def plan_of(path: Path, documents: list) -> Plan:
    """The file's plan: its document with the most tasks (a gazette holds several)."""
    doc = max(documents, key=lambda d: len(d.tasks), default=None)
    if doc is None or not doc.tasks:
        raise DubanError("文件中没有读出任务，无法对照 (no tasks found in the file)", path=str(path))
    return Plan(path.name, doc)


def write_xlsx(sheets: list[Sheet], path: Path) -> None:
    """A sheet per view; text that would read as a formula stays text."""
    if path.suffix.lower() != ".xlsx":
        raise DubanError(f"只能写出 .xlsx (not {path.suffix or 'no suffix'})", path=str(path))
    book = Workbook(write_only=True)
    for title, headers, rows in sheets:
        ws = book.create_sheet(title)
        ws.append(headers)
        for row in rows:
            ws.append([as_text(WriteOnlyCell(ws, value)) for value in row])
    book.save(path)


def print_tables(sheets: list[Sheet]) -> None:
    for title, headers, rows in sheets:
        table = Table(title=f"{title}（{len(rows)}）")
        for name in headers:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*map(str, row))
        out.print(table)


@app.command("compare")
def compare_cmd(
    upper: Annotated[Path, typer.Argument(help="上级方案文件（--across：第一个方案）(the plan taken up)")],
    lowers: Annotated[list[Path], typer.Argument(help="下级方案文件，或同一单位下一年的方案 (the plans taking it up)")],
    across_: Annotated[bool, typer.Option("--across", help="同级方案并列：任务聚类、矩阵、各方案缺少的任务 (plans of one level)")] = False,
    years: Annotated[bool, typer.Option("--years", help="同一单位前后两年：延续、新增、不再列入、目标调整 (two years)")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table",
    xlsx: Annotated[Path | None, typer.Option("--out", "-o", help="另存为 .xlsx，每种对照一个工作表")] = None,
) -> None:
    """对照方案：上下级承接、同级并列 (--across) 或前后两年 (--years) (compare plans)."""
    if format not in FORMATS:
        raise typer.BadParameter(f"格式应为 {' | '.join(FORMATS)} (unknown format {format!r})")
    results, failed = read_all([upper, *lowers])
    if failed:
        raise typer.Exit(2)
    with user_errors():
        plans = [plan_of(path, docs) for path, docs in results]
        if across_:
            result = across(plans)
            sheets = across_sheets(result)
        else:
            result = compare(plans[0], plans[1:])
            sheets = compared_sheets(result, years)
        if xlsx is not None:
            write_xlsx(sheets, xlsx)
    if format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print_tables(sheets)
