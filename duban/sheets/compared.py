"""A comparison of plans (duban/compare) as sheets: a plan against those taking it up, or a body's two years,
a sheet per view; plans of one level as a matrix of clusters x plans and what each lacks. The same rows
are printed by the CLI and written to .xlsx by it and by the 对照 page."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from ..errors import DubanError
from ..export import fill_table


def label(t: dict) -> str:
    return f"{t['source']} 第{t['number']}项 {t['title']}"


def pair(r: dict) -> list:
    return [label(r["upper"]), label(r["lower"])]


# view -> (sheet, headers, row): a plan against those taking it up; with --years, its sheets are named for two years
VIEWS = {
    "links": (("承接关系", "延续的任务"), ["上级任务", "下级任务", "相似度", "依据", "督查室"],
              lambda r: [*pair(r), r["score"], r["reason"], "已确认" if r.get("decision") == "confirmed" else ""]),
    "gaps": (("未承接的上级任务", "不再列入的任务"), ["上级任务"], lambda t: [label(t)]),
    "additions": (("下级自行增加", "新增任务"), ["下级任务"], lambda t: [label(t)]),
    "targets": (("目标对照", "目标调整"), ["上级任务", "下级任务", "指标", "上级目标", "下级目标", "单位", "对照"],
                lambda r: [*pair(r), r["metric"], r["upper_value"], r["lower_value"], r["unit"], r["verdict"]]),
    "deadlines": (("时限晚于上级", "时限推迟"), ["上级任务", "下级任务", "上级时限", "下级时限"],
                  lambda r: [*pair(r), r["upper_due"], r["lower_due"]]),
    "rejected": (("已否决的关系", "已否决的关系"), ["上级任务", "下级任务", "相似度"], lambda r: [*pair(r), r["score"]]),
}
VERDICTS = ({"weaker": "低于上级", "equal": "与上级相同", "stronger": "高于上级"},
            {"weaker": "调低", "equal": "持平", "stronger": "调高"})
Sheet = tuple[str, list[str], list[list]]


def compared_sheets(result: dict, years: bool) -> list[Sheet]:
    sheets = []
    for view, (titles, headers, row) in VIEWS.items():
        rows = [row(r) for r in result.get(view, [])]
        if view == "targets":
            rows = [[*r[:-1], VERDICTS[years][r[-1]]] for r in rows]
        if years:
            headers = [h.replace("上级", "上一年").replace("下级", "下一年") for h in headers]
        sheets.append((titles[years], headers, rows))
    return sheets


def across_sheets(result: dict) -> list[Sheet]:
    """The matrix of clusters x plans (task numbers in each cell), and what each plan lacks."""
    plans = result["plans"]
    matrix = [[c["id"], c["title"], *("、".join(t["number"] for t in c["tasks"].get(p, [])) for p in plans)]
              for c in result["clusters"]]
    titles = {c["id"]: c["title"] for c in result["clusters"]}
    lacking = [[p, n, titles[n]] for p in plans for n in result["missing"][p]]
    return [("对照矩阵", ["组", "任务", *plans], matrix), ("多数方案有而本方案缺少", ["方案", "组", "任务"], lacking)]


def width(header: str) -> int:
    return 40 if header.endswith(("任务", "依据")) else 12


def write_xlsx(sheets: list[Sheet], path: Path) -> None:
    """A sheet per view, laid out as the other flat tables (export.fill_table)."""
    if path.suffix.lower() != ".xlsx":
        raise DubanError(f"只能写出 .xlsx (not {path.suffix or 'no suffix'})", path=str(path))
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        fill_table(book.create_sheet(), title, headers, rows, [width(h) for h in headers])
    book.save(path)
