"""Accounts: who may sign in, in which role, bound to which units or leader. Passwords are hashed with
argon2id (argon2-cffi); a browser session is a random token whose sha256 is stored; repeated failed
sign-ins throttle a login for a while."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import DubanError
from . import audit
from .models import LoginFailure, Person, Unit, User, WebSession

ROLES = {"office_admin": "督查室管理员", "office_staff": "督查室工作人员", "unit": "单位联络员", "leader": "领导"}
THROTTLE_FAILURES = 5  # failed sign-ins of one login within THROTTLE_WINDOW lock it until the window passes
THROTTLE_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)  # a session unused this long has expired (ASVS 3.3.2, level 2)
SESSION_LONGEST = timedelta(hours=12)  # and any session this long after sign-in
TOUCH_EVERY = timedelta(minutes=1)
MIN_PASSWORD = 8

hasher = PasswordHasher()


class Throttled(DubanError):
    """Too many failed sign-ins: try again later."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_password() -> str:
    return secrets.token_urlsafe(9)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DubanError(f"密码至少 {MIN_PASSWORD} 位 (password needs at least {MIN_PASSWORD} characters)")


def bindings(session: Session, role: str, units: list[str], person: str | None) -> tuple[list[str], str | None]:
    """The unit ids and person id a role is bound to, each checked against the registry in the ledger."""
    if role not in ROLES:
        raise DubanError(f"未知角色 (unknown role) {role!r}: {' | '.join(ROLES)}")
    if role == "unit":
        if not units:
            raise DubanError("单位联络员须绑定至少一个单位 (a unit liaison needs --unit)")
        found = {u.id for u in session.scalars(select(Unit).where(Unit.id.in_(units)))}
        if missing := [u for u in units if u not in found]:
            raise DubanError(f"台账中没有这些单位 (no such unit in the ledger): {'、'.join(missing)}")
        return list(dict.fromkeys(units)), None
    if role == "leader":
        if not person or session.get(Person, person) is None:
            raise DubanError(f"台账中没有这位领导 (no such leader in the ledger): {person!r}")
        return [], person
    if units or person:
        raise DubanError("只有单位联络员绑定单位、领导绑定本人 (only units and leaders are bound)")
    return [], None


def add(session: Session, login: str, name: str, role: str, password: str, actor: str,
        units: list[str] = (), person: str | None = None) -> User:
    login = login.strip()
    if not login:
        raise DubanError("登录名不能为空 (empty login)")
    if session.scalar(select(User).where(User.login == login)) is not None:
        raise DubanError(f"登录名已存在 (login taken): {login}")
    check_password(password)
    unit_ids, person_id = bindings(session, role, list(units), person)
    user = User(login=login, name=name or login, role=role, password_hash=hasher.hash(password), units=unit_ids,
                person_id=person_id)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user_add", "user", user.id, login=login, role=role, units=unit_ids, person=person_id)
    return user


def by_login(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise DubanError(f"没有这个登录名 (no such login): {login}")
    return user


def set_password(session: Session, login: str, password: str, actor: str) -> None:
    """A new password; every session of the account is signed out."""
    user = by_login(session, login)
    check_password(password)
    user.password_hash = hasher.hash(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, actor, "user_password", "user", user.id, login=login)


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


def recent_failures(session: Session, login: str, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.login == login, LoginFailure.at > now - THROTTLE_WINDOW))


WRONG = "登录名或密码不正确 (wrong login or password)"


def sign_in(session: Session, login: str, password: str, address: str = "", now: datetime | None = None) -> str | None:
    """A new session token for the right password; None for a wrong one (the failure is recorded: let the
    transaction commit); Throttled after repeated failures (checked first, so a locked login learns nothing)."""
    now = now or datetime.now()
    if recent_failures(session, login, now) >= THROTTLE_FAILURES:
        raise Throttled(f"登录失败次数过多，请 {THROTTLE_WINDOW.seconds // 60} 分钟后再试 (too many failed sign-ins)")
    user = session.scalar(select(User).where(User.login == login))
    try:
        ok = user is not None and user.password_hash is not None and hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        session.add(LoginFailure(login=login[:100], address=address[:100], at=now))
        return None
    session.execute(delete(LoginFailure).where(LoginFailure.login == login))
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=token_hash(token), user_id=user.id, created_at=now, seen_at=now))
    audit.record(session, user.login, "sign_in", "user", user.id, address=address)
    return token


def live_session(session: Session, token: str, now: datetime | None = None) -> WebSession | None:
    """The session of a token, unless it has been idle or open too long."""
    now = now or datetime.now()
    row = session.get(WebSession, token_hash(token))
    if row is None or now - row.seen_at > SESSION_IDLE or now - row.created_at > SESSION_LONGEST:
        return None
    return row


def session_user(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The user of a live session token, else None. Reading writes nothing (see `touch`)."""
    row = live_session(session, token, now)
    return session.get(User, row.user_id) if row else None


def stale(session: Session, token: str, now: datetime | None = None) -> bool:
    """Whether the session's last use is worth recording: at most once a minute, so pages seldom write."""
    row = live_session(session, token, now)
    return row is not None and (now or datetime.now()) - row.seen_at > TOUCH_EVERY


def touch(session: Session, token: str, now: datetime | None = None) -> None:
    """Keep a session alive: its last use is now."""
    if row := live_session(session, token, now):
        row.seen_at = now or datetime.now()


def sign_out(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
