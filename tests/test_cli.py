"""The command line: the JSON contract, exit codes, errors a user can act on."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from duban.cli import app
from duban.extract import extract
from duban.ingest import read

from .conftest import GOLD, ROOT, SEEDS

runner = CliRunner()
ROLE_KEYS = {"lead_leaders", "lead_units", "co_units", "resp_units", "unattributed_units"}
CONTRACT_TASK_KEYS = {"number", "path", "title", "text", "line", "span", "deadlines", "targets", *ROLE_KEYS,
                      *(f"{r}_ids" for r in ROLE_KEYS)}


def test_extract_json_contract():
    result = runner.invoke(app, ["extract", str(SEEDS[3]), "--format", "json"])
    assert result.exit_code == 0
    [doc] = json.loads(result.stdout)["documents"]
    assert doc["source"] == str(SEEDS[3])
    assert {"issuer", "doc_number", "title", "date", "region", "tasks"} <= doc.keys()
    first = doc["tasks"][0]
    assert set(first) == CONTRACT_TASK_KEYS
    assert first["title"] == "地区生产总值增长6%" and first["text"] == "地区生产总值增长 6%。"
    source = SEEDS[3].read_text(encoding="utf-8")
    start, end = first["span"]
    assert source[start:end].startswith("1. 地区生产总值增长") and source.count("\n", 0, start) + 1 == first["line"]


def test_a_bad_file_is_named_and_the_others_still_processed(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(empty), str(SEEDS[0])])
    assert result.exit_code == 2
    assert f"{empty}: 文件为空 (empty file)" in result.stderr
    assert len(json.loads(result.stdout)["documents"][0]["tasks"]) == 99


def test_eval_prints_figures_and_min_f1_sets_the_exit_code():
    ok = runner.invoke(app, ["eval", "--gold", str(GOLD), *map(str, SEEDS), "--min-f1", "0.95"])
    assert ok.exit_code == 0 and "task F1 1.0000" in ok.stdout
    assert re.search(r"targets F1 0\.9\d+  deadlines F1 0\.9\d+", ok.stdout) and "量化目标 P/R/F1" in ok.stdout
    strict = runner.invoke(app, ["eval", "--gold", str(GOLD), str(SEEDS[2]), "--min-f1", "1.01"])
    assert strict.exit_code == 1


def test_eval_against_a_key_that_disagrees(tmp_path):
    key = tmp_path / "key"
    key.mkdir()
    name = SEEDS[3].name
    (key / f"{name}.docs.json").write_text((GOLD / f"{name}.docs.json").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (GOLD / f"{name}.tasks.jsonl").read_text(encoding="utf-8").splitlines()
    (key / f"{name}.tasks.jsonl").write_text("\n".join(lines[:60]), encoding="utf-8")  # half the tasks
    result = runner.invoke(app, ["eval", "--gold", str(key), str(SEEDS[3]), "--min-f1", "0.9"])
    assert result.exit_code == 1
    assert re.search(r"task F1 0\.66", result.stdout)


def test_unknown_format_is_refused():
    result = runner.invoke(app, ["extract", str(SEEDS[0]), "--format", "xml"])
    assert result.exit_code == 2 and "json | table | summary" in result.output


def test_table_shows_limits_and_targets():
    result = runner.invoke(app, ["extract", str(SEEDS[3]), "--format", "table"])
    assert result.exit_code == 0
    assert "完成时限" in result.stdout and "量化目标" in result.stdout
    assert "增长≥6%" in result.stdout and "2024-12-31" in result.stdout


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_targets_written_and_read_back(tmp_path, suffix):
    out = tmp_path / f"targets{suffix}"
    result = runner.invoke(app, ["targets", str(SEEDS[3]), "--out", str(out)])
    assert result.exit_code == 0
    if suffix == ".xlsx":
        sheet = openpyxl.load_workbook(out).active
        rows = [[c.value for c in r] for r in sheet.iter_rows()]
        assert sheet.freeze_panes == "A2"
    else:
        rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert header[:6] == ["文件", "文号", "层级", "序号", "任务", "目标"]
    assert (first["指标"], str(first["目标值"]), first["单位"], first["比较"]) == ("地区生产总值", "6", "%", ">=")
    assert len(rows) - 1 == sum(len(t.targets) for d in extract(read(SEEDS[3])) for t in d.tasks)


def test_targets_refuses_an_unknown_file_type(tmp_path):
    result = runner.invoke(app, ["targets", str(SEEDS[3]), "--out", str(tmp_path / "t.doc")])
    assert result.exit_code == 2 and ".csv 或 .xlsx" in result.stderr and not (tmp_path / "t.doc").exists()


@pytest.mark.parametrize("command", ["extract", "eval", "targets"])
def test_every_command_has_help_and_is_in_the_readme(command):
    assert runner.invoke(app, [command, "--help"]).exit_code == 0
    assert f"duban {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands():
    head = Path(ROOT / "README.md").read_text(encoding="utf-8")[:600]
    assert "make run" in head and "make test" in head
