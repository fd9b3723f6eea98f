"""Web commands: serve the UI, manage accounts, build the demo office `make run` serves."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from .. import clock
from ..errors import DubanError
from . import app, out, user_errors
from .ledger import engine
from .supervise import day as parse_day
from .supervise import refreshed

user_app = typer.Typer(help="账号 (accounts).", no_args_is_help=True)
app.add_typer(user_app, name="user")
MustChange = Annotated[bool, typer.Option(
    "--must-change/--no-must-change", help="首次登录须修改密码 (the owner must change it at first sign-in)")]
ROLES = "office_admin | office_staff | unit | leader"  # store.users.ROLES (test_cli_startup holds them equal)
DEMO = {"office": ("office_admin", "督查室（演示）"), "liaison": ("unit", "单位联络员（演示）"),
        "leader": ("leader", "领导（演示）")}


@app.command("serve")
def serve_cmd(
    host: Annotated[str | None, typer.Option("--host", help="监听地址，默认 server.host (address to listen on)")] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口，默认 server.port (port)")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="进程数：多个进程共用一个数据库，宜用 PostgreSQL "
                                                                  "(worker processes sharing one database)")] = 1,
    root_path: Annotated[str | None, typer.Option(
        "--root-path", help="反向代理下的路径前缀，如 /duban，默认 server.root_path (the prefix nginx serves duban under)")] = None,
    forwarded_allow_ips: Annotated[str | None, typer.Option(
        "--forwarded-allow-ips", help="信任其 X-Forwarded-* 的代理地址，如 127.0.0.1，默认 server.forwarded_allow_ips "
                                      "(proxies trusted for X-Forwarded-For/-Proto)")] = None,
) -> None:
    """启动网页界面和 JSON 接口 (serve the web UI and the API)."""
    import uvicorn

    from .. import logs
    from ..config import settings
    from ..store import audit, transaction, users
    from ..supervise import state
    from ..web import served_app

    with user_errors():
        server, log = settings()["server"], settings()["log"]
        served = served_options(server, host, port, root_path, forwarded_allow_ips)
        log_config = logs.config(log)
        db = engine()
        with transaction(db) as s:
            first = users.first_admin(s, audit.current_user())
            stale = not state.fresh(s, clock.today())
        if stale:  # the ledger filters by today's stored states; the hooks kept them since they were derived
            refreshed(db)
        application = served_app(db) if workers == 1 else None
    if first:
        typer.echo(f"首次启动：已建立管理员账号 admin，初始密码 {first}（只显示这一次，首次登录须修改）"
                   f"(first start: account admin, password {first}, shown once)")
    if shown := clock.demo_day():
        typer.echo(f"演示：系统日期设为 {shown}（DUBAN_TODAY），数据为示例 (demo day {shown})")
    typer.echo(f"督办已启动，请用浏览器打开 (open in a browser): http://{served['host']}:{served['port']}/"
               + (f"，经反向代理为 {served['root_path']}/ (under {served['root_path']}/ behind the proxy)"
                  if served["root_path"] else ""))
    threading.Thread(target=state.keep_fresh, args=(db, 60, threading.Event()), daemon=True).start()  # midnight
    options = {**served, "proxy_headers": True, "log_config": log_config, "log_level": str(log["level"]).lower(),
               "access_log": False}  # the access lines are duban's own (web/tracing.py): user and request id
    if workers == 1:
        uvicorn.run(application, **options)
    else:  # each process makes its own app on the same database: sessions, throttling and progress live there
        uvicorn.run("duban.web:served_app", factory=True, workers=workers, **options)


def served_options(server: dict, host: str | None, port: int | None, root_path: str | None,
                   forwarded: str | None) -> dict:
    """Where uvicorn listens and what it trusts: the command line's options, else settings()["server"]."""
    root = (server["root_path"] if root_path is None else root_path).rstrip("/")
    if root and not root.startswith("/"):
        raise DubanError(f"--root-path 应以 / 开头，如 /duban (the prefix starts with /): {root}")
    trusted = server["forwarded_allow_ips"] if forwarded is None else forwarded
    return {"host": host or server["host"], "port": int(port or server["port"]), "root_path": root,
            "forwarded_allow_ips": trusted or None}  # None: uvicorn's own default, $FORWARDED_ALLOW_IPS or 127.0.0.1


def ask_password(password: str | None) -> str:
    return password or typer.prompt("密码 (password)", hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    login: Annotated[str, typer.Argument(help="登录名 (login)")],
    role: Annotated[str, typer.Option("--role", help=ROLES)],
    name: Annotated[str, typer.Option("--name", help="姓名 (display name)")] = "",
    unit: Annotated[list[str] | None, typer.Option("--unit", help="单位联络员绑定的单位ID，可多次 (unit ids)")] = None,
    person: Annotated[str | None, typer.Option("--person", help="领导在台账中的ID (leader's person id)")] = None,
    password: Annotated[str | None, typer.Option("--password", help="不给则提示输入 (prompted if absent)")] = None,
    must_change: MustChange = True,
) -> None:
    """新增账号 (add an account)."""
    from ..store import audit, transaction, users
    with user_errors(), transaction(engine()) as s:
        users.add(s, login, name, role, ask_password(password), audit.current_user(), unit or [], person, must_change)
    typer.echo(f"已新增账号 (added) {login}")


@user_app.command("passwd")
def user_passwd(
    login: Annotated[str, typer.Argument(help="登录名 (login)")],
    password: Annotated[str | None, typer.Option("--password", help="不给则提示输入 (prompted if absent)")] = None,
    must_change: MustChange = True,
) -> None:
    """重设密码，该账号的登录会话全部失效 (set a password; signs the account out everywhere)."""
    from ..store import audit, transaction, users
    with user_errors(), transaction(engine()) as s:
        users.set_password(s, login, ask_password(password), audit.current_user(), must_change)
    typer.echo(f"已重设密码 (password set) {login}")


@user_app.command("list")
def user_list() -> None:
    """列出账号 (list accounts)."""
    from rich.table import Table

    from ..store import transaction, users
    table = Table(title="账号 (accounts)")
    for column in ("登录名", "姓名", "角色", "绑定"):
        table.add_column(column)
    with transaction(engine()) as s:
        for u in users.users(s):
            table.add_row(u.login, u.name, users.ROLES.get(u.role, u.role), "、".join(u.units or []) or u.person_id or "")
    out.print(table)


def most_named(s, role: str, column) -> str | None:
    """The unit or person with the most tasks in a role: the demo accounts have something to show."""
    from sqlalchemy import select

    from ..store.models import Document, Task, TaskRole
    found = Counter(s.scalars(select(column).join(Task, Task.id == TaskRole.task_id).join(Document).where(
        TaskRole.role == role, column.is_not(None), Document.current, Document.running)))
    return found.most_common(1)[0][0] if found else None


@app.command("demo")
def demo_cmd(
    paths: Annotated[list[Path] | None, typer.Argument(help="示例文件：存入空台账，按成文日期 (sample plans)")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="演示日期，默认 DUBAN_TODAY 或今天 (the demo day)")] = None,
) -> None:
    """演示：把示例文件存入空台账（到演示日期时限已过的标为已办结，其余按月调度、填报到演示日期），
    再建立（或重设）office / liaison / leader 三个账号并打印密码 (a demo office, and demo accounts)."""
    from sqlalchemy import func, select

    from .. import demo
    from ..store import audit, transaction, users
    from ..store.models import Document, TaskRole
    actor = audit.current_user()
    password = users.new_password()
    day = parse_day(as_of, "--as-of") if as_of else clock.today()
    with user_errors():
        db = engine()
        if paths:
            with transaction(db) as s:
                if s.scalar(select(func.count(Document.id))):
                    raise DubanError("演示只建在空台账上：请换一个 DUBAN_DATA_DIR (the demo needs an empty ledger)")
            lived = demo.office(db, paths, day)
            typer.echo(f"演示台账：截至 {day}，执行中的文件 {len(lived)} 份 (demo ledger as of {day})")
        with transaction(db) as s:
            bound = {"unit": most_named(s, "lead_units", TaskRole.unit_id),
                     "leader": most_named(s, "lead_leaders", TaskRole.person_id)}
            for login, (role, name) in DEMO.items():
                if role in bound and bound[role] is None:
                    continue
                try:
                    users.set_password(s, login, password, actor)
                except DubanError:
                    users.add(s, login, name, role, password, actor, [bound["unit"]] if role == "unit" else [],
                              bound["leader"] if role == "leader" else None)
    typer.echo("演示账号 (demo accounts)：")
    for login, (role, _) in DEMO.items():
        typer.echo(f"  {users.ROLES[role]:<8} 登录名 {login:<8} 密码 {password}")
