"""The unit registry: a hand-made table of (mention, region, date) -> entry, near-miss pairs that
must never merge, reform history, every mention of the sample corpus resolved or flagged, and the
review workflow's edits (persisted, undoable)."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from typer.testing import CliRunner

from duban import units
from duban.cli import app
from duban.extract import extract
from duban.ingest import read
from duban.units.registry import FLAGGED, Registry

from .conftest import ROOT, SEEDS


def table_rows() -> list[tuple[str, str, str, str, str]]:
    lines = (ROOT / "tests" / "data" / "units_table.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line and not line.startswith("#")]


TABLE = table_rows()


def expected(entry: str) -> tuple[str, str | None]:
    """"group:X" -> (group, X); "ambiguous" -> (ambiguous, None); "冠县发展和改革局" -> (resolved, …)."""
    status, _, uid = entry.partition(":") if entry.split(":")[0] in ("group", "person", "provisional") else ("", "", "")
    if status:
        return status, uid
    return (entry, None) if entry in FLAGGED else ("resolved", entry)


def test_the_table_is_large_enough():
    assert len(TABLE) >= 80


@pytest.mark.parametrize("mention,region,on,role,entry", TABLE, ids=[f"{r[1]}:{r[0]}" for r in TABLE])
def test_mention_resolves_to_its_entry(mention, region, on, role, entry):
    got = Registry().resolve(mention, region, role)
    assert (got.status, got.unit.id if got.unit and got.status != "ambiguous" else None) == expected(entry)


def test_no_two_agencies_are_merged():
    """Rows naming different entries never resolve to one id (and rows naming one entry always do)."""
    registry = Registry()
    ids: dict[str, set[str]] = {}
    for mention, region, _, role, entry in TABLE:
        got = registry.resolve(mention, region, role).id
        if got:
            ids.setdefault(got, set()).add(entry)
    assert {k: v for k, v in ids.items() if len(v) > 1} == {}


@pytest.mark.parametrize("a,b", [
    (("县农业局", "冠县"), ("县农业农村局", "冠县")),
    (("县委组织部", "冠县"), ("县委宣传部", "冠县")),
    (("市生态环境局冠县分局", "冠县"), ("市生态环境局莘县分局", "莘县")),
    (("县发改局", "冠县"), ("县发改局", "莘县")),
    (("县水务局", "冠县"), ("县水利局", "冠县")),
    (("县经信和商务局", "冠县"), ("县工业和信息化局", "冠县")),
    (("县人民法院", "冠县"), ("县人民检察院", "冠县")),
    (("区妇联", "东昌府区"), ("区残联", "东昌府区")),
    (("县委政法委", "冠县"), ("县委组织部", "冠县")),
    (("店子镇", "冠县"), ("清泉街道", "冠县")),
])
def test_near_misses_stay_apart(a, b):
    registry = Registry()
    assert registry.resolve(*a).id != registry.resolve(*b).id


@pytest.mark.parametrize("mention,on,after", [
    ("县环保局", date(2018, 8, 9), ["冠县环境保护局"]),
    ("县环保局", date(2023, 8, 29), ["聊城市生态环境局冠县分局"]),
    ("县水务局", date(2023, 8, 29), ["冠县水利局"]),
    ("县卫计局", date(2020, 1, 1), ["冠县卫生健康局"]),
    ("县经信和商务局", date(2023, 8, 29), ["冠县工业和信息化局", "冠县商务和投资促进局"]),  # split
    ("县发改局", date(2023, 8, 29), ["冠县发展和改革局"]),
])
def test_successor_valid_on_a_date(mention, on, after):
    registry = Registry()
    assert registry.successor(registry.resolve(mention, "冠县").id, on) == after


def test_reform_history_only_where_it_is_recorded():
    """The 2019 Shandong data set gives 冠县's 农业局 an end; 桐庐县 (Zhejiang) has no history here."""
    registry = Registry()
    assert registry.resolve("县农业局", "冠县").unit.valid_to == date(2019, 3, 1)
    assert registry.resolve("县农业局", "桐庐县").unit.valid_to is None


def test_every_mention_in_the_samples_is_resolved_or_flagged():
    registry = Registry()
    statuses = {}
    for path in SEEDS:
        docs = extract(read(path))
        for m in units.resolve(docs, registry):
            statuses.setdefault(m.resolution.status, 0)
            statuses[m.resolution.status] += 1
            assert m.resolution.status != "unknown" or m.resolution.note
        for d in docs:
            for t in d.tasks:
                assert all(len(t.ids[r]) == len(t.role(r)) for r in t.ids)
    assert sum(statuses.values()) > 1500 and statuses.get("unknown", 0) == 0


def test_leaders_in_003_are_persons_never_units():
    registry = Registry()
    leaders = [m for m in units.resolve(extract(read(SEEDS[3])), registry) if m.role == "lead_leaders"]
    assert {m.printed for m in leaders} >= {"张怀恒", "张琪"}
    assert {m.resolution.status for m in leaders} == {"person"}
    assert all(registry.units[m.resolution.id].kind == "person" for m in leaders)


def test_successor_mapping_in_extraction():
    """A 2018 document's 县环保局, asked for the body valid on its own date, stays itself."""
    docs = extract(read(SEEDS[4]))
    units.resolve(docs, Registry(), successor=True)
    ids = {i for d in docs for t in d.tasks for i in t.ids["lead_units"]}
    assert "冠县环境保护局" in ids and "聊城市生态环境局冠县分局" not in ids


runner = CliRunner()


def test_edits_are_persisted_and_undoable(tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path))
    assert Registry(tmp_path / "registry.jsonl").resolve("县华冠公司", "冠县").status == "provisional"
    ok = runner.invoke(app, ["units", "alias", "县华冠公司", "冠县华冠资产管理有限公司", "--region", "冠县"])
    assert ok.exit_code == 0
    again = Registry(tmp_path / "registry.jsonl")
    assert again.resolve("县华冠公司", "冠县").id == "冠县华冠资产管理有限公司"
    assert again.resolve("县华冠公司", "莘县").id == "莘县华冠公司"  # the alias holds in 冠县 only
    assert runner.invoke(app, ["units", "merge", "冠县农业局", "冠县农业农村局"]).exit_code == 0
    assert Registry(tmp_path / "registry.jsonl").resolve("县农业局", "冠县").id == "冠县农业农村局"
    assert runner.invoke(app, ["units", "undo"]).exit_code == 0
    after = Registry(tmp_path / "registry.jsonl")
    assert after.resolve("县农业局", "冠县").id == "冠县农业局"
    assert after.resolve("县华冠公司", "冠县").id == "冠县华冠资产管理有限公司"
    assert runner.invoke(app, ["units", "split", "县华冠公司", "冠县华冠建设有限公司", "--region", "冠县"]).exit_code == 0
    assert Registry(tmp_path / "registry.jsonl").resolve("县华冠公司", "冠县").id == "冠县华冠建设有限公司"
    assert len(runner.invoke(app, ["units", "history"]).stdout.splitlines()) == 2


def test_a_damaged_edits_file_is_named_with_its_line(tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path))
    (tmp_path / "registry.jsonl").write_text('{"op": "alias", "name": "a", "unit": "b"}\n{oops\n', encoding="utf-8")
    result = runner.invoke(app, ["units", "history"])
    assert result.exit_code == 2 and "registry.jsonl:2" in result.stderr


def test_nothing_to_undo(tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path))
    result = runner.invoke(app, ["units", "undo"])
    assert result.exit_code == 2 and "nothing to undo" in result.stderr


def test_unknown_lists_flagged_mentions_with_where():
    result = runner.invoke(app, ["units", "unknown", str(SEEDS[0])])
    assert result.exit_code == 0
    assert re.search(r"待核对的提及 [1-9]\d* 处 / \d+", result.stdout)


def test_list_counts_mentions_and_spellings():
    result = runner.invoke(app, ["units", "list", str(SEEDS[4])])
    assert result.exit_code == 0 and "冠县发展和改革局" in result.stdout and "县发改局" in result.stdout


def test_extract_resolve_adds_the_units_map():
    result = runner.invoke(app, ["extract", str(SEEDS[3]), "--resolve"])
    body = json.loads(result.stdout)
    first = body["documents"][0]["tasks"][0]
    assert first["lead_units"] == ["县发展和改革局"] and first["lead_units_ids"] == ["冠县发展和改革局"]
    assert first["lead_leaders_ids"] == ["冠县:张怀恒"]
    assert body["units"]["冠县发展和改革局"]["kind"] == "government department"
    assert body["units"]["冠县:张怀恒"]["kind"] == "person" and body["units"]["冠县:张怀恒"]["name"] == "张怀恒"
    ids = {i for d in body["documents"] for t in d["tasks"] for r in ("lead_units", "co_units", "resp_units")
           for i in t[f"{r}_ids"]}
    assert ids - {None} <= body["units"].keys()
