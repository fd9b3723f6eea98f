"""PDF with a text layer, page by page (pdfplumber). Ruled tables are read as tables (one
tab-separated line per row, cells unwrapped) and the rest of the page as lines, in reading
order: a line that runs to the right margin was wrapped by typesetting and goes on in the next
one (unless that one is indented, a new paragraph), and runs of spaces are kept as printed.
A scan without text needs OCR first."""

from __future__ import annotations

import io
import itertools
from contextlib import closing

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from .. import markers
from ..errors import ReadError
from ..fold import fold
from ..limits import limit
from ..records import Source

LETTER_SPACING = 1.0  # a gap narrower than a character's own size is letter spacing, not a space


def right_margin(lines: list[dict], em: float, page_width: float) -> float | None:
    """The right edge of the text block: two or more lines reach it (one long line is not a margin),
    and it stands across most of the page (lines of one length in a column of short cells are not one)."""
    left = min(ln["x0"] for ln in lines)
    for edge in sorted((ln["x1"] for ln in lines), reverse=True):
        if edge - left < 0.6 * page_width:
            return None
        if sum(abs(ln["x1"] - edge) < 1.5 * em for ln in lines) >= 2:
            return edge
    return None


def opens_item(before: str, line: str) -> bool:
    """A new paragraph after a line that ends at the margin by chance: a numbered item or heading
    after a sentence's end, or a cell of a table pasted with its pipes."""
    return line.lstrip().startswith("|") or (
        before.rstrip().endswith(tuple("。：；！？:;")) and markers.match(fold(line.strip())) is not None)


def unwrapped(lines: list[dict], page_width: float) -> tuple[list[tuple[float, str]], bool]:
    """Typeset lines joined back into the paragraphs they wrap, and a blank line wherever the page
    leaves one (cells of a table pasted one a line are told apart by it): (top, text) of each, and
    whether the last line runs on to the next page."""
    if not lines:
        return [], False
    widths = sorted((ln["x1"] - ln["x0"]) / len(ln["text"]) for ln in lines if ln["text"].strip())
    em = widths[len(widths) // 2] if widths else 0
    margin = right_margin(lines, em, page_width) if widths else None
    left = min(ln["x0"] for ln in lines)
    height = sorted(ln["bottom"] - ln["top"] for ln in lines)[len(lines) // 2]

    def full(line: dict) -> bool:
        return margin is not None and margin - line["x1"] < 1.5 * em

    def wraps(before: dict, line: dict) -> bool:
        return full(before) and line["x0"] - left < 0.5 * em and not opens_item(before["text"], line["text"])

    paragraphs = [(lines[0]["top"], lines[0]["text"])]
    for before, line in itertools.pairwise(lines):
        if line["top"] - before["top"] > 2.5 * height:
            paragraphs.append((line["top"] - 0.1, ""))
        elif wraps(before, line):
            top, text = paragraphs[-1]
            paragraphs[-1] = (top, text + line["text"])
            continue
        paragraphs.append((line["top"], line["text"]))
    return paragraphs, full(lines[-1])


def page_text(page) -> tuple[str, bool]:
    """The page's text, and whether its last line runs on to the next page. A character printed twice
    (a heading in simulated bold: "冠冠县县") is read once; characters set apart by letter spacing ("5 0 亿
    元") closer than their own width are one word."""
    page = page.dedupe_chars()
    tables = page.find_tables()
    rest = page
    for table in tables:
        rest = rest.outside_bbox(table.bbox)
    parts, runs_on = unwrapped(rest.extract_text_lines(keep_blank_chars=True, x_tolerance_ratio=LETTER_SPACING),
                               page.width)
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=False):
            text = "\t".join("".join((c or "").split()) for c in cells)
            parts.append((row.bbox[1], text))
    parts.sort(key=lambda p: p[0])
    return "\n".join(text for _, text in parts), runs_on and bool(parts) and not parts[-1][1].count("\t")


def joined(pages: list[tuple[str, bool]]) -> str:
    """Pages one after another: a paragraph wrapped over a page break joined again, and otherwise a
    blank line between pages as an OCR export has (the break may hide one; normalize joins what it cut)."""
    text, carried = "", False
    for page, runs_on in pages:
        first = page.split("\n", 1)[0]
        text += ("" if not text or (carried and not opens_item(text.rsplit("\n", 1)[-1], first)) else "\n\n") + page
        carried = runs_on
    return text


def page_count(data: bytes) -> int:
    """Pages of the PDF, counted by pdfium without building them (pdfplumber would, all at once)."""
    try:
        with closing(pypdfium2.PdfDocument(data)) as pdf:
            return len(pdf)
    except pypdfium2.PdfiumError as e:
        if "password" in str(e).lower():
            raise ReadError("PDF 已加密，需要密码 (password-protected PDF)") from e
        raise ReadError(f"PDF 文件已损坏或无法解析 (unreadable PDF: {e})") from e


def read(data: bytes) -> Source:
    if (pages := page_count(data)) > limit("pdf_pages"):
        raise ReadError(f"PDF 有 {pages} 页，超过上限 {limit('pdf_pages')} 页 (too many pages)")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page_text(page) for page in pdf.pages]
    except (PDFPasswordIncorrect, PdfminerException, MalformedPDFException, PSException) as e:
        cause = e.args[0] if e.args else e
        if MemoryError in (type(cause), type(e.__cause__), type(e.__context__)):
            raise MemoryError from e  # pdfminer wraps it: the worker reports the memory limit
        if isinstance(cause, PDFPasswordIncorrect) or "password" in repr(e).lower():
            raise ReadError("PDF 已加密，需要密码 (password-protected PDF)") from e
        raise ReadError(f"PDF 文件已损坏或无法解析 (unreadable PDF: {e})") from e
    if not any(text.strip() for text, _ in pages):
        raise ReadError("PDF 没有文字层（扫描图像），请先做 OCR (image-only PDF: run OCR first)")
    return Source(path="", text=joined(pages), format="pdf")
