"""How long a state holds, checked against the rules themselves: on every day from the day a state was
derived to the last day `steady.until` promises, the rules give the same status, colour and lateness, for
hand-built facts of every kind (limits mid-month and on days off, reports at every stage, reports recorded
after the day, extensions, overrides, standing tasks, 序时进度 by months or by days)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from duban.store.models import Extension, Round, StatusOverride
from duban.supervise import status, steady
from duban.supervise.facts import Facts, Report
from duban.supervise.status import RULES
from duban.supervise.warnings import Entry, lateness, warn

days = st.dates(date(2024, 1, 1), date(2025, 12, 31))
reports = st.lists(st.tuples(days, st.sampled_from([None, "未启动", "序时推进", "已完成"]),
                             st.one_of(st.none(), st.integers(0, 110))), max_size=4)
HORIZON = 400  # days checked after the day, when the state is promised to hold longer (or for ever)


def facts_on(day: date, due: date | None, standing: bool, made: list, extended: tuple | None,
             overridden: tuple | None) -> Facts:
    """The facts as the ledger reads them on `day`: what was recorded after it left out, its first day kept."""
    f = Facts(1, 1, "3", "建设新能源项目", "一、产业", date(2024, 1, 15), due, standing or due is None,  # as read: no limit, standing
              lead_units={"u1": "县发展改革局"})
    for i, (at, word, percent) in enumerate(sorted(made, key=lambda r: r[0])):
        if visible(f, at, day):
            f.reports.append(Report(i, "u1", word, percent, None, datetime.combine(at, time(10)), None))
    if extended and visible(f, extended[0], day):
        f.extensions = [Extension(new_due=extended[1], old_due=due, decided_at=datetime.combine(extended[0], time(9)))]
    if overridden and visible(f, overridden[0], day):
        f.override = StatusOverride(status=overridden[1], reason="现场核查", by="督查室",
                                    at=datetime.combine(overridden[0], time(9)))
    return f


def visible(f: Facts, at: date, day: date) -> bool:
    if at <= day:
        return True
    f.later = min(f.later or at, at)
    return False


def entry(f: Facts, day: date, rules: dict = RULES) -> Entry:
    s = status.derive(f, day, rules)
    return Entry(f, s, warn(f, s, day, {}, rules))


def judged(f: Facts, day: date, rules: dict) -> tuple:
    s = status.derive(f, day, rules)
    return s.status, warn(f, s, day, {}, rules).colour, lateness(s, day, rules), s.due


@settings(max_examples=300, deadline=None)
@example(date(2024, 6, 14), date(2024, 6, 14), False, [], None, None, "month", "document")  # 未启动, due on a Friday:
@example(date(2024, 6, 15), date(2024, 6, 14), False, [], None, None, "month", "document")  # behind on the Saturday,
@example(date(2024, 10, 15), date(2024, 10, 16), False, [(date(2024, 10, 1), None, 95)], None, None, "month",
         "document")  # red on Monday; 95 % reaches 序时进度 (90 %) the day before its limit, not on it (100 %)
@given(as_of=days, due=st.one_of(st.none(), days), standing=st.booleans(), made=reports,
       extended=st.one_of(st.none(), st.tuples(days, days)),
       overridden=st.one_of(st.none(), st.tuples(days, st.sampled_from(["已完成", "滞后", "未启动", "长期坚持"]))),
       measure=st.sampled_from(["month", "day"]), start=st.sampled_from(["document", "year"]))
def test_a_state_holds_through_the_day_it_is_promised_to(as_of, due, standing, made, extended, overridden,
                                                          measure, start):
    rules = {**RULES, "schedule": {**RULES["schedule"], "measure": measure, "start": start}}
    history = (due, standing, made, extended, overridden)
    first = facts_on(as_of, *history)
    then = judged(first, as_of, rules)
    last = steady.until(entry(first, as_of, rules), as_of, [], rules)
    assert last is None or last >= as_of
    end = min(last or date.max, as_of + timedelta(days=HORIZON))
    day = as_of
    while day <= end:
        assert judged(facts_on(day, *history), day, rules) == then, (day, last)
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@example(date(2024, 12, 2), date(2024, 12, 31), False, [(date(2024, 11, 20), None, 95)], None, None, "month",
         "document")  # 序时推进 at 95 %, then 临期, behind on the limit, behind the day after, overdue after 元旦
@given(as_of=days, due=st.one_of(st.none(), days), standing=st.booleans(), made=reports,
       extended=st.one_of(st.none(), st.tuples(days, days)),
       overridden=st.one_of(st.none(), st.tuples(days, st.sampled_from(["已完成", "滞后", "未启动", "长期坚持"]))),
       measure=st.sampled_from(["month", "day"]), start=st.sampled_from(["document", "year"]))
def test_the_states_worked_out_ahead_are_those_of_their_days(as_of, due, standing, made, extended, overridden,
                                                              measure, start):
    """Each step ahead starts the day after the one before it ends (the first, the day after the state
    derived stops holding; it may be the same state, only sure for longer), differs from the step before,
    and is what the rules give on each of its days."""
    rules = {**RULES, "schedule": {**RULES["schedule"], "measure": measure, "start": start}}
    history = (due, standing, made, extended, overridden)
    first = entry(facts_on(as_of, *history), as_of, rules)
    last = steady.until(first, as_of, [], rules)
    then = None
    for step in steady.ahead(first, as_of, last, [], rules):
        assert last is not None and step.day == last + timedelta(days=1)
        now = (step.status, step.colour if step.colour != "none" else None, step.late)
        assert now != then
        day, last, then = step.day, step.until, now
        while day <= min(last or date.max, step.day + timedelta(days=HORIZON)):
            assert judged(facts_on(day, *history), day, rules)[:3] == now, (step, day)
            day += timedelta(days=1)


def test_a_year_s_end_limit_is_worked_out_to_overdue():
    """临期 from the window's first day, behind on the limit (序时进度 100 %), red from the first working day
    of the new year: three steps ahead of a task at 95 % on 2 December."""
    f = facts_on(date(2024, 12, 2), date(2024, 12, 31), False, [(date(2024, 11, 20), None, 95)], None, None)
    e = entry(f, date(2024, 12, 2))
    steps = steady.ahead(e, date(2024, 12, 2), steady.until(e, date(2024, 12, 2), []), [])
    assert [(s.day, s.status, s.colour, s.late) for s in steps] == [
        (date(2024, 12, 17), "序时推进", "blue", "soon"), (date(2024, 12, 31), "滞后", "yellow", "soon"),
        (date(2025, 1, 2), "滞后", "red", "overdue")]
    assert steps[-1].until is None


def test_no_step_is_worked_out_past_a_round_shutting():
    f = facts_on(date(2024, 12, 2), date(2024, 12, 31), False, [(date(2024, 11, 20), None, 95)], None, None)
    e = entry(f, date(2024, 12, 2))
    shuts = Round(name="12月调度", opens=date(2024, 12, 1), closes=date(2024, 12, 25), locked_at=None)
    steps = steady.ahead(e, date(2024, 12, 2), steady.until(e, date(2024, 12, 2), [shuts]), [shuts])
    assert [s.day for s in steps] == [date(2024, 12, 17)] and steps[0].until == date(2024, 12, 24)


def test_a_task_done_holds_for_ever_and_one_running_until_its_status_or_colour_moves():
    done = facts_on(date(2024, 5, 6), date(2024, 12, 31), False, [(date(2024, 5, 6), "已完成", 100)], None, None)
    assert steady.until(entry(done, date(2024, 5, 6)), date(2024, 5, 6), []) is None
    running = facts_on(date(2024, 5, 6), date(2024, 12, 31), False, [(date(2024, 5, 6), None, 50)], None, None)
    assert steady.until(entry(running, date(2024, 5, 6)), date(2024, 5, 6), []) == date(2024, 5, 30)  # 超进度 till then
    ahead = facts_on(date(2024, 5, 6), date(2024, 12, 31), False, [(date(2024, 5, 6), None, 95)], None, None)
    # 超进度 through six month ends, until 序时进度 comes within 10 points of 95 % on 30 November (91.7 %)
    assert steady.until(entry(ahead, date(2024, 5, 6)), date(2024, 5, 6), []) == date(2024, 11, 29)
