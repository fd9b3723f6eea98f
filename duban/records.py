"""Plain records passed from stage to stage. Offsets are character offsets into Source.text."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Box:
    """Where a line of text read by OCR stands on its page: text[start:end] on page `page` (from 0), the
    box as shares of the page's width and height (any rendering of the page shows it)."""

    start: int
    end: int
    page: int
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class Source:
    """A decoded file: the text every span points into, and how it was read."""

    path: str
    text: str
    format: str  # txt, md, docx, pdf, pdf+ocr, image, html, xlsx, doc, xls
    encoding: str | None = None
    boxes: list[Box] = field(default_factory=list)  # lines read by OCR, in text order

    def boxes_of(self, span: Span) -> list[Box]:
        return [b for b in self.boxes if b.start < span.end and span.start < b.end]

    @cached_property
    def newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.text)]

    def line_of(self, offset: int) -> int:
        """1-based line number of an offset (what a clerk sees in an editor)."""
        return bisect_left(self.newlines, offset) + 1


@dataclass
class Line:
    """One line of the normalized text: start/end index into Text.display."""

    start: int
    end: int
    heading: bool = False  # the source marked it as a heading (markdown #)


@dataclass
class Text:
    """Normalized text: `display` keeps the printed characters (OCR breaks repaired, markup
    dropped); `fold` has the same length with widths and traditional characters folded, for
    matching; `origin[i]` is the Source.text offset of display[i] (one extra entry at the end)."""

    source: Source
    display: str
    fold: str
    origin: list[int]
    lines: list[Line]

    def span(self, start: int, end: int) -> Span:
        """Source span of display[start:end]."""
        if end <= start:
            return Span(self.origin[start], self.origin[start])
        return Span(self.origin[start], self.origin[end - 1] + 1)


@dataclass
class Mention:
    """A unit or person as printed, with its role and where it was found."""

    name: str
    role: str  # lead_leaders, lead_units, co_units, resp_units, unattributed_units
    span: Span


@dataclass
class Deadline:
    """A time limit: the phrase as printed, the date it means (None for recurring or standing
    limits), its kind (lexicon/deadlines.yaml), and whether it was inferred from the plan."""

    text: str
    span: Span
    due: date | None = None
    kind: str = "field"
    recurrence: dict | None = None
    inferred: bool = False


@dataclass
class Task:
    number: str
    path: list[str]
    title: str
    text: str
    line: int
    span: Span
    mentions: list[Mention] = field(default_factory=list)
    chapter: str = ""  # the top heading's line, for the ledger's chapter rows
    deadlines: list[Deadline] = field(default_factory=list)
    targets: list[dict] = field(default_factory=list)
    # registry ids parallel to each role's names (None: unresolved), filled by duban.units.resolve
    ids: dict[str, list[str | None]] = field(default_factory=dict)

    def role(self, role: str) -> list[str]:
        """Names in one role, in order of first appearance, without duplicates."""
        return list(dict.fromkeys(m.name for m in self.mentions if m.role == role))


@dataclass
class Document:
    source: str
    issuer: str | None = None
    doc_number: str | None = None
    title: str | None = None
    date: str | None = None
    region: str | None = None
    recipients: str | None = None
    public: bool | None = None
    span: Span = Span(0, 0)
    tasks: list[Task] = field(default_factory=list)
    # where the document sits in the normalized Text: its line range and first body line
    lines: tuple[int, int] = (0, 0)
    body_line: int = 0
    # how the tasks were read (extract.tasks.layout_of): table rows, outline items, sentences, confidence
    layout: dict = field(default_factory=dict)
    # numbered lines read as headings, not tasks (number, path, text): the review page can make one a task
    headings: list[dict] = field(default_factory=list)


ROLES = ("lead_leaders", "lead_units", "co_units", "resp_units", "unattributed_units")
