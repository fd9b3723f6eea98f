"""Follow-up commands: extension requests, problems, reminders (催办), assessment (考核), bulletins (通报)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import DubanError
from . import app, out, user_errors
from .ledger import documents_named, engine
from .supervise import AsOf, Doc, TaskArg, day, one_unit, task_of

extension_app = typer.Typer(help="延期申请 (extension requests).", no_args_is_help=True)
problem_app = typer.Typer(help="问题闭环：发现→协调→解决→反馈→销号 (problems).", no_args_is_help=True)
app.add_typer(extension_app, name="extension")
app.add_typer(problem_app, name="problem")
Number = Annotated[int, typer.Argument(help="编号 (number)")]
Note = Annotated[str, typer.Option("--note", help="说明 (note)")]


@extension_app.command("request")
def extension_request(task: TaskArg, to: Annotated[str, typer.Option("--to", help="申请延至 YYYY-MM-DD")],
                      reason: Annotated[str, typer.Option("--reason", help="理由（必填）")],
                      unit: Annotated[str | None, typer.Option("--unit", help="申请单位")] = None) -> None:
    """提出延期申请 (request an extension)."""
    from ..store import audit, transaction
    from ..supervise import extensions
    with user_errors(), transaction(engine()) as s:
        e = extensions.request(s, task_of(task), day(to, "--to"), reason, audit.current_user(), one_unit(s, unit))
        number = e.id
    typer.echo(f"已提交延期申请 #{number}，待督查室审批 (requested)")


def decide(number: int, approve: bool, note: str) -> None:
    from ..store import audit, transaction
    from ..supervise import extensions
    with user_errors(), transaction(engine()) as s:
        e = extensions.decide(s, number, approve, audit.current_user(), note)
        state, new_due = e.state, e.new_due
    typer.echo(f"延期申请 #{number} {state}" + (f"，新时限 {new_due}" if approve else "") + f" ({state})")


@extension_app.command("approve")
def extension_approve(number: Number, note: Note = "") -> None:
    """批准延期申请 (approve)."""
    decide(number, True, note)


@extension_app.command("refuse")
def extension_refuse(number: Number, note: Note = "") -> None:
    """驳回延期申请 (refuse)."""
    decide(number, False, note)


@extension_app.command("list")
def extension_list(task: Annotated[str | None, typer.Option("--task", help="只看一项任务")] = None) -> None:
    """延期申请及审批记录 (requests and decisions)."""
    from rich.table import Table

    from ..store import transaction
    from ..supervise import extensions
    table = Table(title="延期申请 (extension requests)")
    for col in ("编号", "任务", "单位", "原时限", "申请延至", "理由", "状态", "申请", "审批"):
        table.add_column(col, overflow="fold")
    with user_errors(), transaction(engine()) as s:
        for e in extensions.history(s, task_of(task) if task else None):
            table.add_row(str(e.id), str(e.task_id), e.unit_id or "", str(e.old_due or ""), str(e.new_due), e.reason,
                          e.state, f"{e.requested_by} {e.requested_at:%Y-%m-%d}",
                          f"{e.decided_by} {e.decided_at:%Y-%m-%d} {e.decision}" if e.decided_at else "")
    out.print(table)


@problem_app.command("raise")
def problem_raise(task: TaskArg, text: Annotated[str, typer.Argument(help="问题内容")],
                  unit: Annotated[str | None, typer.Option("--unit", help="提出单位 (default: the office)")] = None) -> None:
    """登记问题（发现）(raise a problem)."""
    from ..store import audit, transaction
    from ..supervise import problems
    with user_errors(), transaction(engine()) as s:
        p = problems.raise_problem(s, task_of(task), text, audit.current_user(), one_unit(s, unit))
        number, due = p.id, p.due
    typer.echo(f"已登记问题 #{number}，应于 {due} 前销号 (raised)")


@problem_app.command("move")
def problem_move(number: Number, state: Annotated[str, typer.Argument(help="协调 | 解决 | 反馈 | 销号")],
                 assignee: Annotated[str | None, typer.Option("--assignee", help="协调：负责的单位或领导")] = None,
                 note: Note = "") -> None:
    """推进问题到下一环节 (move a problem on)."""
    from ..store import audit, transaction
    from ..supervise import problems
    with user_errors(), transaction(engine()) as s:
        problems.move(s, number, state, audit.current_user(), note, assignee)
    typer.echo(f"问题 #{number} → {state}")


@problem_app.command("list")
def problem_list(as_of: AsOf = None,
                 overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期未销号的")] = False) -> None:
    """问题清单：环节、负责方、每一步的人和时间 (the problem board)."""
    from rich.table import Table

    from ..store import transaction
    from ..supervise import problems
    when = day(as_of)
    table = Table(title=f"问题清单（截至{when}）(problems)")
    for col in ("编号", "任务", "问题", "环节", "负责", "应销号", "逾期", "经过"):
        table.add_column(col, overflow="fold")
    with user_errors(), transaction(engine()) as s:
        for p in problems.problems(s, when):
            late = problems.overdue(p, when)
            if late or not overdue:
                steps = "；".join(f"{x.state} {x.actor} {x.at:%m-%d}" for x in p.steps)
                table.add_row(str(p.id), str(p.task_id), p.text, problems.state_on(p, when) or "", p.assignee or "",
                              str(p.due or ""), "逾期" if late else "", steps)
    out.print(table)


@app.command("remind")
def remind_cmd(as_of: AsOf = None, doc: Doc = None,
               unit: Annotated[str | None, typer.Option("--unit", help="只提醒一个单位")] = None,
               xlsx: Annotated[Path | None, typer.Option("--out", help="另存催办清单 .xlsx")] = None,
               issuer: Annotated[str | None, typer.Option("--issuer", help="落款，如 冠县人民政府督查室")] = None) -> None:
    """催办：逐单位列出预警任务和未报送事项，可直接粘贴发送 (per-unit reminders)."""
    from sqlalchemy import select

    from ..sheets.reminders import write_reminders
    from ..store import transaction
    from ..store.models import Document, Unit
    from ..supervise import bulletin, remind
    when = day(as_of)
    with user_errors(), transaction(engine()) as s:
        found = remind.reminders(s, when, documents_named(s, doc) if doc else None)
        uid = one_unit(s, unit)
        name = s.get(Unit, uid).name if uid else None
        doc = s.scalars(select(Document).where(Document.current).order_by(Document.id)).first()
        issuer = issuer or (bulletin.office_of(doc) if doc else "督查室")
    found = [r for r in found if name is None or r.unit == name]
    for r in found:
        typer.echo(r.text(when, issuer) + "\n")
    if xlsx is not None:
        with user_errors():
            write_reminders(found, when, xlsx)
        typer.echo(f"催办清单已写入 {xlsx}（{len(found)} 个单位）(written)")


def leaders_of(path: Path | None) -> dict[str, list[str]] | None:
    import yaml
    if path is None:
        return None
    with user_errors():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise DubanError("分管关系文件应为“领导: [单位, …]” (expected leader: [units])", path=str(path))
    return data


@app.command("assess")
def assess_cmd(start: Annotated[str, typer.Option("--from", help="考核期起 YYYY-MM-DD")],
               end: Annotated[str, typer.Option("--to", help="考核期止 YYYY-MM-DD")], doc: Doc = None,
               rules: Annotated[Path | None, typer.Option("--rules", help="评分规则 .yaml")] = None,
               leaders: Annotated[Path | None, typer.Option("--leaders", help="分管关系 .yaml（领导: [单位]）")] = None,
               explain: Annotated[bool, typer.Option("--explain", help="逐条列出得分理由（否则每条规则一行计数）")] = False,
               format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table") -> None:
    """考核：各单位、各领导得分和排名，可逐条说明 (scores and ranks, explained)."""
    from rich.table import Table

    from ..store import transaction
    from ..supervise import scoring
    with user_errors(), transaction(engine()) as s:
        units, heads = scoring.assess(s, day(start, "--from"), day(end, "--to"),
                                      documents_named(s, doc) if doc else None, scoring.rules_of(rules),
                                      leaders_of(leaders), summary=not explain)
    if format == "json":
        json.dump({k: [vars(r) for r in v] for k, v in (("units", units), ("leaders", heads))}, sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    for title, ranking in (("单位", units), ("领导", heads)):
        if ranking:
            table = Table(title=f"{title}考核（{start} 至 {end}）")
            for col in ("名次", title, "得分", "得分说明"):
                table.add_column(col, overflow="fold")
            for r in ranking:
                table.add_row(str(r.rank), r.name, f"{r.score:g}", "\n".join(r.explanation))
            out.print(table)


@app.command("bulletin")
def bulletin_cmd(round_name: Annotated[str, typer.Option("--round", help="轮次编号或名称")],
                 path: Annotated[Path, typer.Option("--out", help="输出 .docx 或 .md")],
                 as_of: AsOf = None,
                 issuer: Annotated[str | None, typer.Option("--issuer", help="发文机关，如 冠县人民政府督查室")] = None) -> None:
    """生成一轮调度的通报（Word 或 Markdown）(write a round's bulletin)."""
    from ..store import transaction
    from ..supervise import bulletin, rounds
    from ..word.bulletin import markdown, write_docx
    if path.suffix.lower() not in (".docx", ".md"):
        raise typer.BadParameter(f"--out 应为 .docx 或 .md 文件 (not {path.suffix or 'a file type'})")
    with user_errors(), transaction(engine()) as s:
        b = bulletin.bulletin(s, rounds.find_round(s, round_name), day(as_of) if as_of else None, issuer)
    with user_errors():
        write_docx(b, path) if path.suffix.lower() == ".docx" else path.write_text(markdown(b), encoding="utf-8")
    typer.echo(f"通报已写入 {path}：任务 {b.tasks} 项，应报 {b.expected}，按时 {b.on_time}，逾期 {b.late}，未报 {b.missed} (written)")
