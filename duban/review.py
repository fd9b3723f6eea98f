"""Reviewed extraction: a reviewer's corrections applied to freshly extracted documents, and the reviewed
result written as an answer key (gold/SCHEMA.md) that `duban eval` reads. Pure: no database.

A correction names its task by the task's extracted text and is matched to a new extraction the way a
revised document's tasks are matched to the old ones (`match_tasks`: identical text first, then the most
similar), so it still lands when a new version words the task a little differently. Structural edits
(split, merge, drop) come first, in the order they were made, because each names a task as the reviewer
saw it after the edits before it; the field edits follow, matched all at once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from . import markers
from .extract import prose, roles
from .extract.tasks import title_of
from .fold import fold
from .lexicon import load
from .records import ROLES, Deadline, Document, Mention, Span, Task

SIMILAR = 0.5  # Dice coefficient of character bigrams above which a revised task is the same task
STRUCTURAL = ("split", "merge", "drop", "heading")  # "heading": a task that only groups the items below
ADD, COLUMNS = "add", "columns"  # a task added from selected source text; a table's columns as mapped
FIELDS = (*ROLES, "deadlines", "targets", "number", "title")
CORRECTABLE = (*FIELDS, *STRUCTURAL, ADD, COLUMNS)
NAME_SEPARATORS = re.compile(r"[\n、，,；;]+")


class Texted(Protocol):
    text: str


T = TypeVar("T", bound=Texted)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def bigrams(text: str) -> set[str]:
    s = squeeze(text)
    return {s[i:i + 2] for i in range(len(s) - 1)} or {s}


def similarity(a: set[str], b: set[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b))


def match_tasks(old: Sequence[T], new: Sequence[Texted]) -> dict[int, T]:
    """new index -> the old item (anything with a `text`) it revises: identical text first, then the
    most similar pairs (bigram Dice >= SIMILAR), best first, each old item used once."""
    pairs: dict[int, T] = {}
    by_text: dict[str, list[T]] = {}
    for t in old:
        by_text.setdefault(squeeze(t.text), []).append(t)
    for i, t in enumerate(new):
        if same := by_text.get(squeeze(t.text)):
            pairs[i] = same.pop(0)
    left_old = [t for ts in by_text.values() for t in ts]
    left_new = [i for i in range(len(new)) if i not in pairs]
    grams_old = [bigrams(t.text) for t in left_old]
    scored = sorted(((similarity(bigrams(new[i].text), g), i, j) for i in left_new for j, g in enumerate(grams_old)),
                    reverse=True)
    used = set()
    for score, i, j in scored:
        if score < SIMILAR:
            break
        if i not in pairs and j not in used:
            pairs[i] = left_old[j]
            used.add(j)
    return pairs


@dataclass
class Edit:
    """One correction: `field` of the task whose extracted text was `task_text` becomes `value` (for a
    structural edit: split at the text `value`, merge / drop when `value` is true; false lifts it)."""

    task_text: str
    field: str
    value: Any

    @property
    def text(self) -> str:  # what match_tasks compares
        return self.task_text


def names(value: str | Iterable[str]) -> list[str]:
    """Unit or leader names from a list or from text, one per line or separated by 、，；."""
    parts = NAME_SEPARATORS.split(value) if isinstance(value, str) else value
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def locate(needle: str, source: str, within: Span) -> Span:
    """Where `needle` is printed inside the task's span of the source, else the task's span."""
    at = source.find(needle, within.start, within.end) if needle and source else -1
    return Span(at, at + len(needle)) if at >= 0 else within


def as_date(value) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# Figures as the reviewer reads and types them: "5亿", "1.2万", "300万", never 5e+08. The multiplier words
# are the targets lexicon's, so what the document printed reads back to the figure extracted from it.
MULTIPLIERS = load("targets")["multipliers"]
FIGURE = re.compile(rf"(\d+(?:\.\d+)?)\s*([{''.join(MULTIPLIERS)}]{{0,2}})")
TYPED = re.compile(rf"-?\d+(?:\.\d+)?[{''.join(MULTIPLIERS)}]{{0,2}}")
SIZES = ((10 ** 8, 10 ** 8, "亿"), (10 ** 5, 10 ** 4, "万"))  # (from, in, word): 万 from 10万 up, as render.amount


def figure_value(typed: str) -> float:
    """A figure as typed ("5亿", "1.2万", "３００万", "6%", "12,000") as a number; ValueError otherwise."""
    text = re.sub(r"[\s,，%]", "", fold(str(typed)))
    if not TYPED.fullmatch(text):
        raise ValueError(typed)
    digits = text.rstrip("".join(MULTIPLIERS))
    out = Decimal(digits)
    for word in text[len(digits):]:
        out *= MULTIPLIERS[word]
    return float(out)


def plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def figure(value: float | int | None, printed: str = "") -> str:
    """`value` as the document printed it in `printed` (a target's text) where it did ("新增就业1.2万人" ->
    "1.2万"), else in 亿 or 万 from 10万 up ("5亿", "53.5万"), else as a plain number; "" for none."""
    if value is None or value == "":
        return ""
    for m in FIGURE.finditer(fold(printed or "")):
        if m.group(2) and figure_value(m.group(0)) == float(value):
            return m.group(1) + m.group(2)
    number = Decimal(repr(float(value)))
    for least, size, word in SIZES:
        if abs(number) >= least:
            return plain(number / size) + word
    return plain(number)


def set_role(task: Task, role: str, value, source: str) -> None:
    """Replace the role's names; the others' mentions stay as extracted."""
    kept = [m for m in task.mentions if m.role != role]
    task.mentions = kept + [Mention(n, role, locate(n, source, task.span)) for n in names(value)]


def set_deadlines(task: Task, value: list[dict], source: str) -> None:
    """Replace the deadlines; one printed as before keeps its kind and recurrence, with the new date."""
    before = {d.text: d for d in task.deadlines}
    out = []
    for x in value:
        text, due = str(x.get("text") or "").strip(), as_date(x.get("due"))
        if not text and due is None:
            continue
        old = before.get(text)  # an inferred limit prints no text: kept as inferred while its text stays empty
        if old is not None:
            out.append(replace(old, due=due))
        else:
            text = text or due.isoformat()
            out.append(Deadline(text, locate(text, source, task.span), due, "date" if due else "field"))
    task.deadlines = out


def target_of(x: dict, task: Task, source: str) -> dict:
    """A target dict as the extraction makes them, its span found again in the source."""
    span = locate(str(x.get("text") or ""), source, task.span)
    value_max = x.get("value_max")
    return {"text": str(x.get("text") or ""), "span": [span.start, span.end], "metric": str(x.get("metric") or ""),
            "value": float(x["value"]), "value_max": float(value_max) if value_max not in (None, "") else None,
            "unit": x.get("unit") or None, "comparator": x.get("comparator") or "=",
            "kind": x.get("kind") or "other", "year": int(x["year"]) if x.get("year") else None}


def set_field(task: Task, name: str, value, source: str) -> None:
    if name in ROLES:
        set_role(task, name, value or [], source)
    elif name == "deadlines":
        set_deadlines(task, value or [], source)
    elif name == "targets":
        task.targets = [target_of(x, task, source) for x in value or [] if x.get("value") not in (None, "")]
    elif name in ("number", "title"):
        setattr(task, name, str(value or "").strip())
    else:
        raise ValueError(f"unknown field {name!r}")


def offset_in_source(task: Task, k: int, at: str, source: str) -> int:
    """The source offset where the task's text[k:] (starting with `at`) begins; if the source prints it
    differently, the same share of the task's span."""
    found = source.find(at, task.span.start, task.span.end) if source else -1
    if found >= 0:
        return found
    share = k / max(len(task.text), 1)
    return task.span.start + round(share * (task.span.end - task.span.start))


def split_task(task: Task, at: str, source: str) -> list[Task] | None:
    """The task cut where `at` starts: mentions, deadlines and targets go to the part they are printed in.
    The second part's number is its own marker if it starts with one ("2." "（三）"), else NUMBER-2."""
    at = at.strip()
    k = task.text.find(at) if at else -1
    if k <= 0:
        return None
    cut = offset_in_source(task, k, at, source)
    rest = task.text[k:]
    marker = markers.match(rest)
    number = str(marker.value) if marker else f"{task.number}-2"
    rest = rest[marker.end:] if marker else rest

    def part(text: str, span: Span, inside) -> Task:
        return replace(task, text=text, title=title_of(text), span=span,
                       mentions=[m for m in task.mentions if inside(m.span.start)],
                       deadlines=[d for d in task.deadlines if inside(d.span.start)],
                       targets=[x for x in task.targets if inside(x["span"][0])], ids={})
    first = part(task.text[:k].rstrip(), Span(task.span.start, cut), lambda s: s < cut)
    second = part(rest, Span(cut, task.span.end), lambda s: s >= cut)
    second.number, second.line = number, task.line + source.count("\n", task.span.start, cut)
    return [first, second]


def merge_tasks(a: Task, b: Task) -> Task:
    """Two tasks as one: the first's number and title, both texts, everything found in either."""
    return replace(a, text=a.text + b.text, span=Span(a.span.start, max(a.span.end, b.span.end)),
                   mentions=a.mentions + b.mentions, deadlines=a.deadlines + b.deadlines,
                   targets=a.targets + b.targets, ids={})


def find(tasks: list[Task], edit: Edit) -> int | None:
    """The index of the task an edit names, or None."""
    pairs = match_tasks([edit], tasks)
    return next(iter(pairs), None)


def restructure(tasks: list[Task], edit: Edit, source: str) -> bool:
    """Apply one split, merge or drop in place; False when it no longer fits the tasks."""
    i = find(tasks, edit)
    if i is None:
        return False
    if edit.field in ("drop", "heading"):
        del tasks[i]
    elif edit.field == "merge":
        if i + 1 >= len(tasks):
            return False
        tasks[i:i + 2] = [merge_tasks(tasks[i], tasks[i + 1])]
    else:
        parts = split_task(tasks[i], str(edit.value), source)
        if parts is None:
            return False
        tasks[i:i + 1] = parts
    return True


def found_mentions(snippet: str, offset: int) -> list[Mention]:
    """Leaders and units the snippet attributes, read as the extraction reads an item's text."""
    f = fold(snippet)
    found = roles.find(f, 0, len(f))
    found += prose.find(f, 0, len(f), found, anywhere=True)
    return [Mention("".join(snippet[a:b].split()), role, Span(offset + a, offset + b))
            for role, a, b in roles.settle_paired([m for x in found for m in x.mentions])]


def add_task(doc: Document, edit: Edit, source: str) -> bool:
    """A task made from text the reviewer selected in the source (its number and path as given, else
    its own marker's number); False when the text is not in this document."""
    snippet = edit.task_text.strip()
    at = source.find(snippet, doc.span.start, doc.span.end) if snippet and source else -1
    if at < 0:
        return False
    if any(t.span.start <= at < t.span.end and squeeze(t.text) in squeeze(snippet) for t in doc.tasks):
        return True  # read as a task since: nothing to add
    given = edit.value if isinstance(edit.value, dict) else {}
    marker = markers.match(fold(snippet))
    text = snippet[marker.end:].strip() if marker else snippet
    number = str(given.get("number") or (marker.value if marker else len(doc.tasks) + 1))
    task = Task(number=number, path=[str(p) for p in given.get("path") or []], title=title_of(text), text=text,
                line=source.count("\n", 0, at) + 1, span=Span(at, at + len(snippet)),
                mentions=found_mentions(snippet, at))
    doc.tasks.insert(sum(t.span.start < at for t in doc.tasks), task)
    return True


def columns_of(edits: Iterable[Edit]) -> dict[str, str]:
    """The table column labels the reviewer mapped (label -> kind), the newest mapping of each label."""
    out: dict[str, str] = {}
    for e in edits:
        if e.field == COLUMNS and isinstance(e.value, dict):
            out.update(e.value)
    return out


def newest(edits: Iterable[Edit]) -> list[Edit]:
    """The newest edit per (task, field), in the order the kept ones were made."""
    out: dict[tuple[str, str], Edit] = {}
    for e in edits:
        out.pop((e.task_text, e.field), None)
        out[e.task_text, e.field] = e
    return list(out.values())


def apply(doc: Document, edits: Iterable[Edit], source: str = "") -> list[Edit]:
    """Apply one document's corrections (oldest first; a later one of the same task and field replaces an
    earlier) in place; `source` is the text spans point into. Returns the corrections that fit no task."""
    edits = newest(edits)
    missed = [e for e in edits if e.field in STRUCTURAL and e.value
              and not restructure(doc.tasks, e, source)]
    missed += [e for e in edits if e.field == ADD and e.value not in (None, False) and not add_task(doc, e, source)]
    groups: dict[str, list[Edit]] = {}
    for e in edits:
        if e.field in FIELDS:
            groups.setdefault(e.task_text, []).append(e)
    pairs = match_tasks([g[0] for g in groups.values()], doc.tasks)
    for i, first in pairs.items():
        for e in groups[first.task_text]:
            set_field(doc.tasks[i], e.field, e.value, source)
    landed = {first.task_text for first in pairs.values()}
    return missed + [e for text, g in groups.items() if text not in landed for e in g]
