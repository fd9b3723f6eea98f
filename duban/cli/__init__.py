"""The `duban` command. Each command parses arguments, calls one library function, renders."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DubanError

if TYPE_CHECKING:  # imported by the commands that use them: `duban --help` loads none of them
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from ..evaluate import Counts, Score
    from ..units.registry import Registry

app = typer.Typer(help="督办 duban：把政府工作方案读成工作台账 (read work plans into a ledger).",
                  no_args_is_help=True, add_completion=True)
FORMATS = ("json", "table", "summary")


@cache
def console() -> Console:
    from rich.console import Console
    return Console(width=None if sys.stdout.isatty() else 120)


class Out:
    """The commands' console (`out.print(...)`), made at its first use: rich is not loaded for --help.
    Where rich wants the Console itself (`Progress(console=...)`), pass `console()`."""

    def __getattr__(self, name: str):
        return getattr(console(), name)


out = Out()


def show_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version
        typer.echo(f"duban {version('duban')}")
        raise typer.Exit()


@app.callback()
def every_command(
    version: Annotated[bool, typer.Option("--version", callback=show_version, is_eager=True,
                                          help="显示版本 (show the version)")] = False,
) -> None:
    """督办 duban：把政府工作方案读成工作台账 (read work plans into a ledger)."""
    from .. import clock
    from ..supervise import calendar

    with user_errors():
        if warning := calendar.warning(clock.today()):
            typer.secho(f"警告 (warning): {warning} (no holiday calendar for that year: add its holidays and "
                        f"workdays to [calendar] in $DUBAN_DATA_DIR/duban.toml)", err=True, fg="red", bold=True)


def refused_write(e: Exception) -> bool:
    """The database refused a write for being busy or its disk full (sqlalchemy is loaded only by
    commands that open the database: an error of any other command is none of these)."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import OperationalError

    from ..store import busy, disk_full
    return isinstance(e, OperationalError) and (busy(e) or disk_full(e))


@contextmanager
def user_errors():
    """A problem the user can fix (a bad file, a damaged registry): one line on stderr, exit 2."""
    try:
        yield
    except (DubanError, OSError) as e:
        typer.echo(f"错误 (error): {e}", err=True)
        raise typer.Exit(2) from None
    except Exception as e:  # nothing was written: the transaction rolled back
        if not refused_write(e):
            raise
        from ..store import busy
        why = "数据库正被其他程序写入，请稍后重试 (the database is busy)" if busy(e) else \
            "磁盘空间不足，未写入任何内容 (the disk is full: nothing was written)"
        typer.echo(f"错误 (error): {why}", err=True)
        raise typer.Exit(2) from None


@contextmanager
def pages_shown(path: Path, bar: Progress | None = None):
    """A bar while OCR reads a scan's pages, drawn at the first page and gone when the file is read: on
    `bar` (a command's own progress), or on stderr."""
    from rich.console import Console
    from rich.progress import Progress

    from .. import progress
    with (Progress(console=Console(stderr=True), transient=True) if bar is None else nullcontext(bar)) as shown:
        task = None

        def hear(done: int, total: int) -> None:
            nonlocal task
            if task is None:
                task = shown.add_task(f"识别扫描页 (OCR) {path.name}", total=total)
            shown.update(task, completed=done)

        with progress.listening(hear):
            yield
        if task is not None:
            shown.remove_task(task)


def read_all(paths: list[Path]):
    """(path, documents) for every readable file; unreadable ones are reported and skipped."""
    from ..extract import extract_file
    ok, failed = [], 0
    for path in paths:
        try:
            with pages_shown(path):
                ok.append((path, extract_file(path)[1]))
        except DubanError as e:
            typer.echo(f"错误 (error): {e}", err=True)
            failed += 1
    return ok, failed


@app.command("extract")
def extract_cmd(
    paths: Annotated[list[Path], typer.Argument(help="文件：.txt .md .docx .pdf .html .xlsx、扫描件和照片、.doc .wps .et")],
    format: Annotated[str, typer.Option("--format", "-f", help="json | table | summary")] = "json",
    resolve: Annotated[bool, typer.Option("--resolve", help="JSON 中附上单位登记簿条目 (add the registry entries)")] = False,
    successor: Annotated[bool, typer.Option("--successor", help="单位换成公文日期时的继任机构 (map to the body valid then)")] = False,
) -> None:
    """提取文件中的公文、任务和责任单位 (extract documents, tasks and responsibilities)."""
    from .. import render, units
    if format not in FORMATS:
        raise typer.BadParameter(f"格式应为 {' | '.join(FORMATS)} (unknown format {format!r})")
    results, failed = read_all(paths)
    docs = [d for _, ds in results for d in ds]
    registry = open_registry()
    found = units.resolve(docs, registry, successor=successor)
    if format == "json":
        body = {"documents": [render.document_dict(d) for d in docs]}
        if resolve:
            body["units"] = {uid: registry.describe(uid) for uid in sorted({m.resolution.id for m in found} - {None})}
        json.dump(body, sys.stdout, ensure_ascii=False, indent=1)
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
        out.print(render.resolution_summary([m.resolution.status for m in found]), highlight=False)
    raise typer.Exit(2 if failed else 0)


@app.command("targets")
def targets_cmd(
    paths: Annotated[list[Path], typer.Argument(help="文件：.txt .md .docx .pdf .html .xlsx、扫描件和照片、.doc .wps .et")],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="写出到 .csv 或 .xlsx (write to a file)")] = None,
) -> None:
    """列出每一项量化目标，供核对 (every quantitative target as a flat table)."""
    from rich.table import Table

    from .. import export
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
        with user_errors():
            export.write_table(rows, export.TARGET_COLUMNS, out_file, "量化目标")
        typer.echo(f"已写出 {len(rows)} 项量化目标 (wrote {len(rows)} targets): {out_file}")
    raise typer.Exit(2 if failed else 0)


def prf(c: Counts) -> str:
    return f"{c.precision:.3f}/{c.recall:.3f}/{c.f1:.3f}"


def open_registry() -> Registry:
    from ..units.registry import Registry, default_path
    with user_errors():
        return Registry(default_path())


def score_table(rows: list[tuple[str, Score]]) -> Table:
    from rich.table import Table

    from ..evaluate import SCORED_ROLES
    table = Table(title="对照标准答案评分 (scored against the answer key)")
    for name in ("文件", "任务 P/R/F1", *(f"{r} F1" for r in SCORED_ROLES), "完全正确率", "文头准确率"):
        table.add_column(name)
    for name, s in rows:
        table.add_row(name, prf(s.tasks), *(f"{s.roles[r].f1:.3f}" for r in SCORED_ROLES), f"{s.exact_rate:.3f}",
                      f"{s.header_accuracy:.3f}")
    return table


def values_table(rows: list[tuple[str, Score]]) -> Table:
    from rich.table import Table

    from ..evaluate import VALUES
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
    from ..evaluate import SCORED_ROLES, VALUES, Score, load_gold, score_file
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


units_app = typer.Typer(help="单位登记簿：查看、核对、合并、别名、拆分、撤销 (the unit registry).", no_args_is_help=True)
app.add_typer(units_app, name="units")


def resolved_mentions(paths: list[Path], registry: Registry) -> tuple[list, int]:
    from .. import units
    results, failed = read_all(paths)
    found = []
    for path, docs in results:
        for m in units.resolve(docs, registry):
            found.append((path, m))
    return found, failed


@units_app.command("list")
def units_list(
    paths: Annotated[list[Path], typer.Argument(help="文件 (files whose mentions are counted)")],
) -> None:
    """列出登记簿单位：提及次数、出现过的写法、所在公文 (units with mention counts, spellings, documents)."""
    from rich.table import Table
    registry = open_registry()
    found, failed = resolved_mentions(paths, registry)
    by_unit: dict[str, list] = {}
    for path, m in found:
        if m.resolution.id:
            by_unit.setdefault(m.resolution.id, []).append((path, m))
    table = Table(title=f"单位 {len(by_unit)} 个，提及 {len(found)} 次 (units, mentions)")
    for name in ("单位", "类别", "地区", "提及", "写法", "公文", "状态"):
        table.add_column(name, overflow="fold")
    for uid, ms in sorted(by_unit.items(), key=lambda x: -len(x[1])):
        u = registry.units[uid]
        table.add_row(u.name, u.kind, u.region, str(len(ms)), "、".join(sorted({m.printed for _, m in ms})),
                      "、".join(sorted({m.document.doc_number or p.name for p, m in ms})),
                      "待确认" if any(m.resolution.status == "provisional" for _, m in ms) else "")
    out.print(table)
    raise typer.Exit(2 if failed else 0)


@units_app.command("unknown")
def units_unknown(
    paths: Annotated[list[Path], typer.Argument(help="文件 (files to check)")],
) -> None:
    """列出未能确认的单位提及及其位置 (mentions not in the registry, ambiguous or unknown, with where)."""
    from rich.table import Table

    from ..units.registry import FLAGGED
    registry = open_registry()
    found, failed = resolved_mentions(paths, registry)
    flagged = [(p, m) for p, m in found if m.resolution.status in FLAGGED]
    table = Table(title=f"待核对的提及 {len(flagged)} 处 / {len(found)} (mentions to check)")
    for name in ("状态", "写法", "建议条目", "说明", "位置"):
        table.add_column(name, overflow="fold")
    for p, m in flagged:
        r = m.resolution
        table.add_row(r.status, m.printed, r.unit.id if r.unit else "", r.note,
                      f"{p.name}:{m.task.line} {m.document.doc_number or ''} 第{m.task.number}项 {m.role}")
    out.print(table)
    raise typer.Exit(2 if failed else 0)


def edit(op: dict, done: str) -> None:
    """The edit made in the registry and, at once, in the ledger's tasks: the web's /registry does the same."""
    from ..store import audit, transaction, unit_edits
    from .ledger import engine
    registry = open_registry()
    with user_errors(), transaction(engine()) as s:
        unit_edits.apply(s, registry, op, audit.current_user())
    typer.echo(f"{done} ({registry.path})")


@contextmanager
def audited():
    """Record a registry edit (kept in a file of its own) in the ledger's audit log, in a transaction that
    commits only if the edit is made."""
    from ..store import audit, transaction
    from .ledger import engine
    with transaction(engine()) as s:
        yield lambda action, path, op: audit.record(s, audit.current_user(), action, "registry", Path(path).name, **op)


@units_app.command("alias")
def units_alias(
    name: Annotated[str, typer.Argument(help="写法，如 县华冠公司 (the printed name)")],
    unit: Annotated[str, typer.Argument(help="登记簿条目，如 冠县华冠资产管理有限公司 (the entry)")],
    region: Annotated[str | None, typer.Option("--region", help="只在此地区的公文中 (only in this region)")] = None,
) -> None:
    """把一种写法登记为某单位的别名 (record NAME as another name of UNIT)."""
    edit({"op": "alias", "name": name, "unit": unit, "region": region}, f"已登记：{name} = {unit}")


@units_app.command("merge")
def units_merge(
    a: Annotated[str, typer.Argument(help="并入的条目 (the entry merged away)")],
    b: Annotated[str, typer.Argument(help="保留的条目 (the entry kept)")],
) -> None:
    """两个条目是同一单位：A 并入 B (A and B are one agency; A becomes B)."""
    if a == b:
        typer.echo("错误 (error): 不能把条目并入自身 (cannot merge an entry into itself)", err=True)
        raise typer.Exit(2)
    edit({"op": "merge", "a": a, "b": b}, f"已合并：{a} -> {b}")


@units_app.command("split")
def units_split(
    name: Annotated[str, typer.Argument(help="写法 (the printed name)")],
    new: Annotated[str, typer.Argument(help="它自己的新条目 (its own new entry)")],
    region: Annotated[str | None, typer.Option("--region", help="只在此地区的公文中 (only in this region)")] = None,
) -> None:
    """把一种写法从原条目中分出，成为单独的单位 (NAME is a different agency: give it its own entry)."""
    edit({"op": "split", "name": name, "new": new, "region": region}, f"已拆分：{name} -> {new}")


@units_app.command("undo")
def units_undo() -> None:
    """撤销最近一次修改 (undo the last edit)."""
    with user_errors(), audited() as record:
        registry = open_registry()
        last = registry.undo()
        record("registry_undo", registry.path, {"undone": last})
    typer.echo(f"已撤销 (undone): {json.dumps(last, ensure_ascii=False)}")


@units_app.command("history")
def units_history() -> None:
    """列出登记簿的全部修改 (every edit, oldest first)."""
    for e in open_registry().edits:
        typer.echo(json.dumps(e, ensure_ascii=False))


from . import (  # noqa: E402,F401  (registers the supervision commands)
    auditlog,
    compare,
    followup,
    ledger,  # noqa: E402,F401  (registers the ledger commands)
    notify,
    ops,
    plans,
    supervise,
    web,
)
