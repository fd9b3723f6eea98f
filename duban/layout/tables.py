"""Task tables however a page flattened them, rebuilt as one tab-separated line per row.

The header row is found by its labels wherever it stands (first line, after 附件, spaced out,
one label per line, pipes, tabs, runs of spaces). Rows are anchored on the 序号 sequence
1, 2, 3 … (restarting after a category row); whatever stands between two anchors (cells one
per line, a units cell broken over lines, a continuation line, a sub-row) is given to the
columns by what it holds (`cells.assign`). A category row (一、…), alone or in a merged first
column, becomes a heading line before its rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import markers
from ..normalize import Piece, is_closing, joined
from .cells import ROLES, assign
from .columns import column_kind, is_header, segments

SEPARATORS = re.compile(r"\s*\|\s*|\t|[ \u3000]{2,}")  # one tab per cell: an empty cell stays
LOOKAHEAD = 40  # lines searched for the next row number before a table is taken to end
CONTINUATION_MAX = 60  # after the last row, a longer line is the text after the table


@dataclass
class Header:
    kinds: list[str | None]
    cells: list[Piece]
    number_at: int
    vertical: bool  # printed one label per line: the rows are one cell per line too


def cut(piece: Piece, start: int, end: int) -> Piece:
    while start < end and piece.text[start] in " \u3000|":
        start += 1
    while end > start and piece.text[end - 1] in " \u3000|":
        end -= 1
    return Piece(piece.text[start:end], piece.origin[start:end], after_blank=piece.after_blank)


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


def labelled(cells: list[Piece]) -> list[str | None] | None:
    kinds = [column_kind(c.text) for c in cells]
    return kinds if is_header(kinds) else None


def segmented(piece: Piece) -> list[Piece] | None:
    """A header whose labels are spaced out or run together, cut at its labels."""
    at = [i for i, ch in enumerate(piece.text) if ch not in " \u3000|\t"]
    spans = segments("".join(piece.text[i] for i in at)) if 6 <= len(at) <= 60 else None
    return [cut(piece, at[s], at[e - 1] + 1) for s, e in spans] if spans else None


def header_at(pieces: list[Piece], i: int) -> tuple[Header, int] | None:
    """The header starting at line i and the line after it, or None."""
    piece = pieces[i]
    if column_kind(piece.text) == "number":  # one label per line
        k = i + 1
        while k < len(pieces) and column_kind(pieces[k].text):
            k += 1
        kinds = labelled([cut(p, 0, len(p.text)) for p in pieces[i:k]])
        if kinds:
            return Header(kinds, [cut(p, 0, len(p.text)) for p in pieces[i:k]], 0, True), k
    if len(piece.text) > 120:
        return None
    for cells in (split_cells(piece, spaces=False), segmented(piece)):
        kinds = labelled(cells) if cells and len(cells) >= 3 else None
        if kinds:
            return Header(kinds, cells, kinds.index("number"), False), i + 1
    return None


def bare_number(piece: Piece) -> int | None:
    t = piece.text.strip(" \u3000|")
    return int(t) if t.isdigit() and len(t) <= 3 else None


def category(piece: Piece) -> bool:
    f = piece.folded.strip(" |")
    return markers.match(f) is not None and bare_number(piece) is None


class Rows:
    """Reads the rows after a header into `out`."""

    def __init__(self, header: Header, pieces: list[Piece], out: list[Piece]):
        self.header, self.pieces, self.out = header, pieces, out
        self.expected, self.row = 1, None

    def anchor(self, i: int, restart: bool = False) -> tuple[list[Piece], Piece, list[Piece]] | None:
        """(cells before the number, the number, cells after) if line i starts row `expected`
        (or row 1 again after a category row: numbering that restarts per chapter)."""
        piece = self.pieces[i]
        restart = restart or self.row is None or self.row == "category"
        wanted = {self.expected} | ({1} if restart else set())
        if self.vertical:
            return ([], cut(piece, 0, len(piece.text)), []) if bare_number(piece) in wanted else None
        cells = split_cells(piece)
        for j in range(min(len(cells), self.header.number_at + 1)):
            if bare_number(cells[j]) in wanted:
                return cells[:j], cells[j], cells[j + 1:]
        return None

    @property
    def vertical(self) -> bool:
        return self.header.vertical

    def next_anchor(self, i: int, restart: bool = False) -> bool:
        for k in range(i, min(len(self.pieces), i + LOOKAHEAD)):
            if is_closing(self.pieces[k].folded) or header_at(self.pieces, k):
                return False
            if self.anchor(k, restart) is not None:
                return True
        return False

    def read(self, i: int) -> int:
        """Rows from line i; returns the first line after the table."""
        while i < len(self.pieces):
            piece = self.pieces[i]
            if is_closing(piece.folded) or header_at(self.pieces, i):
                break
            found = self.anchor(i)
            if found is not None:
                self.flush()
                self.row = found
                self.expected = bare_number(found[1]) + 1
            elif category(piece) and not self.opened() and (self.row is None or self.next_anchor(i + 1, restart=True)):
                self.flush()
                self.out.append(cut(piece, 0, len(piece.text)))
                self.row = "category"
            elif isinstance(self.row, tuple) and self.continues(i):
                self.row[2].extend([cut(piece, 0, len(piece.text))] if self.vertical else split_cells(piece))
            else:
                break
            i += 1
        self.flush()
        return i

    def opened(self) -> bool:
        """A row whose number has just been read: a category line now is its merged first cell."""
        return isinstance(self.row, tuple) and not self.row[2]

    def continues(self, i: int) -> bool:
        """Line i is more of the current row (not the text after the table)."""
        if self.next_anchor(i):
            return True
        piece = self.pieces[i]
        if self.vertical:  # the last row: as many cells as columns, wrapped lines counted once
            taken = len(unwrapped(self.row[2]))
            spaced = any(c.after_blank for c in self.row[2]) or piece.after_blank
            open_list = bool(self.row[2]) and self.row[2][-1].folded.rstrip().endswith(("、", "，"))
            return taken < len(self.header.kinds) - 1 or (spaced and not piece.after_blank) or open_list
        return len(piece.text) <= CONTINUATION_MAX

    def flush(self) -> None:
        if not isinstance(self.row, tuple):
            return
        before, number, after = self.row
        self.row = None
        for cell in before:
            if category(cell):  # a merged category cell in a column before 序号
                self.out.append(cell)
        kinds = [k or "text" for k in self.header.kinds[self.header.number_at + 1:]]
        cells = unwrapped(after) if self.vertical else after
        spans = [(k, k + 1) for k in range(len(kinds))] + [(len(kinds), len(kinds))] if len(cells) == len(kinds) \
            else assign([c.folded for c in cells], kinds)  # a cell per column: as printed, empty ones too
        groups = [[c for c in cells[s:e] if c.text] for s, e in spans]
        spill = groups.pop()
        for k, kind in enumerate(kinds):
            if kind == "other" and groups[k] and category(groups[k][0]):
                self.out.append(groups[k].pop(0))  # a merged category cell after 序号 (章节)
        notes = [k for k, kind in enumerate(kinds) if kind not in (*ROLES, "lead_leaders")]
        if spill and notes:  # a row's extra notes join its last non-role cell
            groups[notes[-1]] += spill
        row = [Piece("", [])] * self.header.number_at + [number]
        row += [joined(g, "、" if kind in ROLES else "") if g else Piece("", []) for kind, g in zip(kinds, groups, strict=True)]
        self.out.append(joined(row, "\t"))


def unwrapped(cells: list[Piece]) -> list[Piece]:
    """Where blank lines separate the cells, a line after a single newline wraps the cell above."""
    if not any(c.after_blank for c in cells):
        return cells
    out = [cells[0]] if cells else []
    for cell in cells[1:]:
        goes_on = not cell.after_blank or out[-1].folded.rstrip().endswith(("、", "，"))  # "区科技局、" + "投促局、"
        out[-1:] = [joined([out[-1], cell], "")] if goes_on else [out[-1], cell]
    return out


def rebuild(pieces: list[Piece]) -> list[Piece]:
    """The lines with every task table found rebuilt as header + one tab-separated line per row."""
    out, i = [], 0
    while i < len(pieces):
        found = header_at(pieces, i)
        if found is None:
            out.append(pieces[i])
            i += 1
            continue
        header, i = found
        out.append(joined(header.cells, "\t"))
        i = Rows(header, pieces, out).read(i)
    return out
