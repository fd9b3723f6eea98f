"""What several pages share: the as-of day, the documents to choose from, a task's line on a board."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import Query
from fastapi.responses import Response
from pydantic import BeforeValidator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ... import clock
from ...errors import DubanError
from ...store.ledger import task_key
from ...store.models import Document
from ...supervise import status as status_rules
from ...supervise.records import COLOUR_NAMES
from ...supervise.warnings import Entry


def safe_name(filename: str, otherwise: str) -> str:
    """The file's own name without folders, dot-names (`..`) or characters a file system refuses."""
    name = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "_", Path(filename.replace("\\", "/")).name).strip(" .")
    return name or otherwise


def blank(value):
    """An empty form field means "any": a GET form sends every field, filled or not."""
    return None if value == "" else value


def Asked(kind, description: str):  # noqa: N802 - reads as a type in the signatures it is used in
    """An optional query parameter, left empty in the form or not given at all."""
    return Annotated[kind | None, BeforeValidator(blank), Query(description=description)]


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def day(as_of: date | None) -> date:
    """The as-of day, today by default. Days far off are refused: working days are counted one by one."""
    if as_of is not None and not EARLIEST <= as_of <= LATEST:
        raise DubanError(f"日期应在 {EARLIEST} 至 {LATEST} 之间 (date out of range): {as_of}")
    return as_of or clock.today()


@dataclass
class DocumentChoice:
    id: int
    title: str
    version: int
    public: bool | None
    finished: bool  # 已办结


def documents(s: Session, public_only: bool = False, only: list[int] | None = None) -> list[DocumentChoice]:
    """The current version of every document in the ledger (or of those `only`)."""
    q = select(Document.id, Document.title, Document.path, Document.version, Document.public,
               Document.finished_on).where(Document.current).order_by(Document.id)  # source_text is the file
    if public_only:
        q = q.where(Document.public.is_(True))
    if only is not None:
        q = q.where(Document.id.in_(only))
    return [DocumentChoice(i, title or path, version, public, finished is not None)
            for i, title, path, version, public, finished in s.execute(q)]


CHOICES = 300  # a longer list nobody scrolls: the filter asks for the document's number (macros.html)


class Choices(list):
    """The documents a page's filter offers; `total` says how many there are."""

    def __init__(self, listed: list[DocumentChoice], total: int):
        super().__init__(listed)
        self.total = total


def choices(s: Session, read: list[DocumentChoice] | None = None) -> Choices:
    """Every current document, or none past CHOICES (a province's thousands are not even read); `read`:
    the documents the page has read already."""
    total = len(read) if read is not None else s.scalar(select(func.count()).select_from(Document)
                                                        .where(Document.current))
    return Choices([] if total > CHOICES else read if read is not None else documents(s), total)


@dataclass
class BoardLine:
    """One task on a board: its status and warning with the reasons for both."""

    id: int
    key: str
    document_id: int
    number: str
    title: str
    chapter: str
    lead_units: list[str]
    leaders: list[str]
    due: date | None
    status: str
    percent: float | None
    expected: float | None
    overdue: int
    colour: str | None
    colour_name: str
    reasons: list[str] = field(default_factory=list)
    limit_basis: str = ""  # why this limit: the words it was read from, an approved extension


def board_line(e: Entry) -> BoardLine:
    f, st, w = e.facts, e.status, e.warning
    return BoardLine(f.id, task_key(f.id), f.document_id, f.number, f.title, f.chapter, list(f.lead_units.values()),
                     f.leaders, st.due, st.status, st.percent, st.expected, st.overdue, w.colour,
                     COLOUR_NAMES.get(w.colour, "无"), list(dict.fromkeys([*st.reasons, *w.reasons])),
                     f.why_due)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(content: bytes, media_type: str, filename: str, fallback: str) -> Response:
    """A file to save, named in Chinese (RFC 5987) with an ASCII `fallback` name for old clients."""
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"})


def pct(x: float | None) -> str:
    return status_rules.pct(x) if x is not None else ""
