"""The append-only audit log: who did what, when, to which record."""

from __future__ import annotations

import getpass
import os
from datetime import datetime

from sqlalchemy.orm import Session

from .models import AuditEntry


def current_user() -> str:
    """Who runs the command: DUBAN_USER, else the login name."""
    try:
        return os.environ.get("DUBAN_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(session: Session, actor: str, action: str, entity: str, entity_id, **detail) -> None:
    session.add(AuditEntry(at=datetime.now(), actor=actor, action=action, entity=entity, entity_id=str(entity_id),
                           detail=detail))
