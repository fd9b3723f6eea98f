"""Plans in the ledger compared, with the office's word on their links: a rejected link is no link, a
confirmed pair is one even where the matcher saw none, and both hold for a new version of the plan."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from duban.cli import app
from duban.compare.keys import key_of, scored_against
from duban.compare.plans import compare
from duban.compare.stored import decide, plan_of_document, words_on
from duban.store import transaction
from duban.store.models import Document

from .conftest import SEEDS

runner = CliRunner()
PLANS = [p for p in SEEDS if p.name[:3] in ("000", "003")]  # 冠县 2023, 2024


def ingested(*paths) -> None:
    result = runner.invoke(app, ["ingest", *map(str, paths)])
    assert result.exit_code == 0, result.output


def documents(db) -> dict[str, int]:
    with transaction(db) as s:
        return {d.path.rsplit("/", 1)[-1][:3]: d.id for d in s.scalars(select(Document).where(Document.current))}


def compared(db, upper: int, lower: int) -> dict:
    with transaction(db) as s:
        up, down = plan_of_document(s, upper), plan_of_document(s, lower)
        return compare(up, [down], words_on(s, up, [down]))


def pairs(links: list[dict]) -> set[tuple[str, str]]:
    return {(x["upper"]["number"], x["lower"]["number"]) for x in links}


@pytest.fixture
def one_rejected(db) -> tuple[dict, dict, dict]:
    """冠县 2023 and 2024 in the ledger, the first link between them rejected: (document ids, the comparison
    before, the rejected link)."""
    ingested(*PLANS)
    ids = documents(db)
    first = compared(db, ids["000"], ids["003"])
    link = first["links"][0]
    with transaction(db) as s:
        decide(s, link["upper"]["task_id"], link["lower"]["task_id"], "rejected", "tests")
    return ids, first, link


def test_the_office_s_word_holds_for_a_new_version_of_the_plan(db, tmp_path, one_rejected):
    ids, first, refused = one_rejected
    gap, added = first["gaps"][0], first["additions"][0]
    with transaction(db) as s:
        decide(s, gap["task_id"], added["task_id"], "confirmed", "tests")
    new = PLANS[1]
    revised = tmp_path / new.name  # the same file name, one task reworded: a new version of the plan
    text = new.read_text(encoding="utf-8")
    last = compared(db, ids["000"], ids["003"])["additions"][-1]["title"]
    revised.write_text(text.replace(last, last + "（修订）", 1), encoding="utf-8")
    ingested(revised)
    assert documents(db)["003"] != ids["003"]
    again = compared(db, ids["000"], documents(db)["003"])
    key = (refused["upper"]["number"], refused["lower"]["number"])
    assert key not in pairs(again["links"]) and key in pairs(again["rejected"])
    [kept] = [x for x in again["links"] if (x["upper"]["number"], x["lower"]["number"]) == (gap["number"], added["number"])]
    assert kept["decision"] == "confirmed"
    assert gap["number"] not in {t["number"] for t in again["gaps"]}
    key = key_of(again, "000", "003")  # the office's word as an answer key, the matcher scored against it
    assert key["links"] == [{"a": gap["number"], "b": added["number"], "why": kept["reason"]}]
    assert key["rejected"] == [{"a": refused["upper"]["number"], "b": refused["lower"]["number"]}]
    assert scored_against(again, key).recall == 1.0


def test_the_command_compares_plans_in_the_ledger_with_the_office_s_word(db, tmp_path, one_rejected):
    ids, first, refused = one_rejected
    with transaction(db) as s:
        number = s.get(Document, ids["000"]).doc_number
    result = runner.invoke(app, ["compare", number, str(ids["003"]), "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert pairs(body["rejected"]) == {(refused["upper"]["number"], refused["lower"]["number"])}
    assert pairs(body["links"]) == pairs(first["links"]) - pairs(body["rejected"])
    missing = runner.invoke(app, ["compare", str(tmp_path / "无此文件.txt"), str(ids["003"])])
    assert missing.exit_code == 2 and "无此文件.txt" in missing.output
