"""The request body bounded before anything reads it: before the session is looked up, before a form is
parsed or spooled to disk. A declared Content-Length over the limit is refused at once; a body sent in
chunks is counted as it arrives and answered 413 when it passes the limit."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from ..limits import MB, limit
from . import errors


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
        received, started, refused = 0, False, False

        async def counted():
            # past the limit the client is answered 413 here, and the app is told the client has gone
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > most:
                    refused = True
                    if not started:
                        await refusal(scope, most)(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def watched(message):
            nonlocal started
            if refused:
                return  # answered already: whatever the app says after is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        await self.app(scope, counted, watched)
