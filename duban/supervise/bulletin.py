"""The figures of a round's bulletin (通报), taken on its issue day (at the latest the day the round shut):
statuses and warnings overall and per chapter, who reported on time, late or not at all, the tasks
behind schedule, and the ranking from the first round of the plan to this one."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

from .. import clock
from ..errors import DubanError
from ..store.models import Document, Round
from . import rounds, scoring, warnings
from .records import COLOURS, STATUSES, BehindTask, Bulletin, ChapterFigures, MissingUnit
from .status import RULES


def counts(entries: list[warnings.Entry]) -> dict[str, int]:
    found = Counter(e.status.status for e in entries)
    return {s: found[s] for s in STATUSES}


def chapters(entries: list[warnings.Entry]) -> list[ChapterFigures]:
    by: dict[str, list[warnings.Entry]] = {}
    for e in entries:
        by.setdefault(e.facts.chapter or "（未分章节）", []).append(e)
    return [ChapterFigures(name, len(es), counts(es)) for name, es in by.items()]


def behind(entries: list[warnings.Entry]) -> list[BehindTask]:
    return [BehindTask(e.facts.key, e.facts.number, e.facts.title, "、".join(e.facts.lead_units.values()),
                       e.status.status, e.status.reasons[-1]) for e in entries if e.status.behind]


def missing(t: rounds.Tally, entries: list[warnings.Entry]) -> list[MissingUnit]:
    by_task = {e.facts.id: e.facts for e in entries}
    by_unit: dict[str, list[str]] = {}
    for task, unit in t.missed:
        if task in by_task:
            by_unit.setdefault(by_task[task].lead_units[unit], []).append(by_task[task].number)
    return [MissingUnit(name, len(tasks), tasks) for name, tasks in sorted(by_unit.items(), key=lambda x: -len(x[1]))]


def office_of(doc: Document) -> str:
    """The supervision office of the plan's region (冠县人民政府督查室), as the settings name it."""
    return RULES["bulletin"]["issuer"].format(region=doc.region) if doc.region else "督查室"


def bulletin(session: Session, r: Round, as_of: date | None = None, issuer: str | None = None) -> Bulletin:
    """The round's bulletin as of its issue day (today, or `as_of`), and never later than the day the round
    shut: overdue days are counted to that day. A round that has not opened has none."""
    day = min(as_of or clock.today(), r.closes)
    if r.locked_at is not None:
        day = min(day, r.locked_at.date())
    if day < r.opens:
        raise DubanError(f"调度“{r.name}”{r.opens} 才开始，{day} 还没有通报 (the round has not opened)")
    entries = warnings.board(session, day, [r.document_id])
    t = rounds.tally(session, r, day)
    first = min(x.opens for x in rounds.rounds_of(session, [r.document_id]))
    units, _ = scoring.assess(session, first, day, [r.document_id], summary=True)
    colours = Counter(e.warning.colour for e in entries)
    doc = session.get(Document, r.document_id)
    return Bulletin(
        issuer=issuer or office_of(doc), title=f"关于{r.name}重点任务推进情况的通报",
        doc_number=RULES["bulletin"]["doc_number"].format(year=day.year), round_name=r.name, as_of=day,
        documents=[doc.title or doc.path], tasks=len(entries), counts=counts(entries),
        colours={c: colours[c] for c in COLOURS}, expected=t.expected, on_time=len(t.on_time), late=len(t.late),
        missed=len(t.missed) + len(t.pending), chapters=chapters(entries), behind=behind(entries),
        missing=missing(t, entries), ranking=units)
