"""The demo office `make run` serves: plans stored on the day they were issued, those whose period was
over by then marked 已办结, and each running plan lived up to the demo day: monthly rounds due on the
25th, most units reporting on time, some late, a few not at all; tasks moving at different paces;
extensions asked for and decided, problems raised and followed, leaders' 批示 on tasks falling behind.
Every event is dated on or before the demo day, so the ledger looks as it would have that day."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import Engine

from . import clock
from .extract import extract_file
from .store import transaction
from .store.documents import ingest
from .store.models import Document, Round
from .supervise import extensions, facts, lifecycle, notes, problems, reports, rounds, warnings
from .units.registry import Registry

OFFICE, LIAISON = "督查室", "联络员"
PACES = (1.25, 1.0, 1.0, 1.0, 0.8, 0.6)  # share of 序时进度 a task keeps up
MISSED, LATE = 0.06, 0.12  # shares of reports never made, and made in the grace days


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def office(engine: Engine, paths: list[Path], day: date, seed: int = 3) -> list[int]:
    """Store the plans as of their issue day, finish the ones over by `day`, live the others up to it;
    the ids of the plans lived."""
    rng = random.Random(seed)
    for path in sorted(paths):
        with clock.set_to(min(issued(path), day)):
            ingest(engine, path, Registry(None), OFFICE, True)
    with transaction(engine) as s:
        for doc, end in lifecycle.period_over(s, day):
            lifecycle.finish(s, doc.id, OFFICE, max(end + timedelta(days=1), doc.ingested_at.date()))
        running = lifecycle.running(s)
    for doc in running:
        live(engine, doc, day, rng)
    return running


def issued(path: Path) -> date:
    """The day a plan was issued (when the office would have stored it); 2 January of its year when
    the header gives no date."""
    found = [d.date for d in extract_file(path)[1] if d.date]
    return date.fromisoformat(found[0]) if found else date(clock.today().year, 1, 2)


def live(engine: Engine, doc: int, day: date, rng: random.Random) -> None:
    """The plan's year up to `day`: its cycle planned the day it was stored, then round by round."""
    with transaction(engine) as s:
        stored = s.get(Document, doc).ingested_at.date()
        with clock.set_to(stored):
            made = [r.id for r in rounds.plan_cycle(s, doc, "month", 25, OFFICE, grace=2)]
        pace = {t: rng.choice(PACES) for t in facts.of_tasks(s, stored, [doc])}
    for round_id in made:
        with transaction(engine) as s:
            r = s.get(Round, round_id)
            if r.opens > day:
                break
            for task, unit in rounds.expected(s, r):
                if (when := reported_on(r, rng)) is not None and when.date() <= day:
                    done = min(100, math.ceil(r.due.month / 12 * 100 * pace[task]))
                    reports.report(s, task, unit, LIAISON, status="已完成" if done == 100 else None, percent=done,
                                   progress="按计划推进" if pace[task] >= 1 else "进度偏慢，正在加快", at=when)
    follow_up(engine, doc, day, rng)


def reported_on(r: Round, rng: random.Random) -> datetime | None:
    roll = rng.random()
    if roll < MISSED:
        return None
    return at(r.closes) if roll < LATE else at(r.due - timedelta(days=3))


def follow_up(engine: Engine, doc: int, day: date, rng: random.Random) -> None:
    """Extensions, problems and 批示 on the tasks furthest behind a month before `day`."""
    month_ago = day - timedelta(days=30)
    with transaction(engine) as s:
        behind = [e for e in warnings.board(s, month_ago, [doc]) if e.status.behind and e.facts.lead_units]
        rng.shuffle(behind)
        for e, (extend, raise_, instruct) in zip(behind, steps(), strict=False):
            f = e.facts
            if extend and (due := f.extended_to or f.due) and due > month_ago:
                asked = extensions.request(s, f.id, due + timedelta(days=90), "受汛期影响，施工推迟", LIAISON,
                                           next(iter(f.lead_units)), at=at(month_ago))
                extensions.decide(s, asked.id, True, OFFICE, "同意延期", at=at(month_ago + timedelta(days=2)))
            if raise_:
                p = problems.raise_problem(s, f.id, "项目用地指标不足，需协调", LIAISON, next(iter(f.lead_units)),
                                           at=at(month_ago + timedelta(days=1)))
                problems.move(s, p.id, "协调", OFFICE, "请自然资源部门研究", assignee=f.leaders[0] if f.leaders
                              else OFFICE, at=at(month_ago + timedelta(days=5)))
            if instruct and f.leaders:
                notes.instruct(s, f.id, f.leaders[0], "请牵头单位倒排工期，确保年底前完成", OFFICE,
                               at=at(month_ago + timedelta(days=3), 16))


def steps() -> Iterator[tuple[bool, bool, bool]]:
    """What happens to each of the tasks furthest behind: (extended, problem raised, 批示 written)."""
    yield from [(True, False, True), (True, True, False), (False, True, True), (False, False, True),
                (False, False, True)]
