"""One function feeds each page: `page` registers it twice, at PATH as HTML through its template and at
/api/PATH as JSON, so the two never disagree. `action` does the same for a write: the form posts to
PATH and is sent on (303) to the page the function names; /api/PATH answers the same result as JSON.
Context functions return plain data (dicts, lists, dataclasses, dates): what the JSON shows is all the
template gets."""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from .. import clock
from ..store import busy, transaction
from ..supervise import inbox
from . import access

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# the CSRF token of the page being rendered: a global, so imported macros (csrf_field) see it without context
page_csrf: ContextVar[str] = ContextVar("page_csrf", default="")
templates.env.globals["csrf_token"] = page_csrf.get
templates.env.globals["demo_day"] = clock.demo_day  # a demo names its day on every page
NEXT = "next"  # the key of an action's result naming the page to go on to
RETRIES = 2  # a transaction refused because another writer held the database is run again this often


def nav(who: access.Principal) -> list[tuple[str, str]]:
    """The menu a role sees: (address, label)."""
    if who.office:
        items = [("/inbox", "工作台"), ("/overview", "总览"), ("/ledger", "任务台账"), ("/documents", "文件"),
                 ("/compare", "对照"), ("/rounds", "调度"), ("/reminders", "催办"), ("/problems", "问题"),
                 ("/extensions", "延期"), ("/assessment", "考核"), ("/bulletins", "通报"), ("/public", "公开"),
                 ("/audit", "审计")]
        return items + [("/registry", "单位")] + ([("/users", "账号")] if who.role == "office_admin" else [])
    if who.role == "unit":
        return [("/unit", "本单位"), ("/ledger", "任务台账"), ("/public", "公开")]
    if who.role == "leader":
        return [("/leader", "我的任务"), ("/ledger", "任务台账"), ("/public", "公开")]
    return [("/public", "公开")]


def menu_counts(request: Request) -> dict[str, int]:
    """The numbers beside menu items (address -> count): what waits for the office, and for a liaison the
    批示 its units have not answered."""
    who = getattr(request.state, "principal", None) or access.Principal()
    if not (who.office or who.role == "unit"):
        return {}
    with transaction(request.app.state.engine) as s:
        if who.role == "unit":
            return {"/unit": inbox.unanswered_for(s, who.units)}
        c = inbox.counts(s, clock.today())
    return {"/inbox": c.waiting, "/problems": c.problems_overdue, "/extensions": c.extensions}


def render(request: Request, template: str, context: dict, status: int = 200):
    who = getattr(request.state, "principal", None) or access.Principal()
    page_csrf.set(access.csrf_token(request))
    return templates.TemplateResponse(request, template, {
        "user": who, "nav": nav(who), "menu_counts": getattr(request.state, "menu_counts", {}),
        "csrf": access.csrf_token(request), "path": request.url.path,
        "message": request.query_params.get("msg", ""), "refused_message": request.query_params.get("err", ""),
        **context}, status_code=status)


def json(context: dict, status: int = 200) -> JSONResponse:
    return JSONResponse({"ok": True, **jsonable_encoder(context)}, status_code=status)


def with_message(url: str, message: str) -> str:
    """`url` with the flash message in its query (before any #fragment)."""
    if not message:
        return url
    address, hash_, fragment = url.partition("#")
    return f"{address}{'&' if '?' in address else '?'}{urlencode({'msg': message})}{hash_}{fragment}"


def in_transaction(fn: Callable) -> tuple[Callable, inspect.Signature]:
    """Call `fn` with a session `s` of its own transaction, committed before any answer is sent (so a
    write the user saw succeed is in the database); FastAPI sees `fn`'s signature without `s`."""
    sig = inspect.signature(fn, eval_str=True)  # the view module's names, resolved where they are known
    params = [p for name, p in sig.parameters.items() if name != "s"]

    def call(**kwargs):
        for attempt in range(RETRIES + 1):
            try:
                with transaction(kwargs["request"].app.state.engine) as s:
                    return fn(s=s, **kwargs)
            except OperationalError as e:  # rolled back whole: safe to run again while another writer finishes
                if not busy(e) or attempt == RETRIES:
                    raise
                time.sleep(0.2 * 2 ** attempt)
    return call, sig.replace(parameters=params)


def twice(router: APIRouter, method: str, path: str, fn: Callable, html: Callable, **options) -> None:
    """Register `fn` at PATH answering through `html`, and at /api/PATH answering JSON."""
    call, signature = in_transaction(fn)

    async def as_html(**kwargs):
        request, context = kwargs["request"], await run_in_threadpool(call, **kwargs)
        if method == "GET":  # a page: its menu shows what waits
            request.state.menu_counts = await run_in_threadpool(menu_counts, request)
        return html(request, context)

    async def as_json(**kwargs):
        return json(await run_in_threadpool(call, **kwargs))

    for endpoint in (as_html, as_json):
        endpoint.__signature__, endpoint.__doc__ = signature, fn.__doc__
    name = fn.__name__
    router.add_api_route(path, as_html, methods=[method], include_in_schema=False, name=name, **options)
    router.add_api_route(f"/api{path}", as_json, methods=[method], name=f"api_{name}",
                         summary=(fn.__doc__ or name).splitlines()[0], **options)


def page(router: APIRouter, path: str, template: str, **options):
    """GET PATH renders `template` with the function's context; GET /api/PATH returns it as JSON."""
    def decorate(fn: Callable) -> Callable:
        twice(router, "GET", path, fn, lambda request, ctx: render(request, template, ctx), **options)
        return fn
    return decorate


def action(router: APIRouter, path: str, **options):
    """POST PATH does the write and sends the browser on to result["next"] with result["message"];
    POST /api/PATH answers the result as JSON."""
    def go_on(request: Request, result: dict):
        return RedirectResponse(with_message(result.get(NEXT) or "/", result.get("message", "")), status_code=303)

    def decorate(fn: Callable) -> Callable:
        twice(router, "POST", path, fn, go_on, **options)
        return fn
    return decorate
