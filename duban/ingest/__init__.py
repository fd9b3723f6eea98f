"""bytes -> Source: the only place where files are opened and bytes decoded.

`read(path)` picks a reader by magic bytes first and the suffix second, so a .txt that is
really a Word file is still read as Word, and a misnamed PDF is not decoded as text.
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import cache
from pathlib import Path

from ..errors import BROKEN_FILE, ReadError
from ..limits import check_text, limit
from ..records import Source
from . import docx, html, image, office, pdf, text, workbook

READERS = {"txt": text.read, "md": text.read, "docx": docx.read, "pdf": pdf.read, "html": html.read,
           "image": image.read, "xlsx": workbook.read, "doc": office.read_document, "xls": office.read_workbook}
SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
            ".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html", ".xlsx": "xlsx", ".xlsm": "xlsx",
            **dict.fromkeys((".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"), "image")}
# what uploads and ingest take: those, and old Office/WPS files, known by their bytes (a text saved as .doc
# is read as the text it is)
ACCEPTED = (*SUFFIXES, ".doc", ".wps", ".rtf", ".xls", ".et")


# Kangxi radicals, CJK radicals and compatibility ideographs some PDF exporters write for ordinary hanzi
# ("县⼯信局"): each is one ordinary character under NFKC
COMPATIBLE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


@cache
def ordinary() -> dict[int, str]:
    pairs = {}
    for start, end in ((0x2E80, 0x2FE0), (0xF900, 0xFB00), (0x2F800, 0x2FA20)):
        for code in range(start, end):
            plain = unicodedata.normalize("NFKC", chr(code))
            if len(plain) == 1 and plain != chr(code):
                pairs[code] = plain
    return pairs


def repaired(text: str) -> str:
    """The text with look-alike radicals put back as the hanzi they stand for (same length)."""
    return text.translate(ordinary()) if COMPATIBLE.search(text) else text


def sniff(data: bytes, suffix: str) -> str:
    """The format of a file from its first bytes, falling back to its suffix."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if image.is_image(data):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or suffix == ".docx":
            return "docx"
        if b"xl/" in data[:65536] or suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        raise ReadError("是 ZIP 压缩包而不是 .docx/.xlsx 文件 (a zip archive, not a .docx or .xlsx)")
    if data.startswith((office.OLE, office.RTF)):
        if (kind := office.kind(data, suffix)) == "encrypted":
            raise ReadError("Office 文件已加密，需要密码：请去掉密码另存后再导入 (password-protected Office file)")
        return kind
    lower = head[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower:
        return "html"
    return SUFFIXES.get(suffix, "txt")


def pages_to_scan(path: str | Path) -> int:
    """How many pages of a file OCR may have to read, for the time and memory its reading is given: a
    PDF's pages up to the number of pictures it holds (a text PDF has none: 0), a picture's frames; 0 for
    any other file, and for a file its reader will refuse anyway."""
    try:
        data = Path(path).read_bytes()
        fmt = sniff(data, Path(path).suffix.lower())
        pages = pdf.pictured_pages(data) if fmt == "pdf" else image.frame_count(data) if fmt == "image" else 0
    except (OSError, ReadError):
        return 0
    return pages if pages <= limit("pdf_pages") else 0


def page_picture(path: str | Path, number: int, width: int = 1000) -> bytes:
    """Page `number` (from 0) of a scanned PDF or a picture as a PNG `width` pixels wide, to show beside
    the text OCR read from it."""
    data = Path(path).read_bytes()
    fmt = sniff(data, Path(path).suffix.lower())
    if fmt == "pdf":
        shown = pdf.picture(data, number, width)
    elif fmt == "image":
        shown = image.picture(data, number, width)
    else:
        raise ReadError("这个文件不是 PDF 或图片，没有页面图像 (not a scan: no page to show)", path=str(path))
    out = io.BytesIO()
    shown.save(out, "PNG", optimize=True)
    return out.getvalue()


def read(path: str | Path) -> Source:
    """Read one file into a Source, or raise ReadError naming the file and the reason."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ReadError(f"无法读取文件 (cannot read): {e.strerror or e}", path=str(path)) from e
    if not data.strip():
        raise ReadError("文件为空 (empty file)", path=str(path))
    try:
        fmt = sniff(data, p.suffix.lower())
        source = READERS[fmt](data)
        source.text = repaired(source.text)
        check_text(source.text)
    except ReadError as e:
        e.path = str(path)
        raise
    except BROKEN_FILE as e:
        # a parser tripping on bytes it did not expect: the file's fault, said as such, not a traceback
        raise ReadError(f"文件无法解析 (the {fmt} parser failed: {type(e).__name__}: {e})", path=str(path)) from e
    source.path = str(path)
    if not source.text.strip():
        raise ReadError("文件中没有可读的文字 (no readable text)", path=str(path))
    return source
