"""Old office formats converted by LibreOffice (`soffice --headless --convert-to`) when it is installed:
Word 97-2003 .doc, WPS .wps and RTF become .docx, Excel .xls and WPS .et become .xlsx. Without
LibreOffice, one message naming the Debian package to install."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReadError
from ..limits import limit
from ..records import Source
from . import docx, workbook

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of every pre-2007 Office and WPS file
RTF = b"{\\rtf"


def stream(name: str) -> bytes:
    return name.encode("utf-16-le")  # a compound file's directory names its streams in UTF-16


def kind(data: bytes, suffix: str) -> str:
    """"doc" (a text document), "xls" (a workbook) or "encrypted" (a password-protected .docx/.xlsx, which
    Office stores as a compound file too)."""
    if data.startswith(RTF):
        return "doc"
    if stream("EncryptedPackage") in data:
        return "encrypted"
    if stream("WordDocument") in data:
        return "doc"
    if stream("Workbook") in data or stream("Book") in data:
        return "xls"
    return "xls" if suffix in (".xls", ".et", ".ett") else "doc"


PACKAGE = {"docx": "libreoffice-writer-nogui", "xlsx": "libreoffice-calc-nogui"}
# the import filter named, so that a damaged file is refused instead of read as plain text
FILTER = {".doc": "MS Word 97", ".rtf": "Rich Text Format", ".xls": "MS Excel 97", ".et": "MS Excel 97",
          ".ods": "calc8"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str) -> bytes:
    """A `suffix` file converted by LibreOffice into `target` (docx or xlsx), in a profile of its own so
    that conversions running side by side do not wait on each other's lock."""
    program = soffice()
    if program is None:
        raise ReadError(f"{suffix} 文件需要 LibreOffice 转换：请安装 {PACKAGE[target]}（apt-get install "
                        f"{PACKAGE[target]}），或用 WPS/Office 另存为 .{target} 后再导入 (a {suffix} file needs "
                        f"LibreOffice: install the Debian package {PACKAGE[target]}, or save it as .{target})")
    with tempfile.TemporaryDirectory(prefix="duban-office-") as folder:
        here = Path(folder)
        original = here / f"original{suffix}"
        original.write_bytes(data)
        command = [program, "--headless", "--norestore", f"-env:UserInstallation={(here / 'profile').as_uri()}",
                   f"--infilter={FILTER[suffix]}", "--convert-to", target, "--outdir", str(here / "out"), str(original)]
        try:
            subprocess.run(command, capture_output=True, timeout=limit("parse_seconds"), check=False)
        except subprocess.TimeoutExpired as e:
            raise ReadError(f"LibreOffice 转换超过 {limit('parse_seconds')} 秒仍未完成 (conversion took too long)") from e
        converted = here / "out" / f"original.{target}"
        if not converted.exists():
            raise ReadError(f"LibreOffice 无法打开此文件，文件可能已损坏 (LibreOffice could not convert the {suffix} file)")
        return converted.read_bytes()


def read_document(data: bytes) -> Source:
    source = docx.read(convert(data, ".rtf" if data.startswith(RTF) else ".doc", "docx"))
    source.format = "doc"
    return source


def read_workbook(data: bytes) -> Source:
    source = workbook.read(convert(data, ".xls", "xlsx"))
    source.format = "xls"
    return source
