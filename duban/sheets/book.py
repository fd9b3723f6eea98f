"""The .xlsx itself, written by XlsxWriter in its constant memory mode from a stream of operations (a
sheet, a merged banner row, a row of cells): a row at a time (XlsxWriter still keeps each row's height
and each merged cell, about 0.6 KB a row). A long stream is written by a process of its own while the
caller goes on reading the database, so the two overlap on two cores (a unit's 104,274 rows: 22-23 s,
27 s in one process). The workbook is made in a temporary folder beside `path` and moved there whole:
nothing is left at `path`, nor beside it, if writing fails."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import BinaryIO

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .. import collector
from ..errors import DubanError
from .inert import live, printable

SMALL = 1_000  # operations written by the calling process; a longer stream gets a process of its own
BATCH = 1_000  # operations sent to it at a time

FONT = "宋体"
BOX = {"border": 1}
WRAP = {"text_wrap": True, "valign": "vcenter"}
CENTER = {**WRAP, "align": "center"}
STYLES = {  # XlsxWriter format properties
    "title": {"font_name": "方正小标宋简体", "font_size": 18, **CENTER},
    "subtitle": {"font_name": FONT, "font_size": 11, "align": "left", "valign": "vcenter"},
    "header": {"font_name": "黑体", "font_size": 11, "bold": True, **CENTER, **BOX, "bg_color": "#D9D9D9"},
    "chapter": {"font_name": "黑体", "font_size": 11, "bold": True, **WRAP, **BOX, "bg_color": "#F2F2F2"},
    "cell": {"font_name": FONT, "font_size": 10.5, **WRAP, **BOX},
    "center": {"font_name": FONT, "font_size": 10.5, **CENTER, **BOX},
    "warning": {"font_name": "黑体", "font_size": 10.5, "bold": True, **CENTER, **BOX},  # bold: reads on a grey printer
}


@dataclass(frozen=True)
class Page:
    """How a sheet prints: its name, its columns' widths (the first one hidden: it holds the task keys),
    the header row frozen and repeated on every page, A4 landscape one page wide, and a drop-down of
    `choices` in one column below the header."""

    name: str
    widths: tuple[int, ...]
    header_row: int
    choice_column: int
    choices: tuple[str, ...]


# ("sheet", Page) | ("banner", cell, height, hidden value in A) | ("row", [cell, ...], height); cells made by `cell`
Op = tuple


def cell_formats(book: Workbook) -> dict[tuple[str, bool], Format]:
    """STYLES as XlsxWriter formats, each also with Excel's quote prefix: text that would read as a
    formula (=HYPERLINK…) is written as a string under it, and stays text when edited."""
    return {(name, quoted): book.add_format({**style, "quote_prefix": quoted})
            for name, style in STYLES.items() for quoted in (False, True)}


def cell(value, style: str) -> tuple[str, object, tuple[str, bool]]:
    """A value as it is written: (kind, value, format). Worked out where the rows are made, so that the
    writing process, the slower of the two, only writes."""
    if isinstance(value, str) and not value.isprintable():  # a control character (a line break, most often)
        # a carriage return would reach readers as "_x000D_": a cell breaks lines with \n
        value = printable(value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "number", value, (style, False)
    if value in (None, ""):
        return "blank", None, (style, False)
    return "string", str(value), (style, live(value))


class Writer:
    """One sheet being written, row after row (XlsxWriter's constant memory mode keeps only the current row)."""

    def __init__(self, ws: Worksheet, formats: dict[tuple[str, bool], Format], columns: int):
        self.ws, self.formats, self.at, self.last = ws, formats, -1, columns - 1
        self.writes = {"number": ws.write_number, "blank": ws.write_blank, "string": ws.write_string}

    def row(self, cells: list, height: float | None = None) -> None:
        """A row of cells (see `cell`) from column A."""
        self.at += 1
        if height:
            self.ws.set_row(self.at, height)
        for col, (kind, value, style) in enumerate(cells):
            self.writes[kind](self.at, col, value, self.formats[style])

    def banner(self, written: tuple, height: float | None = None, hidden: str | None = None) -> None:
        """A row merged from B to the last column (a title, a chapter), with a hidden value in A."""
        self.at += 1
        if height:
            self.ws.set_row(self.at, height)
        if hidden:
            self.ws.write_string(self.at, 0, hidden)
        kind, value, style = written
        self.ws.merge_range(self.at, 1, self.at, self.last, "", self.formats[style[0], False])
        self.writes[kind](self.at, 1, value, self.formats[style])


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "台账"
    out, n = base, 2
    while out in taken:
        out = f"{base[:28]}({n})"
        n += 1
    taken.add(out)
    return out


def set_up_page(ws: Worksheet, page: Page) -> None:
    for i, w in enumerate(page.widths):
        ws.set_column(i, i, w, None, {"hidden": i == 0})
    ws.freeze_panes(page.header_row, 0)
    ws.repeat_rows(page.header_row - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.data_validation(page.header_row, page.choice_column, 1048575, page.choice_column,
                       {"validate": "list", "source": list(page.choices), "ignore_blank": True, "show_error": False})


def write_book(path: str, folder: str, ops: Iterable[Op]) -> None:
    """The operations written to the workbook `path`, XlsxWriter's row files kept in `folder`."""
    book = Workbook(path, {"constant_memory": True, "tmpdir": folder})
    formats, taken, w = cell_formats(book), set(), None
    with collector.put_off():  # a seventh of an export's time, else
        for kind, *args in ops:
            if kind == "sheet":
                page = args[0]
                ws = book.add_worksheet(sheet_name(page.name, taken))
                set_up_page(ws, page)
                w = Writer(ws, formats, len(page.widths))
            else:
                (w.banner if kind == "banner" else w.row)(*args)
        book.close()


def received(stream: BinaryIO) -> Iterator[Op]:
    while (batch := pickle.load(stream)) is not None:
        yield from batch


def main(path: str, folder: str) -> None:
    """The writing process: batches of operations on stdin until None; on stdout, None once the book is
    closed, else what stopped it."""
    try:
        write_book(path, folder, received(sys.stdin.buffer))
        answer = None
    except DubanError as e:
        answer = e
    except Exception as e:  # sent as words: not every exception can be rebuilt on the other side
        answer = DubanError(f"工作簿写出失败 (writing the workbook failed: {type(e).__name__}: {e})")
    pickle.dump(answer, sys.stdout.buffer)


def write_apart(path: str, folder: str, ops: Iterator[Op]) -> None:
    """The operations sent to a process of its own, which writes them while this one makes the next; its
    failure raised here. A plain interpreter with XlsxWriter only (forked from a process that has imported
    the whole engine, it held 116 MiB before its first row). Should this side fail, the writer is
    stopped and what it wrote goes with `folder`."""
    with subprocess.Popen([sys.executable, "-m", __name__, path, folder], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as process:
        try:
            answer = fed(process, ops)
        except BaseException:
            process.kill()
            raise
    if not answer:
        raise DubanError("写出工作簿的进程意外退出 (the process writing the workbook died)")
    if (failure := pickle.loads(answer)) is not None:
        raise failure


def fed(process: subprocess.Popen, ops: Iterator[Op]) -> bytes:
    """Every operation sent to the writer, in batches; then its answer."""
    try:
        while batch := list(islice(ops, BATCH)):
            pickle.dump(batch, process.stdin)
        pickle.dump(None, process.stdin)
        process.stdin.close()
    except BrokenPipeError:  # the writer stopped reading: its answer says why
        with suppress(BrokenPipeError):
            process.stdin.close()
    return process.stdout.read()


def write(path: Path, ops: Iterable[Op]) -> None:
    """Write the operations to the workbook at `path`, replacing what is there only once it is whole."""
    ops = iter(ops)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".duban-") as folder:
        made = os.path.join(folder, "book.xlsx")
        first = list(islice(ops, SMALL))
        if len(first) < SMALL:
            write_book(made, folder, first)
        else:
            write_apart(made, folder, chain(first, ops))
        os.replace(made, path)


if __name__ == "__main__":
    main(*sys.argv[1:])
