"""Heading tree of one document: every line that opens with a marker becomes a node.

Nesting follows the order in which marker kinds appear (a kind seen before closes the levels
below it), so each document's own numbering scheme is learnt rather than assumed. A table
row with a number cell is an item node too. Each node owns the lines after it up to the next
node or a closing line (抄送, 印发, 共印 …)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import markers
from .normalize import is_closing
from .records import Text

MAX_DEPTH = 12
HEAD_MAX = 20  # a heading over unnumbered items is a short title ("约束性指标")
SENTENCE = re.compile(r"[。；：]")
ATTACHMENT = re.compile(r"^附\s*件\s*\d*$")  # "附件1" over an attached plan or table
SIGNED = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")  # a notice's signature date: its plan follows


@dataclass
class Node:
    kind: str
    printed: str  # numeral as printed, punctuation removed
    value: int
    line: int  # index into Text.lines of the marker line
    body_start: int  # index into Text.display just after the marker
    parent: Node | None = None
    lines: list[int] = field(default_factory=list)  # own lines, marker line first
    cells: list[str] | None = None  # a table row's cells

    @property
    def path(self) -> list[str]:
        out, node = [], self.parent
        while node is not None:
            out.append(node.printed)
            node = node.parent
        return out[::-1]


def resolve_decimal(marker: markers.Marker, stack: list[Node]) -> markers.Marker:
    """"2.2." after item 21 is item 22 with a dot inserted by OCR; otherwise 2.2 is its own kind."""
    last = next((n for n in reversed(stack) if n.kind == "num"), None)
    if last is not None and last.value + 1 == marker.value:
        return markers.Marker("num", str(marker.value), marker.value, marker.end)
    return marker


def place(node: Node, stack: list[Node]) -> None:
    """Pop to the node's own kind if it is open (a sibling), else nest under the top."""
    kinds = [n.kind for n in stack]
    if node.kind in kinds:
        del stack[kinds.index(node.kind):]
    node.parent = stack[-1] if stack else None
    if len(stack) < MAX_DEPTH:
        stack.append(node)


def build(text: Text, first: int, last: int, table=None) -> list[Node]:
    """Nodes of the lines first..last-1. `table` turns a table row line into a node."""
    nodes: list[Node] = []
    stack: list[Node] = []
    current: Node | None = None
    for i in range(first, last):
        line = text.lines[i]
        folded = text.fold[line.start:line.end]
        if is_closing(folded) or ATTACHMENT.match(folded.strip()) or SIGNED.match(folded.strip()):  # starts afresh
            current = None
            stack.clear()
            continue
        node = table(text, i) if table else None
        if node is None and (marker := markers.match(folded)) is not None:
            if marker.kind == "num2":
                marker = resolve_decimal(marker, stack)
            node = Node(marker.kind, marker.printed.replace(".", "") if marker.kind == "num" else marker.printed,
                        marker.value, i, line.start + marker.end)
        if node is not None:
            place(node, stack)
            nodes.append(node)
            current = node
        if current is not None:
            current.lines.append(i)
            if current.cells:
                current = None  # a table row is one line: a note under the table is not part of it
    return nodes


def is_sentence(head: str) -> bool:
    """"推进产业升级，加快转型。" is a sentence; "约束性指标。" and "努力扩大内需，促进经济平稳较快发展" are titles."""
    return SENTENCE.search(head.rstrip("。")) is not None or ("，" in head and head.endswith("。"))


def unnumbered(text: Text, nodes: list[Node], attributed) -> list[Node]:
    """A short heading ("（一）约束性指标") over two or more lines that each end with their own
    attribution and carry no number: each line is an item of its own, numbered in order.
    `attributed(i)` says whether line i ends with one."""
    parents = {id(n.parent) for n in nodes}
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        body, head = node.lines[1:], text.fold[node.body_start:text.lines[node.line].end].strip()
        if node.cells or id(node) in parents or len(body) < 2 or len(head) > HEAD_MAX or is_sentence(head) \
                or not all(attributed(i) for i in body):
            continue
        node.lines = node.lines[:1]
        out += [Node("line", str(k), k, i, text.lines[i].start, node, [i]) for k, i in enumerate(body, 1)]
    return out


def lists(nodes: list[Node]) -> list[list[Node]]:
    """Numbered lists: runs of one marker kind whose numbers go on by one, across parents
    (a plan numbers its items 1…99 straight through its chapters)."""
    runs: dict[str, list[Node]] = {}
    out: list[list[Node]] = []
    for node in nodes:
        run = runs.get(node.kind)
        if run is not None and node.value == run[-1].value + 1:
            run.append(node)
        else:
            runs[node.kind] = [node]
            out.append(runs[node.kind])
    return out
