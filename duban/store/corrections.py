"""A reviewer's corrections of the extraction, kept apart from it (table `corrections`) and applied again
whenever a document of the same series is extracted (see `documents.ingest` and `duban.review`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..review import CORRECTABLE, Edit
from . import audit
from .models import Correction


def add(s: Session, series: str, task_text: str, field: str, value, actor: str) -> Correction:
    """Record one correction of the task whose extracted text is `task_text`, audited as `actor`."""
    if field not in CORRECTABLE:
        raise DubanError(f"无法更正的字段 (not a correctable field): {field}")
    row = Correction(series=series, task_text=task_text, field=field, value=value, by=actor, at=clock.now())
    s.add(row)
    s.flush()
    audit.record(s, actor, "correct", "correction", row.id, series=series, field=field, task_text=task_text[:200],
                 value=value)
    return row


def of_series(s: Session, series: str) -> list[Edit]:
    """Every correction of a series, oldest first (`review.apply` keeps the newest per task and field)."""
    rows = s.scalars(select(Correction).where(Correction.series == series).order_by(Correction.id))
    return [Edit(r.task_text, r.field, r.value) for r in rows]


def rows_of(s: Session, series: list[str]) -> list[Correction]:
    """The correction rows of some series, newest first, for showing who changed what."""
    return list(s.scalars(select(Correction).where(Correction.series.in_(series)).order_by(Correction.id.desc())))


def newest_at(s: Session, series: str) -> datetime | None:
    """When the series was last corrected."""
    return s.scalar(select(func.max(Correction.at)).where(Correction.series == series))
