"""Who may do what: the one dependency every route declares (`allow("permission")`). It finds the
signed-in user from the session cookie, checks the role against PERMISSIONS, checks the CSRF token on
every write, and checks the records named in the path: a unit liaison reaches only tasks where one of
its units has a role, and its own units' pages; a leader only the tasks they lead and their own page."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from fastapi import Depends, HTTPException, Request
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import exists, select
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from ..store import audit, busy, transaction, users
from ..store.ledger import UNIT_ROLES
from ..store.models import Person, Task, TaskRole, Unit

SESSION_COOKIE = "duban_session"
CSRF_COOKIE = "duban_csrf"
OFFICE = frozenset({"office_admin", "office_staff"})
SIGNED_IN = OFFICE | {"unit", "leader"}
PERMISSIONS = {
    "public": SIGNED_IN | {"public"},  # anyone, signed in or not
    "signed_in": SIGNED_IN,
    "office": OFFICE,
    "admin": frozenset({"office_admin"}),
    "ledger": SIGNED_IN,  # read tasks: units and leaders see only their own
    "report": OFFICE | {"unit"},  # report progress, raise problems, ask for more time
    "instruct": OFFICE | {"leader"},  # write a leader's instruction (批示)
    "account": SIGNED_IN,  # one's own account: reachable before a password set by an admin is changed
}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PASSWORD_PAGE = "/account"


class MustChange(HTTPException):
    """Refused until the password set by an admin is changed: a page asked for goes to PASSWORD_PAGE."""


@dataclass
class Principal:
    """The one making the request: role "public" when nobody is signed in."""

    role: str = "public"
    login: str = ""
    name: str = "公众"
    units: list[str] = field(default_factory=list)
    person_id: str | None = None
    person_name: str | None = None
    id: int | None = None
    must_change: bool = False  # signed in with a password an admin set: only the account page until changed

    @property
    def office(self) -> bool:
        return self.role in OFFICE

    @property
    def actor(self) -> str:
        """Who a write is recorded as in the audit log."""
        return self.login or "public"


def csrf_for(session_token: str) -> str:
    """A signed-in browser's CSRF token, derived from its session (an HttpOnly cookie no script reads): a
    token planted by a sibling host, or kept from before sign-in, is worth nothing; each sign-in renews it."""
    return hmac.new(session_token.encode(), b"duban csrf", hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token this request must carry on a write (and its pages put in their forms): the session's
    when signed in, else a random one kept in a cookie (double submit) for the sign-in form. The cookie
    is (re)set by `web.csrf_cookie_and_headers` when it differs, so scripts can read it."""
    who = getattr(request.state, "principal", None)
    session = request.cookies.get(SESSION_COOKIE)
    if getattr(request.state, "new_session", None):
        token = csrf_for(request.state.new_session)
    elif session and who is not None and who.role != "public":
        token = csrf_for(session)
    else:
        token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(24)
    if request.cookies.get(CSRF_COOKIE) != token:
        request.state.new_csrf = token
    return token


async def check_csrf(request: Request) -> None:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get("csrf")
    expected = csrf_token(request)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        raise HTTPException(403, "表单已过期或来源不明，请刷新页面后重试 (CSRF token missing or wrong)")


def principal_of(engine, token: str | None) -> Principal:
    if not token:
        return Principal()
    with transaction(engine) as s:
        user = users.session_user(s, token)
        if user is None:
            return Principal()
        person = s.get(Person, user.person_id) if user.person_id else None
        who = Principal(user.role, user.login, user.name, list(user.units or []), user.person_id,
                        person.name if person else None, user.id, user.must_change)
        stale = users.stale(s, token)
    if stale:
        keep_alive(engine, token)
    return who


def keep_alive(engine, token: str) -> None:
    """Record the session's use in a short write of its own, skipped while another writer holds the
    database: reading a page never fails for it."""
    try:
        with transaction(engine) as s:
            users.touch(s, token)
    except OperationalError as e:
        if not busy(e):
            raise


BIGGEST_ID = 2**63 - 1
PATH_RECORDS = {"task_id": Task, "unit_id": Unit, "person_id": Person}


def path_types(route) -> dict[str, TypeAdapter]:
    """How the route converts each of its path parameters: the guard checks the value the view will get,
    not the text of the path (`1.0`, `+1`, ` 1` and `1_0` all reach a view as an int). Kept on the route."""
    if not hasattr(route, "duban_path_types"):
        route.duban_path_types = {p.name: TypeAdapter(p.field_info.annotation) for p in route.dependant.path_params}
    return route.duban_path_types


def typed_path(request: Request) -> dict | None:
    """The path parameters as the view will receive them, or None when one does not convert (the guard
    answers 422 for the path itself)."""
    types = path_types(request.scope["route"])
    try:
        return {name: types[name].validate_python(raw) for name, raw in request.path_params.items()}
    except ValidationError:
        return None


def missing(engine, params: dict) -> str | None:
    """The path parameter naming a task, unit or person that does not exist, if any (or any number too
    big to be a database id)."""
    for name, value in params.items():
        if isinstance(value, int) and abs(value) > BIGGEST_ID:
            return name
    with transaction(engine) as s:
        for name, model in PATH_RECORDS.items():
            if name in params and s.get(model, params[name]) is None:
                return name
    return None


def task_reachable(engine, who: Principal, task_id: int) -> bool:
    roles = select(TaskRole).where(TaskRole.task_id == task_id)
    if who.role == "unit":
        roles = roles.where(TaskRole.unit_id.in_(who.units), TaskRole.role.in_(UNIT_ROLES))
    elif who.role == "leader":
        roles = roles.where(TaskRole.role == "lead_leaders", TaskRole.person_id == who.person_id)
    with transaction(engine) as s:
        return bool(s.scalar(select(exists(roles))))


def reaches(engine, who: Principal, params: dict) -> bool:
    """Whether the (existing) records named in the path are this user's to see."""
    if who.office:
        return True
    if "unit_id" in params and (who.role != "unit" or params["unit_id"] not in who.units):
        return False
    if "person_id" in params and (who.role != "leader" or params["person_id"] != who.person_id):
        return False
    if "task_id" in params:
        return task_reachable(engine, who, params["task_id"])
    return True


def denied(engine, who: Principal, request: Request) -> None:
    """A signed-in user refused: a security event for the audit log (a liaison probing other units' tasks)."""
    try:
        with transaction(engine) as s:
            audit.record(s, who.actor, "access_denied", "path", request.url.path[:100], method=request.method,
                         role=who.role)
    except OperationalError as e:
        if not busy(e):
            raise


def allow(permission: str):
    """The dependency of every route: the Principal, or 401 (not signed in) / 403 (not allowed)."""
    roles = PERMISSIONS[permission]

    async def guard(request: Request) -> Principal:
        engine = request.app.state.engine
        who = await run_in_threadpool(principal_of, engine, request.cookies.get(SESSION_COOKIE))
        request.state.principal = who
        if who.role not in roles:
            if who.role == "public":
                raise HTTPException(401, "请先登录 (sign in first)")
            await run_in_threadpool(denied, engine, who, request)
            raise HTTPException(403, "无权访问 (not allowed for your role)")
        if who.must_change and permission not in ("account", "public"):
            raise MustChange(403, "首次登录或密码被重设后，须先修改密码 (change your password first)")
        if request.method in UNSAFE:
            await check_csrf(request)
        params = typed_path(request)
        if params is None:
            raise HTTPException(422, "地址中的编号无效 (a number in the path is not valid)")
        if name := await run_in_threadpool(missing, engine, params):
            raise HTTPException(404, f"没有这条记录 (no such {name.removesuffix('_id')}): {params[name]}")
        if not await run_in_threadpool(reaches, engine, who, params):
            await run_in_threadpool(denied, engine, who, request)
            raise HTTPException(403, "只能查看和填报本单位（本人）的任务 (not one of your tasks)")
        return who

    guard.permission = permission  # read by the route × role test table
    return Depends(guard)
