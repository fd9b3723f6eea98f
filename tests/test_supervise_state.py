"""The stored status and colour of every task equal the derived ones, whatever happens: reports,
overrides, extensions, rounds, plans finished and reopened, units merged, and days passing with or without
the daily refresh (without it, the stored states are not trusted)."""

from __future__ import annotations

import json
import shutil
import threading
import time
import uuid
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from duban import clock
from duban.errors import DubanError
from duban.store import connect, transaction
from duban.store.documents import ingest
from duban.store.models import Document, StateDay, TaskRole, TaskState
from duban.store.unit_edits import merge_rows
from duban.supervise import calendar, facts, lifecycle, rounds, state, steady, tallies, warnings
from duban.supervise.records import STATUSES
from duban.units.registry import Registry

from .conftest import SEEDS, empty_database
from .test_supervise_properties import YEAR_END, YEAR_START, days, happen, template  # noqa: F401

event = st.one_of(
    st.tuples(st.just("report"), days, st.integers(0, 10_000), st.integers(0, 100)),
    st.tuples(st.just("override"), days, st.integers(0, 10_000), st.sampled_from(STATUSES)),
    st.tuples(st.just("extend"), days, st.integers(0, 10_000), st.integers(1, 200)),
    st.tuples(st.just("adhoc"), days, st.integers(-60, 0), st.integers(0, 40)),
    st.tuples(st.just("lock"), days, st.integers(0, 10_000), st.just(0)),
    st.tuples(st.just("finish"), days, st.just(0), st.booleans()),
)


def stored_and_derived(engine, day: date) -> tuple[dict, dict]:
    with clock.set_to(day), transaction(engine) as s:
        derived = {e.facts.id: (e.status.status, e.warning.colour or "none", e.status.due, warnings.lateness(e.status, day),
                                e.facts.chapter, json.dumps(sorted(e.facts.lead_units)))
                   for e in warnings.board(s, day, tasks=state.current_tasks(s))}
        stored = {t.task_id: (t.status, t.colour, t.due, t.late, t.chapter, t.lead_units)
                  for t in s.scalars(select(TaskState))}
    return stored, derived


def tallied_and_counted(engine) -> tuple[dict, dict]:
    """Each tally table as kept (a row whose count fell to 0 included: there should be none), and counted
    afresh from the stored states."""
    with transaction(engine) as s:
        kept = {m.__tablename__: {tuple(r)[:-1]: r.n for r in s.execute(select(*m.__table__.c))} for m in tallies.TABLES}
        rows = [r._asdict() for r in s.execute(select(*TaskState.__table__.c))]
    return kept, {m.__tablename__: dict(Counter(k for r in rows for k in keys(r))) for m, (_, keys) in tallies.TABLES.items()}


def stored_on(engine, day: date) -> set[int]:
    """The tasks whose stored state changed on `day` (a row whose values hold keeps its first day)."""
    with transaction(engine) as s:
        return set(s.scalars(select(TaskState.task_id).where(TaskState.day == day)))


def is_fresh(engine, day: date) -> bool:
    with clock.set_to(day), transaction(engine) as s:
        return state.fresh(s, day)


def refresh(engine, day: date) -> None:
    with clock.set_to(day):
        state.refresh_all(engine, day)


def other_event(engine, doc: int, kind: str, day: date, pick: int, value) -> None:
    try:
        with clock.set_to(day), transaction(engine) as s:
            if kind == "lock":
                made = rounds.rounds_of(s, [doc])
                if made:
                    rounds.lock_round(s, made[pick % len(made)].id, "督查室")
            elif value:
                lifecycle.finish(s, doc, "督查室", day)
            else:
                lifecycle.reopen(s, doc, "督查室")
    except DubanError:
        pass


@pytest.fixture
def engine(template, tmp_path):  # noqa: F811
    path, doc, leads = template
    copy = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(path, copy)
    made = connect(f"sqlite:///{copy}")
    yield made, doc, leads
    made.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(event, max_size=14), refreshed=st.lists(st.booleans(), min_size=15, max_size=15))
def test_the_stored_state_is_the_derived_one_after_any_history(template, tmp_path, history, refreshed):  # noqa: F811
    path, doc, leads = template
    copy = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(path, copy)
    engine = connect(f"sqlite:///{copy}")
    try:
        with clock.set_to(YEAR_START), transaction(engine) as s:
            rounds.plan_cycle(s, doc, "month", 25, "督查室", start=YEAR_START)
        refresh(engine, YEAR_START)
        today = YEAR_START
        for (kind, day, pick, value), daily in zip(sorted(history, key=lambda e: e[1]), refreshed, strict=False):
            if day != today:  # the days passed: trusted again only once the daily refresh has run
                assert not is_fresh(engine, day)
                if daily:
                    refresh(engine, day)
                today = day
            if kind in ("lock", "finish"):
                other_event(engine, doc, kind, day, pick, value)
            else:
                happen(engine, doc, leads, kind, day, pick, value)
            stored, derived = stored_and_derived(engine, day)
            kept, counted = tallied_and_counted(engine)
            assert kept == counted
            if is_fresh(engine, day):
                assert stored == derived
            else:  # what the day's events changed is stored, and stored right
                changed = stored_on(engine, day)
                assert {t: stored[t] for t in changed} == {t: derived[t] for t in changed if t in derived}
    finally:
        engine.dispose()


@pytest.mark.parametrize("first, last", [(date(2024, 6, 24), date(2024, 7, 8)),  # 6月底 limits, a month's end
                                         (date(2024, 9, 25), date(2024, 10, 10)),  # rounds shutting over 国庆
                                         (date(2024, 12, 16), date(2025, 1, 6))])  # 年底前: 临期, due, overdue
def test_a_refresh_every_day_derives_only_what_may_move_and_stores_what_is_derived(engine, first, last):
    """Day by day across limits, month ends, holidays and rounds shutting: the states the refresh left as
    they were, or moved to the states worked out ahead, are the derived ones; it derives tasks only on the
    days a round shuts."""
    made, doc, leads = engine
    with clock.set_to(YEAR_START), transaction(made) as s:
        s.get(Document, doc).ingested_at = datetime(2023, 12, 1)  # in the ledger before its rounds: they count
        rounds.plan_cycle(s, doc, "month", 25, "督查室", start=YEAR_START)
    for pick in range(0, len(leads), 3):  # a third of the tasks reported on, at every stage of completion
        happen(made, doc, leads, "report", first - timedelta(days=pick % 40 + 1), pick, pick * 7 % 101)
    refresh(made, first - timedelta(days=1))
    with transaction(made) as s:
        shutting = {r.closes for r in rounds.rounds_of(s, [doc])}
    derived_on, moved = set(), 0
    day = first
    while day <= last:
        with clock.set_to(day):
            done = state.refresh_all(made, day)
        stored, derived = stored_and_derived(made, day)
        assert stored == derived, day
        assert sum(done) == len(stored)
        kept, counted = tallied_and_counted(made)
        assert kept == counted
        derived_on |= {day} if done.derived else set()
        moved += done.moved
        day += timedelta(days=1)
    assert derived_on <= shutting and moved


def test_under_other_rules_every_state_is_derived_again(engine, monkeypatch):
    """A promise to hold rests on the rules, the holiday calendar and the release: another of any, and the
    next refresh derives every task, not only those whose day came."""
    made, *_ = engine
    day = date(2024, 6, 12)
    refresh(made, day)
    with clock.set_to(day):
        assert state.refresh_all(made, day).derived == 0
        monkeypatch.setitem(state.steady.RULES, "warnings", {**state.steady.RULES["warnings"], "blue_workdays": 3})
        again = state.refresh_all(made, day)
    assert again.derived == len(state_rows(made)) > 100 and again.held == 0


@pytest.mark.parametrize("due", [date(2024, 10, 8), date(2024, 2, 19), date(2024, 6, 29), date(2024, 12, 31),
                                 date(2024, 9, 29), date(2025, 1, 1)])
@pytest.mark.parametrize("workdays", [0, 1, 5, 10])
def test_the_window_opens_on_the_first_day_that_near_to_the_limit(due, workdays):
    """Holidays, make-up working days (2024-09-29 is one) and limits on days off included."""
    opens = steady.window_opens(due, workdays)
    assert calendar.workdays_between(opens, due) <= workdays < calendar.workdays_between(opens - timedelta(days=1), due)


def test_a_bulk_merge_of_units_derives_every_task_again(engine):
    made, doc, leads = engine
    day = date(2024, 11, 30)
    refresh(made, day)
    _, unit = leads[0]
    with clock.set_to(day), transaction(made) as s:
        merge_rows(s, {"a": unit, "b": "合并后的单位"})
        moved = s.scalar(select(TaskRole.task_id).where(TaskRole.unit_id == "合并后的单位").limit(1))
    stored, derived = stored_and_derived(made, day)
    assert moved and is_fresh(made, day) and stored == derived
    kept, counted = tallied_and_counted(made)
    assert kept == counted  # the merged unit's counts moved to the unit it merged into
    assert not any(k[0] == unit for k in kept["running_unit_tallies"])
    assert any(k[0] == "合并后的单位" for k in kept["running_unit_tallies"])


def test_only_today_s_refresh_is_trusted(engine):
    made, *_ = engine
    day = date(2024, 11, 30)
    assert not is_fresh(made, day)
    refresh(made, day)
    assert is_fresh(made, day) and not is_fresh(made, day + timedelta(days=1))
    with clock.set_to(day), transaction(made) as s:
        assert [d.day for d in s.scalars(select(StateDay))] == [day]
        assert not state.fresh(s, YEAR_END)  # not today


def test_a_new_day_is_refreshed_beside_the_server(engine):
    made, *_ = engine
    stop = threading.Event()
    watcher = threading.Thread(target=state.keep_fresh, args=(made, 0.05, stop))
    watcher.start()
    try:
        for _ in range(200):
            if is_fresh(made, date.today()):
                break
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.join()
    stored, derived = stored_and_derived(made, date.today())
    assert is_fresh(made, date.today()) and stored == derived and stored


def test_a_refresh_shared_among_processes_stores_what_one_derives(tmp_path, monkeypatch):
    """On PostgreSQL `duban refresh` hands batches to a process per core: each must store what the
    whole derives; a later refresh stores what moved, and the same day's again derives nothing."""
    day = date(2024, 6, 28)
    with empty_database("postgresql", tmp_path) as url:
        made = connect(url)
        try:
            with clock.set_to(YEAR_START):
                ingest(made, SEEDS[3], Registry(None), "tester", True)
            with transaction(made) as s:
                doc = s.scalar(select(Document.id))
                leads = [(f.id, unit) for f in facts.of_tasks(s, day, [doc]).values() for unit in f.lead_units]
            for pick in range(0, 60, 7):
                happen(made, doc, leads, "report", day - timedelta(days=pick), pick, pick + 30)
            monkeypatch.setattr(state, "BATCH", 10)  # a dozen batches for the two processes
            with clock.set_to(day):
                assert sum(state.refresh_all(made, day, workers=2)) == len(state_rows(made)) > 100
            stored, derived = stored_and_derived(made, day)
            assert stored == derived
            later = date(2024, 7, 1)  # a new month: 序时进度 moves, and with it some statuses
            with clock.set_to(later):
                done = state.refresh_all(made, later, workers=2)
            again, derived = stored_and_derived(made, later)
            moved = {t for t in stored if stored[t] != again[t]}
            assert again == derived and moved and moved <= stored_on(made, later) and moved != set(stored)
            assert 0 < done.moved <= len(moved)  # moved in SQL to the state worked out ahead, and counted
            kept, counted = tallied_and_counted(made)
            assert kept == counted
            with clock.set_to(later):  # the same day again: every state is sure to hold
                assert state.refresh_all(made, later, workers=2) == (0, len(stored), 0)
        finally:
            made.dispose()


def state_rows(engine) -> list[int]:
    with transaction(engine) as s:
        return list(s.scalars(select(TaskState.task_id)))
