"""`duban plan`: a plan's lifecycle, 执行中 or 已办结, and the plans whose period is over."""

from __future__ import annotations

from typing import Annotated

import typer

from . import app, out, user_errors
from .ledger import engine
from .supervise import AsOf, Doc, day, one_document

plan_app = typer.Typer(help="文件办结：执行中 / 已办结 (a plan's lifecycle).", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


@plan_app.command("list")
def plan_list(as_of: AsOf = None) -> None:
    """列出文件及其执行状态，标出时限已过、待确认办结的 (plans, and those whose period is over)."""
    from rich.table import Table
    from sqlalchemy import select

    from ..store import transaction
    from ..store.models import Document
    from ..supervise import lifecycle
    when = day(as_of)
    with transaction(engine()) as s:
        over = {doc.id: end for doc, end in lifecycle.period_over(s, when)}
        table = Table(title=f"文件（截至 {when}）")
        for name in ("编号", "文件", "状态", "说明"):
            table.add_column(name, overflow="fold")
        for doc in s.scalars(select(Document).where(Document.current).order_by(Document.id)):
            note = (f"{doc.finished_on} 由 {doc.finished_by} 办结" if doc.finished_on else
                    f"时限止于 {over[doc.id]}，待确认办结" if doc.id in over else "")
            table.add_row(str(doc.id), doc.title or doc.path, lifecycle.state(doc), note)
    out.print(table)


@plan_app.command("finish")
def plan_finish(doc: Doc = None,
                on: Annotated[str | None, typer.Option("--on", help="办结日期，默认今天 (default today)")] = None) -> None:
    """标记文件已办结：不再进入总览、考核、催办和单位填报 (mark a plan finished)."""
    from ..store import audit, transaction
    from ..supervise import lifecycle
    with user_errors(), transaction(engine()) as s:
        found = lifecycle.finish(s, one_document(s, doc), audit.current_user(), day(on, "--on"))
    typer.echo(f"已办结 (finished): {found.title}（{found.finished_on}）")


@plan_app.command("reopen")
def plan_reopen(doc: Doc = None) -> None:
    """恢复执行 (a plan running again)."""
    from ..store import audit, transaction
    from ..supervise import lifecycle
    with user_errors(), transaction(engine()) as s:
        found = lifecycle.reopen(s, one_document(s, doc), audit.current_user())
    typer.echo(f"已恢复执行 (running): {found.title}")
