"""The reminder list (催办清单) as a sheet: one row per unit and task, the warning colour filled in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ..supervise.records import COLOUR_NAMES
from ..supervise.remind import Reminder
from ..supervise.status import ymd
from .inert import as_text

HEADER = ("单位", "任务ID", "序号", "任务名称", "预警", "情况", "调度", "报送截止")
WIDTHS = (22, 12, 8, 30, 8, 60, 14, 14)
FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "blue": "BDD7EE"}


def rows(reminders: list[Reminder]):
    for r in reminders:
        due = ymd(r.due) if r.due else ""
        for x in r.items:
            yield r.unit, x.key, x.number, x.title, COLOUR_NAMES.get(x.colour, ""), x.reason, "", ""
        if r.owed:
            yield r.unit, "", "、".join(r.owed), "", "", f"尚有{len(r.owed)}项未报送", r.round, due


def write_reminders(reminders: list[Reminder], as_of: date, path: Path) -> None:
    book = Workbook()
    ws = book.active
    ws.title = "催办清单"
    ws.append([f"督办催办清单（截至{ymd(as_of)}）"])
    ws.append(HEADER)
    for row in rows(reminders):
        ws.append(row)
        if fill := FILLS.get(next((k for k, v in COLOUR_NAMES.items() if v == row[4]), "")):
            ws.cell(ws.max_row, 5).fill = PatternFill("solid", fgColor=fill)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(2, i).column_letter].width = width
        ws.cell(2, i).font = Font(bold=True)
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            as_text(c)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:H{ws.max_row}"
    book.save(path)
