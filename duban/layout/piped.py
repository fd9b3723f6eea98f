"""A table whose every cell but a row's first was pasted on a line of its own after a pipe, the
rows once ended by a line holding only "|" (dropped as a rule by normalisation):

    牵头单位 / | 目 标 任 务 / | 责 任 单 位
    市政 / 府办 / 公厅 / | 强化行政监督… / | 市直各单位、各区县市
    推进国家安全工作发展 / | 市直各单位、各区县市      ← the first cell merged with the row above

A row is the lines before its first pipe (the first cell, broken into pieces where the column was
narrow) and the pipe lines after them. Rows become one tab-separated line each (as `tables` writes
them); a row one cell short lost its merged first cell and starts with an empty one. Only a run
that opens with a header row of labels is read so."""

from __future__ import annotations

import re

from ..normalize import Piece, cut, joined
from .columns import column_kind
from .headers import split_cells
from .tables import category

MIN_ROWS = 2


def piped(piece: Piece) -> bool:
    return piece.text.lstrip().startswith("|")


def groups(pieces: list[Piece], i: int) -> list[tuple[list[Piece], list[Piece]]]:
    """(first-cell lines, pipe cells) of each row from line i while the pattern holds."""
    out = []
    while i < len(pieces) and not piped(pieces[i]):
        start = i
        while i < len(pieces) and not piped(pieces[i]):
            i += 1
        first = pieces[start:i]
        cells = []
        while i < len(pieces) and piped(pieces[i]):
            cells.append(pieces[i])
            i += 1
        if not cells:
            break
        rows = sentences(first)  # "坚持扶优扶强…。" / "充分发挥…": a row whose other cells are merged above
        out += [(row, []) for row in rows[:-1]] + [(rows[-1], cells)]
    return out


def sentences(lines: list[Piece]) -> list[list[Piece]]:
    """The lines before a row's pipes, cut after each line that ends a sentence: a cell broken where
    its column was narrow goes on, a row of its own does not."""
    out: list[list[Piece]] = [[]]
    for line in lines:
        out[-1].append(line)
        if line.text.rstrip().endswith("。"):
            out.append([])
    return [rows for rows in out if rows]


def labels(first: list[Piece], cells: list[Piece]) -> bool:
    """The header row: one label line before the pipes, every cell a known label."""
    texts = [first[-1].text, *(c.text.strip(" |") for c in cells)]
    return len(first) >= 1 and all(column_kind(t) for t in texts)


def row(first: list[Piece], cells: list[Piece], width: int) -> Piece:
    """One tab-separated line, as `tables` writes rows."""
    out = [cut(c, 0, len(c.text)) for c in cells]  # the pipe left out
    if len(cells) + 1 < width:
        return joined([Piece("", []), joined(first, ""), *out], "\t")  # the merged first cell: empty
    return joined([joined(first, ""), *out], "\t")


def rebuild(pieces: list[Piece]) -> list[Piece]:
    out, i = [], 0
    while i < len(pieces):
        found = groups(pieces, i) if i + 1 < len(pieces) and piped(pieces[i + 1]) else []
        if len(found) <= MIN_ROWS or not labels(*found[0]):
            out.append(pieces[i])
            i += 1
            continue
        out.extend(pieces[i:i + len(found[0][0]) - 1])  # lines above the header's own
        width = len(found[0][1]) + 1
        out.append(row(found[0][0][-1:], found[0][1], width))
        out.extend(row(first, cells, width) for first, cells in found[1:])
        i += sum(len(f) + len(c) for f, c in found)
    return out


def headings_out(pieces: list[Piece]) -> list[Piece]:
    """A pipe row that opens with its chapter's headings ("一、… | （一）… | 1 | 任务 | 单位 |"): the
    headings on lines of their own, the row from its number on."""
    out = []
    for piece in pieces:
        cells = split_cells(piece, spaces=False) if piece.text.count("|") >= 3 else []
        k = next((k for k, c in enumerate(cells) if not category(c)), 0)
        if 0 < k < len(cells) - 2 and cells[k].text.strip().isdigit():
            out += cells[:k] + [cut(piece, cells[k].origin[0] - piece.origin[0], len(piece.text))] \
                if cells[k].origin else [piece]
        else:
            out.append(piece)
    return out


WRAP_MAX = 8  # lines a wrapped row may run over
ROW_START = re.compile(r"\s*\d{1,3}\s*\|")


def wrapped_rows(pieces: list[Piece]) -> list[Piece]:
    """A pipe table whose rows end with "|", wrapped into shorter lines (a PDF's text layer): each row
    joined again, up to the line that ends it."""
    if sum(1 for p in pieces if p.text.rstrip().endswith("|")) < 2 or not any(p.text.count("|") >= 3 for p in pieces):
        return pieces
    out, i = [], 0
    while i < len(pieces):
        end = row_end(pieces, i)
        out.append(pieces[i] if end is None else joined(pieces[i:end + 1], ""))
        i = i + 1 if end is None else end + 1
    return out


def row_end(pieces: list[Piece], i: int) -> int | None:
    """The line that ends the row wrapped from line i, or None: the next row begins first (this one
    ended with a pipe line dropped as a rule), or line i is no row's opening."""
    text = pieces[i].text.strip()
    if "|" not in text[1:-1] or text.endswith("|") or text.startswith("|"):
        return None
    for j in range(i + 1, min(len(pieces), i + WRAP_MAX)):
        if ROW_START.match(pieces[j].text):
            return None
        if pieces[j].text.rstrip().endswith("|"):
            return j
    return None
