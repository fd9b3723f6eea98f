"""企业微信 group robot: POST {"msgtype": "markdown", "markdown": {"content"}} (or "text") to its webhook
(https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...); it answers {"errcode": 0} when it took it."""

from __future__ import annotations

from .common import Outgoing, errcode_ok, fit, host_of, post_json

LIMITS = {"markdown": 4096, "text": 2048}  # bytes of content the robot takes (WeCom's documentation)


def body_of(m: Outgoing, msgtype: str) -> dict:
    content = f"### {m.subject}\n{m.body}" if msgtype == "markdown" else f"{m.subject}\n{m.body}"
    return {"msgtype": msgtype, msgtype: {"content": fit(content, LIMITS[msgtype])}}


def send(m: Outgoing, conf: dict) -> None:
    notify = conf["notify"]
    errcode_ok(post_json(m.address, body_of(m, notify["wecom_msgtype"]), notify["timeout_seconds"]),
               host_of(m.address))
