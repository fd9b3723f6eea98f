"""E-mail through the office's SMTP server ([smtp] host, port, user, password, sender, starttls)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from .common import Outgoing, SendError


def letter(m: Outgoing, sender: str) -> EmailMessage:
    out = EmailMessage()
    out["From"], out["To"], out["Subject"] = sender, m.address, m.subject
    out.set_content(m.body)
    return out


def send(m: Outgoing, conf: dict) -> None:
    smtp = conf["smtp"]
    if not smtp["host"] or not smtp["sender"]:
        raise SendError("未设置邮件服务器：[smtp] host 和 sender (no mail server set)")
    try:
        with smtplib.SMTP(smtp["host"], int(smtp["port"]), timeout=conf["notify"]["timeout_seconds"]) as server:
            if smtp["starttls"]:
                server.starttls()
            if smtp["user"]:
                server.login(smtp["user"], smtp["password"])
            server.send_message(letter(m, smtp["sender"]))
    except (smtplib.SMTPException, OSError) as e:
        raise SendError(f"邮件未发出 (mail not sent): {e}") from None
