"""钉钉 custom group robot: POST {"msgtype": "markdown", "markdown": {"title", "text"}} to its webhook; a
robot with a signing secret also wants &timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256 of
"timestamp\\nsecret" keyed by the secret> (DingTalk's documentation), checked within an hour."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

from .common import Outgoing, errcode_ok, fit, host_of, post_json

LIMIT = 20000  # bytes: DingTalk cuts a longer markdown text


def signature(secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def signed(url: str, secret: str, timestamp: int) -> str:
    if not secret:
        return url
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={signature(secret, timestamp)}"


def body_of(m: Outgoing) -> dict:
    # DingTalk's markdown breaks lines only at blank lines
    text = fit(f"### {m.subject}\n\n" + m.body.replace("\n", "\n\n"), LIMIT)
    return {"msgtype": "markdown", "markdown": {"title": m.subject, "text": text}}


def send(m: Outgoing, conf: dict) -> None:
    url = signed(m.address, m.secret, int(time.time() * 1000))
    errcode_ok(post_json(url, body_of(m), conf["notify"]["timeout_seconds"]), host_of(m.address))
