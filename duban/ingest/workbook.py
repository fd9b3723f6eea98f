"""A plan kept as a workbook (.xlsx; .xls and .et after LibreOffice converts them): each sheet's rows as
tab-separated lines, the form a table of any other file takes, sheets apart by a blank line. A merged
cell's text stands in its first cell only, as in a web page's table."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from ..errors import ReadError
from ..limits import check_zip
from ..records import Source


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a 序号 typed as a number
    return " ".join(str(value).split())  # a line break inside a cell is a wrapped line


def read(data: bytes) -> Source:
    check_zip(data, ".xlsx")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as e:
        raise ReadError(f"不是有效的 .xlsx 文件 (not a valid .xlsx: {e})") from e
    try:
        sheets = []
        for sheet in book.worksheets:
            rows = ["\t".join(cell_text(v) for v in row).rstrip("\t") for row in sheet.iter_rows(values_only=True)]
            sheets.append("\n".join(r for r in rows if r.strip()))
    finally:
        book.close()
    return Source(path="", text="\n\n".join(s for s in sheets if s), format="xlsx")
