"""SMS through the office's gateway: a program run with the phone number and the message as its last two
arguments (argv, never a shell: a message cannot run anything), or a URL POSTed {"to", "text"}."""

from __future__ import annotations

import shlex
import subprocess

from .common import Outgoing, SendError, post_json


def command_of(setting: str | list) -> list[str]:
    return shlex.split(setting) if isinstance(setting, str) else [str(a) for a in setting]


def text_of(m: Outgoing, limit: int) -> str:
    text = f"{m.subject}：{m.body}"
    return text if len(text) <= limit else text[:limit - 1] + "…"


def run(argv: list[str], timeout: float) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError) as e:
        raise SendError(f"短信程序无法运行 (the SMS program failed): {e}") from None
    if done.returncode != 0:
        raise SendError(f"短信程序退出码 {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}")


def send(m: Outgoing, conf: dict) -> None:
    notify = conf["notify"]
    text = text_of(m, notify["sms_max_chars"])
    if command := command_of(notify["sms_command"]):
        run([*command, m.address, text], notify["timeout_seconds"])
    elif notify["sms_url"]:
        post_json(notify["sms_url"], {"to": m.address, "text": text}, notify["timeout_seconds"])
    else:
        raise SendError("未设置短信网关：notify.sms_command 或 notify.sms_url (no SMS gateway set)")
