"""Word .docx: body paragraphs and tables in document order; a table row becomes one line of
tab-separated cells (what `outline` reads as a table row), merged cells counted once. Automatic numbering
is printed as Word prints it (`numbering`); text in tracked insertions, content controls and hyperlinks is
kept, deleted text and field codes are not."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.table import Table

from ..errors import ReadError
from ..limits import check_zip
from ..records import Source
from .numbering import Numbering, W

SKIPPED = {W + "del", W + "moveFrom", W + "txbxContent", W + "instrText", W + "delText",
           "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}  # a text box's copy


def run_text(el, out: list[str]) -> None:
    for child in el:
        if child.tag in SKIPPED:
            continue
        if child.tag == W + "t":
            out.append(child.text or "")
        elif child.tag == W + "tab":
            out.append("\t")
        elif child.tag in (W + "br", W + "cr"):
            out.append("\n")
        else:
            run_text(child, out)


def paragraph_text(p, numbering: Numbering) -> str:
    out = [numbering.marker(p)]
    run_text(p, out)
    return "".join(out)


def cell_text(tc, numbering: Numbering) -> str:
    """A cell's paragraphs: short ones (unit names) joined by 、, prose joined as printed."""
    parts = [t.strip() for t in (paragraph_text(p, numbering) for p in paragraphs(tc)) if t.strip()]
    if len(parts) > 1 and all(len(p) <= 20 and not p.endswith("。") for p in parts):
        return "、".join(parts)
    return "".join(parts)


def paragraphs(el):
    """The paragraphs directly in a cell or a content control, in order."""
    for child in el:
        if child.tag == W + "p":
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from paragraphs(child)


def row_text(row, numbering: Numbering) -> str:
    cells, seen = [], []
    for cell in row.cells:
        if any(cell._tc is tc for tc in seen):  # a horizontally merged cell repeats itself
            continue
        seen.append(cell._tc)
        cells.append(cell_text(cell._tc, numbering).replace("\t", " "))
    return "\t".join(cells)


def blocks(container, document, numbering: Numbering) -> list[str]:
    out = []
    for child in container.iterchildren():
        if child.tag == W + "p":
            out.append(paragraph_text(child, numbering))
        elif child.tag == W + "tbl":
            out.extend(row_text(row, numbering) for row in Table(child, document).rows)
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):  # a content control's blocks
            out.extend(blocks(child, document, numbering))
    return out


def numbering_of(document) -> Numbering:
    part = document.part
    numbering = next((r.target_part for r in part.rels.values() if r.reltype.endswith("/numbering")), None)
    return Numbering(numbering.element if numbering is not None else None, document.styles.element)


def read(data: bytes) -> Source:
    check_zip(data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise ReadError(f"不是有效的 .docx 文件 (not a valid .docx: {e})") from e
    return Source(path="", text="\n\n".join(blocks(document.element.body, document, numbering_of(document))),
                  format="docx")
