"""PDF with a text layer, page by page (pdfplumber). Ruled tables are read as tables (one
tab-separated line per row, cells unwrapped) and the rest of the page as lines, in reading
order. A scan without text needs OCR first."""

from __future__ import annotations

import io
from contextlib import closing

import pdfplumber
import pypdfium2
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..errors import ReadError
from ..limits import limit
from ..records import Source


def page_text(page) -> str:
    tables = page.find_tables()
    if not tables:
        return page.extract_text() or ""
    rest = page
    for table in tables:
        rest = rest.outside_bbox(table.bbox)
    parts = [(line["top"], line["text"]) for line in rest.extract_text_lines()]
    for table in tables:
        for row, cells in zip(table.rows, table.extract(), strict=False):
            text = "\t".join("".join((c or "").split()) for c in cells)
            parts.append((row.bbox[1], text))
    return "\n".join(text for _, text in sorted(parts, key=lambda p: p[0]))


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
    if not any(p.strip() for p in pages):
        raise ReadError("PDF 没有文字层（扫描图像），请先做 OCR (image-only PDF: run OCR first)")
    # a blank line between pages, as an OCR export has: normalize rejoins broken sentences
    return Source(path="", text="\n\n".join(pages), format="pdf")
