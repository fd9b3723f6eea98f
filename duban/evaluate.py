"""Score extraction against an answer key in the gold format (gold/SCHEMA.md).

Tasks are matched by (doc_number, path, number). Per role, unit names are compared as
normalised strings (whitespace removed, half-width brackets made full-width) and counted
micro over all tasks; a unit of an unmatched task counts as a miss or a false find. Header
fields are compared per gold document, matched by doc_number or else by title."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .records import Document

SCORED_ROLES = ("lead_leaders", "lead_units", "co_units", "resp_units")
HEADER_FIELDS = ("issuer", "doc_number", "title", "date", "region")


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
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tasks.add(other.tasks)
        for r in SCORED_ROLES:
            self.roles[r].add(other.roles[r])
        self.exact += other.exact
        self.gold_tasks += other.gold_tasks
        self.header_right += other.header_right
        self.header_total += other.header_total
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


def load_gold(gold_dir: Path, source: str) -> tuple[list[dict], list[dict]] | None:
    name = Path(source).name
    docs_file, tasks_file = gold_dir / f"{name}.docs.json", gold_dir / f"{name}.tasks.jsonl"
    if not docs_file.exists():
        return None
    docs = json.loads(docs_file.read_text(encoding="utf-8"))
    tasks = [json.loads(line) for line in tasks_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    return docs, tasks


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
            next((d for d in documents if d.title and d.title == g["title"]), None)
        for f in HEADER_FIELDS:
            score.header_total += 1
            if match is not None and getattr(match, f) == g[f]:
                score.header_right += 1
            else:
                score.misses.append(f"header {g['title'][:20]} {f}: gold {g[f]!r} got {getattr(match, f, None)!r}")


def score_file(gold_docs: list[dict], gold_tasks: list[dict], documents: list[Document]) -> Score:
    score = Score()
    pred = predicted_tasks(documents)
    gold = {task_key(t["doc_number"], t): t for t in gold_tasks}
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
    score_headers(score, gold_docs, documents)
    return score
