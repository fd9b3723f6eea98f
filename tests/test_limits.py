"""Files built to exhaust a parser are refused with a message naming the file and the bound, in a
worker process, while the caller's memory stays where it was (duban/limits.py, duban/worker.py)."""

from __future__ import annotations

import resource
import time

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from duban import worker
from duban.cli import app
from duban.errors import ReadError
from duban.extract import extract_file
from duban.sheets.returns import read_returned
from duban.store import transaction
from duban.store.models import Document

from . import bombs
from .conftest import SEEDS

runner = CliRunner()
BOMBS = [
    ("strings.xlsx", lambda: bombs.xlsx(3_000_000), "sharedStrings.xml"),
    ("rows.xlsx", lambda: bombs.xlsx(0, rows=1_000_000), "sheet1.xml"),
    ("huge.docx", lambda: bombs.huge_docx(64), "document.xml"),
    ("laughs.docx", bombs.entity_docx, "DOCTYPE"),
    ("pages.pdf", lambda: bombs.pdf(120_000), "120000 页"),
    ("inflating.pdf", bombs.inflating_pdf, "内存超过上限"),
]


def read_any(path):
    return read_returned(path) if path.suffix == ".xlsx" else extract_file(path)


@pytest.mark.parametrize("name, make, says", BOMBS, ids=[b[0] for b in BOMBS])
def test_a_bomb_is_refused_naming_the_file_and_the_bound(write, name, make, says):
    path = write(name, make())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ReadError) as refused:
        read_any(path)
    assert says in str(refused.value) and str(path) in str(refused.value)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100  # the parsing happened elsewhere


def test_a_sheet_longer_than_the_row_limit_is_refused_row_by_row(write, monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_SHEET_ROWS", "50")  # seen by the worker too
    [sheet] = read_returned(write("long.xlsx", bombs.xlsx(0, rows=60)))
    assert [r.row for r in sheet.rejected][-1:] == [52] and "超过 50 行" in sheet.rejected[-1].reason


def test_text_over_the_limit_is_refused(write, monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_TEXT_CHARS", "1000")
    with pytest.raises(ReadError, match="超过上限 1000"):
        extract_file(write("long.txt", "一、加快项目建设。\n" * 200))


def sleepy(seconds: float) -> str:
    time.sleep(seconds)
    return "awake"


def broken() -> None:
    raise KeyError("word/numbering.xml")


def test_the_worker_stops_a_parse_that_takes_too_long(monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_PARSE_SECONDS", "1")
    start = time.monotonic()
    with pytest.raises(ReadError, match="超过 1 秒"):
        worker.run(sleepy, 30)
    assert time.monotonic() - start < 10
    assert worker.run(sleepy, 0) == "awake"  # and the next job runs


def test_a_parser_crash_becomes_a_read_error():
    with pytest.raises(ReadError, match="KeyError"):
        worker.run(broken)


def test_ingest_names_a_bad_file_and_stores_the_others(db, write):
    bad = write("laughs.docx", bombs.entity_docx())
    result = runner.invoke(app, ["ingest", str(bad), str(SEEDS[0])])
    assert result.exit_code == 2, result.output
    assert "laughs.docx" in result.output and "DOCTYPE" in result.output and "Traceback" not in result.output
    with transaction(db) as s:
        assert s.scalar(select(func.count()).select_from(Document)) >= 1
