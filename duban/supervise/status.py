"""The status of a task on a day, derived by rules a clerk can check by hand, each step written out
as a reason: the office's override, then completion, standing tasks, overdue, extension, not
started, and last the reported completion against 序时进度 (the share of the task's period elapsed).
Completion is the reported figure against the target where both exist, else the reported percentage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ..config import settings
from . import calendar
from .facts import Facts, Report

RULES = settings()["supervise"]  # supervise.yaml, with the office's duban.toml over it
DONE = "已完成"


@dataclass
class Status:
    status: str
    reasons: list[str] = field(default_factory=list)
    due: date | None = None  # the time limit in force (an approved extension's, else the printed one)
    expected: float | None = None  # 序时进度, %
    percent: float | None = None  # completion, %
    completed_on: date | None = None
    overdue: int = 0  # working days past the limit, not completed

    @property
    def behind(self) -> bool:
        return self.status == "滞后"


def ymd(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def pct(x: float) -> str:
    return f"{x:.1f}%".replace(".0%", "%")


def period_start(f: Facts, due: date, rules: dict) -> date:
    if rules["schedule"]["start"] == "document" and f.starts and f.starts < due:
        return f.starts.replace(day=1)
    return date(due.year, 1, 1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def schedule_share(start: date, due: date, as_of: date, measure: str) -> float:
    """序时进度 on `as_of` of a period from `start` to `due`, in % (0–100)."""
    if as_of >= due:
        return 100.0
    if as_of < start:
        return 0.0
    if measure == "day":
        return 100 * ((as_of - start).days + 1) / ((due - start).days + 1)
    months = (due.year - start.year) * 12 + due.month - start.month + 1
    elapsed = (as_of.year - start.year) * 12 + as_of.month - start.month + (as_of == month_end(as_of))
    return 100 * elapsed / months


def reached(r: Report, f: Facts) -> float | None:
    """The reported figure as a share of the task's one target (≥ or =), in %."""
    if r.value is None or f.goal is None:
        return None
    return 100 * r.value / f.goal


def completion(r: Report, f: Facts) -> float | None:
    share = reached(r, f)
    return share if share is not None else r.percent


def is_done(r: Report, f: Facts) -> bool:
    share = completion(r, f)
    return r.status == DONE or (share is not None and share >= 100)


def completed_on(f: Facts) -> date | None:
    """The day of the first report of the final run of reports saying the task is done."""
    day = None
    for r in f.reports:
        day = (day or r.at.date()) if is_done(r, f) else None
    return day


def derive(f: Facts, as_of: date, rules: dict = RULES) -> Status:
    due = f.extended_to or f.due
    s = Status("", due=due, completed_on=completed_on(f))
    last = f.reports[-1] if f.reports else None
    s.percent = completion(last, f) if last else None
    if due and not f.standing:
        s.expected = schedule_share(period_start(f, due, rules), due, as_of, rules["schedule"]["measure"])
    if f.override:
        o = f.override
        return settle(s, o.status, f"督查室认定：{o.reason}（{o.by}，{ymd(o.at.date())}）")
    for rule in (rule_done, rule_standing, rule_overdue, rule_extended, rule_not_started, rule_schedule):
        if found := rule(s, f, last, as_of, rules):
            return settle(s, *found)
    return settle(s, "序时推进", "已报进展，未报完成比例，按序时推进计")


def settle(s: Status, status: str, reason: str) -> Status:
    s.status = status
    s.reasons.append(reason)
    return s


def rule_done(s: Status, f: Facts, last, as_of, rules):
    if s.completed_on is None:
        return None
    if s.due is None or s.completed_on <= s.due:
        return DONE, f"{ymd(s.completed_on)}报告完成" + ("，按期" if s.due else "")
    return DONE, f"{ymd(s.completed_on)}报告完成，逾期{calendar.workdays_between(s.due, s.completed_on)}个工作日"


def rule_standing(s: Status, f: Facts, last, as_of, rules):
    return ("长期坚持", "无完成时限，长期坚持") if f.standing else None


def rule_overdue(s: Status, f: Facts, last, as_of, rules):
    if as_of <= s.due:
        return None
    s.overdue = calendar.workdays_between(s.due, as_of)
    return "滞后", f"已超过时限{ymd(s.due)}，逾期{s.overdue}个工作日未完成"


def rule_extended(s: Status, f: Facts, last, as_of, rules):
    if not f.extensions:
        return None
    e = f.extensions[-1]
    was = f"（原时限{ymd(e.old_due)}）" if e.old_due else ""
    return "已延期", f"经批准延期至{ymd(e.new_due)}{was}"


def rule_not_started(s: Status, f: Facts, last, as_of, rules):
    if last is None:
        return "未启动", "尚未报送进展"
    if last.status == "未启动" or (s.percent == 0 and last.status in (None, "未启动")):
        return "未启动", "单位报告尚未启动"
    return None


def rule_schedule(s: Status, f: Facts, last, as_of, rules):
    if s.percent is not None and s.expected is not None:
        ahead, tolerance = rules["schedule"]["ahead"], rules["schedule"]["tolerance"]
        source = "完成值折合" if reached(last, f) is not None else "完成比例"
        facts = f"{source}{pct(s.percent)}，序时进度{pct(s.expected)}"
        if s.percent >= s.expected + ahead:
            return "超进度", f"{facts}，超出{pct(ahead)}以上"
        if s.percent >= s.expected - tolerance:
            return "序时推进", f"{facts}，达到序时进度"
        return "滞后", f"{facts}，低于序时进度"
    if last.status in ("超进度", "序时推进", "滞后"):
        return last.status, f"单位自报{last.status}（未报完成比例）"
    return None
