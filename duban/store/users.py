"""Accounts: who may sign in, in which role, bound to which units or leader. Passwords are hashed with
argon2id (argon2-cffi); a browser session is a random token whose sha256 is stored; repeated failed
sign-ins throttle a login for a while."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from ..errors import DubanError
from . import audit, transaction
from .models import LoginFailure, Person, Unit, User, WebSession

ROLES = {"office_admin": "督查室管理员", "office_staff": "督查室工作人员", "unit": "单位联络员", "leader": "领导"}
THROTTLE_FAILURES = 5  # failed sign-ins of one login from one address before it must wait (1, 2, 4 … minutes)
ADDRESS_FAILURES = 50  # failed sign-ins of any login from one address before it must wait out the window
THROTTLE_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)  # a session unused this long has expired (ASVS 3.3.2, level 2)
SESSION_LONGEST = timedelta(hours=12)  # and any session this long after sign-in
TOUCH_EVERY = timedelta(minutes=1)
MIN_PASSWORD = 8

hasher = PasswordHasher()


class Throttled(DubanError):
    """Too many failed sign-ins: try again later."""


class Disabled(DubanError):
    """The right password of an account the office has disabled (停用)."""


DISABLED = "账号已停用，请联系督查室"


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
        units: list[str] = (), person: str | None = None, must_change: bool = False) -> User:
    login = login.strip()
    if not login:
        raise DubanError("登录名不能为空 (empty login)")
    if ":" in login or login == "public" or any(c.isspace() for c in login):
        raise DubanError(f"登录名不能含冒号或空白，也不能是 public (reserved for the audit log): {login}")
    if session.scalar(select(User).where(User.login == login)) is not None:
        raise DubanError(f"登录名已存在 (login taken): {login}")
    check_password(password)
    unit_ids, person_id = bindings(session, role, list(units), person)
    user = User(login=login, name=name or login, role=role, password_hash=hasher.hash(password), units=unit_ids,
                person_id=person_id, must_change=must_change)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user_add", "user", user.id, login=login, role=role, units=unit_ids, person=person_id)
    return user


def first_admin(session: Session, actor: str) -> str | None:
    """On a ledger with no account at all, an office admin `admin` with a new password (to be changed at
    first sign-in), which is returned to be shown once; None once any account exists."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return None
    password = new_password()
    add(session, "admin", "督查室管理员", "office_admin", password, actor, must_change=True)
    return password


def by_login(session: Session, login: str) -> User:
    user = session.scalar(select(User).where(User.login == login))
    if user is None:
        raise DubanError(f"没有这个登录名 (no such login): {login}")
    return user


def set_password(session: Session, login: str, password: str, actor: str, must_change: bool = False) -> None:
    """A new password; every session of the account is signed out. One set by an admin (`must_change`)
    opens only the account page until its owner changes it."""
    user = by_login(session, login)
    check_password(password)
    user.password_hash = hasher.hash(password)
    user.must_change = must_change
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, actor, "user_password", "user", user.id, login=login, must_change=must_change)


def change_password(session: Session, login: str, current: str, new: str) -> None:
    """The owner's own change: the current password first."""
    user = by_login(session, login)
    try:
        hasher.verify(user.password_hash or dummy_hash(), current)
    except (VerificationError, InvalidHashError):
        raise DubanError("当前密码不正确 (the current password is wrong)") from None
    if new == current:
        raise DubanError("新密码不能与当前密码相同 (the new password is the old one)")
    set_password(session, login, new, login)


def set_disabled(session: Session, user: User, disabled: bool, actor: str, actor_id: int | None = None) -> None:
    """停用 / 启用 an account: a disabled one cannot sign in and its open sessions end now. An admin
    cannot disable their own account (the office would be left without a way back in)."""
    if disabled and actor_id is not None and user.id == actor_id:
        raise DubanError("不能停用本人的账号")
    if user.disabled == disabled:
        raise DubanError(f"账号 {user.login} 已经是{'停用' if disabled else '启用'}状态")
    user.disabled = disabled
    if disabled:
        session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(session, actor, "user_disable" if disabled else "user_enable", "user", user.id, login=user.login)


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.id)))


WRONG = "登录名或密码不正确 (wrong login or password)"


@cache
def dummy_hash() -> str:
    """Checked against when the login does not exist, so an unknown login takes as long as a known one."""
    return hasher.hash(secrets.token_urlsafe(16))


def attempt(engine: Engine, login: str, address: str, now: datetime) -> int:
    """Record the attempt, committed before anything is checked: each of simultaneous guesses sees all those
    committed before its count, so no more than the allowed number is ever checked."""
    with transaction(engine) as session:
        row = LoginFailure(login=login[:100], address=address[:100], at=now)
        session.add(row)
        session.flush()
        return row.id


def open_failures(session: Session, now: datetime, *where) -> list[datetime]:
    return list(session.scalars(select(LoginFailure.at).where(
        ~LoginFailure.cleared, LoginFailure.at > now - THROTTLE_WINDOW, *where).order_by(LoginFailure.at)))


def wait_left(session: Session, login: str, address: str, now: datetime, attempt_id: int) -> timedelta | None:
    """How long this address must wait before trying this login again (back-off doubling from one minute
    after THROTTLE_FAILURES failures), or before trying any login (after ADDRESS_FAILURES); None if not.
    Failures from other addresses never count: nobody can lock a user out from elsewhere."""
    mine = (LoginFailure.address == address[:100], LoginFailure.id != attempt_id)  # in-flight ones count too
    before = open_failures(session, now, LoginFailure.login == login[:100], *mine)
    if len(before) >= THROTTLE_FAILURES:
        backoff = min(THROTTLE_WINDOW, timedelta(minutes=2 ** min(len(before) - THROTTLE_FAILURES, 4)))
        if (left := before[-1] + backoff - now) > timedelta(0):
            return left
    if len(from_address := open_failures(session, now, *mine)) >= ADDRESS_FAILURES:
        return from_address[0] + THROTTLE_WINDOW - now
    return None


def sign_in(engine: Engine, login: str, password: str, address: str = "",
            now: datetime | None = None) -> User | None:
    """The user for the right password, else None (the failure is kept and audited); Throttled while this
    address must wait. A new session comes from `open_session`."""
    now = now or datetime.now()
    attempt_id = attempt(engine, login, address, now)
    with transaction(engine) as session:
        if left := wait_left(session, login, address, now, attempt_id):
            audit.record(session, "public", "sign_in_throttled", "login", login[:100], address=address)
        user = session.scalar(select(User).where(User.login == login))
    if left:
        raise Throttled(f"登录失败次数过多，请 {max(1, round(left.total_seconds() / 60))} 分钟后再试 "
                        "(too many failed sign-ins)")
    try:
        ok = hasher.verify(user.password_hash if user and user.password_hash else dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    with transaction(engine) as session:
        if not (ok and user is not None):
            audit.record(session, "public", "sign_in_failed", "login", login[:100], address=address)
            return None
        session.execute(update(LoginFailure).where(LoginFailure.login == login[:100],
                                                   LoginFailure.address == address[:100]).values(cleared=True))
        if user.disabled:  # said only to whoever knows the password: a guess learns nothing of the account
            audit.record(session, "public", "sign_in_disabled", "user", user.id, address=address)
    if user.disabled:
        raise Disabled(DISABLED)
    return user


def open_session(session: Session, user: User, address: str = "", now: datetime | None = None) -> str:
    """A new session token for a signed-in user."""
    now = now or datetime.now()
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
    user = session.get(User, row.user_id) if row else None
    return None if user is None or user.disabled else user


def stale(session: Session, token: str, now: datetime | None = None) -> bool:
    """Whether the session's last use is worth recording: at most once a minute, so pages seldom write."""
    row = live_session(session, token, now)
    return row is not None and (now or datetime.now()) - row.seen_at > TOUCH_EVERY


def touch(session: Session, token: str, now: datetime | None = None) -> None:
    """Keep a session alive: its last use is now."""
    if row := live_session(session, token, now):
        row.seen_at = now or datetime.now()


def sign_out(session: Session, token: str, actor: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
    audit.record(session, actor, "sign_out", "session", token_hash(token)[:16])
