"""Stage `web`: the office, the units, the leaders and the public reach the ledger in a browser, and
scripts reach the same data as JSON under /api. Pages are server-rendered (Jinja2) with a little plain
JavaScript; every file they load is served from the package, nothing from a network."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from ..store import connect, users
from . import access, errors
from .limits import BodyLimit
from .prefix import Prefix
from .tracing import Tracing
from .views import routers

STATIC = Path(__file__).parent / "static"
# scripts only from the site's own files (no inline script, no CDN); style attributes carry the status colours
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "same-origin"}


class App(FastAPI):
    """FastAPI with two middlewares outside even its error handlers, so a 500 page has them too: the
    request id and access line (tracing), then the path prefix (prefix)."""

    def build_middleware_stack(self):
        return Tracing(Prefix(super().build_middleware_stack()))


def create_app(engine: Engine | None = None) -> FastAPI:
    app = App(title="督办 duban", version="1", docs_url=None, redoc_url=None,
                  description="工作台账与督办：每个页面的数据也在 /api 下以 JSON 提供。")
    app.state.engine = engine or connect()
    users.dummy_hash()  # made now, so the first sign-in of an unknown login takes no longer than the next
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in routers:
        app.include_router(router)
    errors.install(app)

    @app.middleware("http")
    async def csrf_cookie_and_headers(request: Request, call_next):
        response = await call_next(request)
        if new := getattr(request.state, "new_csrf", None):
            response.set_cookie(access.CSRF_COOKIE, new, samesite="strict", secure=request.url.scheme == "https")
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):  # pages and JSON may hold what only this user may see
            response.headers["Cache-Control"] = "no-store"
        if request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response

    app.add_middleware(BodyLimit)  # added last, so it runs first: before any body is read
    return app


def served_app(engine: Engine | None = None) -> FastAPI:
    """The app `duban serve` runs (in each worker process). What it holds for its life (routes, templates,
    lexicons, the registry) is frozen out of the garbage collector: else a full collection walks all of it
    every few requests, +100 ms on one page in five at a province's page sizes."""
    app = create_app(engine)
    gc.freeze()
    return app
