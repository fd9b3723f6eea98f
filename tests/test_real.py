"""Real public documents from other provinces (tests/real, keyed blind by helpers who never read the
engine): no change may lower any document's score below its first contact (tests/real/first_contact.json),
so a fix made for one layout cannot quietly break another. The figures are in tests/real/README.md."""

from __future__ import annotations

import json

import pytest

from duban.evaluate import load_gold, score_file
from duban.extract import extract
from duban.ingest import read

from .real.report import FIRST, HERE, documents, figures

FIRST_CONTACT = json.loads(FIRST.read_text(encoding="utf-8")) if FIRST.exists() else {}


def test_every_real_document_has_a_first_contact_score():
    assert documents() and sorted(FIRST_CONTACT) == sorted(p.name for p in documents())


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_no_real_document_scores_below_its_first_contact(path):
    now = figures(score_file(load_gold(HERE, str(path)), extract(read(path))))
    first = FIRST_CONTACT[path.name]
    assert all(now[k] >= first[k] for k in ("task_f1", "lowest_role_f1", "exact", "header")), (now, first)
