"""Running duban for years: the settings in force, the database's schema and its upgrade, backups and
restores, and the daily jobs (once, or as a worker). Heavy modules are imported inside the commands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from . import app, user_errors

config_app = typer.Typer(help="设置 (the office's settings: duban.toml, environment).", no_args_is_help=True)
db_app = typer.Typer(help="数据库结构：状态与升级 (the database schema: status, upgrade).", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(db_app, name="db")


@config_app.command("show")
def config_show() -> None:
    """列出生效的设置及其来源 (every setting in force and where it came from)."""
    import json

    from .. import config

    with user_errors():
        rows = config.rows(config.read())
    width = max(len(k) for k, _, _ in rows)
    for key, value, source in rows:
        typer.echo(f"{key:<{width}}  {json.dumps(value, ensure_ascii=False, default=str)}  ← {source}")


def unchecked_engine():
    from ..store import engine_for

    return engine_for(pooled=False)


@db_app.command("status")
def db_status() -> None:
    """数据库结构版本、本程序的版本和待执行的升级 (the schema revision, this duban's, pending upgrades)."""
    from ..store import has_tables, head, pending, revision_of

    with user_errors():
        engine = unchecked_engine()
        found = revision_of(engine)
        steps = pending(engine) if found is not None or has_tables(engine) else []
    typer.echo(f"数据库 (database): {engine.url.render_as_string(hide_password=True)}")
    typer.echo(f"结构版本 (schema): {found or '（空库 empty）'}；本程序 (this duban): {head()}")
    for step in steps:
        typer.echo(f"  待升级 (pending) {step}")
    if found == head():
        typer.echo("已是最新 (up to date)")
    raise typer.Exit(0 if found in (head(), None) and not steps else 1)


@db_app.command("upgrade")
def db_upgrade(
    no_backup: Annotated[bool, typer.Option("--no-backup", help="不先备份 (skip the backup)")] = False,
) -> None:
    """先备份，再把数据库升级到本程序的结构版本 (back up, then upgrade the schema)."""
    from .. import config
    from ..store import head, migrate, pending, revision_of
    from ..store.backup import backup

    with user_errors():
        engine = unchecked_engine()
        steps = pending(engine)
        if not steps:
            typer.echo(f"已是最新 {head()} (up to date)")
            return
        if not no_backup:
            out = config.data_dir() / "backups" / f"duban-{revision_of(engine)}-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
            backup(engine, out)
            typer.echo(f"已备份到 (backed up to) {out}")
        for step in steps:
            typer.echo(f"升级 (upgrading) {step}")
        migrate(engine)
    typer.echo(f"已升级到 {head()} (upgraded)")


@app.command("backup")
def backup_cmd(
    out: Annotated[Path, typer.Option("--out", "-o", help="备份文件 .tar.gz (the archive to write)")],
) -> None:
    """备份数据库和数据目录（上传文件、单位登记簿、审计密钥、设置）(back up the database and data folder)."""
    from ..store.backup import backup

    with user_errors():
        made = backup(unchecked_engine(), out)
    typer.echo(f"已备份到 {out}：duban {made['duban']}，结构 {made['schema']}，{made['dialect']} (backed up)")


@app.command("restore")
def restore_cmd(
    archive: Annotated[Path, typer.Argument(help="duban backup 写出的 .tar.gz (an archive from duban backup)")],
    yes: Annotated[bool, typer.Option("--yes", help="不再确认 (do not ask)")] = False,
) -> None:
    """用备份替换当前数据库和数据目录中的文件；请先停止 serve 和 worker (replace the ledger with a backup)."""
    from ..store.backup import read_manifest, restore

    with user_errors():
        made = read_manifest(archive)
        if not yes:
            typer.confirm(f"用 {made['made']} 的备份替换当前台账？(replace the current ledger?)", abort=True)
        restore(unchecked_engine(), archive)
    typer.echo(f"已恢复 {archive}（{made['made']}，结构 {made['schema']}）(restored)")


def said(ran) -> None:
    typer.echo(f"{ran.day} {ran.job}: {ran.said}")


@app.command("run-jobs")
def run_jobs_cmd(
    as_of: Annotated[str | None, typer.Option("--as-of", help="日期 YYYY-MM-DD，默认今天 (the day; default today)")] = None,
    job: Annotated[list[str] | None, typer.Option("--job", help="只运行这些：refresh rounds remind digest")] = None,
    force: Annotated[bool, typer.Option("--force", help="当天已运行的也再运行 (run again)")] = False,
) -> None:
    """运行一次当天的定时任务，供 cron 或 systemd timer 调用 (run the day's jobs once)."""
    from .. import jobs
    from .ledger import engine
    from .supervise import day

    names = job or list(jobs.ORDER)
    if unknown := [j for j in names if j not in jobs.JOBS]:
        raise typer.BadParameter(f"没有这个任务 (no such job): {', '.join(unknown)}")
    db, when = engine(), day(as_of)
    with user_errors():
        for name in names:
            said(jobs.run_job(db, name, when, force))


@app.command("worker")
def worker_cmd() -> None:
    """按设置中的时间每天运行定时任务；同一数据库只运行一个 worker (run the daily jobs on schedule)."""
    import logging

    from .. import jobs, logs
    from ..config import settings
    from .ledger import engine

    logs.configure(settings()["log"])  # the journal (systemd) or `docker logs` keeps what each job did
    log = logging.getLogger("duban.jobs")
    db = engine()
    with user_errors(), jobs.the_only_worker(db, lambda: log.warning("另一个 worker 正在运行，等待 (waiting)…")):
        log.info("worker 已启动 (started)")
        jobs.work(db, lambda ran: log.info("%s %s: %s", ran.day, ran.job, ran.said))
