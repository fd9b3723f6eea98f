"""The ledger as the .xlsx offices print and send to units: a title row, the columns of
lexicon/ledger.yaml under a frozen header repeated on every page, chapter rows merged across, text
wrapped in widths that fit Chinese, A4 landscape one page wide, a 状态 drop-down, and the hidden
task key that lets a returned sheet be read back whatever the unit did to its rows. The office's
filtered export (the ledger page's Excel) is judged: its 状态 is the status the page derives and two
more columns say the warning colour in words and why. A unit's sheet puts the tasks this round asks
about first and carries the leaders' 批示 in a column of its own. Written in openpyxl's write-only mode, so
memory stays flat however long the ledger."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import DubanError
from ..lexicon import load
from ..store.ledger import Row
from .inert import as_text, printable

LEX = load("ledger")
COLUMNS: dict[str, tuple[str, int]] = {k: (v[0], v[1]) for k, v in LEX["columns"].items()}
# a judged sheet only, right after 状态: a printed red list must say red, and why (never read back)
JUDGED_COLUMNS: dict[str, tuple[str, int]] = {"warning": ("预警", 8), "reason": ("预警原因", 24)}
INSTRUCTION_COLUMN = ("instructions", ("领导批示", 30))  # a unit's sheet only, last (never read back)
HEADER_ROW = 3
UNIT_MARK = "unit:"  # the hidden cell A2 of a unit's sheet holds "unit:<registry id>"
LINE_HEIGHT = 14  # points per wrapped line at 10.5 pt

FONT = "宋体"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
STYLES = {
    "title": (Font(name="方正小标宋简体", size=18), CENTER, None, None),
    "subtitle": (Font(name=FONT, size=11), Alignment(horizontal="left", vertical="center"), None, None),
    "header": (Font(name="黑体", size=11, bold=True), CENTER, BOX, PatternFill("solid", fgColor="D9D9D9")),
    "chapter": (Font(name="黑体", size=11, bold=True), WRAP, BOX, PatternFill("solid", fgColor="F2F2F2")),
    "cell": (Font(name=FONT, size=10.5), WRAP, BOX, None),
    "center": (Font(name=FONT, size=10.5), CENTER, BOX, None),
    "warning": (Font(name="黑体", size=10.5, bold=True), CENTER, BOX, None),  # bold: reads on a grey printer
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
    lines = max(sum(math.ceil(width(part) / max(columns[k][1] - 1, 1)) or 1 for part in str(v).split("\n"))
                for k, v in cells.items() if k in columns and k != "task_key")
    return min(409, lines * LINE_HEIGHT + 6)


def named_styles(book: Workbook) -> None:
    """Register STYLES once: a cell then takes a style by name, far cheaper than four style objects."""
    for name, (font, alignment, border, fill) in STYLES.items():
        style = NamedStyle(name=name, font=font, alignment=alignment)
        if border:
            style.border = border
        if fill:
            style.fill = fill
        book.add_named_style(style)


def cell(sheet, value, style: str) -> WriteOnlyCell:
    c = WriteOnlyCell(sheet, value=printable(value))
    c.style = style
    return as_text(c)


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the book."""
    base = re.sub(r"[\[\]:*?/\\]", "", name)[:31] or "台账"
    out, n = base, 2
    while out in taken:
        out = f"{base[:28]}({n})"
        n += 1
    taken.add(out)
    return out


def set_up_page(ws, columns: dict[str, tuple[str, int]]) -> None:
    for i, (_, w) in enumerate(columns.values(), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.column_dimensions["A"].hidden = True
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    status = get_column_letter(list(columns).index("status") + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(LEX["statuses"]) + '"', allow_blank=True,
                             showErrorMessage=False)
    choices.add(f"{status}{HEADER_ROW + 1}:{status}1048576")
    ws.data_validations.append(choices)


def group_rows(ws, sheet: Sheet, row: Row, group: tuple | None, at: int, last: str) -> int:
    """The merged rows that open a new document (several in one sheet) or chapter; the last row written."""
    if sheet.several_documents and (group is None or group[0] != row.document_id):
        at += 1
        ws.append([None, cell(ws, f"《{plan_name(row.document)}》", "chapter")])
        ws.merged_cells.add(f"B{at}:{last}{at}")
    if row.chapter:
        at += 1
        ws.append([None, cell(ws, row.chapter, "chapter")])
        ws.merged_cells.add(f"B{at}:{last}{at}")
    return at


def write_sheet(book: Workbook, sheet: Sheet, title: str, on: date, taken: set[str], tick: Callable[[], None]) -> int:
    ws, columns = book.create_sheet(sheet_name(sheet.name, taken)), sheet.columns
    last = get_column_letter(len(columns))
    set_up_page(ws, columns)
    whose = f"填报单位：{sheet.unit_name}" if sheet.unit_name else "督查室汇总"
    ws.row_dimensions[1].height = 36
    ws.append([None, cell(ws, title, "title")])
    ws.merged_cells.add(f"B1:{last}1")
    ws.row_dimensions[2].height = 20
    ws.append([f"{UNIT_MARK}{sheet.unit_id}" if sheet.unit_id else None,
               cell(ws, f"{whose}　　　　截至 {on.year}年{on.month}月{on.day}日", "subtitle")])
    ws.merged_cells.add(f"B2:{last}2")
    ws.append([cell(ws, name, "header") for name, _ in columns.values()])
    at, seq = HEADER_ROW, 0
    for banner, rows in sheet.parts():
        if banner:
            at += 1
            ws.append([None, cell(ws, banner, "header")])
            ws.merged_cells.add(f"B{at}:{last}{at}")
        group = None
        for row in rows:
            if (row.document_id, row.chapter) != group:
                at = group_rows(ws, sheet, row, group, at, last)
                group = (row.document_id, row.chapter)
            seq += 1
            at += 1
            cells = values(row, seq, sheet.verdicts.get(row.id) if sheet.verdicts is not None else None)
            cells |= sheet.extra(row)
            ws.row_dimensions[at].height = height(cells, columns)
            ws.append([cell(ws, cells.get(k, ""), STYLE_OF.get(k, "cell")) for k in columns])
            tick()
    return seq


def write_ledger(sheets: list[Sheet], path: Path, title: str, on: date,
                 tick: Callable[[], None] = lambda: None) -> int:
    """Write the sheets to `path` (.xlsx only); the number of task rows written."""
    if path.suffix.lower() != ".xlsx":
        raise DubanError(f"台账只能写出为 .xlsx (the ledger is written as .xlsx, not {path.suffix or 'no suffix'})",
                         path=str(path))
    book = Workbook(write_only=True)
    named_styles(book)
    taken: set[str] = set()
    written = sum(write_sheet(book, s, title, on, taken, tick) for s in sheets)
    if not sheets:
        write_sheet(book, Sheet("台账", []), title, on, taken, tick)
    book.save(path)
    return written
