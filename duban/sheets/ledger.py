"""The ledger as the .xlsx offices print and send to units: a title row, the columns of
lexicon/ledger.yaml under a frozen header repeated on every page, chapter rows merged across, text
wrapped in widths that fit Chinese, A4 landscape one page wide, a 状态 drop-down, and the hidden
task key that lets a returned sheet be read back whatever the unit did to its rows. The office's
filtered export (the ledger page's Excel) is judged: its 状态 is the status the page derives and two
more columns say the warning colour in words and why. A unit's sheet puts the tasks this round asks
about first and carries the leaders' 批示 in a column of its own. What the sheets hold is worked out here,
as a stream of rows that book.py writes (XlsxWriter, a row at a time)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain
from pathlib import Path

from ..errors import DubanError
from ..lexicon import load
from ..store.ledger import Row
from . import book
from .book import Op, Page, cell

LEX = load("ledger")
COLUMNS: dict[str, tuple[str, int]] = {k: (v[0], v[1]) for k, v in LEX["columns"].items()}
# a judged sheet only, right after 状态: a printed red list must say red, and why (never read back)
JUDGED_COLUMNS: dict[str, tuple[str, int]] = {"warning": ("预警", 8), "reason": ("预警原因", 24)}
INSTRUCTION_COLUMN = ("instructions", ("领导批示", 30))  # a unit's sheet only, last (never read back)
HEADER_ROW = 3
UNIT_MARK = "unit:"  # the hidden cell A2 of a unit's sheet holds "unit:<registry id>"
LINE_HEIGHT = 14  # points per wrapped line at 10.5 pt

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


def page(sheet: Sheet, columns: dict[str, tuple[str, int]]) -> Page:
    return Page(sheet.name, tuple(w for _, w in columns.values()), HEADER_ROW, list(columns).index("status"),
                tuple(LEX["statuses"]))


def group_rows(sheet: Sheet, row: Row, group: tuple | None) -> Iterator[Op]:
    """The merged rows that open a new document (several in one sheet) or chapter."""
    if sheet.several_documents and (group is None or group[0] != row.document_id):
        yield "banner", cell(f"《{plan_name(row.document)}》", "chapter"), None, None
    if row.chapter:
        yield "banner", cell(row.chapter, "chapter"), None, None


def sheet_rows(sheet: Sheet, title: str, on: date, tick: Callable[[], None]) -> Iterator[Op]:
    """The sheet as book.py writes it; `tick` after each task's row."""
    columns = sheet.columns
    yield "sheet", page(sheet, columns)
    whose = f"填报单位：{sheet.unit_name}" if sheet.unit_name else "督查室汇总"
    yield "banner", cell(title, "title"), 36, None
    yield ("banner", cell(f"{whose}　　　　截至 {on.year}年{on.month}月{on.day}日", "subtitle"), 20,
           f"{UNIT_MARK}{sheet.unit_id}" if sheet.unit_id else None)
    yield "row", [cell(name, "header") for name, _ in columns.values()], None
    seq = 0
    for banner, rows in sheet.parts():
        if banner:
            yield "banner", cell(banner, "header"), None, None
        group = None
        for row in rows:
            if (row.document_id, row.chapter) != group:
                yield from group_rows(sheet, row, group)
                group = (row.document_id, row.chapter)
            seq += 1
            cells = values(row, seq, sheet.verdicts.get(row.id) if sheet.verdicts is not None else None)
            cells |= sheet.extra(row)
            yield "row", [cell(cells.get(k, ""), STYLE_OF.get(k, "cell")) for k in columns], height(cells, columns)
            tick()


def write_ledger(sheets: list[Sheet], path: Path, title: str, on: date,
                 tick: Callable[[], None] = lambda: None) -> int:
    """Write the sheets to `path` (.xlsx only); the number of task rows written. Nothing is left at `path`
    if writing fails."""
    if path.suffix.lower() != ".xlsx":
        raise DubanError(f"台账只能写出为 .xlsx (the ledger is written as .xlsx, not {path.suffix or 'no suffix'})",
                         path=str(path))
    written = 0

    def counted() -> None:
        nonlocal written
        written += 1
        tick()

    book.write(path, chain.from_iterable(sheet_rows(s, title, on, counted) for s in sheets or [Sheet("台账", [])]))
    return written
