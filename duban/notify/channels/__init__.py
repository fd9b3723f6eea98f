"""The ways a message reaches a unit, by the name the office gives in [notify.units]: each a module with
`send(Outgoing, settings)` that returns when the message went and raises SendError when it did not."""

from __future__ import annotations

from . import dingtalk, email, sms, wecom
from .common import Outgoing, SendError

CHANNELS = {"wecom": wecom.send, "dingtalk": dingtalk.send, "email": email.send, "sms": sms.send}

__all__ = ["CHANNELS", "Outgoing", "SendError"]
