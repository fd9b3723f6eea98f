"""Time limits in a task's text, as dates. "年底前" means the end of the document's year, never
today's: every function takes the reference year. A task that states no limit gets the end of
its plan's period, marked inferred."""

from __future__ import annotations

import calendar
import re
from datetime import date

import cn2an

from ..lexicon import load
from ..records import Deadline, Span

LEX = load("deadlines")
PATTERNS = [(kind, re.compile(rx)) for kind, rx in LEX["patterns"]]
STANDING = tuple(LEX["standing"])
# one scanner over all patterns (group names dropped: they repeat); `classify` names the match
SCAN = re.compile("|".join(re.sub(r"\(\?P<\w+>", "(?:", rx.pattern) for _, rx in PATTERNS))
YEAR = re.compile(r"(\d{4})\s*年")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def due_of(kind: str, m: re.Match, year: int | None, signed: date | None) -> date | None:
    """The date a matched phrase means, or None (recurring, standing, or no reference year)."""
    g = m.groupdict()
    try:
        if kind == "date":
            y, mo = int(g["y"]), int(g["m"])
            return date(y, mo, int(g["d"])) if g.get("d") else month_end(y, mo)
        if kind == "until_year":
            return date(int(g["y"]), 12, 31)
        if kind == "month" and year:
            mo = int(g["m"])
            return date(year, mo, int(g["d"])) if g.get("d") else month_end(year, mo)
        if kind == "year_end" and year:
            return date(year, 12, 31)
        if kind == "duration" and signed:
            n = int(cn2an.cn2an(g["n"].replace("两", "二"), "smart"))
            return signed.replace(year=signed.year + n)
    except ValueError:  # 2月30日, 13月: not a date
        return None
    return None


def recurrence_of(m: re.Match) -> dict | None:
    every = {"季": "quarter", "季度": "quarter", "月": "month", "年": "year", "周": "week", "半年": "half_year"}
    g = m.groupdict()
    return {"every": every[g["every"]], "day": int(g["day"]) if g.get("day") else "end" if g.get("end") else None}


def classify(phrase: str) -> tuple[str, re.Match]:
    return next((kind, m) for kind, rx in PATTERNS if (m := rx.fullmatch(phrase)))


def find(display: str, folded: str, start: int, end: int, to_span, year: int | None,
         signed: date | None) -> list[Deadline]:
    """Every time limit in folded[start:end]; `to_span` maps display offsets to source spans."""
    out = []
    for m in SCAN.finditer(folded, start, end):
        kind, match = classify(m.group())
        out.append(Deadline(text=display[m.start():m.end()], span=to_span(m.start(), m.end()),
                            due=due_of(kind, match, year, signed), kind=kind,
                            recurrence=recurrence_of(match) if kind == "recurring" else None))
    return out


def field_value(printed: str, span: Span) -> Deadline:
    """A 完成时限 value no pattern reads: standing ("长期坚持") or kept as printed."""
    standing = "".join(printed.split()).rstrip("。").startswith(STANDING)
    return Deadline(printed, span, kind="standing" if standing else "field")


def plan_year(title: str | None, signed: date | None) -> int | None:
    """The year a plan is for: the year its title names ("2023年重点工作任务"), else its date's."""
    m = YEAR.search(title or "")
    return int(m.group(1)) if m else signed.year if signed else None


def plan_period_end(title: str | None) -> date | None:
    """End of the period a plan's title names: "2023年…任务" -> 2023-12-31; "（2021—2025年）"
    -> 2025-12-31; None when the title names no year."""
    years = [int(y) for y in re.findall(r"(\d{4})\s*(?:年|—|-|–)", title or "")]
    return date(max(years), 12, 31) if years else None


def inferred(title: str | None, span: Span) -> Deadline | None:
    end = plan_period_end(title)
    return Deadline(text="", span=span, due=end, kind="plan_period", inferred=True) if end else None
