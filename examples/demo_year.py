"""A demo year of supervision on the sample 2024 county plan, for trying the commands and for the
bulletin picture in docs/: monthly rounds due on the 25th, most units reporting on time, some late,
a few missing; tasks moving at different paces; two extensions approved; a problem raised.

    DUBAN_DATA_DIR=/tmp/demo .venv/bin/python examples/demo_year.py
    DUBAN_DATA_DIR=/tmp/demo .venv/bin/duban bulletin --round 2024年11月 --out 通报.docx
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from duban.store import connect, transaction
from duban.store.documents import ingest
from duban.store.models import Document, Round
from duban.supervise import extensions, facts, problems, reports, rounds
from duban.units.registry import Registry

PLAN = Path(__file__).parent / "seeds" / "003_7752230e50580b6f.txt"
PACES = (1.25, 1.0, 1.0, 0.8, 0.6)  # share of 序时进度 a task keeps up


def at(day: date) -> datetime:
    return datetime.combine(day, time(10))


def main(seed: int = 3) -> None:
    engine, rng = connect(), random.Random(seed)
    ingest(engine, PLAN, Registry(None), "督查室", True)
    with transaction(engine) as s:
        doc = s.scalar(select(Document.id).where(Document.current).order_by(Document.id.desc()))
        made = [r.id for r in rounds.plan_cycle(s, doc, "month", 25, "督查室", grace=2, start=date(2024, 1, 1))]
        pace = {t: rng.choice(PACES) for t in facts.of_tasks(s, date(2024, 1, 1), [doc])}
    for month, round_id in enumerate(made, start=1):
        with transaction(engine) as s:
            r = s.get(Round, round_id)
            for task, unit in rounds.expected(s, r):
                roll = rng.random()
                if roll < 0.06:
                    continue  # missed
                when = at(r.closes) if roll < 0.12 else at(r.due - timedelta(days=3))
                done = min(100, round(month / 12 * 100 * pace[task]))
                reports.report(s, task, unit, "联络员", status="已完成" if done == 100 else None, percent=done,
                               progress="按计划推进", at=when)
            if month == 10:
                follow_up(s, list(pace)[:2])


def follow_up(s, tasks: list[int]) -> None:
    for task in tasks:
        e = extensions.request(s, task, date(2025, 3, 31), "受汛期影响", "联络员", at=at(date(2024, 10, 8)))
        extensions.decide(s, e.id, True, "督查室", at=at(date(2024, 10, 10)))
    problems.raise_problem(s, tasks[1], "项目用地指标不足", "联络员", at=at(date(2024, 10, 9)))


if __name__ == "__main__":
    main()
