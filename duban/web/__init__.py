"""Stage `web`: the office, the units, the leaders and the public reach the ledger in a browser, and
scripts reach the same data as JSON under /api. Pages are server-rendered (Jinja2) with a little plain
JavaScript; every file they load is served from the package, nothing from a network."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from ..store import connect
from . import access, errors
from .limits import BodyLimit
from .views import routers

STATIC = Path(__file__).parent / "static"


def create_app(engine: Engine | None = None) -> FastAPI:
    app = FastAPI(title="督办 duban", version="1", docs_url=None, redoc_url=None,
                  description="工作台账与督办：每个页面的数据也在 /api 下以 JSON 提供。")
    app.state.engine = engine or connect()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in routers:
        app.include_router(router)
    errors.install(app)

    @app.middleware("http")
    async def csrf_cookie(request: Request, call_next):
        response = await call_next(request)
        if new := getattr(request.state, "new_csrf", None):
            response.set_cookie(access.CSRF_COOKIE, new, samesite="strict", secure=request.url.scheme == "https")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.add_middleware(BodyLimit)  # added last, so it runs first: before any body is read
    return app
