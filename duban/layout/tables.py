"""Task tables however a page flattened them, rebuilt as one tab-separated line per row.

The header row is found by its labels wherever it stands (`headers`). Rows are anchored on the
序号 sequence 1, 2, 3 … (restarting after a category row; from any number on a page that starts
mid-table; "1、" at the head of the task cell when there is no 序号 column); whatever stands
between two anchors (cells one per line, a units cell broken over lines, a continuation line, a
sub-row) is given to the columns by what it holds (`cells.assign`), and a row printed without
separators is cut by what its cells hold. A category row (一、…), alone or in a merged cell,
becomes a heading line before its rows."""

from __future__ import annotations

import re

from .. import markers
from ..fold import fold
from ..names import PLACES
from ..normalize import Piece, cut, is_closing, joined
from .cells import UNITS, assign, holds_person, holds_units
from .columns import ROLES
from .headers import Header, header_at, split_cells

LOOKAHEAD = 40  # lines searched for the next row number before a table is taken to end
CONTINUATION_MAX = 60  # after the last row, a longer line is the text after the table
CATEGORY_MAX = 16  # an unnumbered category cell is a short phrase
PLACE_ENDS = tuple(PLACES)  # a units list ends with an organ, not a place
PROSE = re.compile(r"[，。；：、]|\d")
SUB_KINDS = ("num", "num_paren", "num_rparen", "circled", "paren_digit")  # a row's own items: "1." "（1）" "①"


def bare_number(piece: Piece) -> int | None:
    t = piece.text.strip(" \u3000|")
    return int(t) if t.isdigit() and len(t) <= 3 else None


def lone_marker(piece: Piece) -> bool:
    """A heading's number on a line of its own ("（一）"), its words on the next."""
    f = piece.folded.strip(" |")
    return markers.match(f + " x") is not None and markers.match(f) is None and len(f) <= 6


def category(piece: Piece) -> bool:
    f = piece.folded.strip(" |")
    return markers.match(f) is not None and bare_number(piece) is None


class Rows:
    """Reads the rows after a header into `out`."""

    def __init__(self, header: Header, pieces: list[Piece], out: list[Piece]):
        self.header, self.pieces, self.out = header, pieces, out
        self.expected, self.row = 1, None
        self.sub = 0  # the last item a row numbers inside its task cell ("1.地区生产总值…")

    def anchor(self, i: int, restart: bool = False) -> tuple[list[Piece], Piece, list[Piece]] | None:
        """(cells before the number, the number, cells after) if line i starts row `expected`
        (or row 1 again after a category row: numbering that restarts per chapter; any number
        for the first row: a page that starts mid-table)."""
        piece = self.pieces[i]
        restart = restart or self.row is None or self.row == "category"
        wanted = {self.expected} | ({1} if restart else set())
        if self.header.numbered_text:  # "1、地区生产总值增长率"
            m = markers.match(piece.folded)
            if m is None or m.kind != "num" or not (m.value in wanted or self.row is None):
                return None
            return [], cut(piece, 0, m.end), [cut(piece, m.end, len(piece.text))]
        if self.vertical:
            n = bare_number(piece)
            return ([], cut(piece, 0, len(piece.text)), []) if n in wanted or (n and self.row is None) else None
        if self.header.glued:
            return self.glued_anchor(piece, wanted)
        cells = split_cells(piece)
        for j in range(min(len(cells), self.header.number_at + 1)):
            if bare_number(cells[j]) in wanted:
                return cells[:j], cells[j], cells[j + 1:]
        return None

    def glued_anchor(self, piece: Piece, wanted: set[int]) -> tuple[list[Piece], Piece, list[Piece]] | None:
        """A row printed without separators: the row number where 序号 stands (after a category
        phrase, if a column comes before it), the rest cut by what each column holds."""
        for m in re.finditer(r"(?<!\d)(\d{1,3})(?!\d)", piece.text[:CATEGORY_MAX * 2]):
            if int(m.group(1)) in wanted and (m.start() > 0) == (self.header.number_at > 0):
                kinds = self.header.kinds[self.header.number_at + 1:]
                before = [cut(piece, 0, m.start())] if m.start() else []
                return before, cut(piece, m.start(), m.end()), glued_cells(piece, m.end(), kinds)
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
                self.row, self.sub = found, 0
                self.expected = int("".join(ch for ch in found[1].text if ch.isdigit())) + 1
            elif (category(piece) and not self.opened() and (self.row is None or self.next_anchor(i + 1, restart=True))) \
                    or self.unnumbered_category(i) or self.chapter_row(i):
                self.flush()
                if lone_marker(piece) and i + 1 < len(self.pieces) and self.anchor(i + 1) is None:
                    piece, i = joined([piece, self.pieces[i + 1]], ""), i + 1  # "（一）" / "加强战略科技力量建设。"
                self.out.append(cut(piece, 0, len(piece.text)))
                self.row = "category"
            elif self.sub_item(piece):
                self.split_row(piece)
            elif isinstance(self.row, tuple) and self.continues(i):
                self.row[2].extend([cut(piece, 0, len(piece.text))] if self.vertical else split_cells(piece))
            else:
                break
            i += 1
        self.flush()
        return i

    def sub_item(self, piece: Piece) -> bool:
        """"2.一般公共预算收入…" in a row whose task cell opened with "1." (or "（1）"): the row's own
        numbered items, each with its own cells after it."""
        if not (self.vertical and isinstance(self.row, tuple)) or (m := markers.match(piece.folded)) is None \
                or m.kind not in SUB_KINDS or m.value < 2:
            return False
        if self.sub == 0:
            firsts = [markers.match(c.folded) for c in self.row[2]]
            self.sub_kind = next((f.kind for f in firsts if f is not None and f.kind in SUB_KINDS and f.value == 1), None)
            self.sub = 1 if self.sub_kind else -1
        return m.kind == self.sub_kind and m.value == self.sub + 1

    def split_row(self, piece: Piece) -> None:
        """The row becomes the heading of its items ("1、主要预期目标"), each item a row of its own."""
        before, number, after = self.row
        if self.sub == 1:
            at = next(k for k, c in enumerate(after) if (m := markers.match(c.folded)) and m.kind == self.sub_kind)
            self.out.append(joined([number, *after[:at]], "、"))
            self.row = (before, *self.numbered(after[at], at))
            self.row[2].extend(after[at + 1:])
        self.flush()
        self.row = (before, *self.numbered(piece, self.at))
        self.sub += 1

    def numbered(self, cell: Piece, at: int) -> tuple[Piece, list[Piece]]:
        """(the item's number, its cells: the merged ones before its text left empty)."""
        m = markers.match(cell.folded)
        self.at = at
        return cut(cell, 0, m.end), [Piece("", [])] * at + [cut(cell, m.end, len(cell.text))]

    def width(self) -> int:
        """Columns after the number: a complete row has as many cells."""
        return len(self.header.kinds) - self.header.number_at - 1

    def unnumbered_category(self, i: int) -> bool:
        """A merged 类别 cell printed before its rows ("高质量发展" / "1、地区生产总值…")."""
        if "other" not in self.header.kinds[:self.header.number_at] or i + 1 >= len(self.pieces):
            return False
        if isinstance(self.row, tuple) and len(unwrapped(self.row[2])) < self.width():
            return False  # the row above still has cells to come
        f = self.pieces[i].folded.strip()
        return 0 < len(f) <= CATEGORY_MAX and not PROSE.search(f) and not holds_units(f) and self.anchor(i) is None \
            and self.anchor(i + 1, restart=True) is not None

    def chapter_row(self, i: int) -> bool:
        """Before the first row or after a category: a chapter row spanning the table, numbered or not
        ("强化科技创新支撑能力。", "（一）"), where rows follow."""
        piece = self.pieces[i]
        return self.row in (None, "category") and len(piece.text) <= CONTINUATION_MAX and bare_number(piece) is None \
            and not holds_units(piece.folded) and self.next_anchor(i + 1, restart=True)

    def opened(self) -> bool:
        """A row whose number has just been read: a category line now is its merged first cell."""
        return isinstance(self.row, tuple) and not self.row[2]

    def continues(self, i: int) -> bool:
        """Line i is more of the current row (not the text after the table)."""
        if self.next_anchor(i) or self.sub > 0 and any(self.sub_item(p) for p in self.pieces[i + 1:i + self.width()]):
            return True
        piece = self.pieces[i]
        if self.vertical:  # the last row: as many cells as columns, wrapped lines counted once
            taken = len(unwrapped(self.row[2]))
            spaced = any(c.after_blank for c in self.row[2]) or piece.after_blank
            last = self.row[2][-1].folded.rstrip() if self.row[2] else ""
            open_list = last.endswith(("、", "，")) or (holds_units(last) and holds_units(piece.folded))
            unitless = holds_units(piece.folded) and not any(holds_units(c.folded) for c in self.row[2])
            return taken < self.width() or (spaced and not piece.after_blank) or open_list or unitless
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
        merged = next((k for k, c in enumerate(cells) if c.origin), 0)  # an item's cells merged with its row's
        spans = [(k, k + 1) for k in range(len(kinds))] + [(len(kinds), len(kinds))] if one_each(cells, kinds) \
            else [(k, k + 1) for k in range(merged)] + [(merged + s, merged + e) for s, e in assign(
                [c.folded for c in cells[merged:]], assignable(kinds[merged:]))]
        groups = [[c for c in cells[s:e] if c.text] for s, e in spans]
        spill = groups.pop()
        texts = [k for k, kind in enumerate(kinds) if kind == "text"]
        for k, kind in enumerate(kinds):  # a merged category cell after 序号 (章节; 任务名称 beside 任务内容)
            if (kind == "other" or kind == "text" and k != texts[-1]) and groups[k] and category(groups[k][0]):
                self.out.append(groups[k].pop(0))
        notes = [k for k, kind in enumerate(kinds) if kind not in ROLES]
        if spill and notes:  # a row's extra notes join its last non-role cell
            groups[notes[-1]] += spill
        kept = before if len(before) == self.header.number_at else [Piece("", [])] * self.header.number_at
        row = kept + [number]
        row += [joined(g, "、" if kind in ROLES else "") if g else Piece("", []) for kind, g in zip(kinds, groups, strict=True)]
        self.out.append(joined(row, "\t"))


def one_each(cells: list[Piece], kinds: list[str]) -> bool:
    """A cell per column, as printed, empty ones too: as many cells as columns, and each units or
    leaders cell holding what its column names (else a column printed in the header only shifts them)."""
    return len(cells) == len(kinds) and all(
        not c.text or (holds_units(c.folded.rstrip("。；")) if k in UNITS else holds_person(c.folded) if k == "lead_leaders"
                       else True)
        for c, k in zip(cells, kinds, strict=True))


def assignable(kinds: list[str]) -> list[str]:
    """Kinds to assign cells by: a second task column (全年目标任务 beside 主要任务) may stay empty."""
    first = kinds.index("text") if "text" in kinds else -1
    return [k if k != "text" or i == first else "other" for i, k in enumerate(kinds)]


def glued_cells(piece: Piece, start: int, kinds: list[str | None]) -> list[Piece]:
    """Cut a run-together row at its columns: a task cell ends at its first 。, a units cell is the
    longest units list, the last column takes the rest."""
    out, pos = [], start
    for k, kind in enumerate(kinds):
        rest = piece.text[pos:]
        if k == len(kinds) - 1:
            end = len(rest)
        elif kind in ROLES:
            ends = [n for n in range(2, min(len(rest), 60) + 1) if holds_units(fold(rest[:n]))]
            organs = [n for n in ends if not rest[:n].endswith(PLACE_ENDS)]  # "区发改委|西城区地区生产总值…"
            end = max(organs or ends or [0])
        else:
            end = rest.find("。") + 1 if "。" in rest else 0
        out.append(cut(piece, pos, pos + end))
        pos += end
    return out


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
