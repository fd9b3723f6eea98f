"""Properties of the supervision loop over random histories: whatever reports, overrides, extensions,
rounds and days come, no task is red for a round that opened before its plan was stored or before the
round was made, no unit loses points for one, and every red or yellow mark says why."""

from __future__ import annotations

import shutil
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from duban import clock
from duban.errors import DubanError
from duban.store import connect, transaction
from duban.store.documents import ingest
from duban.store.models import Document
from duban.supervise import extensions, facts, notes, reports, rounds, scoring, warnings
from duban.supervise.records import STATUSES
from duban.units.registry import Registry

from .conftest import SEEDS

YEAR_START, YEAR_END = date(2024, 1, 1), date(2024, 12, 31)
days = st.dates(YEAR_START, YEAR_END)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """The 2024 plan stored once; each example works on a copy."""
    folder = tmp_path_factory.mktemp("history")
    engine = connect(f"sqlite:///{folder / 'template.sqlite3'}")
    ingest(engine, SEEDS[3], Registry(None), "tester", True)
    with transaction(engine) as s:
        doc = s.scalar(select(Document.id))
        leads = [(f.id, unit) for f in facts.of_tasks(s, YEAR_END, [doc]).values() for unit in f.lead_units]
    engine.dispose()
    return folder / "template.sqlite3", doc, leads


event = st.one_of(
    st.tuples(st.just("report"), days, st.integers(0, 10_000), st.integers(0, 100)),
    st.tuples(st.just("override"), days, st.integers(0, 10_000), st.sampled_from(STATUSES)),
    st.tuples(st.just("extend"), days, st.integers(0, 10_000), st.integers(1, 200)),
    st.tuples(st.just("adhoc"), days, st.integers(-60, 0), st.integers(0, 40)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=days, planned_after=st.integers(0, 120), start_before=st.integers(-30, 200),
       history=st.lists(event, max_size=30), looked=st.lists(days, min_size=1, max_size=3))
def test_no_red_for_rounds_nobody_was_asked_in_time_and_every_mark_says_why(
        template, tmp_path, stored, planned_after, start_before, history, looked):
    path, doc, leads = template
    copy = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copy(path, copy)
    engine = connect(f"sqlite:///{copy}")
    try:
        with transaction(engine) as s:  # stored on `stored`, as if ingested that day
            s.execute(update(Document).values(ingested_at=datetime.combine(stored, time(9))))
        planned = stored + timedelta(days=planned_after)
        with clock.set_to(planned), transaction(engine) as s:
            rounds.plan_cycle(s, doc, "month", 25, "督查室", start=planned - timedelta(days=start_before))
        for kind, day, pick, value in sorted(history, key=lambda e: e[1]):
            happen(engine, doc, leads, kind, day, pick, value)
        with transaction(engine) as s:
            made = {r.name: r for r in rounds.rounds_of(s, [doc])}
            for day in looked:
                for e in warnings.board(s, day, [doc]):
                    for unit, name in e.missed.items():
                        r = made[name]
                        assert r.opens >= stored and r.opens >= r.opened_at.date(), (name, unit)
                    if e.warning.colour in ("red", "yellow"):
                        assert e.warning.reasons and all(len(x) > 4 for x in e.warning.reasons), e.warning
                lost = [x.text for x in scoring.events(s, YEAR_START, day, [doc]).lines if x.rule == "missed_report"]
                unasked = [n for n, r in made.items() if rounds.backfilled(r)]
                assert not [t for t in lost if any(f"“{n}”" in t for n in unasked)]
    finally:
        engine.dispose()


def happen(engine, doc: int, leads: list[tuple[int, str]], kind: str, day: date, pick: int, value: int) -> None:
    """One event of the history on `day`; one the rules refuse (an extension not later) changes nothing."""
    task, unit = leads[abs(pick) % len(leads)]
    moment = datetime.combine(day, time(10))
    try:
        with clock.set_to(day), transaction(engine) as s:
            if kind == "report":
                reports.report(s, task, unit, "联络员", percent=value, at=moment)
            elif kind == "override":
                notes.override(s, task, value, "现场核查", "督查室", at=moment)
            elif kind == "extend":
                asked = extensions.request(s, task, day + timedelta(days=value), "客观原因", "联络员", unit, at=moment)
                extensions.decide(s, asked.id, True, "督查室", at=moment)
            else:  # an ad hoc round, opened `pick` days back (0: today), due `value` days after it opens
                opens = day + timedelta(days=pick)
                rounds.open_round(s, doc, f"专项调度{day}", opens + timedelta(days=value), "督查室", opens=opens)
    except DubanError:
        pass
