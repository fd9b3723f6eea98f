"""Errors answer in one shape: JSON under /api ({"ok": false, "error", "errors", "status"}), Chinese in the
browser; a page that needs signing in sends the browser to the sign-in form. A form refused for what was
typed goes back to the page it was sent from, the reason shown on that form (duban.js puts back what was
typed). The CLI's messages carry an English gloss in brackets and may name server paths: the browser
gets neither."""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from ..errors import DubanError
from ..lexicon import load
from ..store import busy, disk_full
from . import access, pages
from .tracing import id_of

log = logging.getLogger("duban.web")
TITLES = {400: "请求有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "不支持的操作",
          413: "文件太大", 422: "填写的内容有误", 429: "操作过于频繁", 500: "服务器出错", 503: "系统繁忙",
          507: "磁盘空间不足"}
BUSY = "系统繁忙，请稍后重试 (the database is busy: try again shortly)"
FULL = "磁盘空间不足，本次操作未保存，请联系管理员 (the disk is full: nothing was saved)"
WORDS = load("web_fields")
CJK = re.compile(r"[\u3400-\u9fff]")
GLOSS = re.compile(r"\s*[(（][^()（）\u3400-\u9fff]*[A-Za-z]{2}[^()（）\u3400-\u9fff]*[)）]")  # "(no such task)"
SERVER_PATH = re.compile(r"(?<![\w.])(?:[A-Za-z]:)?(?:[/\\][^/\\\s:：，。；\"“”「」]+){2,}")  # /tmp/x/空白.txt
BACK_TO_FORM = {400, 409, 413, 422}  # refused for what was typed: the form is worth seeing again


def for_browser(message: str) -> str:
    """The Chinese of a message: no English gloss, a server path reduced to the file's own name."""
    message = GLOSS.sub("", message)
    return SERVER_PATH.sub(lambda m: PurePosixPath(m.group(0).replace("\\", "/")).name, message).strip()


def field_name(loc: tuple) -> str:
    names = [str(x) for x in loc if x not in ("body", "query", "path", "header", "cookie") and not isinstance(x, int)]
    return "、".join(WORDS["fields"].get(n, "其中一项") for n in names[:1]) or "其中一项"


def in_words(e: dict) -> str:
    """One field's problem in the words of a form: 申请延至应为日期（如 2025-06-30）."""
    problem = WORDS["problems"].get(e.get("type", ""), "填写有误")
    if e.get("type") == "string_too_long" and (most := (e.get("ctx") or {}).get("max_length")):
        problem = f"太长（最多 {most} 字）"
    return f"{field_name(e.get('loc', ()))}{problem}"


def form_page(request: Request) -> str | None:
    """The page on this site a refused form was sent from (its own message parameters dropped)."""
    if request.method != "POST" or wants_json(request):
        return None
    came = urlsplit(request.headers.get("referer", ""))
    if came.netloc != request.url.netloc or not came.path.startswith("/") or came.path == request.url.path:
        return None
    query = [(k, v) for k, v in parse_qsl(came.query) if k not in ("msg", "err")]
    return came.path + (f"?{urlencode(query)}" if query else "")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def answer(request: Request, status: int, error: str, errors: list | None = None):
    if wants_json(request):
        return JSONResponse({"ok": False, "error": error, "errors": errors or [], "status": status}, status_code=status)
    if status == 401 and request.method == "GET":
        return RedirectResponse(f"/login?next={quote(str(request.url.path))}", status_code=303)
    error = for_browser(error)
    if status in BACK_TO_FORM and not errors and (page := form_page(request)):
        return RedirectResponse(f"{page}{'&' if '?' in page else '?'}{urlencode({'err': error})}", status_code=303)
    shown = [{**e, "where": for_browser(str(e.get("where", ""))), "message": for_browser(str(e.get("message", "")))}
             for e in errors or []]
    return pages.render(request, "error.html", {"status": status, "title": TITLES.get(status, "出错了"),
                                                "error": error, "errors": shown, "request_id": id_of(request.scope)},
                        status)


def field_errors(exc: RequestValidationError) -> list[dict]:
    return [{"where": ".".join(str(x) for x in e.get("loc", ())), "message": e.get("msg", ""),
             "field": field_name(e.get("loc", ())), "problem": in_words(e)} for e in exc.errors()]


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        if isinstance(exc, access.MustChange) and request.method == "GET" and not wants_json(request):
            return RedirectResponse(access.PASSWORD_PAGE, status_code=303)
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if not CJK.search(detail):  # Starlette's own "Not Found", "Method Not Allowed"
            detail = TITLES.get(exc.status_code, "出错了") + ("：请检查网址" if exc.status_code == 404 else "")
        return answer(request, exc.status_code, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        errors = field_errors(exc)
        if not wants_json(request):  # the browser: which field, in Chinese, on the form itself
            return answer(request, 422, "填写的内容有误：" + "；".join(dict.fromkeys(e["problem"] for e in errors)))
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
