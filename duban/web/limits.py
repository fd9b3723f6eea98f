"""The request body bounded before anything reads it: before the session is looked up, before a form is
parsed or spooled to disk. A declared Content-Length over the limit is refused at once; a body sent in
chunks is counted as it arrives and cut off at the limit."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..limits import MB, limit
from . import errors


class TooLarge(Exception):
    pass


def refusal(scope: Scope, most: int):
    return errors.answer(Request(scope), 413, f"请求内容超过 {most // MB} MB，已拒绝 (request body too large)")


class BodyLimit:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        most = limit("body_mb") * MB
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > most:
            return await refusal(scope, most)(scope, receive, send)
        received, started = 0, False

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    raise TooLarge
            return message

        async def watched(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except TooLarge:
            if not started:
                await refusal(scope, most)(scope, receive, send)
