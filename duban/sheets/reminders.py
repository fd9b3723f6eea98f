"""The reminder list (催办清单) as a sheet: one row per unit and task, the warning colour filled in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..supervise.records import COLOUR_NAMES
from ..supervise.remind import Reminder
from ..supervise.status import ymd
from .inert import as_text, printable

HEADER = ("单位", "任务ID", "序号", "任务名称", "预警", "情况", "调度", "报送截止")
WIDTHS = (22, 12, 8, 30, 8, 60, 14, 14)
FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "blue": "BDD7EE"}


def rows(reminders: list[Reminder]):
    for r in reminders:
        due = ymd(r.due) if r.due else ""
        for x in r.items:
            yield r.unit, x.key, x.number, x.title, COLOUR_NAMES.get(x.colour, ""), x.reason, "", ""
        if owed := r.owed:
            yield r.unit, "", "、".join(owed), "", "", f"尚有{len(owed)}项未报送", r.round, due


def write_reminders(reminders: list[Reminder], as_of: date, path: Path) -> None:
    book = Workbook()
    fill_list(book.active, reminders, as_of)
    book.save(path)


def fill_list(ws, reminders: list[Reminder], as_of: date) -> None:
    """The 催办清单 sheet: one row per unit and task, to track and filter by colour."""
    ws.title = "催办清单"
    ws.append([f"督办催办清单（截至{ymd(as_of)}）"])
    ws.append(HEADER)
    for row in rows(reminders):
        ws.append(list(map(printable, row)))
        if fill := FILLS.get(next((k for k, v in COLOUR_NAMES.items() if v == row[4]), "")):
            ws.cell(ws.max_row, 5).fill = PatternFill("solid", fgColor=fill)
    finish(ws, WIDTHS)


def finish(ws, widths: tuple[int, ...]) -> None:
    """Title and header bold, cells wrapped and kept as text, header frozen and filterable."""
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(2, i).column_letter].width = width
        ws.cell(2, i).font = Font(bold=True)
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            as_text(c)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{ws.cell(2, len(widths)).column_letter}{ws.max_row}"


NOTICE_HEADER = ("单位", "红色", "黄色", "蓝色", "未报送", "催办通知")
NOTICE_WIDTHS = (22, 8, 8, 8, 8, 90)


def notice_rows(reminders: list[Reminder], as_of: date, issuer: str):
    for r in reminders:
        yield r.unit, r.colours["red"], r.colours["yellow"], r.colours["blue"], r.owing, r.text(as_of, issuer)


def write_notices(reminders: list[Reminder], as_of: date, issuer: str, path: Path) -> None:
    """First the 催办通知 sheet, one row per unit holding the whole message as `duban remind` prints it (what
    the office pastes into 企业微信 or a text message, one unit at a time); then the 催办清单 by task."""
    book = Workbook()
    ws = book.active
    ws.title = "催办通知"
    ws.append([f"督办催办通知（截至{ymd(as_of)}）"])
    ws.append(NOTICE_HEADER)
    for row in notice_rows(reminders, as_of, issuer):
        ws.append(list(map(printable, row)))
    finish(ws, NOTICE_WIDTHS)
    fill_list(book.create_sheet(), reminders, as_of)
    book.save(path)
