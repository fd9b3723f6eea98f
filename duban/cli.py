"""The `duban` command. Each command parses arguments, calls one library function, renders."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from . import export, render
from .errors import DubanError
from .evaluate import SCORED_ROLES, Counts, Score, load_gold, score_file
from .extract import extract
from .ingest import read

app = typer.Typer(help="督办 duban：把政府工作方案读成工作台账 (read work plans into a ledger).",
                  no_args_is_help=True, add_completion=False)
out = Console(width=None if sys.stdout.isatty() else 120)
FORMATS = ("json", "table", "summary")
VALUES = ("targets", "deadlines")


def read_all(paths: list[Path]):
    """(path, documents) for every readable file; unreadable ones are reported and skipped."""
    ok, failed = [], 0
    for path in paths:
        try:
            ok.append((path, extract(read(path))))
        except DubanError as e:
            typer.echo(f"错误 (error): {e}", err=True)
            failed += 1
    return ok, failed


@app.command("extract")
def extract_cmd(
    paths: Annotated[list[Path], typer.Argument(help="文件：.txt .md .docx .pdf .html")],
    format: Annotated[str, typer.Option("--format", "-f", help="json | table | summary")] = "json",
) -> None:
    """提取文件中的公文、任务和责任单位 (extract documents, tasks and responsibilities)."""
    if format not in FORMATS:
        raise typer.BadParameter(f"格式应为 {' | '.join(FORMATS)} (unknown format {format!r})")
    results, failed = read_all(paths)
    docs = [d for _, ds in results for d in ds]
    if format == "json":
        json.dump({"documents": [render.document_dict(d) for d in docs]}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif format == "table":
        for d in docs:
            if d.tasks:
                out.print(render.task_table(d))
    else:
        for d in docs:
            if d.tasks:
                out.print(render.document_summary(d))
        out.print(render.without_tasks(docs), highlight=False)
    raise typer.Exit(2 if failed else 0)


@app.command("targets")
def targets_cmd(
    paths: Annotated[list[Path], typer.Argument(help="文件：.txt .md .docx .pdf .html")],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="写出到 .csv 或 .xlsx (write to a file)")] = None,
) -> None:
    """列出每一项量化目标，供核对 (every quantitative target as a flat table)."""
    results, failed = read_all(paths)
    rows = [row for path, docs in results for row in export.target_rows(path.name, docs)]
    if out_file is None:
        table = Table(title=f"量化目标 {len(rows)} 项 (targets)")
        shown = ("doc_number", "path", "number", "task", "target", "kind", "text")
        for key in shown:
            table.add_column(export.TARGET_COLUMNS[key], overflow="fold")
        for row in rows:
            table.add_row(*(str(row[k]) for k in shown))
        out.print(table)
    else:
        try:
            export.write_table(rows, export.TARGET_COLUMNS, out_file, "量化目标")
        except (DubanError, OSError) as e:
            typer.echo(f"错误 (error): {e}", err=True)
            raise typer.Exit(2) from None
        typer.echo(f"已写出 {len(rows)} 项量化目标 (wrote {len(rows)} targets): {out_file}")
    raise typer.Exit(2 if failed else 0)


def prf(c: Counts) -> str:
    return f"{c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}"


def score_table(rows: list[tuple[str, Score]]) -> Table:
    table = Table(title="对照标准答案评分 (scored against the answer key)")
    for name in ("文件", "任务 P/R/F1", *(f"{r} F1" for r in SCORED_ROLES), "完全正确率", "文头准确率"):
        table.add_column(name)
    for name, s in rows:
        table.add_row(name, prf(s.tasks), *(f"{s.roles[r].f1:.3f}" for r in SCORED_ROLES), f"{s.exact_rate:.3f}",
                      f"{s.header_accuracy:.3f}")
    return table


def values_table(rows: list[tuple[str, Score]]) -> Table:
    table = Table(title="量化目标与时限 (targets and deadlines; — = not in the key)")
    for name in ("文件", "量化目标 P/R/F1", "目标数 (gold)", "时限 P/R/F1", "时限数 (gold)"):
        table.add_column(name)
    for name, s in rows:
        table.add_row(name, *(cell for k in VALUES for cell in (
            (prf(getattr(s, k)), str(getattr(s, k).tp + getattr(s, k).fn)) if k in s.scored else ("—", "—"))))
    return table


@app.command("eval")
def eval_cmd(
    paths: Annotated[list[Path], typer.Argument(help="要评分的文件 (files to score)")],
    gold: Annotated[Path, typer.Option("--gold", help="标准答案目录 (answer key directory)")],
    min_f1: Annotated[float, typer.Option("--min-f1", help="任一 F1 低于此值时退出码为 1")] = 0.0,
    show_misses: Annotated[bool, typer.Option("--misses", help="列出每一处差异 (list every miss)")] = False,
) -> None:
    """按标准答案评分：任务和各角色单位的 P/R/F1、完全正确率、文头准确率 (score against gold)."""
    if not gold.is_dir():
        raise typer.BadParameter(f"标准答案目录不存在 (no such directory): {gold}")
    results, failed = read_all(paths)
    rows, total = [], Score()
    for path, docs in results:
        key = load_gold(gold, str(path))
        if key is None:
            typer.echo(f"跳过 (skipped): {path}: 标准答案中没有此文件 (not in the answer key)", err=True)
            continue
        score = score_file(key, docs)
        rows.append((path.name, score))
        total.add(score)
    rows.append(("合计 (overall)", total))
    out.print(score_table(rows))
    if total.scored:
        out.print(values_table(rows))
    if show_misses:
        for miss in total.misses:
            out.print(miss, highlight=False)
    f1s = {"task": total.tasks.f1, **{r: total.roles[r].f1 for r in SCORED_ROLES},
           **{k: getattr(total, k).f1 for k in VALUES if k in total.scored}}
    typer.echo("  ".join(f"{k} F1 {v:.4f}" for k, v in f1s.items())
               + f"  exact {total.exact_rate:.4f}  header {total.header_accuracy:.4f}")
    if failed:
        raise typer.Exit(2)
    if min(f1s.values()) < min_f1:
        typer.echo(f"低于要求 (below --min-f1 {min_f1}): 最低 F1 {min(f1s.values()):.4f}", err=True)
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
