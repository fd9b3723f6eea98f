"""Word .docx: body paragraphs and tables in document order; a table row becomes one line of
tab-separated cells (what `outline` reads as a table row), merged cells counted once."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..errors import ReadError
from ..limits import check_zip
from ..records import Source


def cell_text(cell) -> str:
    """A cell's paragraphs: short ones (unit names) joined by 、, prose joined as printed."""
    parts = [p.text.strip() for p in cell.paragraphs if p.text.strip()]
    if len(parts) > 1 and all(len(p) <= 20 and not p.endswith("。") for p in parts):
        return "、".join(parts)
    return "".join(parts)


def row_text(row) -> str:
    cells, seen = [], []
    for cell in row.cells:
        if any(cell._tc is tc for tc in seen):  # a horizontally merged cell repeats itself
            continue
        seen.append(cell._tc)
        cells.append(cell_text(cell).replace("\t", " "))
    return "\t".join(cells)


def blocks(document) -> list[str]:
    out = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append(Paragraph(child, document).text)
        elif tag == "tbl":
            out.extend(row_text(row) for row in Table(child, document).rows)
    return out


def read(data: bytes) -> Source:
    check_zip(data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"不是有效的 .docx 文件 (not a valid .docx: {e})") from e
    return Source(path="", text="\n\n".join(blocks(document)), format="docx")
