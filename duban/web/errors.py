"""Errors answer in one shape: JSON under /api ({"ok": false, "error", "errors", "status"}), a Chinese page
elsewhere; a page that needs signing in sends the browser to the sign-in form."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from ..errors import DubanError
from ..store import busy, disk_full
from . import access, pages

log = logging.getLogger("duban.web")
TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "不支持的操作",
          413: "文件太大", 422: "填写的内容有误", 429: "操作过于频繁", 500: "服务器出错", 503: "系统繁忙",
          507: "磁盘空间不足"}
BUSY = "系统繁忙，请稍后重试 (the database is busy: try again shortly)"
FULL = "磁盘空间不足，本次操作未保存，请联系管理员 (the disk is full: nothing was saved)"


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def answer(request: Request, status: int, error: str, errors: list | None = None):
    if wants_json(request):
        return JSONResponse({"ok": False, "error": error, "errors": errors or [], "status": status}, status_code=status)
    if status == 401 and request.method == "GET":
        return RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)
    return pages.render(request, "error.html", {"status": status, "title": TITLES.get(status, "出错了"),
                                                "error": error, "errors": errors or []}, status)


def field_errors(exc: RequestValidationError) -> list[dict]:
    return [{"where": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg", "")} for e in exc.errors()]


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if isinstance(exc, access.MustChange) and request.method == "GET" and not wants_json(request):
            return RedirectResponse(access.PASSWORD_PAGE, status_code=303)
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "出错了")
        return answer(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = field_errors(exc)
        return answer(request, 422, "填写的内容有误 (invalid request): " + "；".join(
            f"{e['where']} {e['message']}" for e in errors), errors)

    @app.exception_handler(DubanError)
    async def refused(request: Request, exc: DubanError):
        return answer(request, 400, str(exc), exc.errors)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: Exception):
        # a number or text the database cannot hold (an id past 2**63, say): the request's fault
        return answer(request, 400, "数值或文字超出数据库能保存的范围 (value out of range)")

    @app.exception_handler(OperationalError)
    @app.exception_handler(OSError)
    async def unavailable(request: Request, exc: Exception):
        if isinstance(exc, OperationalError) and busy(exc):
            return answer(request, 503, BUSY)
        if disk_full(exc):
            log.error("disk full on %s %s: %s", request.method, request.url.path, exc)
            return answer(request, 507, FULL)
        return await crashed(request, exc)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return answer(request, 500, "服务器内部错误，请稍后再试或联系管理员 (internal error)")
