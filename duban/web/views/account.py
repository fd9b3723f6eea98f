"""Signing in and out, the home address (each role's own first page) and the health check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

from ...store import transaction, users
from .. import access, pages
from ..access import Principal, allow

router = APIRouter()
HOME = {"office_admin": "/overview", "office_staff": "/overview", "unit": "/unit", "leader": "/leader",
        "public": "/public"}


@router.get("/api/health", summary="服务是否正常 (health)")
def health() -> JSONResponse:
    return JSONResponse({"ok": True})


@router.get("/", include_in_schema=False)
def home(who: Principal = allow("public")) -> RedirectResponse:
    return RedirectResponse(HOME[who.role], status_code=303)


def safe_next(url: str | None) -> str | None:
    """Only an address on this site (no //host, no scheme): the sign-in form is no open redirect."""
    return url if url and url.startswith("/") and not url.startswith("//") and "\\" not in url else None


def sign_in(request: Request, login: str, password: str) -> tuple[str | None, str | None]:
    """(session token, role), or (None, None) for a wrong password; 429 while the login is throttled."""
    address = request.client.host if request.client else ""
    try:
        with transaction(request.app.state.engine) as s:
            token = users.sign_in(s, login, password, address)
            return token, users.by_login(s, login).role if token else None
    except users.Throttled as e:
        raise HTTPException(429, str(e)) from None


def with_session(response, request: Request, token: str):
    response.set_cookie(access.SESSION_COOKIE, token, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", max_age=int(users.SESSION_LONGEST.total_seconds()))
    return response


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None, who: Principal = allow("public")):
    return pages.render(request, "login.html", {"next": safe_next(next) or "", "error": ""})


@router.post("/login", include_in_schema=False)
def login(request: Request, login: Annotated[str, Form(max_length=100)], password: Annotated[str, Form(max_length=200)],
          next: Annotated[str, Form()] = "", who: Principal = allow("public")):
    token, role = sign_in(request, login, password)
    if token is None:
        return pages.render(request, "login.html", {"next": safe_next(next) or "", "error": users.WRONG,
                                                    "login": login}, 401)
    return with_session(RedirectResponse(safe_next(next) or HOME[role], status_code=303), request, token)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, who: Principal = allow("signed_in")):
    with transaction(request.app.state.engine) as s:
        users.sign_out(s, request.cookies.get(access.SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(access.SESSION_COOKIE)
    return response


@router.post("/api/login", summary="登录，取得会话 cookie (sign in)")
def api_login(request: Request, login: Annotated[str, Form(max_length=100)],
              password: Annotated[str, Form(max_length=200)], who: Principal = allow("public")):
    """Scripts sign in here and send the `duban_session` cookie (and `X-CSRF-Token` = the `duban_csrf`
    cookie on writes) afterwards."""
    token, _ = sign_in(request, login, password)
    if token is None:
        raise HTTPException(401, users.WRONG)
    return with_session(JSONResponse({"ok": True, "csrf": access.csrf_token(request)}), request, token)


@router.get("/api/csrf", summary="取得 CSRF 令牌 (a CSRF token for writes)")
def csrf(request: Request, who: Principal = allow("public")) -> JSONResponse:
    """Send it back as the `X-CSRF-Token` header (or the `csrf` form field) with the `duban_csrf` cookie."""
    return JSONResponse({"ok": True, "csrf": access.csrf_token(request)})
