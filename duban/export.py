"""Flat tables for the office to check by hand: every target as a row, written as .csv (UTF-8 with a
BOM, so Excel shows the Chinese) or .xlsx (header frozen, widths fitted, text wrapped)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .errors import DubanError
from .records import Document
from .render import target_label
from .sheets.inert import as_text, csv_field, printable

TARGET_COLUMNS = {
    "file": "文件", "doc_number": "文号", "path": "层级", "number": "序号", "task": "任务", "target": "目标",
    "metric": "指标", "comparator": "比较", "value": "目标值", "value_max": "上限", "unit": "单位", "kind": "类型",
    "year": "年度", "text": "原文", "line": "行",
}
WIDE = {"task": 24, "target": 28, "metric": 20, "text": 40}


def target_rows(file: str, docs: list[Document]) -> list[dict]:
    return [{"file": file, "doc_number": d.doc_number or "", "path": ".".join(t.path), "number": t.number,
             "task": t.title, "target": target_label(x), **{k: x[k] for k in (
                 "metric", "comparator", "value", "value_max", "unit", "kind", "year", "text")}, "line": t.line}
            for d in docs for t in d.tasks for x in t.targets]


def write_table(rows: list[dict], columns: dict[str, str], path: Path, title: str) -> None:
    """Write rows under Chinese headers; the file's suffix chooses the format."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DubanError(f"只能写出 .csv 或 .xlsx (write .csv or .xlsx, not {suffix or 'no suffix'})", path=str(path))
    if suffix == ".csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(columns.values())
            w.writerows([csv_field(row.get(k, "")) for k in columns] for row in rows)
        return
    book = Workbook()
    fill_table(book.active, title, list(columns.values()), [[row.get(k) for k in columns] for row in rows],
               [WIDE.get(key, 10) for key in columns])
    book.save(path)


def fill_table(sheet, title: str, headers: list[str], rows: list[list], widths: list[int]) -> None:
    """A sheet of rows under bold headers: header frozen, a filter on it, widths set, text wrapped, and text
    that would read as a formula kept as text."""
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append([printable(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = width
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            as_text(cell)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
