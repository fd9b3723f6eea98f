"""Round trip: the ledger goes out as Excel, a unit fills its sheet the way people do (rows re-sorted,
a column deleted, statuses typed by hand), and it comes back in. A broken file changes nothing;
--partial applies the valid rows and writes the rest to a file; concurrent imports lose nothing."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from duban.cli import app
from duban.sheets.ledger import UNIT_MARK
from duban.store import transaction
from duban.store.ledger import parse_task_key, task_key
from duban.store.models import AuditEntry, Problem, ProgressReport

from .conftest import SEEDS

runner = CliRunner()
# what a liaison officer types, and what the ledger should hold for it
TYPED = [("√", "已完成", "100%"), ("完成", "已完成", None), ("推进中 ", "序时推进", 0.6), ("滞后", "滞后", "30%"),
         ("正常推进", "序时推进", None), ("未启动", "未启动", 0)]
PERCENT = {"100%": 100.0, 0.6: 60.0, "30%": 30.0, 0: 0.0, None: None}


def invoke(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def unit_sheets(db, tmp_path) -> Path:
    invoke("ingest", str(SEEDS[3]))
    out = tmp_path / "分单位台账.xlsx"
    invoke("export", "ledger", "--by-unit", "--out", str(out))
    return out


def busiest_sheets(path: Path, n: int = 2) -> list[str]:
    book = load_workbook(path, read_only=True)
    sizes = {ws.title: sum(1 for r in ws.iter_rows(min_row=4, values_only=True) if r[0]) for ws in book.worksheets}
    book.close()
    return sorted(sizes, key=lambda t: -sizes[t])[:n]


def fill(exported: Path, sheet: str, out: Path, seed: int = 7, extra_rows: list[list] | None = None,
         edit=None) -> dict[int, tuple]:
    """Keep one unit's sheet and fill it like a person: chapter rows dropped and task rows shuffled
    (a re-sort), the 备注 column deleted, a 完成比例 column added, statuses typed by hand, some rows
    left empty. Returns task id -> (status, progress, percent) expected in the ledger."""
    book = load_workbook(exported)
    for ws in list(book.worksheets):
        if ws.title != sheet:
            book.remove(ws)
    ws = book[sheet]
    header = [c.value for c in ws[3]]
    col = {name: header.index(name) for name in header}
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4) if r[0].value]
    for merged in list(ws.merged_cells.ranges):
        if merged.min_row > 3:
            ws.unmerge_cells(str(merged))
    ws.delete_rows(4, ws.max_row)
    random.Random(seed).shuffle(rows)
    expected = {}
    for i, row in enumerate(rows):
        if i < len(TYPED):
            typed, status, percent = TYPED[i]
            row[col["状态"]] = typed
            row[col["进展情况"]] = f"第{i + 1}项已按计划推进，完成投资{i + 1}亿元。"
            row.append(percent)
            expected[parse_task_key(row[0])] = (status, row[col["进展情况"]], PERCENT[percent])
        if edit:
            edit(i, row, col)
        ws.append(row)
    for row in extra_rows or []:
        ws.append(row)
    ws.cell(3, len(header) + 1, "完成比例")
    ws.delete_cols(col["备注"] + 1)
    book.save(out)
    return expected


def reports(db) -> set[tuple]:
    with transaction(db) as s:
        return {(r.task_id, r.unit_id, r.status, r.progress, r.percent) for r in s.scalars(select(ProgressReport))}


def unit_of(path: Path, sheet: str) -> str:
    book = load_workbook(path, read_only=True)
    unit = book[sheet]["A2"].value.removeprefix(UNIT_MARK)
    book.close()
    return unit


def test_round_trip_stores_exactly_what_the_unit_filled(db, unit_sheets, tmp_path):
    sheet = busiest_sheets(unit_sheets)[0]
    back = tmp_path / "交回.xlsx"
    expected = fill(unit_sheets, sheet, back)
    result = invoke("import", "progress", str(back), "--by", "liaison")
    assert f"已导入 {len(expected)} 条进展" in result.output
    unit = unit_of(unit_sheets, sheet)
    assert reports(db) == {(task, unit, *value) for task, value in expected.items()}
    with transaction(db) as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "report")).all()
        assert {int(e.entity_id) for e in entries} == set(expected)
        assert all(e.actor.startswith("cli:") and e.actor.endswith("/liaison") for e in entries)  # never a web login
        assert all(e.detail["source"].startswith("交回.xlsx:") for e in entries)
    again = invoke("import", "progress", str(back))
    assert f"{len(expected)} 条与上次相同" in again.output
    assert len(reports(db)) == len(expected)


def test_a_problem_column_raises_problems_on_the_tasks(db, unit_sheets, tmp_path):
    sheet = busiest_sheets(unit_sheets)[0]
    back = tmp_path / "交回.xlsx"

    def add_problem(i, row, col):
        row[col["备注"]] = None
        if i == 1:
            row[col["进展情况"]] = "征地未完成"
    expected = fill(unit_sheets, sheet, back, edit=add_problem)
    book = load_workbook(back)
    ws = book.active
    ws.cell(3, ws.max_column + 1, "存在问题")
    first = next(r for r in range(4, ws.max_row + 1) if parse_task_key(ws.cell(r, 1).value) in expected)
    ws.cell(first, ws.max_column, "资金缺口较大")
    book.save(back)
    invoke("import", "progress", str(back))
    with transaction(db) as s:
        problems = s.scalars(select(Problem)).all()
    assert [(p.task_id, p.text, p.state) for p in problems] == [
        (parse_task_key(ws.cell(first, 1).value), "资金缺口较大", "发现")]


def broken(kind: str):
    """An edit that makes one filled row invalid, and the words the error must contain."""
    def edit(i, row, col):
        if i != 2:
            return
        if kind == "status":
            row[col["状态"]] = "差不多"
        elif kind == "tampered":
            row[0] = row[0][:-1] + ("0" if row[0][-1] != "0" else "1")
        elif kind == "unknown":
            row[0] = task_key(999999)
        elif kind == "text":
            row[col["具体内容"]] = row[col["具体内容"]] + "（已完成，不再考核）"
    return edit


@pytest.mark.parametrize("kind, reason", [
    ("status", "无法识别的状态"), ("tampered", "任务ID无效"), ("unknown", "没有此任务"), ("text", "具体内容"),
])
def test_a_broken_file_changes_nothing_and_says_where(db, unit_sheets, tmp_path, kind, reason):
    sheet = busiest_sheets(unit_sheets)[0]
    back = tmp_path / "交回.xlsx"
    fill(unit_sheets, sheet, back, edit=broken(kind))
    result = invoke("import", "progress", str(back), code=1)
    assert reason in result.output and f"工作表“{sheet[:31]}”" in result.output and "未导入任何内容" in result.output
    assert reports(db) == set()


def test_a_unit_cannot_report_on_a_task_it_does_not_own(db, unit_sheets, tmp_path):
    mine, theirs = busiest_sheets(unit_sheets, 2)
    book = load_workbook(unit_sheets, read_only=True)
    mine_ids = {r[0] for r in book[mine].iter_rows(min_row=4, values_only=True) if r[0]}
    foreign = next(list(r) for r in book[theirs].iter_rows(min_row=4, values_only=True) if r[0] and r[0] not in mine_ids)
    book.close()
    foreign[9], foreign[10] = "已开工", "推进中"
    back = tmp_path / "交回.xlsx"
    fill(unit_sheets, mine, back, extra_rows=[foreign])
    result = invoke("import", "progress", str(back), code=1)
    assert "不是此任务的牵头或责任单位" in result.output
    assert reports(db) == set()


def test_partial_applies_the_valid_rows_and_returns_the_rest(db, unit_sheets, tmp_path):
    sheet = busiest_sheets(unit_sheets)[0]
    back = tmp_path / "交回.xlsx"
    expected = fill(unit_sheets, sheet, back, edit=broken("status"))
    rejected = tmp_path / "退回.xlsx"
    result = invoke("import", "progress", str(back), "--partial", "--rejected", str(rejected), code=1)
    assert "已导入 5 条进展" in result.output
    book = load_workbook(rejected)
    rows = list(book.active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and "差不多" in rows[0][4]
    bad = parse_task_key(rows[0][3])
    assert {r[0] for r in reports(db)} == set(expected) - {bad}


def test_a_whole_ledger_sheet_reports_as_the_office(db, tmp_path):
    invoke("ingest", str(SEEDS[3]))
    out = tmp_path / "台账.xlsx"
    invoke("export", "ledger", "--out", str(out))
    back = tmp_path / "back.xlsx"
    expected = fill(out, "台账", back)
    invoke("import", "progress", str(back))
    assert reports(db) == {(task, None, *value) for task, value in expected.items()}


def test_concurrent_imports_from_two_processes_lose_no_report(db, database_url, unit_sheets, tmp_path):
    files, expected = [], set()
    for n, sheet in enumerate(busiest_sheets(unit_sheets, 2)):
        back = tmp_path / f"back{n}.xlsx"
        unit = unit_of(unit_sheets, sheet)
        expected |= {(task, unit, *value) for task, value in fill(unit_sheets, sheet, back, seed=n).items()}
        files.append(back)
    env = {**os.environ, "DUBAN_DATABASE_URL": database_url}
    procs = [subprocess.Popen([sys.executable, "-m", "duban", "import", "progress", str(f)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert reports(db) == expected
    with transaction(db) as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report")) == len(expected)


def test_a_task_reported_twice_in_one_sheet_is_refused(db, unit_sheets, tmp_path):
    sheet = busiest_sheets(unit_sheets)[0]
    back = tmp_path / "交回.xlsx"
    fill(unit_sheets, sheet, back)
    book = load_workbook(back)
    ws = book.active
    filled = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 11).value)
    ws.append([c.value for c in ws[filled]])
    book.save(back)
    result = invoke("import", "progress", str(back), code=1)
    assert f"同一任务在第{filled}行已填报" in result.output
    assert reports(db) == set()
