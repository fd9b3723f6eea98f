"""duban under a path prefix (nginx's `location /duban/`, `duban serve --root-path /duban`): the app keeps
its own addresses ("/ledger", and the "/…" links its pages and JSON carry) and this middleware, the only
place that knows the prefix, translates at the edge: a request for /duban/ledger reaches the app as
/ledger, and the answer's redirects and its pages' href/src/action/formaction/data-root addresses that
start with "/" go out as /duban/…. Without a root path it passes everything through untouched."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ADDRESS = re.compile(rb"""(\s(?:href|src|action|formaction|data-root)=["'])/(?!/)""")


def under(path: str, root: str) -> str | None:
    """`path` without the prefix `root`, or None if it is not under it."""
    if path == root or path.startswith(root + "/"):
        return path[len(root):] or "/"
    return None


def referer_within(value: str, root: str) -> str:
    """The Referer as the app would have sent it (the form a refused post came from is found by it)."""
    parts = urlsplit(value)
    inside = under(parts.path, root)
    return value if inside is None else urlunsplit(parts._replace(path=inside))


def inner_scope(scope: Scope, root: str) -> Scope:
    path = under(scope["path"], root) or scope["path"]
    headers = [(k, referer_within(v.decode("latin-1"), root).encode("latin-1")) if k == b"referer" else (k, v)
               for k, v in scope["headers"]]
    return {**scope, "path": path, "raw_path": path.encode("utf-8"), "root_path": "", "headers": headers}


class Prefix:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root = scope.get("root_path", "").rstrip("/")
        if scope["type"] != "http" or not root:
            return await self.app(scope, receive, send)
        start: Message | None = None
        body = bytearray()

        async def send_rooted(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if (where := headers.get("location", "")).startswith("/") and not where.startswith("//"):
                    headers["location"] = root + where
                if not headers.get("content-type", "").startswith("text/html"):
                    return await send(message)
                start = message  # a page: held until its body is whole, then its addresses are rooted
                return None
            if start is None or message["type"] != "http.response.body":
                return await send(message)
            body.extend(message.get("body", b""))
            if not message.get("more_body", False):
                page = ADDRESS.sub(rb"\1" + root.encode() + b"/", bytes(body))
                MutableHeaders(scope=start)["content-length"] = str(len(page))
                await send(start)
                await send({"type": "http.response.body", "body": page})

        await self.app(inner_scope(scope, root), receive, send_rooted)
