"""A document reposted without its line breaks: one long line where every heading and item
follows a space ("…圆满完成。 一、加快提振市场信心 (一)全面促进消费增长。 1.把恢复…"). Such a
line is cut before each marker that follows a space, and around a document number or a signature
date; where it holds a table's rows (cells set off by runs of spaces), at every such run, one cell
a line. Items glued after their attribution bracket ("…(省发改委负责)(二)公共财政收入…") are cut apart too."""

from __future__ import annotations

import re

from .. import markers
from ..normalize import DATE_LINE, Piece, cut

RUN_ON = 400  # a line this long with several spaced markers is a whole document
MIN_BREAKS = 3
SPACE = re.compile(r"[ \u3000]+")
NUMBER = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d{1,4}号$")  # folded: "豫政〔2023〕5号"
COLUMN_GAP = re.compile(r"[ \u3000]{2,}")
ROW_NUMBER = re.compile(r"(?<=[ \u3000]{2})(\d{1,3})(?=[ \u3000]{2})")


def breaks(piece: Piece) -> list[tuple[int, int]]:
    """(start, end) of each space the line is to be cut at."""
    f = piece.folded
    out = []
    for m in SPACE.finditer(f):
        before = f[:m.start()].rsplit(" ", 1)[-1]
        after = f[m.end():].split(" ")[0]
        if markers.match(f[m.end():]) is not None or NUMBER.search(before) or NUMBER.match(after) \
                or DATE_LINE.match(before) or DATE_LINE.match(after):  # a signature date
            out.append((m.start(), m.end()))
    return out


def glued(piece: Piece) -> list[tuple[int, int]]:
    """Where the next item of the line's own list starts right after a closing bracket."""
    f = piece.folded
    first = markers.match(f) if "）" in f[1:] else None
    if first is None:
        return []
    out, kind, value = [], first.kind, first.value
    i = f.find("）", first.end)
    while i >= 0:
        if (m := markers.match(f[i + 1:])) is not None and m.kind == kind and m.value == value + 1:
            out.append((i + 1, i + 1))
            value += 1
        i = f.find("）", i + 1)
    return out


def cells(piece: Piece) -> list[tuple[int, int]]:
    """Every run of spaces, where the line holds a table's rows run together: cells set apart by two
    spaces or more, two of them row numbers in sequence ("…   1   加快…   市市场监管局   2   深化…")."""
    runs = list(COLUMN_GAP.finditer(piece.folded))
    numbers = {int(m.group(1)) for m in ROW_NUMBER.finditer(piece.folded)}
    return [m.span() for m in runs] if any(n + 1 in numbers for n in numbers) else []


def shorter_run_on(piece: Piece) -> list[tuple[int, int]]:
    """A shorter run-on piece ("…制定以下工作要点。 一、持续深化改革 (一)完善清单。…"): two spaced markers
    at least, one of them after a full stop."""
    if not RUN_ON // 2 <= len(piece.text) < RUN_ON or "\t" in piece.text or "|" in piece.text:
        return []
    cuts = breaks(piece)
    stops = [s for s, _ in cuts if s > 0 and piece.folded[s - 1] == "。"]
    return cuts if len(cuts) >= 2 and stops else []


def unflatten(pieces: list[Piece]) -> list[Piece]:
    out = []
    for piece in pieces:
        cuts = sorted(set(breaks(piece)) | set(cells(piece))) if len(piece.text) >= RUN_ON else []
        if len(cuts) < MIN_BREAKS:
            cuts = glued(piece) or shorter_run_on(piece)
        if not cuts:
            out.append(piece)
            continue
        pos = 0
        for start, end in cuts + [(len(piece.text), len(piece.text))]:
            if start > pos:
                out.append(cut(piece, pos, start))
            pos = end
    return out
