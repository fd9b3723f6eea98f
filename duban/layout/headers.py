"""The header row of a task table, found by its labels wherever it stands: on one line (tabs,
pipes, runs of spaces, labels spaced out or run together) or one label per line, a label
wrapped over two lines ("牵头" / "部门") joined again. A table without a 序号 column numbers its
rows in the task cell ("1、地区生产总值增长率"): its header gets a number column there."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalize import Piece, cut, joined
from .columns import COLUMNS, MAPPED, column_kind, is_header, segments

SEPARATORS = re.compile(r"\s*\|\s*|\t|[ \u3000]{2,}")  # one tab per cell: an empty cell stays
NOTE = re.compile(r"^（[^（）]{1,8}）$")  # "（全年）" under a label
VERTICAL_MIN = 4
NUMBER_LABEL = re.compile(r"序|编\s*号")
SENTENCE = re.compile(r"[，。；]")  # labels one per line, without 序号: this many at least


def split_cells(piece: Piece, spaces: bool = True) -> list[Piece]:
    """Cells of a row printed on one line: by pipes, tabs or runs of spaces; by single spaces
    only when `spaces` (a row whose columns are set off by one space)."""
    text = piece.text
    rx = SEPARATORS if SEPARATORS.search(text.strip(" |")) or not spaces else re.compile(r"[ \u3000]+")
    out, pos = [], 0
    for m in rx.finditer(text):
        out.append(cut(piece, pos, m.start()))
        pos = m.end()
    out.append(cut(piece, pos, len(text)))
    if text.strip().startswith("|") and out and not out[0].text:
        out = out[1:]
    while out and not out[-1].text and "|" in text[-3:]:
        out.pop()
    return out


@dataclass
class Header:
    kinds: list[str | None]
    cells: list[Piece]
    number_at: int
    vertical: bool  # printed one label per line: the rows are one cell per line too
    numbered_text: bool = False  # no 序号 column: a row starts with its task cell's "1、"
    glued: bool = False  # printed without separators: "类别序号重点督办内容牵头单位…"


def labelled(cells: list[Piece], numbered: bool = True) -> list[str | None] | None:
    kinds = [column_kind(c.text) for c in cells]
    return kinds if is_header(kinds, numbered) else None


def segmented(piece: Piece) -> list[Piece] | None:
    """A header whose labels are spaced out or run together, cut at its labels (a header has 序号 or
    编号 and no sentence in it)."""
    if not NUMBER_LABEL.search(piece.folded) or SENTENCE.search(piece.folded):
        return None
    at = [i for i, ch in enumerate(piece.text) if ch not in " \u3000|\t"]
    spans = segments("".join(piece.text[i] for i in at)) if 6 <= len(at) <= 60 else None
    return [cut(piece, at[s], at[e - 1] + 1) for s, e in spans] if spans else None


def rejoined_labels(cells: list[Piece]) -> list[Piece]:
    """Labels printed one per line, a label wrapped over two lines joined ("牵头" + "部门")."""
    out: list[Piece] = []
    for cell in cells:
        if out and (NOTE.match(cell.folded.strip()) or wrapped_label(out[-1], cell)
                    or ("".join((out[-1].text + cell.text).split()) in COLUMNS
                        and "".join(out[-1].text.split()) not in COLUMNS)):
            out[-1] = joined([out[-1], cell], "")
        else:
            out.append(cell)
    return out


def wrapped_label(first: Piece, second: Piece) -> bool:
    """"区政府办" / "协管责任人": no label alone, one label together."""
    return column_kind(first.text) is None and column_kind(first.text + second.text) is not None \
        and len(first.text.strip()) <= 8 and not first.text.strip(" |").isdigit()  # "1" / "主要预期目标": a row


def vertical_at(pieces: list[Piece], i: int) -> tuple[Header, int] | None:
    """A header printed one label per line from line i, numbered or not; a note in brackets
    under a label ("落实情况" / "（全年）") belongs to it."""
    k = i
    while k < len(pieces) and (column_kind(pieces[k].text) or (k > i and NOTE.match(pieces[k].folded.strip()))
                               or (k + 1 < len(pieces) and wrapped_label(pieces[k], pieces[k + 1]))):
        k += 1
    cells = rejoined_labels([cut(p, 0, len(p.text)) for p in pieces[i:k]])
    kinds = labelled(cells)
    if kinds:
        return Header(kinds, cells, kinds.index("number"), True), k
    if len(cells) >= VERTICAL_MIN and (kinds := labelled(cells, numbered=False)):
        return numbered_in_text(Header(kinds, cells, 0, True)), k
    return None


def numbered_in_text(header: Header) -> Header:
    """A header without 序号: the rows number their task cell, so a number column goes before it."""
    at = header.kinds.index("text")
    first = header.cells[at]
    header.kinds.insert(at, "number")
    header.cells.insert(at, Piece("序号", [first.origin[0]] * 2 if first.origin else []))
    header.number_at, header.numbered_text = at, True
    return header


def header_at(pieces: list[Piece], i: int) -> tuple[Header, int] | None:
    """The header starting at line i and the line after it, or None."""
    piece = pieces[i]
    if column_kind(piece.text) and (found := vertical_at(pieces, i)):
        return found
    if len(piece.text) > 120 or not (NUMBER_LABEL.search(piece.folded) or MAPPED.get()):  # a header names 序号
        return None
    for glued, cells in ((False, split_cells(piece, spaces=False)), (True, segmented(piece))):
        kinds = labelled(cells) if cells and len(cells) >= 3 else None
        if kinds:
            glued = glued and not re.search(r"[\s|]", piece.text.strip())  # labels run together: rows too
            return Header(kinds, cells, kinds.index("number"), False, glued=glued), i + 1
    return None


