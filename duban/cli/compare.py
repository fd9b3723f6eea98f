"""`duban compare UPPER LOWER...`: what the lower plans took up of the upper one (承接), as a table, the JSON
contract of docs/compare.md, or an .xlsx with a sheet per view."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rich.table import Table

from ..compare.plans import Plan, compare
from ..errors import DubanError
from ..sheets.inert import as_text
from . import app, out, read_all, user_errors

FORMATS = ("table", "json")


def label(t: dict) -> str:
    return f"{t['source']} 第{t['number']}项 {t['title']}"


SHEETS = {  # view -> (sheet, columns: (header, how the row gives it))
    "links": ("承接关系", [("上级任务", lambda r: label(r["upper"])), ("下级任务", lambda r: label(r["lower"])),
                       ("相似度", lambda r: r["score"]), ("依据", lambda r: r["reason"])]),
    "gaps": ("未承接的上级任务", [("上级任务", label)]),
    "additions": ("下级自行增加", [("下级任务", label)]),
    "targets": ("目标对照", [("上级任务", lambda r: label(r["upper"])), ("下级任务", lambda r: label(r["lower"])),
                         ("指标", lambda r: r["metric"]), ("上级目标", lambda r: r["upper_value"]),
                         ("下级目标", lambda r: r["lower_value"]), ("单位", lambda r: r["unit"]),
                         ("对照", lambda r: VERDICTS[r["verdict"]])]),
    "deadlines": ("时限晚于上级", [("上级任务", lambda r: label(r["upper"])), ("下级任务", lambda r: label(r["lower"])),
                             ("上级时限", lambda r: r["upper_due"]), ("下级时限", lambda r: r["lower_due"])]),
}
VERDICTS = {"weaker": "低于上级", "equal": "与上级相同", "stronger": "高于上级"}


def plan_of(path: Path, documents: list) -> Plan:
    """The file's plan: its document with the most tasks (a gazette holds several)."""
    doc = max(documents, key=lambda d: len(d.tasks), default=None)
    if doc is None or not doc.tasks:
        raise DubanError("文件中没有读出任务，无法对照 (no tasks found in the file)", path=str(path))
    return Plan(path.name, doc)


def write_xlsx(result: dict, path: Path) -> None:
    """A sheet per view; text that would read as a formula stays text."""
    book = Workbook(write_only=True)
    for view, (title, columns) in SHEETS.items():
        ws = book.create_sheet(title)
        ws.append([name for name, _ in columns])
        for row in result[view]:
            ws.append([as_text(WriteOnlyCell(ws, get(row))) for _, get in columns])
    book.save(path)


@app.command("compare")
def compare_cmd(
    upper: Annotated[Path, typer.Argument(help="上级方案文件 (the plan taken up)")],
    lowers: Annotated[list[Path], typer.Argument(help="下级方案文件，或同一单位下一年的方案 (the plans taking it up)")],
    format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table",
    xlsx: Annotated[Path | None, typer.Option("--out", "-o", help="另存为 .xlsx，每种对照一个工作表")] = None,
) -> None:
    """对照上下级方案：承接关系、未承接的任务、自行增加的任务、目标高低 (compare a plan with those taking it up)."""
    if format not in FORMATS:
        raise typer.BadParameter(f"格式应为 {' | '.join(FORMATS)} (unknown format {format!r})")
    results, failed = read_all([upper, *lowers])
    if failed:
        raise typer.Exit(2)
    with user_errors():
        plans = [plan_of(path, docs) for path, docs in results]
        result = compare(plans[0], plans[1:])
        if xlsx is not None:
            if xlsx.suffix.lower() != ".xlsx":
                raise DubanError(f"只能写出 .xlsx (not {xlsx.suffix or 'no suffix'})", path=str(xlsx))
            write_xlsx(result, xlsx)
    if format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for view, (title, columns) in SHEETS.items():
        table = Table(title=f"{title}（{len(result[view])}）")
        for name, _ in columns:
            table.add_column(name, overflow="fold")
        for row in result[view]:
            table.add_row(*(str(get(row)) for _, get in columns))
        out.print(table)
