"""One file -> official documents, each with its GB/T 9704 header.

A gazette (政府公报) bundles many documents after a table of contents; the TOC is not a
document, but its entries tell where documents start, even those without a 版头 (speeches,
news). A document starts at a 版头 ("XX人民政府文件"), or at a heading that matches a TOC
entry; a file with neither is one document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from . import markers
from .header import DOC_NUMBER, GENRES, HEADER_LINES, LEX, MASTHEAD, read_header, squeeze
from .records import Document, Text
from .region import region_in, region_of

TOC_ENTRY = re.compile(r"(?:\t|\.{3,}|…{2,}|\s{2,})\s*[（(]?\d{1,4}[）)]?$")
TOC_NUMBER = re.compile(r"（[^（）]*〔\d{4}〕[^（）]*）$")  # "…的通知（永政文〔2024〕15号）"
TOC_HEADING = re.compile(LEX["toc_heading"])


@dataclass
class Block:
    """A document's line range in Text.lines."""

    first: int
    last: int  # exclusive


def line_texts(text: Text) -> tuple[list[str], list[str]]:
    shown = [text.display[ln.start:ln.end] for ln in text.lines]
    folded = [text.fold[ln.start:ln.end] for ln in text.lines]
    return shown, folded


def toc_range(folded: list[str]) -> tuple[int, int, list[str]]:
    """(first, last+1, entry titles) of a table of contents, or (0, 0, [])."""
    start = next((i for i, f in enumerate(folded[:200]) if TOC_HEADING.match(squeeze(f))), None)
    if start is None:
        return 0, 0, []
    entries, last, i = [], start, start + 1
    while i < len(folded) and i - last <= 4:
        f = folded[i]
        if TOC_ENTRY.search(f) or (i + 1 < len(folded) and DOC_NUMBER.match(squeeze(folded[i + 1]))
                                   and TOC_ENTRY.search(folded[i + 1])):
            title = TOC_NUMBER.sub("", squeeze(TOC_ENTRY.sub("", f)).rstrip(".…"))
            before = squeeze(folded[i - 1])
            if i - 1 > last and not TOC_ENTRY.search(folded[i - 1]) and not re.search(r"[〔】：]", before):
                title = before + title  # an entry printed over two lines
            if not DOC_NUMBER.match(title) and len(title) >= 4 and markers.match(title) is None:
                entries.append(title)  # a plan's own chapters in its TOC start no document
            last = i
        i += 1
    return start, last + 1, entries


def best_entry(line: str, entries: list[str]) -> int | None:
    """Index of the TOC entry this line is the heading of (TOC titles lack the issuer and
    may differ in a word or two from the body), or None."""
    s = squeeze(line)
    if len(s) < 4:
        return None
    chars = set(s)
    scores = [1.0 if s.endswith(e) else similarity(s[-len(e) - 4:], e)
              if len(chars & characters(e)) >= 0.7 * len(e) else 0.0 for e in entries]
    best = max(range(len(entries)), key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] >= 0.8 else None


@lru_cache(maxsize=4096)
def characters(entry: str) -> frozenset[str]:
    return frozenset(entry)


def similarity(a: str, b: str) -> float:
    """difflib's ratio, skipped (0) when lengths or shared characters already fall short."""
    if not a or not b or 2 * min(len(a), len(b)) < 0.8 * (len(a) + len(b)):
        return 0.0
    sa, sb = set(a), set(b)
    if 2 * len(sa & sb) < 0.7 * (len(sa) + len(sb)):
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def heading_entry(text: Text, folded: list[str], i: int, entries: list[str]) -> int | None:
    """The TOC entry line i is the heading of, alone or with the next line (a title in two lines)."""
    if not entries or not is_heading_like(folded[i], text.lines[i].heading):
        return None
    entry = best_entry(folded[i], entries)
    if entry is None and i + 1 < len(folded) and not squeeze(folded[i]).endswith(GENRES):
        entry = best_entry(folded[i] + folded[i + 1], entries)
    return entry


def is_heading_like(folded: str, heading: bool) -> bool:
    return heading or (len(squeeze(folded)) <= 40 and not re.search(r"[，。；：]", folded))


def document_starts(text: Text, shown: list[str], folded: list[str]) -> tuple[list[int], int]:
    """Line indexes where documents start, and the first line after any TOC. A TOC heading
    right after a 版头 is that document's title; each TOC entry starts one document."""
    _, toc_end, entries = toc_range(folded)
    starts: list[int] = []
    used: set[int] = set()
    awaiting_title = False
    for i in range(toc_end, len(folded)):
        f = squeeze(folded[i])
        if MASTHEAD.match(f):
            starts.append(i)
            awaiting_title = True
            continue
        entry = heading_entry(text, folded, i, entries)
        if entry is None or entry in used:
            continue
        used.add(entry)
        if awaiting_title and i - starts[-1] <= HEADER_LINES:
            awaiting_title = False
        else:
            starts.append(i)
            awaiting_title = False
    return starts, toc_end


def split(text: Text) -> list[Document]:
    """Documents found in the text, each with header fields and its span."""
    shown, folded = line_texts(text)
    starts, toc_end = document_starts(text, shown, folded)
    if not starts:
        starts = [0]
    blocks = [Block(s, e) for s, e in zip(starts, starts[1:] + [len(folded)], strict=True) if s < e]
    docs = [read_header(text, shown, folded, b.first, b.last) for b in blocks]
    for d in docs:  # the outline starts after a TOC inside the document's header
        if d.lines[0] <= toc_end <= d.lines[1]:
            d.body_line = max(d.body_line, toc_end)
    fallback = next((d.region for d in docs if d.region), None) or \
        (region_of(squeeze(folded[0]), squeeze(shown[0]), strict=True) if shown else None)
    for d in docs:
        d.region = d.region or fallback or lead_region(shown, d)
    return docs




def lead_region(shown: list[str], doc: Document) -> str | None:
    """No region from any document of the file: one a line of the header zone names ("近日，渝中区人民政府
    办公室发布…")."""
    return next(filter(None, map(region_in, shown[doc.lines[0]:doc.body_line + 3])), None)
