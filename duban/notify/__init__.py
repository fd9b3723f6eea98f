"""Stage `notify`: the ledger's news reaching the units. The day's 催办 and events (events.py) become
messages (compose.py) queued in the outbox (outbox.py), to each unit's channel as the office's settings
route it (routes.py, [notify.units]); send.py sends what is due, outside quiet hours (quiet.py), retrying
what failed, through 企业微信, 钉钉, e-mail or SMS (channels/)."""

from __future__ import annotations

from .outbox import failed, queue_day
from .send import send_due

__all__ = ["failed", "queue_day", "send_due"]
