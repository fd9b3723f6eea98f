"""What a table cell holds (units, a person, a time limit, text), and how the cells between two
row numbers are given to the columns: the split that best fits each column's kind, so a units
cell broken over lines, a text cell wrapped, a merged cell left out or a sub-row's extra cells
still land in the right column."""

from __future__ import annotations

import re
from functools import cache

from ..names import role_tails, unit_spans

LIMIT = re.compile(r"\d{1,2}月|年底|年内|季度|月底|长期|持续|常态|每年|每月|前$|\d{4}年")
PERSON = re.compile(r"^[\u4e00-\u9fff·]{2,4}(?:[、，][\u4e00-\u9fff·]{2,4})*$")
COUNT = re.compile(r"(?:^|(?<=[、，；]))\d{1,3}个")
SPILL = "spill"  # cells after the last column (a row's extra notes): kept out of every role
UNITS = ("lead_units", "co_units", "resp_units")  # columns of units (a leaders column names people)


@cache
def holds_units(folded: str) -> bool:
    """A units list ("区投促局、", "市民政局 伍泽国": a unit with its head's name, "A、B配合落实": with its role)."""
    f = COUNT.sub("", folded.strip(" |、，；"))  # "13个街道、镇": a count before a group
    if not f or re.search(r"\d|。", f):  # "服务中心1处" is a target, "建设公园。" a sentence
        return False
    head = f.split(" ")[0] if " " in f and not unit_spans(f, 0, len(f)) else f
    return bool(unit_spans(head, 0, len(head))) or any(unit_spans(f, 0, at) for at in role_tails(f, 0, len(f)))


def holds_person(folded: str) -> bool:
    f = "".join(folded.split())
    return bool(PERSON.match(f)) and not holds_units(f)


def holds_limit(folded: str) -> bool:
    f = folded.strip()
    return len(f) <= 24 and bool(LIMIT.search(f))


def fit(kind: str, group: list[str]) -> float:
    """How well folded cells fit one column of `kind` (higher is better)."""
    filled = [g for g in group if g.strip(" |")]
    if not filled:
        return {"text": -3.0, SPILL: 0.0}.get(kind, -0.3)
    if kind == SPILL:
        return -0.2 * len(filled)
    if kind in UNITS:  # a lead column most often names one unit: a tie with the next units column goes to it
        return sum(2.0 if holds_units(g) else -2.0 for g in filled) - 0.1 * (kind == "lead_units") * (len(filled) - 1)
    if kind == "lead_leaders":  # one name a line, as many as lead
        return sum(2.0 if holds_person(g) else -2.0 for g in filled)
    extra = -0.4 * (len(filled) - 1)
    first = filled[0]
    if kind == "deadline":
        return extra + (1.5 if holds_limit(first) else -1.0)
    if kind == "text":
        return extra + (-1.0 if holds_units(first) else 1.0 + 0.5 * (len(first.strip()) >= 8))
    return extra + (-1.0 if holds_units(first) else 0.3 if kind == "progress" else 0.0)


def assign(cells: list[str], kinds: list[str]) -> list[tuple[int, int]]:
    """(start, end) of the cells each column takes, in order, plus one last group (SPILL) for what
    no column takes: the contiguous split with the best total fit."""
    columns = kinds + [SPILL]
    n = len(cells)
    best: list[list[tuple[float, list[tuple[int, int]]] | None]] = [[None] * (n + 1) for _ in columns]
    for c in range(n + 1):
        best[0][c] = (fit(columns[0], cells[:c]), [(0, c)])
    for j in range(1, len(columns)):
        for c in range(n + 1):
            for b in range(c + 1):
                score, groups = best[j - 1][b]
                total = score + fit(columns[j], cells[b:c])
                if best[j][c] is None or total >= best[j][c][0]:  # a tie: the earlier column takes the cells
                    best[j][c] = (total, groups + [(b, c)])
    return best[-1][n][1]
