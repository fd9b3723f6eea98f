"""Old office formats (duban.ingest.office, workbook): .doc, .wps, .rtf, .xls and .et files, written by
LibreOffice as Word 97 / Excel 97 write them, read into the same tasks as the .docx/.xlsx they came from;
without LibreOffice, a message naming the package to install."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import Workbook

from duban.errors import ReadError
from duban.extract import extract
from duban.ingest import read

from .builders import make_docx, saved_as

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="make test installs LibreOffice")

PLAN = ["县2024年重点工作任务分工方案", "一、重点任务",
        "1.加强实验室布局提升。（牵头单位：县工业和信息化局；责任单位：各乡镇（街道））",
        [["序号", "重点任务", "牵头单位", "配合单位"],
         ["2", "推进创新平台建设", "县科技局", "县财政局、县发展和改革局"]],
        "二、保障措施"]  # Word ends a document with a paragraph (a .doc ending in a table loses it)
EXPECTED = [("1", ["县工业和信息化局"], [], ["各乡镇（街道）"]),
            ("2", ["县科技局"], ["县财政局", "县发展和改革局"], [])]
TABLE = [["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
         [1, "推进创新平台建设", "县科技局", "县财政局、县发展和改革局", "2024年6月底前"],
         [2, "实施减税降费政策", "县税务局", None, "2024年12月底前"]]


def tasks(source):
    return [(t.number, t.role("lead_units"), t.role("co_units"), t.role("resp_units"))
            for d in extract(source) for t in d.tasks]


def workbook(path):
    book = Workbook()
    for row in TABLE:
        book.active.append(row)
    book.save(path)
    return path


def test_a_plan_kept_as_a_workbook_is_read_row_by_row(tmp_path):
    source = read(workbook(tmp_path / "分工.xlsx"))
    assert source.format == "xlsx"
    assert [(n, lead, coop) for n, lead, coop, _ in tasks(source)] == [
        ("1", ["县科技局"], ["县财政局", "县发展和改革局"]), ("2", ["县税务局"], [])]


@needs_soffice
@pytest.mark.parametrize("suffix", [".doc", ".wps", ".rtf"])
def test_old_word_and_wps_documents_read_as_the_docx_they_were(tmp_path, suffix):
    original = make_docx(tmp_path / "方案.docx", PLAN)
    source = read(saved_as(original, suffix))
    assert source.format == "doc" and tasks(source) == tasks(read(original)) == EXPECTED


@needs_soffice
@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_old_excel_and_wps_workbooks_read_as_the_xlsx_they_were(tmp_path, suffix):
    original = workbook(tmp_path / "分工.xlsx")
    source = read(saved_as(original, suffix))
    assert source.format == "xls" and tasks(source) == tasks(read(original))


@needs_soffice
def test_without_libreoffice_the_message_names_the_package(tmp_path, monkeypatch):
    old = saved_as(make_docx(tmp_path / "方案.docx", PLAN), ".doc")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(ReadError, match="apt-get install libreoffice-writer-nogui") as refused:
        read(old)
    assert refused.value.path == str(old)


@needs_soffice
def test_a_damaged_old_document_is_refused_by_name(tmp_path):
    broken = tmp_path / "方案.doc"
    broken.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 600)
    with pytest.raises(ReadError, match="could not convert"):
        read(broken)


def test_a_text_saved_under_an_office_name_is_read_as_text(tmp_path):
    """Sites serve web pages and plain text as .doc/.xls; the bytes decide, not the name."""
    path = tmp_path / "方案.doc"
    path.write_text("\n".join(line for line in PLAN if isinstance(line, str)), encoding="gb18030")
    assert read(path).format == "txt" and tasks(read(path)) == EXPECTED[:1]
