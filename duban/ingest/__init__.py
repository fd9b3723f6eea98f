"""bytes -> Source: the only place where files are opened and bytes decoded.

`read(path)` picks a reader by magic bytes first and the suffix second, so a .txt that is
really a Word file is still read as Word, and a misnamed PDF is not decoded as text.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import BROKEN_FILE, ReadError
from ..limits import check_text
from ..records import Source
from . import docx, html, pdf, text

READERS = {"txt": text.read, "md": text.read, "docx": docx.read, "pdf": pdf.read, "html": html.read}
SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx",
            ".pdf": "pdf", ".html": "html", ".htm": "html", ".shtml": "html"}


def sniff(data: bytes, suffix: str) -> str:
    """The format of a file from its first bytes, falling back to its suffix."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or suffix == ".docx":
            return "docx"
        raise ReadError("是 ZIP 压缩包而不是 .docx 文件 (a zip archive, not a .docx)")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError("是旧版 Word/Excel (.doc/.xls) 或加密的 Office 文件，请另存为 .docx 后再导入"
                        " (legacy or encrypted Office file: save it as .docx)")
    lower = head[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html")) or b"<html" in lower:
        return "html"
    return SUFFIXES.get(suffix, "txt")


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
