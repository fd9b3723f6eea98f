"""The ledger as the .xlsx offices print and send to units: a title row, the columns of
lexicon/ledger.yaml under a frozen header repeated on every page, chapter rows merged across, text
wrapped in widths that fit Chinese, A4 landscape one page wide, a 状态 drop-down, and the hidden
task key that lets a returned sheet be read back whatever the unit did to its rows. The office's
filtered export (the ledger page's Excel) is judged: its 状态 is the status the page derives and two
more columns say the warning colour in words and why. A unit's sheet puts the tasks this round asks
about first and carries the leaders' 批示 in a column of its own. Written by XlsxWriter in its constant
memory mode: a row at a time, memory flat however long the ledger, 2.5x faster than openpyxl."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .. import collector
from ..errors import DubanError
from ..lexicon import load
from ..store.ledger import Row
from .inert import live, printable

LEX = load("ledger")
COLUMNS: dict[str, tuple[str, int]] = {k: (v[0], v[1]) for k, v in LEX["columns"].items()}
# a judged sheet only, right after 状态: a printed red list must say red, and why (never read back)
JUDGED_COLUMNS: dict[str, tuple[str, int]] = {"warning": ("预警", 8), "reason": ("预警原因", 24)}
INSTRUCTION_COLUMN = ("instructions", ("领导批示", 30))  # a unit's sheet only, last (never read back)
HEADER_ROW = 3
UNIT_MARK = "unit:"  # the hidden cell A2 of a unit's sheet holds "unit:<registry id>"
LINE_HEIGHT = 14  # points per wrapped line at 10.5 pt

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
CENTERED = {"seq", "leaders", "deadlines", "status"}
STYLE_OF = {"warning": "warning"} | {k: "center" for k in CENTERED}  # any other column: "cell"


def plan_name(title: str | None) -> str:
    """The plan a notice issues (关于印发《X》的通知 -> X), else the title itself."""
    inner = re.search(r"《(.+)》", title or "")
    return inner.group(1) if inner else title or "工作任务"


def heading_of(titles: list[str]) -> str:
    """The title row of a ledger of these documents' tasks."""
    return f"{plan_name(titles[0])}推进台账" if len(titles) == 1 else "重点工作任务推进台账"


@dataclass
class Verdict:
    """A task as the ledger page judges it on the day: status, warning colour in words (红色/黄色/蓝色/无)
    and the reasons for that colour."""

    status: str
    warning: str
    reason: str = ""


@dataclass
class Sheet:
    """One sheet: its name, whose sheet it is (a unit id, or None for the office's whole ledger)."""

    name: str
    rows: Iterable[Row]
    unit_id: str | None = None
    unit_name: str | None = None
    several_documents: bool = False  # then each document starts with a row of its own
    verdicts: Mapping[int, Verdict] | None = None  # by task id: a judged sheet (the office's filtered export)
    due_now: Collection[int] | None = None  # a unit's sheet: these tasks (asked this round) first, under a banner
    instructions: Mapping[int, str] | None = None  # a unit's sheet: the 批示 on each task, as written in its cell

    @property
    def columns(self) -> dict[str, tuple[str, int]]:
        items = list(COLUMNS.items())
        if self.verdicts is not None:
            at = list(COLUMNS).index("status") + 1
            items[at:at] = JUDGED_COLUMNS.items()
        return dict(items + [INSTRUCTION_COLUMN] * (self.instructions is not None))

    def parts(self) -> list[tuple[str | None, Iterable[Row]]]:
        """(banner, rows): the whole sheet, or this round's tasks first and the others after."""
        if not self.due_now:
            return [(None, self.rows)]
        rows = list(self.rows)
        now = [r for r in rows if r.id in self.due_now]
        rest = [r for r in rows if r.id not in self.due_now]
        return [(f"本轮须报送的任务（{len(now)}项）", now)] + [(f"其他任务（{len(rest)}项）", rest)] * bool(rest)

    def extra(self, row: Row) -> dict[str, str]:
        return {} if self.instructions is None else {"instructions": self.instructions.get(row.id, "")}


def values(row: Row, seq: int, verdict: Verdict | None = None) -> dict[str, str | int]:
    """The cells of a task's row by column key; a verdict replaces the reported status with the judged one."""
    cells = {"task_key": row.key, "seq": seq, "title": row.title, "text": row.text,
             "leaders": row.cell("lead_leaders"), "lead_units": row.cell("lead_units"),
             "resp_units": row.cell("co_units", "resp_units"), "deadlines": "；".join(row.deadlines),
             "targets": "；".join(row.targets), "progress": row.progress, "status": row.status,
             "note": "；".join(filter(None, [row.note, row.problem and f"存在问题：{row.problem}"]))}
    if verdict is not None:
        cells |= {"status": verdict.status, "warning": verdict.warning, "reason": verdict.reason}
    return cells


def width(text: str) -> int:
    """Display width: a Chinese character takes two columns, a Latin one (as GBK counts bytes)."""
    return len(text.encode("gbk", errors="replace"))


def height(cells: dict[str, str | int], columns: dict[str, tuple[str, int]] = COLUMNS) -> float:
    """Row height (points) that shows every wrapped line; Excel does not grow rows by itself."""
    lines = max(lines_of(str(v), max(columns[k][1] - 1, 1)) for k, v in cells.items() if k in columns and k != "task_key")
    return min(409, lines * LINE_HEIGHT + 6)


def lines_of(text: str, room: int) -> int:
    """Lines a cell `room` columns wide wraps `text` into; one, without measuring, when even a text of
    Chinese characters only (two columns each) would fit (most cells: a tenth of an export's time)."""
    if 2 * len(text) <= room and "\n" not in text:
        return 1
    return sum(math.ceil(width(part) / room) or 1 for part in text.split("\n"))


def cell_formats(book: Workbook) -> dict[tuple[str, bool], Format]:
    """STYLES as XlsxWriter formats, each also with Excel's quote prefix: text that would read as a
    formula (=HYPERLINK…) is written as a string under it, and stays text when edited."""
    return {(name, quoted): book.add_format({**style, "quote_prefix": quoted})
            for name, style in STYLES.items() for quoted in (False, True)}


class Writer:
    """One sheet being written, row after row (XlsxWriter's constant memory mode keeps only the current row)."""

    def __init__(self, ws: Worksheet, formats: dict[tuple[str, bool], Format], columns: dict[str, tuple[str, int]]):
        self.ws, self.formats, self.columns, self.at = ws, formats, columns, -1
        self.last = len(columns) - 1

    def row(self, cells: list, height: float | None = None) -> None:
        """A row of (value, style) cells from column A (None: left empty)."""
        self.at += 1
        if height:
            self.ws.set_row(self.at, height)
        for col, pair in enumerate(cells):
            if pair is not None:
                self.write(col, *pair)

    def banner(self, value: str, style: str, height: float | None = None, hidden: str | None = None) -> None:
        """A row merged from B to the last column (a title, a chapter), with a hidden value in A."""
        self.at += 1
        if height:
            self.ws.set_row(self.at, height)
        if hidden:
            self.ws.write_string(self.at, 0, hidden)
        self.ws.merge_range(self.at, 1, self.at, self.last, "", self.formats[style, False])
        self.write(1, value, style)

    def write(self, col: int, value, style: str) -> None:
        if isinstance(value, str) and not value.isprintable():  # a control character (a line break, most often)
            # a carriage return would reach readers as "_x000D_": a cell breaks lines with \n
            value = printable(value.replace("\r\n", "\n").replace("\r", "\n"))
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.ws.write_number(self.at, col, value, self.formats[style, False])
        elif value in (None, ""):
            self.ws.write_blank(self.at, col, None, self.formats[style, False])
        else:
            self.ws.write_string(self.at, col, str(value), self.formats[style, live(value)])


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "台账"
    out, n = base, 2
    while out in taken:
        out = f"{base[:28]}({n})"
        n += 1
    taken.add(out)
    return out


def set_up_page(ws: Worksheet, columns: dict[str, tuple[str, int]]) -> None:
    for i, (_, w) in enumerate(columns.values()):
        ws.set_column(i, i, w, None, {"hidden": i == 0})
    ws.freeze_panes(HEADER_ROW, 0)
    ws.repeat_rows(HEADER_ROW - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.set_footer("&C第 &P 页，共 &N 页")
    status = list(columns).index("status")
    ws.data_validation(HEADER_ROW, status, 1048575, status, {"validate": "list", "source": list(LEX["statuses"]),
                                                               "ignore_blank": True, "show_error": False})


def group_rows(w: Writer, sheet: Sheet, row: Row, group: tuple | None) -> None:
    """The merged rows that open a new document (several in one sheet) or chapter."""
    if sheet.several_documents and (group is None or group[0] != row.document_id):
        w.banner(f"《{plan_name(row.document)}》", "chapter")
    if row.chapter:
        w.banner(row.chapter, "chapter")


def write_sheet(book: Workbook, formats: dict, sheet: Sheet, title: str, on: date, taken: set[str],
                tick: Callable[[], None]) -> int:
    ws, columns = book.add_worksheet(sheet_name(sheet.name, taken)), sheet.columns
    set_up_page(ws, columns)
    w = Writer(ws, formats, columns)
    whose = f"填报单位：{sheet.unit_name}" if sheet.unit_name else "督查室汇总"
    w.banner(title, "title", 36)
    w.banner(f"{whose}　　　　截至 {on.year}年{on.month}月{on.day}日", "subtitle", 20,
             f"{UNIT_MARK}{sheet.unit_id}" if sheet.unit_id else None)
    w.row([(name, "header") for name, _ in columns.values()])
    seq = 0
    for banner, rows in sheet.parts():
        if banner:
            w.banner(banner, "header")
        group = None
        for row in rows:
            if (row.document_id, row.chapter) != group:
                group_rows(w, sheet, row, group)
                group = (row.document_id, row.chapter)
            seq += 1
            cells = values(row, seq, sheet.verdicts.get(row.id) if sheet.verdicts is not None else None)
            cells |= sheet.extra(row)
            w.row([(cells.get(k, ""), STYLE_OF.get(k, "cell")) for k in columns], height(cells, columns))
            tick()
    return seq


def write_ledger(sheets: list[Sheet], path: Path, title: str, on: date,
                 tick: Callable[[], None] = lambda: None) -> int:
    """Write the sheets to `path` (.xlsx only); the number of task rows written. Nothing is left at `path`
    if writing fails."""
    if path.suffix.lower() != ".xlsx":
        raise DubanError(f"台账只能写出为 .xlsx (the ledger is written as .xlsx, not {path.suffix or 'no suffix'})",
                         path=str(path))
    book = Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    formats, taken = cell_formats(book), set()
    with collector.put_off():  # a seventh of an export's time, else
        written = sum(write_sheet(book, formats, s, title, on, taken, tick) for s in sheets)
        if not sheets:
            write_sheet(book, formats, Sheet("台账", []), title, on, taken, tick)
        book.close()
    return written
