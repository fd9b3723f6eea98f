"""Score extraction against an answer key in the gold format (gold/SCHEMA.md).

Tasks are matched by (doc_number, path, number). Per role, unit names are compared as
normalised strings (whitespace removed, half-width brackets made full-width) and counted
micro over all tasks; a unit of an unmatched task counts as a miss or a false find. Header
fields are compared per gold document, matched by doc_number or else by title. Where the key has
`NAME.targets.jsonl` / `NAME.deadlines.jsonl`, a target counts as right when its task, value, unit
and comparator are, a deadline when its task and due date are (its text when it has no date)."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .records import Document

SCORED_ROLES = ("lead_leaders", "lead_units", "co_units", "resp_units")
HEADER_FIELDS = ("issuer", "doc_number", "title", "date", "region")
VALUES = ("targets", "deadlines")  # scored when the key has NAME.targets.jsonl / NAME.deadlines.jsonl


def norm_unit(name: str) -> str:
    return re.sub(r"\s+", "", name).replace("(", "（").replace(")", "）")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    tasks: Counts = field(default_factory=Counts)
    roles: dict[str, Counts] = field(default_factory=lambda: {r: Counts() for r in SCORED_ROLES})
    exact: int = 0
    gold_tasks: int = 0
    header_right: int = 0
    header_total: int = 0
    targets: Counts = field(default_factory=Counts)
    deadlines: Counts = field(default_factory=Counts)
    scored: set[str] = field(default_factory=set)  # "targets", "deadlines" when the key has them
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tasks.add(other.tasks)
        for r in SCORED_ROLES:
            self.roles[r].add(other.roles[r])
        self.exact += other.exact
        self.gold_tasks += other.gold_tasks
        self.header_right += other.header_right
        self.header_total += other.header_total
        self.targets.add(other.targets)
        self.deadlines.add(other.deadlines)
        self.scored |= other.scored
        self.misses += other.misses

    @property
    def exact_rate(self) -> float:
        return self.exact / self.gold_tasks if self.gold_tasks else 1.0

    @property
    def header_accuracy(self) -> float:
        return self.header_right / self.header_total if self.header_total else 1.0


def compare(want: Counter, got: Counter) -> Counts:
    """P/R/F1 counts of two multisets of keys (targets, deadlines)."""
    return Counts(sum((want & got).values()), sum((got - want).values()), sum((want - got).values()))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Gold:
    docs: list[dict]
    tasks: list[dict]
    targets: list[dict] | None = None
    deadlines: list[dict] | None = None


def load_gold(gold_dir: Path, source: str) -> Gold | None:
    name = Path(source).name
    if not (gold_dir / f"{name}.docs.json").exists():
        return None
    optional = {k: read_jsonl(f) if (f := gold_dir / f"{name}.{k}.jsonl").exists() else None
                for k in VALUES}
    return Gold(json.loads((gold_dir / f"{name}.docs.json").read_text(encoding="utf-8")),
                read_jsonl(gold_dir / f"{name}.tasks.jsonl"), **optional)


def target_key(doc_number, task: dict, t: dict) -> tuple:
    return (*task_key(doc_number, task), round(float(t["value"]), 6), t["unit"], t["comparator"])


def deadline_key(doc_number, task: dict, d: dict) -> tuple:
    """A deadline is its date; a recurring one its cycle; a standing or unread one its text."""
    if r := d.get("recurrence"):
        return (*task_key(doc_number, task), f"every {r['every']} day {r['day']} month {r.get('month')}")
    due = d["due"].isoformat() if hasattr(d["due"], "isoformat") else d["due"]
    return (*task_key(doc_number, task), due or "".join(d["text"].split()))


def predicted(documents: list[Document], kind: str) -> Counter:
    """Keys of every predicted target or stated deadline, in the gold row format."""
    out = Counter()
    for d in documents:
        for t in d.tasks:
            row = {"path": t.path, "number": t.number}
            if kind == "targets":
                out.update(target_key(d.doc_number, row, x) for x in t.targets)
            else:
                out.update(deadline_key(d.doc_number, row, vars(x)) for x in t.deadlines if not x.inferred)
    return out


def score_values(score: Score, kind: str, rows: list[dict], documents: list[Document]) -> None:
    key = target_key if kind == "targets" else deadline_key
    want = Counter(key(r["doc_number"], r, r) for r in rows)
    got = predicted([d for d in documents if d.doc_number in {r["doc_number"] for r in rows}], kind)
    setattr(score, kind, compare(want, got))
    score.scored.add(kind)
    score.misses += [f"{k[:3]} {kind}: missing {k[3:]}" for k in (want - got).elements()]
    score.misses += [f"{k[:3]} {kind}: extra {k[3:]}" for k in (got - want).elements()]


def task_key(doc_number, task: dict) -> tuple:
    return doc_number, tuple(task["path"]), str(task["number"])


def predicted_tasks(documents: list[Document]) -> dict[tuple, dict]:
    out = {}
    for d in documents:
        for t in d.tasks:
            row = {"path": t.path, "number": t.number, **{r: t.role(r) for r in SCORED_ROLES}}
            out.setdefault(task_key(d.doc_number, row), row)
    return out


def score_roles(score: Score, gold: dict | None, pred: dict | None, key: tuple) -> bool:
    exact = True
    for r in SCORED_ROLES:
        g = [norm_unit(u) for u in (gold or {}).get(r, [])]
        p = [norm_unit(u) for u in (pred or {}).get(r, [])]
        c = score.roles[r]
        c.tp += len(set(g) & set(p))
        c.fp += len(set(p) - set(g))
        c.fn += len(set(g) - set(p))
        if g != p:
            exact = False
            if gold and pred:
                score.misses.append(f"{key} {r}: gold {g} got {p}")
    return exact


def score_headers(score: Score, gold_docs: list[dict], documents: list[Document]) -> None:
    for g in gold_docs:
        match = next((d for d in documents if g["doc_number"] and d.doc_number == g["doc_number"]), None) or \
            next((d for d in documents if d.title and d.title == g["title"]), None) or \
            (documents[0] if len(gold_docs) == len(documents) == 1 else None)  # one document either side
        for f in HEADER_FIELDS:
            score.header_total += 1
            if match is not None and getattr(match, f) == g[f]:
                score.header_right += 1
            else:
                score.misses.append(f"header {(g['title'] or '')[:20]} {f}: gold {g[f]!r} got {getattr(match, f, None)!r}")


def score_file(answer: Gold, documents: list[Document]) -> Score:
    score = Score()
    pred = predicted_tasks(documents)
    gold = {task_key(t["doc_number"], t): t for t in answer.tasks}
    score.gold_tasks = len(gold)
    for key in gold.keys() | pred.keys():
        g, p = gold.get(key), pred.get(key)
        score.tasks.tp += bool(g and p)
        score.tasks.fp += bool(p and not g)
        score.tasks.fn += bool(g and not p)
        if not (g and p):
            score.misses.append(f"{key}: {'missing' if g else 'extra'} task")
        if score_roles(score, g, p, key) and g and p:
            score.exact += 1
    score_headers(score, answer.docs, documents)
    for kind in VALUES:
        if getattr(answer, kind) is not None:
            score_values(score, kind, getattr(answer, kind), documents)
    return score
