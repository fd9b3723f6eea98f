"""Targets and deadlines against the hand-annotated fixtures (tests/data/targets.jsonl: 245 targets in
four sample documents; tests/data/deadlines.jsonl: 218 deadlines in the samples and cases). The floors
are today's measured figures, so a regression fails; the issue's bar (0.95 / 0.97) is not met yet."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

from duban.evaluate import compare
from duban.extract import extract
from duban.ingest import read

from .conftest import CASES, ROOT

DATA = ROOT / "tests" / "data"
TARGET_FLOOR, DEADLINE_FLOOR = 0.88, 0.89


def rows(name: str) -> dict[str, list[dict]]:
    out = defaultdict(list)
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        out[row["source"]].append(row)
    return out


def source(name: str):
    path = ROOT / "examples" / "seeds" / name
    return path if path.exists() else CASES / name


def task_key(doc, task) -> tuple:
    return doc.doc_number, tuple(task.path), task.number


def test_targets_value_unit_comparator():
    total = compare(Counter(), Counter())
    for name, gold in rows("targets.jsonl").items():
        docs = [d for d in extract(read(source(name))) if d.doc_number in {g["doc_number"] for g in gold}]
        got = Counter((*task_key(d, t), float(x["value"]), x["unit"], x["comparator"])
                      for d in docs for t in d.tasks for x in t.targets)
        want = Counter((g["doc_number"], tuple(g["path"]), g["number"], float(g["value"]), g["unit"], g["comparator"])
                       for g in gold)
        total.add(compare(want, got))
    assert total.f1 >= TARGET_FLOOR, (total.precision, total.recall)


def test_deadlines_due_dates():
    total = compare(Counter(), Counter())
    for name, gold in rows("deadlines.jsonl").items():
        got = Counter((*task_key(d, t), x.due.isoformat() if x.due else "".join(x.text.split()))
                      for d in extract(read(source(name))) for t in d.tasks for x in t.deadlines if not x.inferred)
        want = Counter((g["doc_number"], tuple(g["path"]), g["number"], g["due"] or "".join(g["text"].split()))
                       for g in gold)
        total.add(compare(want, got))
    assert total.f1 >= DEADLINE_FLOOR, (total.precision, total.recall)
