"""`duban compare UPPER LOWER...`: what the lower plans took up of the upper one (承接), or a body's two years
(--years), or plans of one level side by side (--across); each plan a file or a document in the ledger (then
the office's word on its links counts); as tables, the JSON of docs/compare.md, or an .xlsx with a sheet per
view."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DubanError
from . import app, out, read_all, user_errors
from .ledger import documents_named, engine

if TYPE_CHECKING:
    from ..compare.plans import Plan
    from ..sheets.compared import Sheet

FORMATS = ("table", "json")


def answer_key(path: Path, across_: bool, plans: int) -> dict:
    if across_ or plans != 2:
        raise DubanError("只能对两个方案的对照评分 (a key scores the comparison of two plans)", path=str(path))
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DubanError(f"无法读取标准答案 (cannot read the key: {e})", path=str(path)) from e


def plan_of(path: Path, documents: list) -> Plan:
    """The file's plan: its document with the most tasks (a gazette holds several)."""
    from ..compare.plans import Plan
    doc = max(documents, key=lambda d: len(d.tasks), default=None)
    if doc is None or not doc.tasks:
        raise DubanError("文件中没有读出任务，无法对照 (no tasks found in the file)", path=str(path))
    return Plan(path.name, doc)


def a_file(name: str) -> bool:
    """A name that is a file (or reads as one: a folder or a suffix), not a document in the ledger."""
    return Path(name).exists() or "/" in name or bool(Path(name).suffix)


def plans_named(names: list[str]) -> tuple[list[Plan], dict]:
    """Each name a file, or else a document in the ledger (its id, 文号 or words of its title); and the
    office's word on the links of the ledger's plans, by lower plan. Files alone open no database."""
    from ..compare.stored import plan_of_document, words_on
    from ..store import transaction
    plans: list[Plan] = []
    with transaction(engine()) if not all(map(a_file, names)) else nullcontext() as s:
        for name in names:
            if a_file(name):
                results, failed = read_all([Path(name)])
                if failed:
                    raise typer.Exit(2)
                plans.append(plan_of(Path(name), results[0][1]))
                continue
            found = documents_named(s, [name])
            if len(found) != 1:
                raise DubanError(f"“{name}”对应 {len(found)} 份公文，请用编号 (names {len(found)} documents: use its id)")
            plans.append(plan_of_document(s, found[0]))
        return plans, words_on(s, plans[0], plans[1:]) if s is not None else {}


def print_tables(sheets: list[Sheet]) -> None:
    from rich.table import Table
    for title, headers, rows in sheets:
        table = Table(title=f"{title}（{len(rows)}）")
        for name in headers:
            table.add_column(name, overflow="fold")
        for row in rows:
            table.add_row(*map(str, row))
        out.print(table)


@app.command("compare")
def compare_cmd(
    upper: Annotated[str, typer.Argument(help="上级方案：文件，或台账中的公文（编号、文号或标题中的词）(the plan taken up)")],
    lowers: Annotated[list[str], typer.Argument(help="下级方案，或同一单位下一年的方案：文件或台账中的公文 (the plans taking it up)")],
    across_: Annotated[bool, typer.Option("--across", help="同级方案并列：任务聚类、矩阵、各方案缺少的任务 (plans of one level)")] = False,
    years: Annotated[bool, typer.Option("--years", help="同一单位前后两年：延续、新增、不再列入、目标调整 (two years)")] = False,
    format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table",
    xlsx: Annotated[Path | None, typer.Option("--out", "-o", help="另存为 .xlsx，每种对照一个工作表")] = None,
    key: Annotated[Path | None, typer.Option("--key", help="按标准答案评分（仅一个下级方案）(score against an answer key)")] = None,
) -> None:
    """对照方案：上下级承接、同级并列 (--across) 或前后两年 (--years) (compare plans)."""
    from ..compare.across import across
    from ..compare.keys import scored_against
    from ..compare.plans import compare
    from ..sheets.compared import across_sheets, compared_sheets, write_xlsx
    if format not in FORMATS:
        raise typer.BadParameter(f"格式应为 {' | '.join(FORMATS)} (unknown format {format!r})")
    with user_errors():
        plans, words = plans_named([upper, *lowers])
        if across_:
            result = across(plans)
            sheets = across_sheets(result)
        else:
            result = compare(plans[0], plans[1:], words)
            sheets = compared_sheets(result, years)
        if xlsx is not None:
            write_xlsx(sheets, xlsx)
        if key is not None:
            score = scored_against(result, answer_key(key, across_, len(plans)))
    if key is not None:
        typer.echo(f"承接关系 (links): precision {score.precision:.3f} recall {score.recall:.3f} "
                   f"({score.found} found, {score.keyed} in the key)", err=True)
    if format == "json":
        json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        print_tables(sheets)
