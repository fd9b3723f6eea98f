"""A scripted year: the sample 2024 plan is ingested, given a monthly reporting cycle (day 25, grace 2)
and run through twelve rounds of reports written by a seeded script: most on time, some late, some
missed, tasks done early (one reopened and done again), tasks that fall behind or never finish, two
approved extensions and a refused one, three problems, a status override and its lifting, a round
locked early. Statuses, warnings, round tallies, scores and the December bulletin are then held
against tests/year.py, the spec restated without duban.

Run once per database (module-scoped), then every check only reads."""

from __future__ import annotations

import math
import random
import re
import time as clock
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from duban.clock import set_to as living_on
from duban.errors import DubanError
from duban.store import connect, transaction
from duban.store.documents import ingest
from duban.store.models import Document, ProgressReport
from duban.supervise import extensions, facts, notes, problems, remind, reports, rounds, scoring, warnings
from duban.supervise.bulletin import bulletin
from duban.units.registry import Registry

from .conftest import SEEDS, empty_database
from .year import (
    BEHIND,
    DONE,
    NOT_STARTED,
    ON_SCHEDULE,
    SINGLE_TARGET,
    STATUSES,
    Extension,
    Override,
    Problem,
    Report,
    Rules,
    Step,
    Task,
    Year,
    end_of,
    monthly_rounds,
    workdays_after,
    workdays_before,
    workdays_between,
)

PLAN = SEEDS[3]  # examples/seeds/003_…: the county's 2024 plan, 121 tasks, dated 2024-01-31
assert PLAN.name.startswith("003_")
SEED = 2024
START, END = date(2024, 1, 1), date(2024, 12, 31)
OFFICE = "督查室"
LOCKED = datetime(2024, 10, 28, 12)  # the office shuts the October round a day early
JUNE = date(2024, 6, 30)  # the board of this day is taken right after June, and again after the year
CHECK_DAYS = [
    date(2024, 3, 30),  # 序时进度 2/12: 未启动 not yet yellow
    date(2024, 3, 31),  # 3/12 = 25%: 未启动 turns yellow
    JUNE,
    date(2024, 7, 15),  # override in force; 序时进度 still 6/12
    date(2024, 9, 30),
    date(2024, 10, 28),  # the October round locked at noon: shut, its missing units red
    date(2024, 11, 29),  # 10/12
    date(2024, 11, 30),  # 11/12; extension A in force
    date(2024, 12, 16),  # 11 working days to 2024-12-31: not blue
    date(2024, 12, 17),  # 10 working days: blue; extension B requested, not yet approved
    date(2024, 12, 20),  # blue; extension B approved
    date(2024, 12, 27),  # the December round closes: the bulletin's day
    date(2024, 12, 31),  # the limit itself: not overdue yet
    date(2025, 1, 15),  # overdue by working days over the New Year holiday; extensions in force
    date(2026, 2, 27),  # the 2026 task overdue over the 2026 Spring Festival
    date(2027, 1, 15),  # a year chinesecalendar does not know: Monday–Friday
]
# leaders overseeing units that lead only tasks of their own (so no task is shared with another unit)
LEADERS = {"李副县长": ["冠县统计局", "冠县医疗保障局", "冠县应急管理局"],
           "王副县长": ["冠县司法局", "冠县退役军人事务局"]}
PERIODS = [(START, END), (START, date(2025, 1, 15))]


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


# ---- the plan of the year -----------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """How one task goes through the year."""

    kind: str  # steady | ahead | behind | slow | words | long
    done: int | None = None  # the month whose round gets its 已完成 report
    redone: int | None = None  # ... and again, after a report that it was not done after all
    by_value: bool = False  # reports 完成值 against its only target instead of 完成比例
    force: dict[int, str] = field(default_factory=dict)  # month -> on_time | late | missed for all units


@dataclass
class Script:
    year: Year
    plans: dict[int, Plan]
    special: dict[str, int]  # role in the script -> task id


def percent(task: Task, plan: Plan, month: int) -> float:
    """What the task's units report in a round: steady runs 3 points over 序时进度, ahead 15, behind
    12 under, so that no completion falls within a point of a threshold."""
    months = 25 if plan.kind == "long" else 12
    sched = 100 * month / months
    if plan.kind == "ahead":
        return min(math.ceil(sched) + 15, 99)
    if plan.kind == "behind":
        return max(2, math.floor(sched) - 12)
    return min(math.ceil(sched) + 3, 99)


def content(task: Task, plan: Plan, month: int) -> dict:
    """status / percent / value of the report of `month`."""
    if month in (plan.done, plan.redone):
        if plan.by_value:  # the figure reaches the target: done, whatever the word
            return {"value": task.target, "status": "推进中" if task.id % 2 else None}
        return {"status": DONE} if plan.kind == "words" else {"status": DONE, "percent": 100.0}
    if plan.kind == "words":
        if month == 3:  # no figure and no word the rules read (持续推进 is stored as 长期坚持): 序时推进
            return {"status": "持续推进"} if task.id % 2 else {}
        if month == 6 and task.id % 2:  # asking for an extension is not having one: 序时推进
            return {"status": "申请延期"}
        return {"status": BEHIND if month in (5, 6, 7) else "超进度" if month in (9, 10) else "推进中"}
    if plan.kind == "slow" and month <= 4:
        if task.id % 2:
            return {"status": NOT_STARTED}
        return {"value": 0.0} if plan.by_value else {"percent": 0.0}
    p = percent(task, plan, month)
    if plan.by_value:
        return {"status": "推进中", "value": round(task.target * p / 100, 6)}
    return {"status": "推进中", "percent": float(p)}


WORD = {"推进中": ON_SCHEDULE, "持续推进": "长期坚持", "申请延期": "已延期"}  # how the ledger stores typed words


def made(day: date, task: Task, unit: str | None, c: dict, hour: int = 10) -> Report:
    status = c.get("status")
    return Report(at(day, hour), task.id, unit, WORD.get(status, status), c.get("percent"), c.get("value"))


def write_year(tasks: dict[int, Task]) -> Script:
    """The script: who reports what when, decided with random.Random(SEED)."""
    rng = random.Random(SEED)
    ordered = sorted(tasks.values(), key=lambda t: t.id)
    by_unit = defaultdict(list)
    for t in ordered:
        for u in t.units:
            by_unit[u].append(t)
    plans: dict[int, Plan] = {}
    special: dict[str, int] = {}

    # the leaders' units: one story each
    for unit, plan in {"冠县统计局": Plan("ahead", done=6), "冠县医疗保障局": Plan("behind"),
                       "冠县应急管理局": Plan("steady", done=12, force={4: "missed", 8: "late"}),
                       "冠县司法局": Plan("words", done=12), "冠县退役军人事务局": Plan("slow", done=12)}.items():
        (t,) = by_unit[unit]
        assert t.units == (unit,)
        plans[t.id] = plan
    for t in ordered:
        if t.limit != END:
            plans[t.id] = Plan("long")  # the one task due 2026-01-31
            special["long"] = t.id
    single = [t for t in ordered if len(t.units) == 1 and t.id not in plans]
    roles = ["ext_a", "ext_b", "refused", "overridden", "late_done", "reopened", "office", "exact", "problem_1",
             "problem_3", "done_red"]
    for role, t in zip(roles, rng.sample(single, len(roles)), strict=True):
        special[role] = t.id
    for role in ("ext_a", "ext_b", "refused", "overridden", "late_done"):
        plans[special[role]] = Plan("behind")
    plans[special["reopened"]] = Plan("ahead", done=7, redone=9, force={7: "on_time", 9: "on_time"})
    plans[special["office"]] = Plan("steady", done=12, force={6: "missed"})
    plans[special["exact"]] = Plan("steady", done=12)
    plans[special["problem_1"]] = Plan("steady", done=12)
    plans[special["problem_3"]] = Plan("ahead", done=10)
    plans[special["done_red"]] = Plan("steady", done=12, force={11: "missed", 12: "on_time"})
    pairs = [t for t in ordered if len(t.units) == 2 and t.id not in plans]
    split, problem_2 = rng.sample(pairs, 2)
    special["split_done"], special["problem_2"] = split.id, problem_2.id
    plans[split.id] = Plan("ahead", done=9, force={9: "split"})
    plans[problem_2.id] = Plan("steady", done=12)
    several = [t for t in ordered if t.id not in plans and t.target is None and t.n_targets > 1]
    special["value_and_percent"] = rng.choice(several).id
    plans[special["value_and_percent"]] = Plan("steady", done=12)
    for t in ordered:
        if t.id not in plans:
            kind = rng.choices(["steady", "ahead", "behind", "slow", "words"], [45, 25, 10, 10, 10])[0]
            done = None if kind == "behind" else rng.choice([6, 7, 8, 9]) if kind == "ahead" else 12
            plans[t.id] = Plan(kind, done, by_value=t.target is not None and kind in ("steady", "ahead", "slow"))

    year = Year(tasks, monthly_rounds(25, 2, START, END))
    year.rounds[9] = replace(year.rounds[9], locked=LOCKED)
    for month, rnd in enumerate(year.rounds, 1):
        rules = Rules(year)  # the reports so far decide who is asked
        asked = defaultdict(list)
        for task_id, unit in rules.expected(rnd):
            asked[task_id].append(unit)
        for task_id, units in asked.items():
            task, plan = tasks[task_id], plans[task_id]
            c = content(task, plan, month)
            if task_id == special["value_and_percent"]:
                c = {**c, "value": 3.0}  # several targets: the percent counts, not the figure
            if task_id == special["exact"] and month == 6:
                c = {"status": "推进中", "percent": 50.0}  # exactly 序时进度 at the end of June
            draws = [rng.random() for _ in units]
            when = ["missed" if d < 0.03 else "late" if d < 0.07 else "on_time" for d in draws]
            if plan.done == month and len(units) > 1:  # a task completes in one go: every unit, same day
                when = [when[0] if when[0] != "missed" else "on_time"] * len(units)
            forced = plan.force.get(month)
            if forced == "split":
                when = ["on_time", "late"]
            elif forced:
                when = [forced] * len(units)
            day_on_time = workdays_before(rnd.due, rng.randint(0, 3))
            day_late = workdays_after(rnd.due, rng.randint(1, 2))
            if task_id == special["done_red"] and month == 12:  # done, but red on 12-20: it missed November
                day_on_time = date(2024, 12, 20)
            for unit, w in zip(units, when, strict=True):
                if w != "missed":
                    year.reports.append(made(day_on_time if w == "on_time" else day_late, task, unit, c))
            if task_id == special["office"] and month == 6:  # the office reports for the unit: not the unit's
                year.reports.append(made(day_on_time, task, None, c, hour=16))
        if month == 8:  # the reopened task: done in July, corrected in August, done again in September
            t = tasks[special["reopened"]]
            year.reports.append(made(date(2024, 8, 5), t, t.units[0], {"status": "推进中", "percent": 95.0}))
    t = tasks[special["late_done"]]
    year.reports.append(made(date(2025, 1, 8), t, t.units[0], {"status": DONE, "percent": 100.0}))
    year.reports.sort(key=lambda r: r.at)

    def ext(role, requested, new_due, decided, approve):
        t = tasks[special[role]]
        year.extensions.append(Extension(t.id, t.units[0], new_due, f"{role}: 受项目审批进度影响", at(requested, 9),
                                         at(decided, 15), approve))

    ext("ext_a", date(2024, 11, 12), date(2025, 1, 10), date(2024, 11, 15), True)
    ext("ext_b", date(2024, 12, 10), date(2025, 1, 24), date(2024, 12, 18), True)
    ext("refused", date(2024, 12, 2), date(2025, 6, 30), date(2024, 12, 5), False)
    year.overrides += [Override(special["overridden"], at(date(2024, 7, 1), 9), ON_SCHEDULE, "汛期停工，经研究按序时推进认定"),
                       Override(special["overridden"], at(date(2024, 10, 8), 9), None, "汛期结束，恢复按报送进度认定")]

    def problem(role, raised, *steps):
        t = tasks[special[role]]
        year.problems.append(Problem(t.id, f"{role}: 用地指标未落实", at(raised, 9),
                                     [Step(s, at(d, 16), t.units[0] if s == "协调" else None, f"{s}说明")
                                      for s, d in steps]))

    problem("problem_1", date(2024, 4, 10), ("协调", date(2024, 4, 11)), ("解决", date(2024, 4, 22)),
            ("反馈", date(2024, 4, 24)), ("销号", date(2024, 4, 26)))
    problem("problem_2", date(2024, 9, 20), ("协调", date(2024, 9, 23)))
    problem("problem_3", date(2024, 10, 21), ("协调", date(2024, 10, 22)), ("解决", date(2024, 10, 30)),
            ("反馈", date(2024, 11, 1)), ("协调", date(2024, 11, 4)), ("解决", date(2024, 11, 12)),
            ("反馈", date(2024, 11, 14)), ("销号", date(2024, 11, 18)))
    return Script(year, plans, special)


# ---- running it through duban -------------------------------------------------------------------
@dataclass
class Run:
    engine: object
    doc: int
    script: Script
    rules: Rules
    june_board: dict  # board(JUNE) taken right after June was written
    seconds: float
    boards: dict[date, dict] = field(default_factory=dict)  # read once per day

    @property
    def year(self) -> Year:
        return self.script.year


def read_tasks(session, doc: int) -> dict[int, Task]:
    found = facts.of_tasks(session, date(2024, 1, 31), documents=[doc])
    return {f.id: Task(f.id, f.number, f.chapter, f.starts, f.due, tuple(f.lead_units), tuple(f.lead_units.values()),
                       f.targets[0].value if len(f.targets) == 1 and f.targets[0].comparator in SINGLE_TARGET
                       else None, len(f.targets), tuple(f.leaders))
            for f in found.values()}


def actions(year: Year) -> list[tuple[datetime, str, object]]:
    """Everything the script does, in the order it happens."""
    found = [(r.at, "report", r) for r in year.reports]
    for e in year.extensions:
        found += [(e.requested_at, "request", e), (e.decided_at, "decide", e)]
    found += [(o.at, "override", o) for o in year.overrides]
    found += [(r.locked, "lock", r) for r in year.rounds if r.locked]
    for p in year.problems:
        found.append((p.raised_at, "raise", p))
        found += [(s.at, "move", (p, s)) for s in p.steps]
    return sorted(found, key=lambda a: a[0])


def view(entries) -> dict[int, tuple]:
    """A board as plain values, to compare two readings of it."""
    return {e.facts.id: (e.status.status, tuple(e.status.reasons), e.status.due, e.status.expected, e.status.percent,
                         e.status.completed_on, e.status.overdue, e.warning.colour, tuple(e.warning.reasons))
            for e in entries}


def play(engine, doc: int, year: Year) -> dict:
    """Write the script, one transaction per month; returns the June board read right after June."""
    ids: dict[int, int] = {}  # id() of a script record -> its duban id
    june = None
    todo = actions(year)
    months = sorted({(a[0].year, a[0].month) for a in todo})
    for ym in months:
        with transaction(engine) as s:
            for moment, kind, obj in (a for a in todo if (a[0].year, a[0].month) == ym):
                if kind == "report":
                    reports.report(s, obj.task, obj.unit, "liaison" if obj.unit else OFFICE,
                                   status=obj.status, progress=f"{moment:%m月}进展", percent=obj.percent,
                                   value=obj.value, at=moment)
                elif kind == "request":
                    ids[id(obj)] = extensions.request(s, obj.task, obj.new_due, obj.reason, "liaison", unit=obj.unit,
                                                      at=moment).id
                elif kind == "decide":
                    extensions.decide(s, ids[id(obj)], obj.approve, OFFICE, note="同意" if obj.approve else "理由不充分",
                                      at=moment)
                elif kind == "lock":
                    rounds.lock_round(s, rounds.find_round(s, obj.name).id, OFFICE, at=moment)
                elif kind == "override":
                    notes.override(s, obj.task, obj.status, obj.reason, OFFICE, at=moment)
                elif kind == "raise":
                    ids[id(obj)] = problems.raise_problem(s, obj.task, obj.text, OFFICE, at=moment).id
                else:
                    p, step = obj
                    problems.move(s, ids[id(p)], step.state, OFFICE, note=step.note, assignee=step.assignee, at=moment)
        if ym == (JUNE.year, JUNE.month):
            with transaction(engine) as s:
                june = view(warnings.board(s, JUNE, [doc]))
    return june


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def run(request, tmp_path_factory):
    """The whole year written once per database; the tests only read it."""
    tmp = tmp_path_factory.mktemp(f"year_{request.param}")
    with pytest.MonkeyPatch.context() as mp, empty_database(request.param, tmp) as url:
        mp.setenv("DUBAN_DATA_DIR", str(tmp / "data"))
        mp.setenv("DUBAN_DATABASE_URL", url)
        engine = connect(url)
        try:
            started = clock.perf_counter()
            with living_on(START):  # the office stores the plan and plans its cycle on the year's first day
                ingest(engine, PLAN, Registry(None), OFFICE)
                with transaction(engine) as s:
                    doc = s.scalar(select(Document.id).where(Document.current))
                    rounds.plan_cycle(s, doc, every="month", day=25, actor=OFFICE, grace=2, end=END)
                    tasks = read_tasks(s, doc)
            script = write_year(tasks)
            june = play(engine, doc, script.year)
            yield Run(engine, doc, script, Rules(script.year), june, clock.perf_counter() - started)
        finally:
            engine.dispose()


def board(run: Run, day: date) -> dict:
    """duban's board of the day, by task id (read once: the tests only read)."""
    if day not in run.boards:
        with transaction(run.engine) as s:
            run.boards[day] = {e.facts.id: e for e in warnings.board(s, day, [run.doc])}
    return run.boards[day]


# ---- the script itself --------------------------------------------------------------------------
def test_the_script_is_the_year_the_issue_asks_for(run):
    year, rules = run.year, run.rules
    tallies = [rules.tally(r, r.closes) for r in year.rounds]
    assert len(year.tasks) == 121 and len(year.rounds) == 12
    assert all(t.late and t.missed for t in tallies), "some late and some missed every month"
    early = {t for t in year.tasks if rules.status(t, date(2024, 9, 30)).status == DONE}
    assert len(early) >= 10
    never = {t for t in year.tasks if rules.status(t, END).status != DONE}
    assert len(never) >= 5
    assert [e.approve for e in year.extensions].count(True) == 2 and len(year.problems) == 3
    assert {rules.problem_state(p, END) for p in year.problems} == {"销号", "协调"}
    red_done = date(2024, 12, 20)
    assert rules.status(run.script.special["done_red"], red_done).status == DONE
    assert rules.colour(run.script.special["done_red"], red_done) == "red"
    print(f"\n{len(year.reports)} reports ({sum(r.unit is None for r in year.reports)} by the office), "
          f"{sum(len(t.on_time) for t in tallies)} on time, {sum(len(t.late) for t in tallies)} late, "
          f"{sum(len(t.missed) for t in tallies)} missed of {sum(t.expected for t in tallies)} expected; "
          f"{len(early)} done by 2024-09-30, {len(never)} not done on 2024-12-31; "
          f"{len(year.extensions)} extension requests, {len(year.problems)} problems; written in {run.seconds:.1f}s")


def test_no_completion_sits_on_a_threshold(run):
    """The script keeps every completion a point clear of 序时进度 and 序时进度 + 10 on the days checked
    (except one task at exactly 序时进度), so a rounded 序时进度 cannot change a status."""
    rules = run.rules
    days = CHECK_DAYS + [r.opens - timedelta(days=1) for r in run.year.rounds]
    for day in days:
        for task in run.year.tasks.values():
            latest = [r for r in rules.reports[task.id] if r.at <= end_of(day)]
            if not latest or (c := rules.completion(task, latest[-1])) is None or c >= 100 or c == 0:
                continue  # no completion, done, or 未启动
            if (sched := rules.schedule(task, day)) is None:
                continue  # standing: no 序时进度 to sit on
            gaps = (abs(c - sched), abs(c - sched - 10))
            assert min(gaps) >= 1 or (c == sched and task.id == run.script.special["exact"]), (day, task.id, c, sched)


# ---- rounds -------------------------------------------------------------------------------------
def test_the_cycle_has_the_rounds_of_the_rules(run):
    with transaction(run.engine) as s:
        found = [(r.name, r.opens, r.due, r.closes, r.locked_at) for r in rounds.rounds_of(s, [run.doc])]
    assert found == [(r.name, r.opens, r.due, r.closes, r.locked) for r in run.year.rounds]


def pairs(tally) -> tuple[set, set, set, set]:
    return set(tally.on_time), set(tally.late), set(tally.missed), set(tally.pending)


def test_each_report_answers_the_round_open_on_its_day(run):
    with transaction(run.engine) as s:
        names = {r.id: r.name for r in rounds.rounds_of(s, [run.doc])}
        found = Counter((p.task_id, p.unit_id, p.reported_at, names.get(p.round_id))
                        for p in s.scalars(select(ProgressReport)))
    expected = Counter((r.task, r.unit, r.at, next((x.name for x in run.year.rounds if x.answers(r.at)), None))
                       for r in run.year.reports)
    assert found == expected
    october = run.year.rounds[9]
    after_lock = [r for r in run.year.reports if LOCKED < r.at <= end_of(october.closes)]
    assert after_lock and not any(october.answers(r.at) for r in after_lock)
    assert expected[(run.script.special["late_done"], run.year.tasks[run.script.special["late_done"]].units[0],
                     datetime(2025, 1, 8, 10), None)] == 1  # after the last round: answers none


@pytest.mark.parametrize("when", ["due", "eve of closing", "closes", "year end"])
def test_each_round_tallies_on_time_late_and_missed(run, when):
    expected, found = {}, {}
    with transaction(run.engine) as s:
        for r in run.year.rounds:
            day = {"due": r.due, "eve of closing": r.closes - timedelta(days=1), "closes": r.closes,
                   "year end": date(2025, 1, 15)}[when]
            mine = run.rules.tally(r, day)
            expected[r.name] = (mine.on_time, mine.late, mine.missed, mine.pending)
            found[r.name] = pairs(rounds.tally(s, rounds.find_round(s, r.name), day))
    assert found == expected


# ---- statuses and warnings ----------------------------------------------------------------------
@pytest.mark.parametrize("day", CHECK_DAYS, ids=str)
def test_every_task_has_the_status_and_colour_of_the_rules(run, day):
    entries = board(run, day)
    found = {t: (e.status.status, e.warning.colour) for t, e in entries.items()}
    expected = {t: (run.rules.status(t, day).status, run.rules.colour(t, day)) for t in run.year.tasks}
    assert found == expected


@pytest.mark.parametrize("day", [JUNE, date(2024, 11, 30)], ids=str)
def test_completion_is_the_figure_over_the_target_or_the_percent(run, day):
    entries, rules, found, expected = board(run, day), run.rules, {}, {}
    for task in run.year.tasks.values():
        latest = [r for r in rules.reports[task.id] if r.at <= end_of(day)]
        if rules.status(task.id, day).status in ("超进度", ON_SCHEDULE, BEHIND) and latest and (
                c := rules.completion(task, latest[-1])) is not None:
            expected[task.id] = pytest.approx(c, abs=0.05)
            found[task.id] = entries[task.id].status.percent
    assert found == expected
    assert any(r.value is not None for t in expected for r in rules.reports[t])  # figures were reported


def test_tasks_are_completed_on_the_first_day_of_their_final_run_of_done_reports(run):
    for day in (date(2024, 9, 30), END, date(2025, 1, 15)):
        entries = board(run, day)
        found = {t: e.status.completed_on for t, e in entries.items() if e.status.status == DONE}
        expected = {t: s.completed_on for t in run.year.tasks if (s := run.rules.status(t, day)).status == DONE}
        assert found == expected, day
    split = run.script.special["split_done"]  # one unit on time, the other late: done from the first
    assert run.rules.status(split, END).completed_on == min(
        r.at.date() for r in run.rules.reports[split] if r.status == DONE)


@pytest.mark.parametrize(("day", "months"), [(date(2024, 11, 29), 10), (date(2024, 11, 30), 11),
                                              (date(2024, 12, 30), 11), (END, 12)])
def test_schedule_of_a_task_due_at_the_end_of_the_year(run, day, months):
    entries = board(run, day)
    steady = [t for t, p in run.script.plans.items() if p.kind == "steady"]
    assert {t: entries[t].status.expected for t in steady} == {t: pytest.approx(100 * months / 12, abs=0.05)
                                                               for t in steady}
    long = run.script.special["long"]  # 2024-01 to 2026-01: 25 months
    assert entries[long].status.expected == pytest.approx(100 * months / 25, abs=0.05)


@pytest.mark.parametrize("day", [d for d in CHECK_DAYS if d > END], ids=str)
def test_overdue_is_counted_in_working_days(run, day):
    entries = board(run, day)
    found = {t: e.status.overdue for t, e in entries.items() if e.status.overdue}
    expected = {t: s.overdue for t in run.year.tasks if (s := run.rules.status(t, day)).overdue}
    assert found == expected


def test_overdue_is_counted_in_working_days_over_the_new_year(run):
    day = date(2025, 1, 15)
    assert workdays_between(END, day) == 10  # 1 January a holiday: 2–3, 6–10, 13–15 January
    found = {t: e.status.overdue for t, e in board(run, day).items() if e.status.overdue}
    assert found[run.script.special["ext_a"]] == 3  # extended to 2025-01-10: 13, 14, 15 January
    assert found[run.script.special["refused"]] == 10
    assert run.script.special["ext_b"] not in found  # extended to 2025-01-24


def test_extensions_count_from_their_approval(run):
    sp = run.script.special
    for day, status in [(date(2024, 12, 17), BEHIND), (date(2024, 12, 18), "已延期"), (date(2025, 1, 15), "已延期")]:
        entries = board(run, day)
        assert entries[sp["ext_b"]].status.status == status, day
        assert entries[sp["ext_b"]].status.due == (date(2025, 1, 24) if status == "已延期" else END)
    assert board(run, date(2024, 12, 31))[sp["refused"]].status.due == END


def test_an_extension_request_must_move_the_limit_in_force_later(run):
    task = run.script.special["ext_a"]  # extended to 2025-01-10 on 2024-11-15
    with Session(run.engine) as s:
        try:
            with pytest.raises(DubanError):  # later than the printed limit, not than the one in force
                extensions.request(s, task, date(2025, 1, 5), "再次延期", "liaison", at=at(date(2024, 12, 2)))
            extensions.request(s, task, date(2025, 1, 5), "再次延期", "liaison", at=at(date(2024, 11, 14)))
            with pytest.raises(DubanError):  # one pending request per task
                extensions.request(s, task, date(2025, 2, 28), "再次延期", "liaison", at=at(date(2024, 12, 2)))
        finally:
            s.rollback()


def test_an_override_decides_until_it_is_lifted(run):
    task = run.script.special["overridden"]
    during, after = board(run, date(2024, 7, 15))[task], board(run, date(2024, 11, 29))[task]
    assert during.status.status == ON_SCHEDULE and any("汛期停工" in r for r in during.status.reasons)
    assert after.status.status == BEHIND


def test_problems_are_overdue_after_fifteen_working_days(run):
    days = [date(2024, 4, 30), date(2024, 5, 6), date(2024, 10, 16), date(2024, 10, 17), date(2024, 11, 11),
            date(2024, 11, 12), date(2024, 11, 15), date(2024, 11, 18), END]
    with transaction(run.engine) as s:
        stored = problems.problems(s, date(2025, 1, 15), list(run.year.tasks))
        found = {(p.task_id, day): problems.overdue(p, day) for p in stored for day in days}
        assert [p.state for p in stored] == ["销号", "协调", "销号"]
    expected = {(p.task, day): run.rules.problem_overdue(p, day) for p in run.year.problems for day in days}
    assert found == expected
    assert [run.rules.problem_due(p) for p in run.year.problems] == [date(2024, 4, 30), date(2024, 10, 16),
                                                                      date(2024, 11, 11)]


# ---- assessment ---------------------------------------------------------------------------------
@pytest.mark.parametrize("summary", [False, True], ids=["explained", "counted"])
@pytest.mark.parametrize(("start", "end"), PERIODS, ids=str)
def test_unit_scores_and_ranks(run, start, end, summary):
    with transaction(run.engine) as s:
        units, _ = scoring.assess(s, start, end, [run.doc], summary=summary)
    expected, _, events = run.rules.scores(start, end)
    assert {r.name: (r.rank, r.score) for r in units} == expected
    assert [r.rank for r in units] == sorted(r.rank for r in units)
    busiest = max(events, key=lambda u: (events[u], u))
    (line,) = [r for r in units if r.name == busiest]
    if summary:  # the base, then a line per rule counting its events
        assert sum(int(re.search(r"× (\d+) 项", x).group(1)) for x in line.explanation[1:]) == events[busiest]
    else:
        assert len(line.explanation) == events[busiest] + 1  # the base, then one line per event


@pytest.mark.parametrize("summary", [False, True], ids=["explained", "counted"])
@pytest.mark.parametrize(("start", "end"), PERIODS, ids=str)
def test_leader_scores_follow_the_units_they_oversee(run, start, end, summary):
    with transaction(run.engine) as s:
        _, leaders = scoring.assess(s, start, end, [run.doc], leaders=LEADERS, summary=summary)
    _, expected, _ = run.rules.scores(start, end, LEADERS)
    assert {r.name: (r.rank, r.score) for r in leaders} == expected


# ---- the bulletin -------------------------------------------------------------------------------
def nonzero(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if v}


def test_the_december_bulletin(run):
    year, rules = run.year, run.rules
    rnd = year.rounds[-1]
    day = rnd.closes
    with transaction(run.engine) as s:
        b = bulletin(s, rounds.find_round(s, rnd.name))
    status = {t: rules.status(t, day).status for t in year.tasks}
    colour = {t: rules.colour(t, day) for t in year.tasks}
    tally = rules.tally(rnd, day)
    assert (b.round_name, b.as_of) == (rnd.name, day)
    assert b.tasks == len(year.tasks)
    assert nonzero(b.counts) == Counter(status.values())
    assert nonzero(b.colours) == Counter(c for c in colour.values() if c)
    assert (b.expected, b.on_time, b.late, b.missed) == (tally.expected, len(tally.on_time), len(tally.late),
                                                         len(tally.missed) + len(tally.pending))
    chapters = defaultdict(Counter)
    for t in year.tasks.values():
        chapters[t.chapter][status[t.id]] += 1
    assert {c.chapter: (c.tasks, nonzero(c.counts)) for c in b.chapters} == {
        name: (sum(c.values()), dict(c)) for name, c in chapters.items()}
    assert sum(c.tasks for c in b.chapters) == b.tasks
    assert {k: sum(c.counts.get(k, 0) for c in b.chapters) for k in STATUSES} == {
        k: b.counts.get(k, 0) for k in STATUSES}
    numbers = {t.id: t.number for t in year.tasks.values()}
    assert len(set(numbers.values())) == len(numbers)
    assert {x.number for x in b.behind} == {numbers[t] for t, st in status.items() if st == BEHIND}
    missing = defaultdict(list)
    for task_id, unit in tally.missed | tally.pending:
        missing[dict(zip(year.tasks[task_id].units, year.tasks[task_id].names, strict=True))[unit]].append(
            numbers[task_id])
    assert {m.unit: (m.missed, sorted(m.tasks)) for m in b.missing} == {
        u: (len(ts), sorted(ts)) for u, ts in missing.items()}
    expected, _, _ = rules.scores(year.rounds[0].opens, day)
    assert {r.name: (r.rank, r.score) for r in b.ranking} == expected
    assert [r.rank for r in b.ranking] == sorted(r.rank for r in b.ranking)


# ---- replay -------------------------------------------------------------------------------------
def test_a_past_day_replays_the_same_after_the_whole_year(run):
    with transaction(run.engine) as s:
        again = view(warnings.board(s, JUNE, [run.doc]))
    assert run.june_board is not None and again == run.june_board


# ---- read a batch at a time ---------------------------------------------------------------------
def readings(run: Run, day: date) -> tuple:
    """Everything that reads the whole board on `day`: the board, the reminders, the assessment."""
    with transaction(run.engine) as s:
        return (view(warnings.board(s, day, [run.doc])),
                [(r.unit, r.items, r.owed, r.round, r.due) for r in remind.reminders(s, day, [run.doc])],
                scoring.assess(s, START, day, [run.doc], leaders=LEADERS))


@pytest.mark.parametrize("day", [date(2024, 6, 24), END], ids=str)
def test_batches_of_seven_tasks_read_the_same_as_one(run, day, monkeypatch):
    """A province's ledger is read a batch of tasks at a time; a batch must see what the whole sees
    (missed rounds, owed reports, open problems, the same scores)."""
    whole = readings(run, day)
    monkeypatch.setattr(warnings, "BATCH", 7)
    monkeypatch.setattr(facts, "BATCH", 7)
    assert readings(run, day) == whole
    assert any(r[2] for r in whole[1]) or day == END  # a round is open on the 24th: reports are owed
