"""Tasks of one document: outline nodes that carry an attribution, or every item of a numbered
list in which most items carry one (gold/SCHEMA.md). Headings that only group items are not
tasks. Each task keeps its number, heading path, title, text and the units of every role."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from .. import outline
from ..records import Deadline, Document, Mention, Task, Text
from . import deadlines, headings, prose, roles, tables, targets

TITLE_MAX, TITLE_CUT = 40, 30
CJK = r"\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’《》"
OCR_SPACE = re.compile(rf"(?<![{CJK}])\s+|\s+(?![{CJK}])")
MAJORITY = 0.5


def squeeze_ocr_spaces(s: str) -> str:
    """Drop spaces except between two CJK characters ("增长 6%" -> "增长6%")."""
    return OCR_SPACE.sub("", s.strip())


class Item:
    """An outline node with what was found in its own text."""

    def __init__(self, text: Text, node: outline.Node):
        self.node = node
        first, last = text.lines[node.lines[0]], text.lines[node.lines[-1]]
        self.start, self.end = node.body_start, last.end
        self.line_start = first.start
        self.attributions = tables.attributions(text, node) if node.cells else self.written(text)
        self.duty = [] if self.attributions or node.cells else self.duty_units(text)
        heading_end = text.lines[node.line].end
        self.lead = None if node.cells else headings.heading_lead(text.fold, self.start, heading_end)
        self.inherited: list[roles.Attribution] = []  # leads printed once on a heading above

    def written(self, text: Text) -> list[roles.Attribution]:
        """Labelled fields and brackets anywhere in the item; sentences in its own line, or opening the
        line after it."""
        found = roles.find(text.fold, self.start, self.end)
        lines = [text.lines[k] for k in self.node.lines[:2]]
        sentences = prose.find(text.fold, self.start, min(self.end, lines[0].end), found)
        if len(lines) > 1:
            sentences += prose.find(text.fold, lines[1].start, min(self.end, lines[1].end), found, leading=True)
        return sorted(found + sentences, key=lambda a: a.start)

    def duty_units(self, text: Text) -> list[tuple[int, int]]:
        """Units named by the heading of a duty list item ("（二）环保局。负责……")."""
        parent = self.node.parent
        parent_title = text.fold[parent.body_start:text.lines[parent.line].end] if parent else ""
        if headings.starts_duty(text.fold, self.start, self.end) or any(w in parent_title for w in headings.DUTY_PARENTS):
            return headings.duty_units(text.fold, self.start, self.end)
        return []

    def attributed(self) -> bool:
        return any(a.mentions for a in self.attributions + self.inherited) or bool(self.duty)


def title_of(cleaned: str) -> str:
    """Lead phrase up to the first 。/： if short, else the first 30 characters (SCHEMA.md)."""
    first = cleaned.split("\n", 1)[0]
    head = re.split(r"[。：:]", first, maxsplit=1)[0]
    head = squeeze_ocr_spaces(head)
    if len(head) <= TITLE_MAX and head:
        return head
    return squeeze_ocr_spaces(cleaned.replace("\n", ""))[:TITLE_CUT]


def cleaned_text(text: Text, item: Item) -> str:
    """The item's text without its marker and its attributions."""
    if item.node.cells:
        return tables.task_text(text, item.node)
    parts, pos = [], item.start
    for a in item.attributions:
        parts.append(text.display[pos:a.start])
        pos = max(pos, a.end)
    parts.append(text.display[pos:item.end])
    return re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parts)).strip()


def name(text: Text, start: int, end: int) -> str:
    return "".join(text.display[start:end].split())


def mentions(text: Text, item: Item) -> list[Mention]:
    out = [Mention(name(text, s, e), role, text.span(s, e))
           for role, s, e in roles.settle_paired([m for a in item.attributions for m in a.mentions])]
    if not out:
        out = [Mention(name(text, s, e), "resp_units", text.span(s, e)) for s, e in item.duty]
    own = {m.role for m in out}
    out += [Mention(name(text, s, e), role, text.span(s, e))
            for a in item.inherited for role, s, e in a.mentions if role not in own]
    return [m for m in out if m.name]


def inherit_heading_leads(nodes: list[outline.Node], items: dict) -> None:
    """A leader or unit a heading names as leading its chapter leads every item under it, and the
    heading itself when no item stands under it ("（一）省监察厅牵头的工作" / one line of work)."""
    parents = {id(n.parent) for n in nodes if n.parent is not None}
    for n in nodes:
        item = items[id(n)]
        if item.lead is not None and id(n) not in parents:
            item.inherited.append(item.lead)
        parent = n.parent
        while parent is not None:
            if (lead := items[id(parent)].lead) is not None:
                item.inherited.append(lead)
            parent = parent.parent


def bracket_leads(text: Text, nodes: list[outline.Node], items: dict) -> None:
    """"（一）市场准入（牵头单位：市市场监管局）" over items that name their own units: the heading's
    bracket leads its chapter, as "X牵头的工作" does; the heading is no task of its own."""
    for n in nodes:
        item, children = items[id(n)], [items[id(c)] for c in nodes if c.parent is n]
        mentions = [m for a in item.attributions for m in a.mentions]
        if item.lead is None and mentions and not n.cells and any(c.attributions for c in children) \
                and all(a.end <= text.lines[n.line].end for a in item.attributions) \
                and all(role in ("lead_units", "lead_leaders") for role, _, _ in mentions):
            item.lead = roles.Attribution(item.attributions[0].start, item.attributions[-1].end, mentions)
            item.attributions = []


def only_groups(n: outline.Node, items: dict, over_tasks: set[int]) -> bool:
    """A heading attributed only by the chapter above it, with tasks under it: it groups them."""
    item = items[id(n)]
    return not item.attributions and not item.duty and id(n) in over_tasks


@dataclass(frozen=True)
class Plan:
    """What a document's tasks are read against: its title, and the year and date of its limits."""

    title: str | None
    anchor: deadlines.Anchor

    @classmethod
    def of(cls, doc: Document) -> Plan:
        signed = date.fromisoformat(doc.date) if doc.date else None
        return cls(doc.title, deadlines.Anchor(deadlines.plan_year(doc.title, signed), signed))


def task_deadlines(text: Text, item: Item, plan: Plan) -> list[Deadline]:
    """Limits stated in the item and in its 完成时限 field or column; else, where the item says it has no
    end ("长期坚持", "常态化"), standing; else the plan's end. A field no pattern reads ("视情况") is kept
    as printed; a standing one ("全年持续推进") as standing."""
    def scan(start: int, end: int) -> list[Deadline]:
        return deadlines.find(text.display, text.fold, start, end, text.span, plan.anchor)

    found = scan(item.line_start, item.end)
    for a in item.attributions:
        for s, e in a.deadlines:
            span = text.span(s, e)
            inside = [d for d in found if span.start <= d.span.start < span.end] or scan(s, e)
            found += [d for d in inside if d not in found]
            if standing := deadlines.standing(text.display, text.fold, s, e, text.span):
                found = [d for d in found if not standing.span.start <= d.span.start < standing.span.end] + [standing]
            elif not inside and e > s:
                found.append(deadlines.field_value(text.display[s:e], text.fold[s:e], span, plan.anchor))
    if not found and (standing := deadlines.standing(text.display, text.fold, item.line_start, item.end, text.span,
                                                     clause=True)):
        found.append(replace(standing, inferred=True))  # "…，长期坚持。" in the item: no end, though no field says so
    elif not found and (guess := deadlines.inferred(plan.title, text.span(item.line_start, item.line_start))):
        found.append(guess)
    return found


def task_targets(text: Text, item: Item, plan: Plan) -> list[dict]:
    """Targets in the item's text, spans turned into source spans."""
    found = targets.find(text.display[item.start:item.end], plan.anchor.year, text.fold[item.start:item.end])
    for t in found:
        span = text.span(item.start + t["span"][0], item.start + t["span"][1])
        t["span"] = [span.start, span.end]
    return found


def chapter_of(text: Text, node) -> str:
    """The heading line of the item's top ancestor ("一、科技创新"), cut at its first full stop."""
    top = node
    while top.parent is not None:
        top = top.parent
    if top is node:
        return ""
    line = text.lines[top.line]
    return " ".join(text.display[line.start:line.end].split()).split("。")[0][:60]


def to_task(text: Text, item: Item, plan: Plan) -> Task:
    cleaned = cleaned_text(text, item)
    return Task(
        number=str(item.node.value),
        path=item.node.path,
        chapter=chapter_of(text, item.node),
        title=title_of(cleaned),
        text=cleaned,
        line=text.source.line_of(text.origin[item.line_start]),
        span=text.span(item.line_start, item.end),
        mentions=mentions(text, item),
        deadlines=task_deadlines(text, item, plan),
        targets=task_targets(text, item, plan),
    )


def hoist_closing_attribution(text: Text, run: list[outline.Node], items: dict) -> None:
    """"（一）标题 / 1. … / 2. … / 责任单位：X": an attribution on its own line after the last
    of several unattributed sub-points belongs to the item above them."""
    last, parent = items[id(run[-1])], run[-1].parent
    if len(run) < 2 or parent is None or parent.cells or any(n.parent is not parent for n in run):
        return
    if any(items[id(n)].attributions for n in run[:-1]) or items[id(parent)].attributed():
        return
    own_line = [a for a in last.attributions if a.start == 0 or text.fold[a.start - 1] == "\n"]
    if own_line and own_line == last.attributions[-len(own_line):] and last.attributions[0] is own_line[0]:
        items[id(parent)].attributions, last.attributions = own_line, []
        items[id(parent)].end = max(items[id(parent)].end, last.end)  # the item now reads through its sub-points


def ends_attributed(text: Text, i: int) -> bool:
    """Line i ends with an attribution of its own ("…2000.9万亩。（市国土局牵头）")."""
    line = text.lines[i]
    found = roles.find(text.fold, line.start, line.end) if text.fold[line.start:line.end].rstrip("。 ").endswith(
        ("）", "〕")) else []
    return bool(found) and any(m for a in found for m in a.mentions) and \
        not text.fold[found[-1].end:line.end].strip("。 ")


def extract_tasks(text: Text, doc: Document) -> list[Task]:
    nodes = outline.build(text, doc.body_line, doc.lines[1], table=tables.Table.detector())
    nodes = outline.unnumbered(text, nodes, lambda i: ends_attributed(text, i))
    items = {id(n): Item(text, n) for n in nodes}
    bracket_leads(text, nodes, items)
    inherit_heading_leads(nodes, items)
    runs = outline.lists(nodes)
    for run in runs:
        hoist_closing_attribution(text, run, items)
    chosen: set[int] = set()
    for run in runs:
        flags = [items[id(n)].attributed() for n in run]
        whole = sum(flags) / len(run) >= MAJORITY and any(flags)
        chosen.update(id(n) for n, f in zip(run, flags, strict=True) if f or whole)
    over_tasks = {id(n.parent) for n in nodes if id(n) in chosen and n.parent is not None}
    chosen -= {id(n) for n in nodes if id(n) in chosen and only_groups(n, items, over_tasks)}
    plan = Plan.of(doc)
    tasks = [to_task(text, items[id(n)], plan) for n in nodes if id(n) in chosen]
    legend = roles.FIRST_IS_LEAD.search(text.fold, text.lines[doc.body_line].start if doc.body_line < len(text.lines)
                                         else 0, text.lines[doc.lines[1] - 1].end)
    for task in tasks if legend else []:
        if task.span.end > text.span(legend.start(), legend.start()).start:
            first_unit_leads(task)
    doc.layout = layout_of([items[id(n)] for n in nodes if id(n) in chosen], tasks)
    doc.headings = [{"number": str(n.value), "path": n.path, "text": heading_text(text, n)}
                    for n in nodes if id(n) not in chosen and not n.cells]
    return tasks


def heading_text(text: Text, node: outline.Node) -> str:
    line = text.lines[node.line]
    return text.display[line.start:line.end].strip()


NAMED_ROLES = ("lead_leaders", "lead_units", "co_units", "resp_units")


def layout_of(chosen: list[Item], tasks: list[Task]) -> dict:
    """How the document's tasks were read, and how sure the reading is: the share of tasks that
    name a unit or leader in a role (an unattributed bracket or a list-majority guess does not)."""
    rows = sum(1 for i in chosen if i.node.cells)
    items = len(chosen) - rows
    read_as = "none" if not chosen else "table" if not items else "outline" if not rows else "mixed"
    named = sum(1 for t in tasks if any(m.role in NAMED_ROLES for m in t.mentions))
    return {"read_as": read_as, "table_rows": rows, "outline_items": items,
            "sentences": sum(1 for i in chosen for a in i.attributions if a.sentence),
            "chapter_leads": sum(1 for i in chosen if i.inherited),
            "confidence": round(named / len(tasks), 2) if tasks else 0.0}


def first_unit_leads(task: Task) -> None:
    """Under a "列第一位为牵头单位" legend: a 责任单位 list's first unit leads it."""
    resp = [m for m in task.mentions if m.role == "resp_units"]
    if resp and not any(m.role == "lead_units" for m in task.mentions):
        task.mentions = [Mention(m.name, "lead_units", m.span) if m is resp[0] else m for m in task.mentions]
