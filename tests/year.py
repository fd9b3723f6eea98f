"""The rules of docs/supervision.md restated, one small function per sentence, over a plain script of a
year (who reported what when, which extensions, overrides and problems). This is the test's own
reading of the spec: it imports nothing from duban, so tests/test_scripted_year.py can hold duban's
figures against it. The numbers are those of duban/lexicon/supervise.yaml and assessment.yaml."""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

import chinese_calendar

DONE, AHEAD, ON_SCHEDULE, BEHIND = "已完成", "超进度", "序时推进", "滞后"
NOT_STARTED, STANDING, EXTENDED = "未启动", "长期坚持", "已延期"
STATUSES = (DONE, AHEAD, ON_SCHEDULE, BEHIND, NOT_STARTED, STANDING, EXTENDED)

# supervise.yaml
AHEAD_BY, TOLERANCE = 10, 0
BLUE_WORKDAYS, NOT_STARTED_YELLOW = 10, 25
PROBLEM_WORKDAYS = 15
# assessment.yaml
BASE = 100
POINTS = {"completed_on_time": 2, "completed_late": -1, "overdue": -3, "behind": -1, "late_report": -0.5,
          "missed_report": -2, "problem_overdue": -1}
SINGLE_TARGET = {">=", ">", "="}  # a figure reported against one such target gives the completion
WORST = ("red", "yellow", "blue")


# ---- working days -------------------------------------------------------------------------------
@cache
def is_workday(day: date) -> bool:
    """Chinese statutory holidays and 调休; unknown years fall back to Monday–Friday."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_workday(day: date) -> date:
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def workdays_after(day: date, n: int) -> date:
    """The n-th working day strictly after `day`."""
    while n:
        day += timedelta(days=1)
        n -= is_workday(day)
    return day


def workdays_before(day: date, n: int) -> date:
    """The n-th working day strictly before `day` (`day` itself for n = 0)."""
    while n:
        day -= timedelta(days=1)
        n -= is_workday(day)
    return day


@cache
def workdays_between(start: date, end: date) -> int:
    """Working days d with start < d <= end."""
    return sum(is_workday(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max)


def last_day(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


# ---- the script ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Task:
    id: int
    number: str
    chapter: str
    starts: date  # the document's date
    limit: date | None  # the printed time limit
    units: tuple[str, ...]  # lead unit ids, in order
    names: tuple[str, ...]  # their registry names
    target: float | None  # the value of its only target with comparator >=, > or = (else None)
    n_targets: int = 0
    leaders: tuple[str, ...] = ()  # 牵头领导 as printed


@dataclass(frozen=True)
class Report:
    at: datetime
    task: int
    unit: str | None  # None: the office reporting for no unit
    status: str | None = None  # the ledger word (推进中 is stored as 序时推进)
    percent: float | None = None
    value: float | None = None


@dataclass
class Extension:
    task: int
    unit: str
    new_due: date
    reason: str
    requested_at: datetime
    decided_at: datetime
    approve: bool


@dataclass(frozen=True)
class Override:
    task: int
    at: datetime
    status: str | None  # None lifts it
    reason: str


@dataclass(frozen=True)
class Step:
    state: str
    at: datetime
    assignee: str | None = None
    note: str = ""


@dataclass
class Problem:
    task: int
    text: str
    raised_at: datetime
    steps: list[Step] = field(default_factory=list)


@dataclass(frozen=True)
class Round:
    name: str
    opens: date
    due: date
    closes: date
    locked: datetime | None = None  # shut early by the office

    def answers(self, moment: datetime) -> bool:
        """A report made then answers this round: open on its day, not locked before it."""
        return self.opens <= moment.date() <= self.closes and not (self.locked and self.locked <= moment)

    def shut(self, day: date) -> bool:
        """Closed by the end of the day: its close day reached, or locked."""
        return day >= self.closes or (self.locked is not None and self.locked.date() <= day)


@dataclass
class Year:
    tasks: dict[int, Task]
    rounds: list[Round]
    reports: list[Report] = field(default_factory=list)  # in the order they are made
    extensions: list[Extension] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# ---- rounds -------------------------------------------------------------------------------------
def monthly_rounds(day: int, grace: int, start: date, end: date) -> list[Round]:
    """Due on day N of each month (next working day if not one), closing `grace` working days later;
    the first opens on the start, each later one the day after the previous one closes."""
    found, opens = [], start
    for month in range(start.month, end.month + 1):
        due = next_workday(date(start.year, month, day))
        closes = workdays_after(due, grace)
        found.append(Round(f"{start.year}年{month}月", opens, due, closes))
        opens = closes + timedelta(days=1)
    return found


@dataclass
class Tally:
    on_time: set = field(default_factory=set)
    late: set = field(default_factory=set)
    missed: set = field(default_factory=set)
    pending: set = field(default_factory=set)

    @property
    def expected(self) -> int:
        return len(self.on_time) + len(self.late) + len(self.missed) + len(self.pending)


# ---- the rules, on one script -------------------------------------------------------------------
@dataclass
class Status:
    status: str
    completed_on: date | None = None
    overdue: int | None = None  # working days past the limit in force
    limit: date | None = None  # the limit in force


class Rules:
    """The spec's rules on one script. Build it once the script is written (it caches)."""

    def __init__(self, year: Year):
        self.year = year
        self.reports: dict[int, list[Report]] = {t: [] for t in year.tasks}
        for r in year.reports:
            self.reports[r.task].append(r)
        for reports in self.reports.values():
            reports.sort(key=lambda r: r.at)  # stable: same moment, order made
        self._status: dict = {}
        self._tally: dict = {}

    # 序时进度 (measure month, start document)
    def schedule(self, task: Task, day: date, limit: date | None = None) -> float | None:
        limit = limit or task.limit
        if limit is None:
            return None
        if day >= limit:
            return 100.0
        months = (limit.year - task.starts.year) * 12 + limit.month - task.starts.month + 1
        elapsed = (day.year - task.starts.year) * 12 + day.month - task.starts.month + last_day(day)
        return 100 * min(max(elapsed, 0), months) / months

    def completion(self, task: Task, r: Report) -> float | None:
        """The figure over the task's only target, else the reported percent."""
        if r.value is not None and task.target is not None:
            return r.value / task.target * 100
        return r.percent

    def done(self, task: Task, r: Report) -> bool:
        c = self.completion(task, r)
        return r.status == DONE or (c is not None and c >= 100)

    def limit(self, task: Task, day: date) -> tuple[date | None, bool]:
        """The limit in force on the day and whether an approved extension set it."""
        approved = [e for e in self.year.extensions
                    if e.task == task.id and e.approve and e.decided_at <= end_of(day)]
        if approved:
            return max(approved, key=lambda e: e.decided_at).new_due, True
        return task.limit, False

    def status(self, task_id: int, day: date) -> Status:
        key = (task_id, day)
        if key not in self._status:
            self._status[key] = self._derive(self.year.tasks[task_id], day)
        return self._status[key]

    def _derive(self, task: Task, day: date) -> Status:
        cutoff = end_of(day)
        reports = [r for r in self.reports[task.id] if r.at <= cutoff]
        overrides = [o for o in self.year.overrides if o.task == task.id and o.at <= cutoff]
        limit, extended = self.limit(task, day)
        # 1. the latest override decides
        if overrides and overrides[-1].status:
            return Status(overrides[-1].status, limit=limit)
        # 2. the final run of "done" reports
        run = []
        for r in reversed(reports):
            if not self.done(task, r):
                break
            run.append(r)
        if run:
            return Status(DONE, completed_on=run[-1].at.date(), limit=limit)
        # 3. no time limit
        if limit is None:
            return Status(STANDING)
        # 4. past the limit in force
        if day > limit:
            return Status(BEHIND, overdue=workdays_between(limit, day), limit=limit)
        # 5. an approved extension
        if extended:
            return Status(EXTENDED, limit=limit)
        # 6. not started
        latest = reports[-1] if reports else None
        if latest is None or latest.status == NOT_STARTED or (
                latest.status is None and self.completion(task, latest) == 0):
            return Status(NOT_STARTED, limit=limit)
        # 7. completion against 序时进度
        c, sched = self.completion(task, latest), self.schedule(task, day, limit)
        if c is not None and sched is not None:
            if c >= sched + AHEAD_BY:
                return Status(AHEAD, limit=limit)
            return Status(ON_SCHEDULE if c >= sched - TOLERANCE else BEHIND, limit=limit)
        # 8. the unit's word
        return Status(latest.status if latest.status in (AHEAD, ON_SCHEDULE, BEHIND) else ON_SCHEDULE, limit=limit)

    # rounds
    def expected(self, rnd: Round) -> list[tuple[int, str]]:
        """Each lead unit of each task not 已完成 the day before the round opened."""
        before = rnd.opens - timedelta(days=1)
        return [(t.id, u) for t in self.year.tasks.values() if self.status(t.id, before).status != DONE
                for u in t.units]

    def tally(self, rnd: Round, day: date) -> Tally:
        key = (rnd.name, day)
        if key in self._tally:
            return self._tally[key]
        first: dict[tuple[int, str], datetime] = {}
        for r in sorted(self.year.reports, key=lambda r: r.at):
            if r.unit is not None and rnd.answers(r.at) and r.at <= end_of(day):
                first.setdefault((r.task, r.unit), r.at)
        t = Tally()
        for pair in self.expected(rnd):
            if pair in first:
                (t.on_time if first[pair].date() <= rnd.due else t.late).add(pair)
            else:
                (t.missed if rnd.shut(day) else t.pending).add(pair)
        self._tally[key] = t
        return t

    def latest_closed(self, day: date) -> Round | None:
        closed = [r for r in self.year.rounds if r.shut(day)]
        return max(closed, key=lambda r: r.due) if closed else None

    # warnings
    def colour(self, task_id: int, day: date) -> str | None:
        task, s = self.year.tasks[task_id], self.status(task_id, day)
        colours = set()
        rnd = self.latest_closed(day)
        if rnd and any(t == task_id for t, _ in self.tally(rnd, day).missed):
            colours.add("red")
        if s.status not in (DONE, STANDING):
            if s.overdue is not None:
                colours.add("red")
            if s.status == BEHIND and s.overdue is None:
                colours.add("yellow")
            if s.status == NOT_STARTED and self.schedule(task, day, s.limit) >= NOT_STARTED_YELLOW:
                colours.add("yellow")
            if s.limit and day <= s.limit and workdays_between(day, s.limit) <= BLUE_WORKDAYS:
                colours.add("blue")
        return next((c for c in WORST if c in colours), None)

    # problems
    def problem_due(self, p: Problem) -> date:
        return workdays_after(p.raised_at.date(), PROBLEM_WORKDAYS)

    def problem_state(self, p: Problem, day: date) -> str | None:
        if p.raised_at > end_of(day):
            return None
        steps = [s.state for s in p.steps if s.at <= end_of(day)]
        return steps[-1] if steps else "发现"

    def problem_overdue(self, p: Problem, day: date) -> bool:
        return self.problem_state(p, day) not in (None, "销号") and day > self.problem_due(p)

    # assessment
    def events(self, start: date, end: date) -> list[tuple[str, str, int]]:
        """(unit id, rule, task id) for every event of the period: each is a task's, for one lead unit."""
        found = []
        for t in self.year.tasks.values():
            s = self.status(t.id, end)
            if s.status == DONE and s.completed_on and start <= s.completed_on <= end:
                rule = "completed_on_time" if s.limit is None or s.completed_on <= s.limit else "completed_late"
            elif s.overdue is not None:
                rule = "overdue"
            elif s.status == BEHIND:
                rule = "behind"
            else:
                continue
            found += [(u, rule, t.id) for u in t.units]
        for rnd in self.year.rounds:
            if start <= rnd.due <= end and rnd.shut(end):
                tally = self.tally(rnd, end)
                found += [(u, "late_report", t) for t, u in sorted(tally.late)]
                found += [(u, "missed_report", t) for t, u in sorted(tally.missed)]
        for p in self.year.problems:
            if self.problem_overdue(p, end):
                found += [(u, "problem_overdue", p.task) for u in self.year.tasks[p.task].units]
        return found

    def leaders_tasks(self, oversees: dict[str, list[str]] | None = None) -> dict[str, set[int]]:
        """Each leader's tasks: those naming them as 牵头领导, or with a lead unit they oversee."""
        found: dict[str, set[int]] = {}
        for t in self.year.tasks.values():
            for leader in t.leaders:
                found.setdefault(leader, set()).add(t.id)
        for leader, units in (oversees or {}).items():
            found.setdefault(leader, set()).update(t.id for t in self.year.tasks.values() if set(units) & set(t.units))
        return found

    def scores(self, start: date, end: date, oversees: dict[str, list[str]] | None = None
               ) -> tuple[dict[str, tuple[int, float]], dict[str, tuple[int, float]], Counter]:
        """{unit name: (rank, score)}, {leader: (rank, score)} and the number of events of each unit id.
        A leader gets the same lines as the units: those of the lead units of the leader's tasks."""
        names = {u: n for t in self.year.tasks.values() for u, n in zip(t.units, t.names, strict=True)}
        events = self.events(start, end)
        unit_scores = dict.fromkeys(names, BASE)
        for u, rule, _ in events:
            unit_scores[u] += POINTS[rule]
        leader_scores = {leader: BASE + sum(POINTS[rule] for _, rule, t in events if t in tasks)
                         for leader, tasks in self.leaders_tasks(oversees).items()}
        return (ranked({names[u]: s for u, s in unit_scores.items()}), ranked(leader_scores),
                Counter(u for u, _, _ in events))


def ranked(scores: dict[str, float]) -> dict[str, tuple[int, float]]:
    """Rank: 1 + the number of higher scores."""
    return {n: (1 + sum(o > s for o in scores.values()), s) for n, s in scores.items()}
