"""What every channel shares: the message as sent, the one failure a channel raises, and a JSON POST
(the robots and the SMS gateway all take one) over the standard library, with a timeout."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit


class SendError(Exception):
    """A message that did not go: the reason is kept on the message and in the audit log."""


@dataclass(frozen=True)
class Outgoing:
    address: str  # a robot's webhook URL, an e-mail address or a phone number
    subject: str
    body: str
    secret: str = ""  # a DingTalk robot's signing secret


def post_json(url: str, body: dict, timeout: float) -> bytes:
    """POST `body` as UTF-8 JSON; the answer's bytes. Any non-2xx status is a failure."""
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.read()
    except urllib.error.HTTPError as e:
        with e:  # it holds the connection open until closed
            raise SendError(f"{host_of(url)} 返回 HTTP {e.code} (the server refused)") from None
    except (urllib.error.URLError, OSError) as e:
        raise SendError(f"无法连接 {host_of(url)} (cannot reach it): {getattr(e, 'reason', e)}") from None


def errcode_ok(raw: bytes, host: str) -> None:
    """WeCom and DingTalk answer 200 with {"errcode": 0, "errmsg": "ok"}; any other errcode is a failure."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise SendError(f"{host} 的应答不是 JSON (not a JSON answer): {raw[:200]!r}") from None
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code != 0:
        raise SendError(f"{host} 拒收：errcode {code} {answer.get('errmsg', '')} (the robot refused)")


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url[:60]  # never the query: a webhook's key is a password


def fit(text: str, limit: int, tail: str = "\n……（未完，详见督办系统）") -> str:
    """`text` cut to `limit` UTF-8 bytes at a line where it can be, with a tail saying so."""
    if len(text.encode()) <= limit:
        return text
    room = limit - len(tail.encode())
    cut = text.encode()[:room].decode(errors="ignore")
    return (cut.rsplit("\n", 1)[0] if "\n" in cut else cut) + tail
