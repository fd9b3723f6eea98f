"""Time limits in a task's text, as dates. "年底前" means the end of the document's year, never
today's: every function takes the document's `Anchor`. A task that states no limit gets the end of
its plan's period, marked inferred."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

import cn2an

from ..lexicon import load
from ..records import Deadline, Span

LEX = load("deadlines")


def expand(rx: str) -> str:
    for _ in range(2):  # parts may use parts
        rx = re.sub(r"\{([A-Z_]+)\}", lambda m: LEX["parts"][m.group(1)], rx)
    return rx


PATTERNS = [(kind, re.compile(expand(rx))) for kind, rx in LEX["patterns"]]
FIELD_PATTERNS = [(kind, re.compile(expand(rx))) for kind, rx in LEX["field_patterns"]]
STANDING = re.compile(r"(?:全年|长期|常态化)?(?:" + "|".join(sorted(LEX["standing"], key=len, reverse=True)) + ")")
# one scanner over all patterns (group names dropped: they repeat); `classify` names the match
SCAN = re.compile(f"(?=[{LEX['first_chars']}])(?:"
                  + "|".join(re.sub(r"\(\?P<\w+>", "(?:", rx.pattern) for _, rx in PATTERNS) + ")")
CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
EVERY = {"双月": "two_months", "月": "month", "月度": "month", "季": "quarter", "季度": "quarter", "年": "year", "年度": "year",
         "周": "week", "半年": "half_year", "半年度": "half_year"}
XUN_DAY = {"上": 10, "中": 20}
WEEKDAY = dict(zip("一二三四五六日", range(1, 8), strict=True))
CLAUSE_END = re.compile(r"[，。；：\n]")
NAMES_DOCUMENT = re.compile(LEX["year_names_document"])


@dataclass(frozen=True)
class Anchor:
    """What relative limits are read against: the plan's year and the document's signature date."""

    year: int | None
    signed: date | None

    @property
    def now(self) -> int | None:
        """The year the document speaks in: a limit before it is history, not a limit."""
        return self.signed.year if self.signed else self.year


def number(s: str) -> int:
    """"2018年" / "二〇一八" -> 2018; "十二" -> 12; "6" -> 6."""
    s = re.sub(r"[\s年]", "", s)
    if s.isdigit() or all(c in "〇零一二三四五六七八九" for c in s) and len(s) == 4:
        return int(s.translate(CN_DIGITS))
    return int(cn2an.cn2an(s.replace("两", "二"), "smart"))


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def day_in(year: int, month: int, g: dict) -> date:
    """The day a month phrase names: "30日" -> 30, "上旬" -> 10, "底"/nothing -> the last day."""
    if g.get("d"):
        return date(year, month, number(g["d"]))
    if g.get("xun") in XUN_DAY:
        return date(year, month, XUN_DAY[g["xun"]])
    return month_end(year, month)


def due_of(kind: str, g: dict, at: Anchor) -> date | None:
    """The date a matched phrase means, or None (recurring, or no reference year to read it by)."""
    year = number(g["y"]) if g.get("y") else number(g["y0"]) if g.get("y0") else at.year
    try:
        if kind in ("date", "month", "range") and g.get("m") and year:
            return day_in(year, number(g["m"]), g)
        if kind in ("until_year", "year", "year_end", "range") and year:
            return date(year, 12, 31)
        if kind == "next_year" and at.year:
            return day_in(at.year + 1, number(g["m"]), g)
        if kind == "festival" and at.year and g["festival"] in LEX["festival_days"]:
            return date(at.year, *LEX["festival_days"][g["festival"]])
        if kind == "mid_year" and year:
            return date(year, 6, 30)
        if kind == "quarter" and year:
            return month_end(year, 3 * number(g["q"]))
        if kind == "half" and year:
            return month_end(year, 6 if g["half"] == "上" else 12)
        if kind == "duration" and at.signed:
            return at.signed.replace(year=at.signed.year + number(g["n"]))
    except ValueError:  # 2月30日, 13月: not a date
        return None
    return None


def recurrence_of(g: dict) -> dict:
    out = {"every": EVERY[g["every"]], "day": None}
    if g.get("day"):
        out["day"] = number(g["day"])
    elif g.get("end"):
        out["day"] = "end"
    elif g.get("xun"):
        out["day"] = XUN_DAY.get(g["xun"], "end")
    elif g.get("weekday"):
        out["day"] = WEEKDAY[g["weekday"]]
    if g.get("month"):
        out["month"] = number(g["month"])
    return out


def classify(m: re.Match) -> tuple[str, dict]:
    """Which pattern the scanner matched, read in place (patterns look around the phrase)."""
    return next((kind, x.groupdict()) for kind, rx in PATTERNS
                if (x := rx.match(m.string, m.start(), m.endpos)) and x.end() == m.end())


def in_title(folded: str, pos: int) -> bool:
    """Inside 《…》 or in the brackets after it: a year there names a policy ("《规划（2021—2025年）》",
    "《行动计划》（2022—2025年）"), it sets no limit."""
    line = folded.rfind("\n", 0, pos) + 1  # an unclosed 《 elsewhere must not swallow the rest
    return folded.count("《", line, pos) > folded.count("》", line, pos) or folded[:pos].rstrip().endswith(("》（", "》("))


def clause_after(folded: str, end: int) -> str:
    stop = CLAUSE_END.search(folded, end)
    return folded[end:stop.start() if stop else None]


def is_limit(kind: str, due: date | None, m: re.Match, at: Anchor) -> bool:
    """Drop what matched but sets no limit: past years, titles, comparison bases, frequency caps."""
    folded = m.string
    if due and at.now and due.year < at.now or in_title(folded, m.start()):
        return False
    if kind == "range" and folded[m.start() - 1:m.start()] in ("（", "(") and folded[m.end():m.end() + 1] in ("）", ")"):
        return False  # "三年行动（2024—2026年）": the period of a named campaign
    if kind == "year":
        before, after = folded[max(0, m.start() - 2):m.start()], clause_after(folded, m.end())
        return not before.endswith(tuple(LEX["year_not_after"])) and not after.startswith(tuple(LEX["year_not_before"])) \
            and not NAMES_DOCUMENT.search(after[:20])
    if kind == "recurring":
        return not any(w in clause_after(folded, m.end()) for w in LEX["frequency_caps"])
    return True


def find(display: str, folded: str, start: int, end: int, to_span, at: Anchor) -> list[Deadline]:
    """Every time limit in folded[start:end]; `to_span` maps display offsets to source spans."""
    out = []
    for m in SCAN.finditer(folded, start, end):
        kind, g = classify(m)
        due = due_of(kind, g, at)
        if not is_limit(kind, due, m, at):
            continue
        out.append(Deadline(text=display[m.start():m.end()].strip(), span=to_span(m.start(), m.end()), due=due,
                            kind=kind, recurrence=recurrence_of(g) if kind == "recurring" else None))
    return out


CLAUSE_EDGE = "，。；、：（）,;:()\n "


def standing(display: str, folded: str, start: int, end: int, to_span, clause: bool = False) -> Deadline | None:
    """The words saying the task has no end ("长期坚持", "全年持续推进"): in a 完成时限 value anywhere; in
    an item's own text (`clause`) only standing as a clause of their own ("…，长期坚持。"), not the verb a
    task opens with ("持续推进技改升级")."""
    for m in STANDING.finditer(folded, start, end):
        before = folded[m.start() - 1] if m.start() > start else "\n"
        after = folded[m.end()] if m.end() < end else "\n"
        if not clause or before in CLAUSE_EDGE and after in CLAUSE_EDGE:
            return Deadline(display[m.start():m.end()], to_span(m.start(), m.end()), kind="standing")
    return None


def field_value(printed: str, folded: str, span: Span, at: Anchor) -> Deadline:
    """A 完成时限 value the running-text patterns do not read: a bare month ("2024年12月") or 年中,
    which only a field makes a limit; else kept as printed ("视情况", "即时办理")."""
    words = "".join(folded.split())
    for kind, rx in FIELD_PATTERNS:
        if m := rx.fullmatch(words):
            return Deadline(printed.strip(), span, due=due_of(kind, m.groupdict(), at), kind=kind)
    return Deadline(printed.strip(), span, kind="field")


def title_years(title: str | None) -> list[int]:
    return sorted({int(y) for y in re.findall(r"(\d{4})\s*(?:年|—|-|–|至)", title or "")})


def plan_year(title: str | None, signed: date | None) -> int | None:
    """The year "年底前" and "6月底前" fall in: the year a plan's title names ("2023年重点工作任务", even
    when signed the December before); for a plan over years ("2025—2027年") the year it was signed in,
    else its first; with no year in the title, the year it was signed in."""
    years = title_years(title)
    if len(years) == 1 or years and not (signed and years[0] <= signed.year <= years[-1]):
        return years[0]
    return signed.year if signed else None


def plan_period_end(title: str | None) -> date | None:
    """End of the period a plan's title names: "2023年…任务" -> 2023-12-31; "（2021—2025年）"
    -> 2025-12-31; None when the title names no year."""
    years = title_years(title)
    return date(years[-1], 12, 31) if years else None


def inferred(title: str | None, span: Span) -> Deadline | None:
    end = plan_period_end(title)
    return Deadline(text="", span=span, due=end, kind="plan_period", inferred=True) if end else None
