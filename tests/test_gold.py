"""Conformance: the sample corpus and the hand-made cases against their answer keys, including the
hand-annotated targets and deadlines (NAME.targets.jsonl, NAME.deadlines.jsonl beside the keys)."""

from __future__ import annotations

import pytest

from duban.evaluate import SCORED_ROLES, Score, load_gold, score_file
from duban.extract import extract
from duban.ingest import read

from .conftest import CASE_FILES, CASES, GOLD, SEEDS

# the bars of the extraction issue and of the targets and deadlines issue
TASK_F1, ROLE_F1, EXACT, HEADER = 0.995, 0.99, 0.97, 0.98
TARGET_F1, DEADLINE_F1 = 0.95, 0.97


def key_of(path):
    key = load_gold(GOLD if path in SEEDS else CASES, str(path))
    assert key is not None, f"no answer key for {path.name}"
    return key


def score(paths) -> Score:
    total = Score()
    for path in paths:
        total.add(score_file(key_of(path), extract(read(path))))
    return total


@pytest.mark.parametrize("paths", [SEEDS, CASE_FILES], ids=["seeds", "cases"])
def test_meets_the_bar(paths):
    s = score(paths)
    assert s.tasks.f1 >= TASK_F1, s.misses[:20]
    for role in SCORED_ROLES:
        assert s.roles[role].f1 >= ROLE_F1, (role, [m for m in s.misses if role in m][:20])
    assert s.exact_rate >= EXACT, s.misses[:20]
    assert s.header_accuracy >= HEADER, [m for m in s.misses if m.startswith("header")]


def test_targets_and_deadlines_meet_the_bar():
    s = score(SEEDS + CASE_FILES)
    assert s.scored == {"targets", "deadlines"}
    assert s.targets.tp + s.targets.fn >= 300 and s.deadlines.tp + s.deadlines.fn >= 60
    assert s.targets.f1 >= TARGET_F1, [m for m in s.misses if "targets" in m][:30]
    assert s.deadlines.f1 >= DEADLINE_F1, [m for m in s.misses if "deadlines" in m][:30]


@pytest.mark.parametrize("path", SEEDS + CASE_FILES, ids=lambda p: p.name)
def test_titles_and_unattributed_units_match(path):
    """Fields the scorer does not count are still checked against the key, task by task."""
    got = {(d.doc_number, tuple(t.path), t.number): t for d in extract(read(path)) for t in d.tasks}
    for g in key_of(path).tasks:
        t = got[(g["doc_number"], tuple(g["path"]), g["number"])]
        assert t.title == g["title"]
        assert t.role("unattributed_units") == g["unattributed_units"]


def test_gazette_task_counts_per_document():
    docs = extract(read(SEEDS[4]))
    assert len(docs) == 18
    assert [len(d.tasks) for d in docs if d.tasks] == [59, 28, 21, 13]
