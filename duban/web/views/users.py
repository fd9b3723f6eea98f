"""账号: the office admin adds accounts, sets passwords and disables (停用) or enables them again (the CLI
`duban user` does the same). Most accounts are liaisons of units, so the form starts on that role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...store import users
from ...store.ledger import UNIT_ROLES
from ...store.models import Person, TaskRole, Unit, User
from ..access import Principal, allow
from ..pages import action, page

router = APIRouter()
FIRST_ROLE = "unit"  # the role the new-account form starts on: the office adds liaisons far more often


@dataclass
class Account:
    id: int
    login: str
    name: str
    role: str
    role_name: str
    units: list[str]
    leader: str | None
    disabled: bool


def accounts(s: Session) -> list[Account]:
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    people = dict(s.execute(select(Person.id, Person.name)).all())
    return [Account(u.id, u.login, u.name, u.role, users.ROLES.get(u.role, u.role),
                    [names.get(x, x) for x in u.units or []], people.get(u.person_id), u.disabled)
            for u in users.users(s)]


@page(router, "/users", "users.html")
def user_list(request: Request, s: Session, who: Principal = allow("admin")) -> dict:
    """账号管理 (accounts)."""
    units = s.execute(select(Unit.id, Unit.name).where(Unit.kind != "group", Unit.id.in_(
        select(TaskRole.unit_id).where(TaskRole.role.in_(UNIT_ROLES)))).order_by(Unit.name)).all()
    leaders = s.execute(select(Person.id, Person.name).order_by(Person.name)).all()
    return {"users": accounts(s), "roles": users.ROLES, "first_role": FIRST_ROLE, "min_password": users.MIN_PASSWORD,
            "me": who.id,
            "units": [{"id": i, "name": n} for i, n in units], "leaders": [{"id": i, "name": n} for i, n in leaders]}


@action(router, "/users")
def user_add(request: Request, s: Session, login: Annotated[str, Form(max_length=100)],
             role: Annotated[str, Form()], password: Annotated[str, Form(max_length=200)],
             name: Annotated[str, Form(max_length=100)] = "", units: Annotated[list[str] | None, Form()] = None,
             person: Annotated[str, Form()] = "", who: Principal = allow("admin")) -> dict:
    """新增账号 (add an account)."""
    user = users.add(s, login, name, role, password, who.actor, units or [], person or None, must_change=True)
    return {"next": "/users", "message": f"已新增账号 {user.login}（首次登录须修改密码）", "id": user.id}


@action(router, "/users/{user_id}/password")
def user_password(request: Request, s: Session, user_id: int, password: Annotated[str, Form(max_length=200)],
                  who: Principal = allow("admin")) -> dict:
    """重设密码（该账号的登录会话全部失效）(set a password)."""
    user = s.get(User, user_id)
    if user is None:
        raise HTTPException(404, "没有这个账号 (no such account)")
    users.set_password(s, user.login, password, who.actor, must_change=user.id != who.id)
    return {"next": "/users", "message": f"已重设 {user.login} 的密码（下次登录须修改）"}


@action(router, "/users/{user_id}/disabled")
def user_disabled(request: Request, s: Session, user_id: int, disabled: Annotated[bool, Form()],
                  who: Principal = allow("admin")) -> dict:
    """停用或启用账号：停用后不能登录，已登录的会话立即失效；不能停用本人 (disable or enable an account)."""
    user = s.get(User, user_id)
    if user is None:
        raise HTTPException(404, "没有这个账号")
    users.set_disabled(s, user, disabled, who.actor, who.id)
    return {"next": "/users", "message": f"已{'停用' if disabled else '启用'}账号 {user.login}"}
