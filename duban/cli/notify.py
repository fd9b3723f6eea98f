"""`duban notify send` queues the day's messages to the units and sends those due; `duban notify test UNIT`
sends one line to a unit's channel; `duban notify failed` lists what could not be sent (docs/notify.md).
The channels and the database are imported inside the commands: `duban --help` loads none of them."""

from __future__ import annotations

from typing import Annotated

import typer

from . import app, out, user_errors
from .ledger import engine
from .supervise import AsOf, day

notify_app = typer.Typer(help="通知：把催办和待办事项发到各单位的企业微信、钉钉、邮箱或短信 (messages to the units).",
                         no_args_is_help=True)
app.add_typer(notify_app, name="notify")
Only = Annotated[str | None, typer.Option(
    "--only", help="events：只排逐条通知的单位；digest：只排每日汇总的单位 (only these units)")]


@notify_app.command("send")
def notify_send(as_of: AsOf = None, only: Only = None) -> None:
    """排入当天的通知并发送已到时间的消息 (queue the day's messages, send those due)."""
    from ..notify import queue_day, send_due
    from ..store import audit

    if only not in (None, "events", "digest"):
        raise typer.BadParameter("--only 应为 events 或 digest")
    with user_errors():
        db = engine()
        queued = queue_day(db, day(as_of), only=only)
        result = send_due(db, actor=audit.current_user())
    typer.echo(f"新排入 {queued} 条，发出 {result.sent} 条，发送失败 {result.failed} 次，待发 {result.held} 条 "
               "(queued, sent, failed attempts, waiting)")


@notify_app.command("test")
def notify_test(unit: Annotated[str, typer.Argument(help="单位：编号或名称 (a unit's id or name)")]) -> None:
    """给单位的通知渠道发一条测试消息 (send a test message to the unit's channel)."""
    from ..notify.send import send_test
    from ..store import audit

    with user_errors():
        route = send_test(engine(), unit, actor=audit.current_user())
    typer.echo(f"已发出测试消息 (sent): {route.name} -> {route.channel}")


@notify_app.command("failed")
def notify_failed() -> None:
    """重试后仍未发出的消息 (messages given up on after their retries)."""
    from rich.table import Table

    from ..notify import failed
    from ..store import transaction

    with user_errors(), transaction(engine()) as s:
        found = failed(s)
        table = Table("编号", "单位", "渠道", "主题", "尝试", "错误")
        for m in found:
            table.add_row(str(m.id), m.unit_name, m.channel, m.subject, str(m.attempts), m.last_error)
    out.print(table if found else "没有发送失败的消息 (none failed)")
