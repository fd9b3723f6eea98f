"""Supervision commands: rounds (调度), report, status and warnings, override, 批示 (the follow-up ones are in
followup.py). Each parses, calls duban.supervise, renders."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from .. import clock
from . import app, out, user_errors
from .ledger import documents_named, engine, units_named

if TYPE_CHECKING:
    from ..supervise import state, warnings

round_app = typer.Typer(help="调度轮次 (reporting rounds).", no_args_is_help=True)
app.add_typer(round_app, name="round")

AsOf = Annotated[str | None, typer.Option("--as-of", help="截至日期 YYYY-MM-DD，默认今天 (as of; default today)")]
Doc = Annotated[list[str] | None, typer.Option("--doc", help="公文：编号、文号或标题的一部分 (document)")]
TaskArg = Annotated[str, typer.Argument(help="任务，如 T42-9f1c 或 42 (a task key or id)")]


def day(text: str | None, name: str = "--as-of") -> date:
    if text is None:
        return clock.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{name} 应为 YYYY-MM-DD 日期 (not a date): {text}") from None


def task_of(text: str) -> int:
    from ..store import ledger
    with user_errors():
        return int(text) if text.strip().isdigit() else ledger.parse_task_key(text)


def one_document(s, names: list[str] | None) -> int:
    ids = documents_named(s, names or [])
    if len(ids) != 1:
        raise typer.BadParameter("请用 --doc 指定一份公文 (name exactly one document)")
    return ids[0]


def one_unit(s, name: str | None) -> str | None:
    if name is None:
        return None
    found = units_named(s, [name])
    if len(found) != 1:
        raise typer.BadParameter(f"“{name}”对应多个单位，请写全称：{'、'.join(u.name for u in found)} (ambiguous unit)")
    return found[0].id


@round_app.command("plan")
def round_plan(doc: Doc = None,
               every: Annotated[str | None, typer.Option(help="month | quarter (default: the settings')")] = None,
               day_of: Annotated[int | None, typer.Option("--day", help="每月（季末月）几日前报送 (due day; default: the settings')")] = None,
               grace: Annotated[int | None, typer.Option(help="截止后仍可补报的工作日数 (grace working days)")] = None,
               start: Annotated[str | None, typer.Option("--from", help="起始日期 (default: today; an earlier one creates the past rounds too)")] = None,
               end: Annotated[str | None, typer.Option("--to", help="结束日期 (default: 31 December)")] = None) -> None:
    """为公文设定报送周期并生成各轮调度 (give a plan its reporting cycle)."""
    from ..store import audit, transaction
    from ..supervise import rounds
    with user_errors(), transaction(engine()) as s:
        made = rounds.plan_cycle(s, one_document(s, doc), every, day_of, audit.current_user(), grace,
                                 day(start, "--from") if start else None, day(end, "--to") if end else None)
        names = [(r.name, r.due) for r in made]
    typer.echo(f"已生成调度 {len(names)} 轮 (rounds created): " + "，".join(f"{n}（{d:%m-%d}截止）" for n, d in names))


@round_app.command("open")
def round_open(name: Annotated[str, typer.Option("--name", help="轮次名称，如 专项调度")],
               due: Annotated[str, typer.Option("--due", help="报送截止日期 YYYY-MM-DD")], doc: Doc = None,
               grace: Annotated[int | None, typer.Option(help="grace working days")] = None) -> None:
    """开启一轮临时调度 (open an ad hoc round)."""
    from ..store import audit, transaction
    from ..supervise import rounds
    with user_errors(), transaction(engine()) as s:
        r = rounds.open_round(s, one_document(s, doc), name, day(due, "--due"), audit.current_user(), grace)
        rid, closes = r.id, r.closes
    typer.echo(f"已开启调度 #{rid} {name}，{due} 截止，{closes} 锁定 (round opened)")


@round_app.command("lock")
def round_lock(name: Annotated[str, typer.Argument(help="轮次编号或名称")]) -> None:
    """锁定一轮调度：此后不再接收该轮报送 (lock a round)."""
    from ..store import audit, transaction
    from ..supervise import rounds
    with user_errors(), transaction(engine()) as s:
        r = rounds.lock_round(s, rounds.find_round(s, name).id, audit.current_user())
        label = r.name
    typer.echo(f"已锁定调度 {label} (locked)")


@round_app.command("list")
def round_list(doc: Doc = None, as_of: AsOf = None) -> None:
    """各轮调度及报送情况 (rounds and who has reported)."""
    from rich.table import Table

    from ..store import transaction
    from ..supervise import rounds
    when = day(as_of)
    table = Table(title=f"调度轮次（截至{when}）(rounds)")
    for col in ("编号", "轮次", "开始", "截止", "锁定", "应报", "按时", "逾期", "未报", "待报"):
        table.add_column(col)
    with user_errors(), transaction(engine()) as s:
        for r in rounds.rounds_of(s, documents_named(s, doc) if doc else None):
            t = rounds.tally(s, r, when)
            table.add_row(str(r.id), r.name, str(r.opens), str(r.due), str(r.closes), str(t.expected),
                          str(len(t.on_time)), str(len(t.late)), str(len(t.missed)), str(len(t.pending)))
    out.print(table)


@round_app.command("show")
def round_show(name: Annotated[str, typer.Argument(help="轮次编号或名称")], as_of: AsOf = None) -> None:
    """一轮调度中各单位应报、已报、未报 (who has and has not reported in a round)."""
    from rich.table import Table

    from ..store import transaction
    from ..supervise import facts, rounds
    when = day(as_of)
    with user_errors(), transaction(engine()) as s:
        r = rounds.find_round(s, name)
        t = rounds.tally(s, r, when)
        lead = {f.id: f for f in facts.of_tasks(s, when, [r.document_id]).values()}
        counts: dict[str, list[int]] = {}
        for kind, pairs in enumerate((t.on_time, t.late, t.missed, t.pending)):
            for task, unit in pairs:
                name_ = lead[task].lead_units.get(unit, unit) if task in lead else unit
                counts.setdefault(name_, [0, 0, 0, 0])[kind] += 1
    table = Table(title=f"{r.name}：截止{r.due}，{r.closes}锁定 (who has reported)")
    for col in ("单位", "按时", "逾期", "未报", "待报"):
        table.add_column(col)
    for unit, c in sorted(counts.items(), key=lambda x: (-x[1][2] - x[1][3], x[0])):
        table.add_row(unit, *map(str, c))
    out.print(table)


@app.command("report")
def report_cmd(task: TaskArg,
               unit: Annotated[str | None, typer.Option("--unit", help="报送单位 (default: the office)")] = None,
               status: Annotated[str | None, typer.Option("--status", help="状态：已完成/序时推进/滞后/…")] = None,
               percent: Annotated[float | None, typer.Option("--percent", help="完成比例 0–100")] = None,
               value: Annotated[float | None, typer.Option("--value", help="完成值（量化目标的单位）")] = None,
               progress: Annotated[str, typer.Option("--progress", help="进展情况")] = "",
               problem: Annotated[str, typer.Option("--problem", help="存在问题（将登记为问题）")] = "") -> None:
    """报送一项任务的进展 (report progress on one task)."""
    from ..store import audit, transaction
    from ..supervise import reports
    with user_errors(), transaction(engine()) as s:
        r = reports.report(s, task_of(task), one_unit(s, unit), audit.current_user(), status=status,
                           progress=progress, percent=percent, value=value, problem=problem)
        rid = r.round_id
    typer.echo(f"已报送 (reported){'' if rid else '（不在任何调度轮次内 outside every round）'}")


@app.command("status")
def status_cmd(as_of: AsOf = None, doc: Doc = None,
               unit: Annotated[str | None, typer.Option("--unit", help="牵头单位")] = None,
               colour: Annotated[str | None, typer.Option("--colour", help="red | yellow | blue")] = None,
               format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table") -> None:
    """各任务状态与三色预警，逐条说明理由 (statuses and warnings, with reasons)."""
    from rich.table import Table

    from ..store import transaction
    from ..supervise import warnings
    from ..supervise.records import COLOUR_NAMES
    when = day(as_of)
    with user_errors(), transaction(engine()) as s:
        uid = one_unit(s, unit)
        entries = (e for e in warnings.stream(s, when, documents_named(s, doc) if doc else None)
                   if (uid is None or uid in e.facts.lead_units) and (colour is None or e.warning.colour == colour))
        if format == "json":
            write_json_array(map(entry_dict, entries))
            return
        table = Table(title=f"任务状态与预警（截至{when}）(status)")
        for col in ("任务ID", "序号", "任务", "牵头单位", "时限", "状态", "预警", "理由"):
            table.add_column(col, overflow="fold")
        for e in entries:
            f, st, w = e.facts, e.status, e.warning
            table.add_row(f.key, f.number, f.title[:24], "、".join(f.lead_units.values()), str(st.due or "无"),
                          st.status, COLOUR_NAMES.get(w.colour, ""), "；".join(st.reasons + w.reasons))
    out.print(table)


def write_json_array(items: Iterable[dict]) -> None:
    """A JSON array written an item at a time, laid out as `json.dump(..., indent=1)` would: a province's
    board is never held whole."""
    first = True
    for item in items:
        sys.stdout.write(("[" if first else ",") + "\n " + json.dumps(item, ensure_ascii=False, indent=1)
                         .replace("\n", "\n "))
        first = False
    sys.stdout.write("[]\n" if first else "\n]\n")


@app.command("refresh")
def refresh_cmd() -> None:
    """重新判定每项任务今天的状态和预警，台账据此筛选排序；每天运行一次，`duban serve` 启动时也运行
    (derive and store every task's status and warning colour for today: run daily)."""
    with user_errors():
        done = refreshed(engine())
    typer.echo(f"已判定 {done.derived} 项任务截至 {clock.today()} 的状态和预警，{done.moved} 项按预先推算的状态更新，"
               f"另 {done.held} 项确定不变 (derived {done.derived} tasks, {done.moved} moved as worked out ahead, "
               f"{done.held} held)")


def refreshed(db) -> state.Refreshed:
    """Every task's state for today, with a bar on stderr: a province's ledger takes a while."""
    from rich.console import Console
    from rich.progress import Progress

    from ..supervise import state
    with Progress(console=Console(stderr=True), transient=True) as bar:
        shown = bar.add_task("判定状态和预警 (status)", total=None)
        return state.refresh_all(db, clock.today(), tick=lambda n: bar.advance(shown, n))


def entry_dict(e: warnings.Entry) -> dict:
    f, st, w = e.facts, e.status, e.warning
    return {"key": f.key, "number": f.number, "title": f.title, "lead_units": list(f.lead_units.values()),
            "due": st.due.isoformat() if st.due else None, "due_basis": f.why_due, "status": st.status,
            "reasons": st.reasons,
            "expected": st.expected, "percent": st.percent, "overdue_workdays": st.overdue,
            "colour": w.colour, "warnings": w.reasons}


@app.command("override")
def override_cmd(task: TaskArg, status: Annotated[str | None, typer.Argument(help="状态；--lift 时省略")] = None,
                 reason: Annotated[str, typer.Option("--reason", help="理由（必填）")] = "",
                 lift: Annotated[bool, typer.Option("--lift", help="取消改定，按规则判定 (lift the override)")] = False) -> None:
    """督查室改定任务状态，须写明理由 (override a task's status, with a reason)."""
    from ..store import audit, transaction
    from ..supervise import notes
    if not lift and status is None:
        raise typer.BadParameter("请给出状态，或用 --lift 取消 (give a status or --lift)")
    with user_errors(), transaction(engine()) as s:
        notes.override(s, task_of(task), None if lift else status, reason, audit.current_user())
    typer.echo("已取消改定 (lifted)" if lift else f"已改定为{status} (overridden)")


@app.command("instruct")
def instruct_cmd(task: TaskArg, text: Annotated[str, typer.Argument(help="批示内容")],
                 leader: Annotated[str, typer.Option("--leader", help="批示领导")]) -> None:
    """登记领导批示 (record a leader's instruction)."""
    from ..store import audit, transaction
    from ..supervise import notes
    with user_errors(), transaction(engine()) as s:
        notes.instruct(s, task_of(task), leader, text, audit.current_user())
    typer.echo("已登记批示 (recorded)")
