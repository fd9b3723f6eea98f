"""Audit commands: read the audit log, and check that none of it was edited, deleted, inserted or
back-dated (the hash chain of store.audit)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from . import app, out, user_errors
from .ledger import engine
from .supervise import day, task_of

audit_app = typer.Typer(help="审计日志 (the audit log).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计日志的哈希链：有记录被改动、删除、插入或改时间则列出并返回 1 (check the hash chain; exit 1 if broken)."""
    from ..store import audit, transaction
    with user_errors(), transaction(engine()) as s:
        chained, before, findings = audit.verify(s)
    for f in findings:
        typer.echo(f"异常 (broken): {f}", err=True)
    note = f"；链建立前的记录 {before} 条未入链 (entries from before the chain)" if before else ""
    if findings:
        typer.echo(f"审计日志校验未通过：{len(findings)} 处异常，共 {chained} 条{note} (the audit log was tampered with)")
        raise typer.Exit(1)
    typer.echo(f"审计日志完好：{chained} 条记录的哈希链无断裂{note} (the audit log is intact)")


@audit_app.command("list")
def audit_list(
    user: Annotated[str | None, typer.Option("--user", help="操作人，如 admin 或 cli:root (who)")] = None,
    task: Annotated[str | None, typer.Option("--task", help="任务编号或任务ID (a task)")] = None,
    since: Annotated[str | None, typer.Option("--from", help="起始日期 YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option("--to", help="截止日期 YYYY-MM-DD")] = None,
    action: Annotated[str | None, typer.Option("--action", help="操作，如 report、sign_in_failed")] = None,
    limit: Annotated[int, typer.Option("--limit", help="最多列出几条 (most entries shown)")] = 200,
    format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table",
) -> None:
    """列出审计日志，最新的在前 (the audit log, latest first)."""
    from rich.table import Table

    from ..store import audit, transaction
    with user_errors(), transaction(engine()) as s:
        rows = audit.entries(s, user, task_of(task) if task else None, day(since, "--from") if since else None,
                             day(until, "--to") if until else None, action, limit)
    if format == "json":
        typer.echo(json.dumps([{"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                                "entity": e.entity, "entity_id": e.entity_id, "detail": e.detail} for e in rows],
                              ensure_ascii=False, indent=1))
        return
    table = Table(title=f"审计日志 {len(rows)} 条 (audit entries)")
    for column in ("序号", "时间", "操作人", "操作", "对象", "详情"):
        table.add_column(column, overflow="fold")
    for e in rows:
        table.add_row(str(e.seq or ""), f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, f"{e.entity} {e.entity_id}",
                      json.dumps(e.detail, ensure_ascii=False))
    out.print(table)
