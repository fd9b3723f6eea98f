"""A request id for every request, and its access line. The id is the X-Request-ID the proxy sent (nginx's
$request_id), or a new one; it is answered in the X-Request-ID header, shown on the error pages for a user
to quote, and carried by every log line made while the request is answered, so the office's report of
"出错了，编号 3f2a…" finds its lines in the log."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import logs

HEADER = "X-Request-ID"
SENT = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # an id taken from the request: no spaces, quotes or markup
access = logging.getLogger(logs.ACCESS)


def id_of(scope: Scope) -> str:
    """The request's id (set by Tracing; "-" for a request it did not see)."""
    return scope.get("state", {}).get("request_id", "-")


def new_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id" and SENT.fullmatch(sent := value.decode("latin-1")):
            return sent
    return uuid.uuid4().hex[:16]


class Tracing:
    """The outermost middleware (outside the error handlers, so a 500 page carries the id too): gives the
    request its id and, once answered, writes its access line (method, path, status, ms, user, id)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = new_id(scope)
        scope.setdefault("state", {})["request_id"] = rid
        logs.request_id.set(rid)  # each request is a task of its own: the value ends with it
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append(HEADER, rid)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if access.isEnabledFor(logging.INFO):
                line(scope, status, (time.perf_counter() - started) * 1000)


def line(scope: Scope, status: int, ms: float) -> None:
    who = scope.get("state", {}).get("principal")
    user = getattr(who, "login", "") or "-"
    path = scope["path"]  # as the browser asked for it: under a root path, with it
    if scope.get("query_string"):
        path += "?" + scope["query_string"].decode("latin-1")
    access.info("%s %s %d %.0fms %s", scope["method"], path, status, ms, user,
                extra={"method": scope["method"], "path": path, "status": status, "ms": round(ms, 1), "user": user,
                       "request_id": id_of(scope)})
