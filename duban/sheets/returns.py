"""A ledger sheet a unit sends back, read without trusting its shape: columns are found by their
headers (any order, unused ones deleted), rows by the hidden task key (any order), status words
as people type them (已完成, 完成, √). Everything wrong is collected as a Rejection naming the
sheet, row, column and reason; nothing here touches the database."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook

from .. import worker
from ..errors import BROKEN_FILE, DubanError, ReadError
from ..fold import fold
from ..ingest import office
from ..lexicon import load
from ..limits import check_zip, limit
from ..store.ledger import parse_task_key
from .ledger import UNIT_MARK

LEX = load("ledger")
HEADER_SCAN = 10  # the header is among a sheet's first rows
CONVERTED = (".xls", ".et", ".ods")
REFUSED = (".csv", ".wps", ".doc", ".docx")
READ = ("progress", "status", "percent", "value", "problem", "note")


def squeeze(value) -> str:
    return re.sub(r"\s+", "", fold(str(value))) if value is not None else ""


HEADERS = {squeeze(name): key for key, names in LEX["returned"].items() for name in names}
STATUS_WORDS = {squeeze(word): status for status, words in LEX["statuses"].items() for word in [status, *words]}


@dataclass
class Rejection:
    sheet: str
    row: int | None
    column: str | None  # the header as printed
    reason: str
    key: str = ""

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”" + (f" 第{self.row}行" if self.row else "") + \
            (f" “{self.column}”列" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class Returned:
    """One filled row: the task it reports on and what the unit wrote."""

    sheet: str
    row: int
    task_id: int
    key: str
    text: str | None  # 具体内容 as it came back, to catch an edited task
    progress: str = ""
    status: str | None = None
    percent: float | None = None
    value: float | None = None  # the figure reached, in the unit of the task's target
    problem: str = ""
    note: str = ""


@dataclass
class ReturnedSheet:
    name: str
    unit_id: str | None
    rows: list[Returned] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    blank: int = 0  # task rows the unit left empty


def status_of(value) -> str:
    """The ledger status a typed word means; ValueError naming the accepted words."""
    word = squeeze(value).rstrip("。.，,；;！!")
    if word in STATUS_WORDS:
        return STATUS_WORDS[word]
    raise ValueError(f"无法识别的状态 {str(value).strip()!r}，应为：{'、'.join(LEX['statuses'])} (unknown status word)")


def percent_of(value, number_format: str = "General") -> float:
    """完成比例 as 0–100: "80%", 80, 0.8 in a percent-formatted cell; a bare number up to 1 is a fraction."""
    if isinstance(value, bool):
        raise ValueError(f"完成比例应为 0–100 的数 (not a percentage) {value!r}")
    if isinstance(value, int | float):
        number = value * 100 if "%" in number_format or 0 < value <= 1 and value != int(value) else value
    else:
        text = squeeze(value).rstrip("%％")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"完成比例应为 0–100 的数 (not a percentage) {str(value).strip()!r}") from None
    if not 0 <= number <= 100:
        raise ValueError(f"完成比例超出 0–100 (out of range) {value!r}")
    return round(float(number), 2)


def value_of(value) -> float:
    """完成值 as a number: 35, "35", "3,500"; the target's unit is implied. Never inf or nan."""
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value if isinstance(value, int | float) else squeeze(value).replace(",", ""))
        if not math.isfinite(number):
            raise ValueError
    except ValueError:
        raise ValueError(f"完成值应为数字，单位同量化目标 (not a number) {str(value).strip()!r}") from None
    return number


def header_of(rows: list[tuple]) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """(row number, key -> column index, key -> header as printed) of the row that names most known columns."""
    best = None
    for n, values in enumerate(rows, start=1):
        found = {}
        for i, v in enumerate(values):
            if (key := HEADERS.get(squeeze(v))) and key not in found:
                found[key] = (i, str(v).strip())
        if found and (best is None or len(found) > len(best[1])):
            best = (n, found)
    if best is None:
        return None
    n, found = best
    return n, {k: i for k, (i, _) in found.items()}, {k: printed for k, (_, printed) in found.items()}


def unit_of(rows: list[tuple]) -> str | None:
    for values in rows:
        for v in values:
            if isinstance(v, str) and v.startswith(UNIT_MARK):
                return v.removeprefix(UNIT_MARK)
    return None


def read_row(sheet: ReturnedSheet, n: int, cells: tuple, columns: dict[str, int],
             printed: dict[str, str]) -> Returned | None:
    """The row as a report, or None: a blank row is counted, a bad one added to sheet.rejected."""
    def value(key):
        return cells[columns[key]].value if key in columns and columns[key] < len(cells) else None

    filled = {k: value(k) for k in READ if squeeze(value(k))}
    raw_key = value("task_key")
    if not squeeze(raw_key):
        if filled:
            sheet.rejected.append(Rejection(sheet.name, n, printed["task_key"],
                                            "这一行没有任务ID，无法对应到台账任务 (a filled row without a task id)"))
        return None
    if not filled:
        sheet.blank += 1
        return None
    key = str(raw_key).strip()
    try:
        row = Returned(sheet.name, n, parse_task_key(key), key, value("text"))
    except DubanError as e:
        sheet.rejected.append(Rejection(sheet.name, n, printed["task_key"], str(e), key))
        return None
    for k, v in filled.items():
        try:
            if k == "status":
                row.status = status_of(v)
            elif k == "percent":
                row.percent = percent_of(v, cells[columns[k]].number_format)
            elif k == "value":
                row.value = value_of(v)
            else:
                setattr(row, k, str(v).strip())
        except ValueError as e:
            sheet.rejected.append(Rejection(sheet.name, n, printed[k], str(e), key))
            return None
    return row


def read_sheet(ws) -> ReturnedSheet | None:
    """The filled rows of one sheet, or None if it is not a ledger sheet (no known header)."""
    top = [tuple(c.value for c in r) for r in ws.iter_rows(max_row=HEADER_SCAN)]
    header = header_of(top)
    if header is None or not set(header[1]) & {"task_key", *READ}:
        return None
    at, columns, printed = header
    sheet = ReturnedSheet(ws.title, unit_of(top[:at]))
    if "task_key" not in columns:
        sheet.rejected.append(Rejection(ws.title, at, None, "找不到“任务ID”列：请用 duban 导出的台账填报，不要删除隐藏的任务ID列 "
                                        "(no task id column)"))
        return sheet
    if not set(columns) & set(READ):
        sheet.rejected.append(Rejection(ws.title, at, None, "找不到“进展情况”或“状态”列 (no progress or status column)"))
        return sheet
    seen: dict[int, int] = {}
    for n, cells in enumerate(ws.iter_rows(min_row=at + 1), start=at + 1):
        if n - at > limit("sheet_rows"):
            sheet.rejected.append(Rejection(ws.title, n, None, f"工作表超过 {limit('sheet_rows')} 行，不是一个单位的填报表 "
                                            "(too many rows)"))
            break
        row = read_row(sheet, n, cells, columns, printed)
        if row is None:
            continue
        if row.task_id in seen:
            sheet.rejected.append(Rejection(ws.title, n, printed["task_key"],
                                            f"同一任务在第{seen[row.task_id]}行已填报 (the task is reported twice)", row.key))
            continue
        seen[row.task_id] = n
        sheet.rows.append(row)
    return sheet


def read_returns(path: Path) -> list[ReturnedSheet]:
    """Every ledger sheet of a returned .xlsx (or .xls/.et/.ods, converted by LibreOffice); DubanError for
    a file that is not one."""
    if not path.is_file():
        raise DubanError("文件不存在 (no such file)", path=str(path))
    if path.stat().st_size == 0:
        raise DubanError("文件为空 (the file is empty)", path=str(path))
    data, suffix = path.read_bytes(), path.suffix.lower()
    if suffix in REFUSED or (suffix in CONVERTED and not data.startswith((office.OLE, b"PK\x03\x04"))):
        raise DubanError(f"请上传导出的 .xlsx 台账，不是 {suffix} 文件；用 Excel/WPS 另存为 .xlsx 后再导入 "
                         f"(an .xlsx ledger is needed, not {suffix})", path=str(path))
    try:
        if suffix in CONVERTED:  # saved by Excel 2003, WPS or LibreOffice in their own format
            data = office.convert(data, suffix, "xlsx")
        check_zip(data, ".xlsx")
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = [s for ws in book.worksheets if (s := read_sheet(ws)) is not None]
        finally:
            book.close()
    except ReadError as e:
        e.path = str(path)
        raise
    except BROKEN_FILE as e:
        raise DubanError(f"不是有效的 .xlsx 文件 (not a valid .xlsx file): {type(e).__name__}: {e}",
                         path=str(path)) from None
    if not sheets:
        raise DubanError("文件中没有台账表（找不到“任务ID”“进展情况”等表头）(no ledger sheet in the file)", path=str(path))
    return sheets


def read_returned(path: Path) -> list[ReturnedSheet]:
    """`read_returns` in a worker process, under the memory and time limits (see `worker`)."""
    return worker.run(read_returns, path)
