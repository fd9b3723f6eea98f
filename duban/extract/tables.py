"""Task ledgers printed as tables: a header row names the columns (序号, 工作任务, 牵头单位,
责任单位, 完成时限 …); every later row with cells becomes an item whose units come from the
role columns. Rows arrive as tab-separated lines (docx, html, and every flattening `layout`
rebuilt) or markdown pipe rows."""

from __future__ import annotations

from .. import markers
from ..layout.columns import ROLES, column_kind, settled
from ..outline import Node
from ..records import Text
from .roles import Attribution, parse


def cells(line: str, offset: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of a tab- or pipe-separated row, or [] if not a row."""
    sep = "|" if line.count("|") >= 2 else "\t" if "\t" in line else None
    if sep is None:
        return []
    spans, pos = [], 0
    for part in line.split(sep):
        s, e = pos, pos + len(part)
        while s < e and line[s] in " \u3000":
            s += 1
        while e > s and line[e - 1] in " \u3000":
            e -= 1
        spans.append((offset + s, offset + e))
        pos += len(part) + 1
    if sep == "|":
        spans = spans[1:] if line.lstrip().startswith("|") else spans
        spans = spans[:-1] if line.rstrip().endswith("|") else spans
    return spans


class Table:
    """Reads table rows line by line, remembering the current header."""

    def __init__(self):
        self.kinds: list[str | None] = []
        self.count = 0
        self.merged: dict[int, tuple[int, int]] = {}  # the last units cell of each column

    @classmethod
    def detector(cls):
        return cls().row

    def row(self, text: Text, i: int) -> Node | None:
        line = text.lines[i]
        folded = text.fold[line.start:line.end]
        spans = cells(folded, line.start)
        if self.kinds and len(spans) == len(self.kinds) - 1 and folded.startswith("|"):
            spans = [(line.start, line.start), *spans]  # "| 任务 | 单位" under a header without edge pipes
        if len(spans) < 2:
            return None
        names = [text.fold[s:e] for s, e in spans]
        kinds = [column_kind(n) for n in names]
        if is_header_row(names, kinds, in_table=bool(self.kinds)):
            if "text" not in kinds and None in kinds:  # an unnamed column holds the task
                kinds[kinds.index(None)] = "text"
            self.kinds, self.count, self.merged = settled(names, kinds), 0, {}
            return None
        if self.kinds[:1] == ["text"] and self.kinds.count("text") > 1 and names[0].strip().isdigit():
            self.kinds = ["number", *self.kinds[1:]]  # the first label spans the row numbers ("工作任务" over 1, 2 …)
        filled = [(s, e) for s, e in spans if e > s]
        if not self.kinds or not filled:
            return None
        if len({text.fold[s:e] for s, e in filled}) == 1 and (node := heading_node(text, filled[0], i)):
            self.merged = {}  # a chapter row spanning the table
            return node
        return self.data_node(text, self.carried_down(text, spans), i)

    def carried_down(self, text: Text, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """A units column before the task column groups the rows (牵头单位 | 目标任务 | 责任单位): an
        empty cell there is a merged one and takes the cell above; after the task, empty means none,
        unless the row has no units at all (every units cell merged with the row above)."""
        task = self.kinds.index("text") if "text" in self.kinds else 0
        end = spans[-1][1]
        out = list(spans) + [(end, end)] * (len(self.kinds) - len(spans))
        columns = [k for k, kind in enumerate(self.kinds) if kind in ROLES]
        told = next((out[k] for k, kind in enumerate(self.kinds) if kind == "text" and out[k][1] > out[k][0]), (0, 0))
        unitless = all(out[k][1] <= out[k][0] for k in columns) and complete(text, told)
        for k in columns:
            if out[k][1] > out[k][0]:
                self.merged[k] = out[k]
            elif (k < task or unitless) and k in self.merged:
                out[k] = self.merged[k]
        return out

    def data_node(self, text: Text, spans, i: int) -> Node:
        self.count += 1
        number = next((text.fold[s:e] for (s, e), k in zip(spans, self.kinds, strict=False) if k == "number"), "")
        value = markers.numeral_value(number.strip("（）.、 ")) if number.strip("（）.、 ") else self.count
        node = Node("row", str(value or self.count), value or self.count, i, text.lines[i].start)
        node.cells = [(k, s, e) for (s, e), k in zip(spans, self.kinds + [None] * len(spans), strict=False)]
        return node


def complete(text: Text, span: tuple[int, int]) -> bool:
    """A task cell that ends as a sentence does (a row a page cut off mid-text takes nothing)."""
    s, e = span
    return e > s and text.fold[e - 1] in "。；！）"


def is_header_row(names: list[str], kinds: list[str | None], in_table: bool) -> bool:
    """Labels, not a data row whose short cells happen to read as labels ("2 | | 推进…工作… | 市直各单位"):
    no row number, every filled cell but one a label; inside a table, three labels at least."""
    filled = [n for n in names if n.strip()]
    known = sum(k is not None for k in kinds)
    if any(n.strip().isdigit() for n in filled) or known < len(filled) - 1:
        return False
    return known >= 3 or (known >= 2 and "text" in kinds and not in_table)


def heading_node(text: Text, span, i: int) -> Node | None:
    s, e = span
    marker = markers.match(text.fold[s:e])
    if marker is None:
        return None
    return Node(marker.kind, marker.printed, marker.value, i, s + marker.end)


def cell(node: Node, kind: str):
    return next(((s, e) for k, s, e in node.cells if k == kind), None)


def attributions(text: Text, node: Node) -> list[Attribution]:
    out = []
    for kind, s, e in node.cells:
        if kind in ROLES:
            p = parse(text.fold, s, e, initial=kind)
            out.append(Attribution(s, e, p.mentions))
        elif kind == "deadline" and e > s:
            out.append(Attribution(s, e, [], [(s, e)]))
    return out


def task_text(text: Text, node: Node) -> str:
    """The first task cell that holds something (a table may have 项目 and 具体内容 both)."""
    span = next(((s, e) for k, s, e in node.cells if k == "text" and e > s), None)
    return text.display[span[0]:span[1]] if span else ""
