"""Scans and photos (duban.ingest.ocr, image, pdf): read by OCR into lines in reading order, then into
tasks like any other file. The pictures are made here from text, as a scanner or a phone makes them."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from PIL import Image
from typer.testing import CliRunner

from duban import progress
from duban.cli import app
from duban.errors import ReadError
from duban.extract import extract, extract_file
from duban.ingest import page_picture, read
from duban.ingest.ocr import rows

from .builders import CJK_FONT, make_pdf, make_scan, scan_of

pytestmark = pytest.mark.skipif(not CJK_FONT.exists(), reason="make test installs fonts-wqy-microhei")

PLAN = ["冠县2024年重点工作任务", "一、重点任务",
        "1.加强实验室布局提升。以省重点实验室重组为契机，布局建设市级重点实验室。（牵头单位：县工业和信息化局）",
        "2.加强创新平台建设。（牵头单位：县工业和信息化局、县发展和改革局；责任单位：各乡镇（街道））"]
EXPECTED = [("1", ["一"], ["县工业和信息化局"], []),
            ("2", ["一"], ["县工业和信息化局", "县发展和改革局"], ["各乡镇（街道）"])]


def tasks(source):
    return [(t.number, t.path, t.role("lead_units"), t.role("resp_units")) for d in extract(source) for t in d.tasks]


@pytest.mark.parametrize("name,photo,fmt", [
    ("scan.pdf", False, "pdf+ocr"),  # a scanned 红头文件: a PDF of page images, no text layer
    ("scan.png", False, "image"),
    ("photo.jpg", True, "image"),  # a phone photo: skewed 2°, blurred, JPEG
])
def test_scans_and_photos_are_read(tmp_path, name, photo, fmt):
    source = read(make_scan(tmp_path / name, [PLAN], photo=photo))
    assert source.format == fmt and tasks(source) == EXPECTED


def test_a_multi_page_tiff_reads_every_page(tmp_path):
    source = read(make_scan(tmp_path / "fax.tiff", [PLAN[:3], PLAN[3:]]))
    assert tasks(source) == EXPECTED


def test_a_pdf_with_some_pages_scanned_reads_each_page_its_way(tmp_path):
    """Page 1 has a text layer, page 2 is a scan: both are read, in order."""
    typed = make_pdf(tmp_path / "typed.pdf", PLAN[:3])
    scanned = make_scan(tmp_path / "scanned.pdf", [PLAN[3:]])
    mixed = pypdfium2.PdfDocument.new()
    for part in (typed, scanned):
        mixed.import_pages(pypdfium2.PdfDocument(part))
    mixed.save(tmp_path / "mixed.pdf")
    source = read(tmp_path / "mixed.pdf")
    assert source.format == "pdf+ocr" and tasks(source) == EXPECTED


def test_a_scan_is_read_in_the_worker_under_its_limits(tmp_path):
    """The worker gives a scan the OCR models' memory and each page its share of time."""
    _, docs = extract_file(make_scan(tmp_path / "scan.jpg", [PLAN], photo=True))
    assert [t.role("lead_units") for d in docs for t in d.tasks] == [e[2] for e in EXPECTED]


def box(x0, x1, top, text, height=30):
    return {"x0": x0, "x1": x1, "top": top, "bottom": top + height, "text": text,
            "shown": (x0, top, x1, top + height)}


def test_boxes_in_reading_order():
    """Rows by vertical overlap (a box a little higher or lower is on the same row), left to right in a
    row; a wide gap is a table's cell boundary (a tab), a narrow one a printed space."""
    found = [box(700, 900, 103, "县发改局"), box(100, 600, 100, "1 推进园区建设"), box(100, 400, 150, "一、重点任务"),
             box(100, 160, 200, "2023"), box(180, 210, 198, "年")]
    assert [r["text"] for r in rows(found)] == ["1 推进园区建设\t县发改局", "一、重点任务", "2023 年"]


def test_a_picture_too_large_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_IMAGE_MEGAPIXELS", "1")
    Image.new("RGB", (2000, 1500), "white").save(tmp_path / "huge.png")
    with pytest.raises(ReadError, match="image too large"):
        read(tmp_path / "huge.png")


def test_a_damaged_picture_names_the_reason(tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    with pytest.raises(ReadError, match="unreadable image"):
        read(tmp_path / "broken.jpg")


def test_each_line_keeps_its_page_and_box(tmp_path):
    """A task's text leads back to where it stands on the scan: the first task's lines on page 1 (from 0:
    0), their boxes where the picture drew them (scan_of: 150 px margin, lines 1.8 × 33 px apart)."""
    source = read(make_scan(tmp_path / "fax.tiff", [PLAN[:3], PLAN[3:]]))
    first, second = [t for d in extract(source) for t in d.tasks]
    page = scan_of(PLAN[:3])
    lines = source.boxes_of(first.span)
    assert {b.page for b in lines} == {0} and {b.page for b in source.boxes_of(second.span)} == {1}
    assert "加强实验室布局提升" in "".join(source.text[b.start:b.end] for b in lines)
    assert abs(lines[0].x0 * page.width - 150) < 10
    assert abs(lines[0].top * page.height - (150 + 2 * int(33 * 1.8))) < 15  # the third line drawn
    assert all(0 <= b.x0 < b.x1 <= 1 and 0 <= b.top < b.bottom <= 1 for b in source.boxes)


def test_an_item_number_read_with_a_comma_is_an_item(tmp_path):
    """OCR often reads the stop after an item's number as a comma; at a paragraph's start it is a stop."""
    plan = [PLAN[0], PLAN[1], PLAN[2].replace("1.", "1，"), PLAN[3].replace("2.", "2："), "年产值2，3倍于去年"]
    source = read(make_scan(tmp_path / "scan.png", [plan]))
    assert tasks(source) == EXPECTED and "年产值2，3" in source.text  # mid-sentence, left alone


def test_a_page_of_a_scan_is_shown_as_a_picture(tmp_path):
    pdf_scan = make_scan(tmp_path / "scan.pdf", [PLAN[:3], PLAN[3:]])
    tiff_scan = make_scan(tmp_path / "fax.tiff", [PLAN[:3], PLAN[3:]])
    for path in (pdf_scan, tiff_scan):
        shown = Image.open(io.BytesIO(page_picture(path, 1, width=500)))
        assert shown.format == "PNG" and abs(shown.width - 500) <= 1 and shown.height > 100
        with pytest.raises(ReadError, match="no such page"):
            page_picture(path, 2)
    (tmp_path / "plan.txt").write_text("\n".join(PLAN), encoding="utf-8")
    with pytest.raises(ReadError, match="not a scan"):
        page_picture(tmp_path / "plan.txt", 0)


def test_a_long_scan_tells_how_far_it_got(tmp_path):
    """Each page read is told to whoever listens, from the worker process to the one that started it."""
    heard = []
    with progress.listening(lambda done, total: heard.append((done, total))):
        _, docs = extract_file(make_scan(tmp_path / "fax.tiff", [PLAN[:2], PLAN[2:3], PLAN[3:]]))
    assert heard == [(1, 3), (2, 3), (3, 3)] and len([t for d in docs for t in d.tasks]) == 2
    with progress.listening(lambda done, total: heard.append((done, total))):
        extract_file(make_pdf(tmp_path / "typed.pdf", PLAN))
    assert len(heard) == 3  # a text PDF has no page to scan


def test_the_command_line_reads_a_scan(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(make_scan(tmp_path / "scan.png", [PLAN])), "--format", "summary"])
    assert result.exit_code == 0 and "2" in result.output, result.output
