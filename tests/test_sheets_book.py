"""The workbook written from a stream of rows: by the calling process or, for a long ledger, by a process
of its own, byte for byte the same; and when either side fails, an error and nothing left behind."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from duban.cli import app
from duban.errors import DubanError
from duban.sheets import book
from duban.sheets.book import Page, cell
from duban.sheets.ledger import Sheet, write_ledger
from duban.store import transaction
from duban.store.ledger import rows_of
from duban.store.models import Task

from .conftest import SEEDS

STAMPED = "docProps/core.xml"  # holds the time the book was made


@pytest.fixture
def folder(tmp_path):
    """Where the workbooks go, and nothing else."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


@pytest.fixture
def ids(db):
    assert CliRunner().invoke(app, ["ingest", str(SEEDS[3]), str(SEEDS[0])]).exit_code == 0
    with transaction(db) as s:
        return list(s.scalars(select(Task.id).order_by(Task.document_id, Task.position)))


def export(db, ids: list[int], out) -> int:
    with transaction(db) as s:
        return write_ledger([Sheet("台账", rows_of(s, ids), several_documents=True)], out, "台账", date(2024, 2, 1))


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != STAMPED}


def test_a_long_ledger_written_apart_is_the_same_workbook(db, ids, folder, monkeypatch):
    here = folder / "here.xlsx"
    assert export(db, ids, here) == len(ids)
    apart = written_apart(monkeypatch)
    there = folder / "there.xlsx"
    assert export(db, ids, there) == len(ids)
    assert apart == [1]
    assert parts(here) == parts(there)
    assert sorted(p.name for p in folder.iterdir()) == ["here.xlsx", "there.xlsx"]  # no row files left


def written_apart(monkeypatch) -> list[int]:
    """From now on, every stream longer than ten operations written by a process of its own: a 1 for each."""
    written, write_apart = [], book.write_apart
    monkeypatch.setattr(book, "SMALL", 10)
    monkeypatch.setattr(book, "write_apart", lambda *args: written.append(1) or write_apart(*args))
    return written


def failing_rows(db, ids: list[int], after: int):
    with transaction(db) as s:
        for n, row in enumerate(rows_of(s, ids)):
            if n == after:
                raise DubanError("读取中断 (the database went away)")
            yield row


@pytest.mark.parametrize("small", [10**6, 10], ids=["here", "apart"])
def test_a_failure_while_reading_leaves_the_old_file_and_nothing_else(db, ids, folder, monkeypatch, small):
    monkeypatch.setattr(book, "SMALL", small)
    out = folder / "台账.xlsx"
    out.write_bytes(b"last week's ledger")
    with pytest.raises(DubanError, match="读取中断"):
        write_ledger([Sheet("台账", failing_rows(db, ids, 40))], out, "台账", date(2024, 2, 1))
    assert out.read_bytes() == b"last week's ledger"
    assert [p.name for p in folder.iterdir()] == ["台账.xlsx"]


def test_a_failure_of_the_writing_process_is_reported_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(book, "SMALL", 10)
    page = Page("台账", (10, 20, 30), 3, 2, ("已完成",))
    good = ("row", [cell(1, "cell"), cell("文字", "cell"), cell("", "center")], 20)
    bad = ("row", [("formula", "=1+1", ("cell", False))], None)  # a kind of cell no writer knows
    out = tmp_path / "x.xlsx"
    with pytest.raises(DubanError, match="工作簿写出失败"):
        book.write(out, [("sheet", page), *[good] * 5_000, bad, *[good] * 5_000])
    assert list(tmp_path.iterdir()) == []
