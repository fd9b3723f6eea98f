"""Signing in and out, the home address (each role's own first page) and the health check."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from ...errors import DubanError
from ...store import transaction, users
from .. import access, pages
from ..access import Principal, allow
from ..errors import for_browser
from ..pages import action, page

router = APIRouter()
HOME = {"office_admin": "/inbox", "office_staff": "/inbox", "unit": "/unit", "leader": "/leader",
        "public": "/public"}


@router.get("/api/health", summary="服务是否正常 (health)")
def health() -> JSONResponse:
    return JSONResponse({"ok": True})


def home_of(role: str, units: list[str]) -> str:
    """Where a user lands: a liaison of one unit straight on that unit's tasks of this round."""
    if role == "unit" and len(units) == 1:
        return f"/units/{quote(units[0], safe='')}"
    return HOME[role]


@router.get("/", include_in_schema=False)
def home(who: Principal = allow("public")) -> RedirectResponse:
    return RedirectResponse(home_of(who.role, who.units), status_code=303)


def safe_next(url: str | None) -> str | None:
    """Only an address on this site (no //host, no scheme): the sign-in form is no open redirect."""
    return url if url and url.startswith("/") and not url.startswith("//") and "\\" not in url else None


def sign_in(request: Request, login: str, password: str) -> tuple[str | None, str | None]:
    """(session token, the address to go on to), or (None, None) for a wrong password; 429 while this
    address must wait."""
    address = request.client.host if request.client else ""
    engine = request.app.state.engine
    try:
        user = users.sign_in(engine, login, password, address)
    except users.Throttled as e:
        raise HTTPException(429, str(e)) from None
    except users.Disabled as e:  # the right password of an account the office has disabled
        raise HTTPException(403, str(e)) from None
    if user is None:
        return None, None
    with transaction(engine) as s:
        token = users.open_session(s, user, address)
    request.state.new_session = token  # the CSRF token is renewed with the session (access.csrf_token)
    return token, access.PASSWORD_PAGE if user.must_change else home_of(user.role, list(user.units or []))


def with_session(response, request: Request, token: str):
    response.set_cookie(access.SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=int(users.SESSION_LONGEST.total_seconds()))
    access.csrf_token(request)  # sets the new session's token as the cookie scripts read
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None, who: Principal = allow("public")):
    return pages.render(request, "login.html", {"next": safe_next(next) or "", "error": ""})


@router.post("/login", include_in_schema=False)
def login(request: Request, login: Annotated[str, Form(max_length=100)], password: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form()] = "", who: Principal = allow("public")):
    try:
        token, home = sign_in(request, login, password)
    except HTTPException as e:
        if e.detail != users.DISABLED:
            raise
        return pages.render(request, "login.html", {"next": safe_next(next) or "", "error": e.detail, "login": login}, 403)
    if token is None:
        return pages.render(request, "login.html", {"next": safe_next(next) or "", "error": for_browser(users.WRONG),
                                                    "login": login}, 401)
    go_on = home if home == access.PASSWORD_PAGE else safe_next(next) or home
    return with_session(RedirectResponse(go_on, status_code=303), request, token)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, who: Principal = allow("account")):
    with transaction(request.app.state.engine) as s:
        users.sign_out(s, request.cookies.get(access.SESSION_COOKIE, ""), who.actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(access.SESSION_COOKIE)
    return response


@router.post("/api/login", summary="登录，取得会话 cookie (sign in)")
def api_login(request: Request, login: Annotated[str, Form(max_length=100)],
              password: Annotated[str, Form(max_length=200)], who: Principal = allow("public")):
    """Scripts sign in here and send the `duban_session` cookie (and `X-CSRF-Token` = the `duban_csrf`
    cookie on writes) afterwards."""
    token, home = sign_in(request, login, password)
    if token is None:
        raise HTTPException(401, users.WRONG)
    return with_session(JSONResponse({"ok": True, "csrf": access.csrf_token(request),
                                      "must_change_password": home == access.PASSWORD_PAGE}), request, token)


@router.get("/api/csrf", summary="取得 CSRF 令牌 (a CSRF token for writes)")
def csrf(request: Request, who: Principal = allow("public")) -> JSONResponse:
    """Send it back as the `X-CSRF-Token` header (or the `csrf` form field) with the `duban_csrf` cookie."""
    return JSONResponse({"ok": True, "csrf": access.csrf_token(request)})


@page(router, access.PASSWORD_PAGE, "account.html")
def account(request: Request, s: Session, who: Principal = allow("account")) -> dict:
    """本人账号：修改密码 (one's own account: change the password)."""
    return {"login": who.login, "name": who.name, "role": users.ROLES.get(who.role, who.role),
            "must_change": who.must_change, "min_password": users.MIN_PASSWORD}


@action(router, f"{access.PASSWORD_PAGE}/password")
def change_password(request: Request, s: Session, current: Annotated[str, Form(max_length=200)],
                    new: Annotated[str, Form(max_length=200)], again: Annotated[str, Form(max_length=200)],
                    who: Principal = allow("account")) -> dict:
    """修改本人密码：须输入当前密码；改后所有登录会话失效，请重新登录 (change one's own password)."""
    if new != again:
        raise DubanError("两次输入的新密码不一致 (the new passwords differ)")
    users.change_password(s, who.login, current, new)
    return {"next": "/login", "message": "密码已修改，请用新密码重新登录"}
