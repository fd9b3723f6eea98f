"""Column labels of task tables: what kind of cell a label names (lexicon/tables.yaml), and
whether a line is a header row, spaced-out labels ("工 作 任 务") and unknown ones included."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from .. import markers
from ..lexicon import load

LEX = load("tables")
COLUMNS: dict[str, str] = LEX["columns"]
RULES = [(re.compile(rx), kind) for rx, kind in LEX["rules"]]
LABEL_MAX = LEX["label_max"]
PROSE = re.compile(r"[，。；：！？]|\d{3}")  # a sentence or a figure is a cell, not a label
YEAR = re.compile(r"^\d{4}年度?")  # "2022年预期目标"
ROLES = ("lead_leaders", "lead_units", "co_units", "resp_units")


# labels a reviewer mapped for one document ("谁来抓" -> lead_units), set around its extraction
MAPPED: ContextVar[dict[str, str] | None] = ContextVar("mapped_labels", default=None)


def label_key(label: str) -> str:
    return "".join(label.split()).strip("|")


@contextmanager
def mapped(labels: dict[str, str] | None) -> Iterator[None]:
    """Read tables with these labels' kinds as a reviewer gave them (review's column mapping)."""
    token = MAPPED.set({label_key(k): v for k, v in (labels or {}).items()})
    try:
        yield
    finally:
        MAPPED.reset(token)


def column_kind(label: str) -> str | None:
    """The kind of column a header cell names, or None if it is no label."""
    key = label_key(label)
    return (MAPPED.get() or {}).get(key) or known_kind(key)


@cache
def known_kind(key: str) -> str | None:
    key = YEAR.sub("", key)
    if not key or len(key) > LABEL_MAX or PROSE.search(key) or markers.match(key):  # "一、主要工作任务": a heading
        return None
    if key in COLUMNS:
        return COLUMNS[key]
    return next((kind for rx, kind in RULES if rx.search(key)), None)


PAIRED = tuple(LEX["lead_when_paired"])


def settled(labels: list[str], kinds: list[str | None]) -> list[str | None]:
    """Kinds of a header's columns read together: "主要责任单位" leads beside a 配合 column, and
    is the responsible units' column alone."""
    if "co_units" in kinds:
        return kinds
    return ["resp_units" if k == "lead_units" and label_key(n).startswith(PAIRED) else k for n, k in zip(labels, kinds, strict=True)]


def is_header(kinds: list[str | None], numbered: bool = True) -> bool:
    """Labels enough to be a task table's header: a 序号 column (or, when not `numbered`, a task
    column that will carry the numbers), a role column, three known in all."""
    known = [k for k in kinds if k]
    return len(known) >= 3 and ("number" in known if numbered else "text" in known and "number" not in known) \
        and any(k in ROLES for k in known) and len(known) >= len(kinds) - 1


def segments(squeezed: str) -> list[tuple[int, int]] | None:
    """Split a header printed without separators, or with its labels spaced out, into labels
    ("序号工作任务牵头负责部门" -> 序号 | 工作任务 | 牵头负责部门): the split into the fewest
    labels, known words preferred, or None when the line is not labels only."""
    n = len(squeezed)
    best: list[tuple[float, list[tuple[int, int]]] | None] = [None] * (n + 1)
    best[0] = (0.0, [])
    for end in range(1, n + 1):
        for start in range(max(0, end - LABEL_MAX), end - 1):
            if best[start] is None or not one_label(squeezed[start:end]):
                continue
            cost = best[start][0] + 1.0 + 0.75 * uncovered(squeezed[start:end])
            if best[end] is None or cost < best[end][0]:
                best[end] = (cost, best[start][1] + [(start, end)])
    return best[n][1] if best[n] else None


@cache
def uncovered(word: str) -> int:
    """Characters of a label not inside a known label: the fewer, the likelier the split."""
    covered = [False] * len(word)
    for known in sorted(COLUMNS, key=len, reverse=True):
        for m in re.finditer(re.escape(known), word):
            if not any(covered[m.start():m.end()]):
                covered[m.start():m.end()] = [True] * len(known)
    return covered.count(False)


def one_label(word: str) -> bool:
    """A label, and not two run together: any known label inside it names the same kind."""
    kind = column_kind(word)
    if kind is None or word in COLUMNS:
        return kind is not None
    inside = [k for k in COLUMNS if k in word]
    return len(inside) <= 1 and all(COLUMNS[k] == kind for k in inside)
