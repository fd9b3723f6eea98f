"""PDF, page by page (pdfplumber). Ruled tables are read as tables (one tab-separated line per row,
cells unwrapped) and the rest of the page as lines in reading order, joined back into the paragraphs
typesetting wrapped (`typeset`), runs of spaces kept as printed. A page without a text layer (a scan)
is rendered and read by OCR (`ocr`)."""

from __future__ import annotations

import io
import re
from contextlib import closing

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from PIL import Image

from ..errors import ReadError
from ..limits import limit
from ..records import Source
from . import ocr
from .typeset import joined, located, unwrapped

SCAN_DPI = 200
SCAN_CHARS = 20  # fewer characters than this over a full-page image: a scan with a stamped page number
LETTER_SPACING = 1.0  # a gap narrower than a character's own size is letter spacing, not a space


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


def page_count(data: bytes) -> int:
    """Pages of the PDF, counted by pdfium without building them (pdfplumber would, all at once)."""
    try:
        with closing(pypdfium2.PdfDocument(data)) as pdf:
            return len(pdf)
    except pypdfium2.PdfiumError as e:
        if "password" in str(e).lower():
            raise ReadError("PDF 已加密，需要密码 (password-protected PDF)") from e
        raise ReadError(f"PDF 文件已损坏或无法解析 (unreadable PDF: {e})") from e


PICTURE = re.compile(rb"/Subtype\s*/Image\b")  # an image's dictionary: never compressed (it heads a stream)


def pictured_pages(data: bytes) -> int:
    """Pages that may be scans: no more than the pictures the file holds."""
    return min(page_count(data), len(PICTURE.findall(data)))


def scanned(page) -> bool:
    """A page that is a picture: no text layer, or a few characters (a stamped page number) over an image
    that covers most of it."""
    if not page.chars:
        return True
    area = float(page.width * page.height)
    return len(page.chars) < SCAN_CHARS and any(
        (img["x1"] - img["x0"]) * (img["bottom"] - img["top"]) > 0.5 * area for img in page.images)


def read(data: bytes) -> Source:
    if (pages := page_count(data)) > limit("pdf_pages"):
        raise ReadError(f"PDF 有 {pages} 页，超过上限 {limit('pdf_pages')} 页 (too many pages)")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf, closing(pypdfium2.PdfDocument(data)) as pictures:
            scans = [scanned(page) for page in pdf.pages]
            pages = [ocr.page(rendered(pictures[k]), sum(scans[:k]), sum(scans)) if scan else (*page_text(page), [])
                     for k, (page, scan) in enumerate(zip(pdf.pages, scans, strict=True))]
    except (PDFPasswordIncorrect, PdfminerException, MalformedPDFException, PSException) as e:
        cause = e.args[0] if e.args else e
        if MemoryError in (type(cause), type(e.__cause__), type(e.__context__)):
            raise MemoryError from e  # pdfminer wraps it: the worker reports the memory limit
        if isinstance(cause, PDFPasswordIncorrect) or "password" in repr(e).lower():
            raise ReadError("PDF 已加密，需要密码 (password-protected PDF)") from e
        raise ReadError(f"PDF 文件已损坏或无法解析 (unreadable PDF: {e})") from e
    if not any(text.strip() for text, _, _ in pages):
        raise ReadError("PDF 中没有文字，扫描页也未识别出文字 (no text layer, and OCR found no text on the pages)")
    text = joined([(text, runs_on) for text, runs_on, _ in pages])
    return Source(path="", text=text, format="pdf+ocr" if any(scans) else "pdf",
                  boxes=located(text, [lines for _, _, lines in pages]))


def rendered(page) -> Image.Image:
    """A scanned page as a picture at the resolution OCR reads best (200 dpi)."""
    return page.render(scale=SCAN_DPI / 72).to_pil()


def picture(data: bytes, number: int, width: int) -> Image.Image:
    """Page `number` (from 0) as a picture `width` pixels wide."""
    with closing(pypdfium2.PdfDocument(data)) as pictures:
        if not 0 <= number < len(pictures):
            raise ReadError(f"PDF 没有第 {number + 1} 页 (no such page)")
        page = pictures[number]
        return page.render(scale=width / page.get_width()).to_pil()
