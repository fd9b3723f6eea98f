"""总览: counts by status and warning colour over the running plans (or one document), each a link to
the ledger filtered to those tasks; then who is late, per lead unit; then the overdue and due-soon lists
(folded) and the counts per chapter, grouped under their plan. On a day whose states are stored
(supervise/state.py) it counts them in SQL and derives only the listed tasks; else it derives every task."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store.ledger import RUNNING
from ...store.models import Document
from ...supervise import counts, state
from ...supervise.records import COLOURS, STATUSES
from ...supervise.warnings import board, days_left
from ..access import Principal, allow
from ..pages import page
from .common import Asked, BoardLine, board_line, choices, day, documents
from .plans import proposals

router = APIRouter()


@dataclass
class Group:
    """A chapter or a unit with its tasks counted by status and by colour."""

    name: str
    document_id: int | None = None
    total: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    colours: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COLOURS, 0))

    def add(self, status: str, colour: str | None, n: int = 1) -> None:
        self.total += n
        self.statuses[status] = self.statuses.get(status, 0) + n
        if colour:
            self.colours[colour] += n


NO_LEAD, NO_CHAPTER = "（未指明牵头单位）", "（无章节）"
LISTED = 100  # overdue and 临期 tasks listed on the page (each derived with its reasons); the count says how many in all
PLANS_BY_CHAPTER = 30  # plans whose chapters are counted: a province's thousands are chosen by number
COLOUR_OF = {**{c: c for c in COLOURS}, "none": None}  # a stored colour as the board says it


@dataclass
class Tally:
    """What 总览 counts and lists: derived for every task, or read from the stored states."""

    everything: Group = field(default_factory=lambda: Group("全部"))
    chapters: dict[tuple, Group] = field(default_factory=dict)  # of the first PLANS_BY_CHAPTER plans
    plans: int = 0  # in all
    units: dict[str, Group] = field(default_factory=dict)
    overdue: list[BoardLine] = field(default_factory=list)  # the first LISTED
    due_soon: list[BoardLine] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0

    def chapter(self, document_id: int, chapter: str, status: str, colour: str | None, n: int = 1) -> None:
        key = (document_id, chapter)
        self.chapters.setdefault(key, Group(chapter or NO_CHAPTER, document_id)).add(status, colour, n)

    def unit(self, name: str, status: str, colour: str | None, n: int = 1) -> None:
        self.units.setdefault(name, Group(name)).add(status, colour, n)


def derived(s: Session, when: date, doc: int | None) -> Tally:
    entries = board(s, when, [doc] if doc else None)
    lines, t = [board_line(e) for e in entries], Tally()
    first = sorted({x.document_id for x in lines})
    t.plans, first = len(first), set(first[:PLANS_BY_CHAPTER])
    for x in lines:
        t.everything.add(x.status, x.colour)
        if x.document_id in first:
            t.chapter(x.document_id, x.chapter, x.status, x.colour)
        for unit in x.lead_units or [NO_LEAD]:
            t.unit(unit, x.status, x.colour)
    overdue = sorted((x for x in lines if x.overdue), key=lambda x: -x.overdue)
    soon = sorted((x for x, e in zip(lines, entries, strict=True) if days_left(e.status, when) is not None),
                  key=lambda x: x.due or when)
    t.overdue, t.overdue_count, t.due_soon, t.due_soon_count = overdue[:LISTED], len(overdue), soon[:LISTED], len(soon)
    return t


def stored(s: Session, when: date, doc: int | None) -> Tally:
    """The same from today's stored states: the tallies kept beside them; only the listed tasks are derived."""
    t, late = Tally(), {"overdue": 0, "soon": 0, "": 0}
    for status, colour, lateness, n in counts.totals(s, doc):
        t.everything.add(status, COLOUR_OF[colour], n)
        late[lateness] += n
    t.plans, t.overdue_count, t.due_soon_count = counts.plan_count(s, doc), late["overdue"], late["soon"]
    for document_id, chapter, status, colour, n in counts.chapter_counts(s, doc, PLANS_BY_CHAPTER):
        t.chapter(document_id, chapter, status, COLOUR_OF[colour], n)
    for unit, status, colour, n in counts.unit_counts(s, doc):
        t.unit(unit or NO_LEAD, status, COLOUR_OF[colour], n)
    overdue, soon = counts.overdue_and_due_soon(s, doc, LISTED)
    lines = {e.facts.id: board_line(e) for e in board(s, when, tasks=[*dict.fromkeys(overdue + soon)])}
    t.overdue, t.due_soon = [lines[i] for i in overdue], [lines[i] for i in soon]
    return t


@dataclass
class PlanChapters:
    id: int
    title: str
    chapters: list[Group]


def ledger_link(doc: int | None, as_of: date | None, **only) -> str:
    """The ledger showing the tasks a figure counts (the same plans and day)."""
    scope = {"doc": doc} if doc else {"plans": RUNNING}
    return "/ledger?" + urlencode({**scope, **({"as_of": as_of} if as_of else {}), **only})


def finished_count(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(Document).where(Document.current, ~Document.running))


def by_plan(chapters: dict[tuple, Group], titles: dict[int, str]) -> list[PlanChapters]:
    plans: dict[int, PlanChapters] = {}
    for (document_id, _), group in chapters.items():
        plans.setdefault(document_id, PlanChapters(document_id, titles.get(document_id, ""), [])).chapters.append(group)
    return list(plans.values())


@page(router, "/overview", "overview.html")
def overview(request: Request, s: Session, who: Principal = allow("office"),
             doc: Asked(int, "只看这份文件 (document id)") = None,
             as_of: Asked(date, "截至日期，默认今天 (as of)") = None) -> dict:
    """总览：按状态、预警颜色、章节、牵头单位统计，逾期与临期任务 (overview)."""
    when = day(as_of)
    t = (stored if state.fresh(s, when) else derived)(s, when, doc)
    by_status = {k: t.everything.statuses.get(k, 0) for k in STATUSES}
    return {
        "as_of": when, "doc": doc, "documents": choices(s), "total": t.everything.total, "plans_counted": t.plans,
        "plans_by_chapter": PLANS_BY_CHAPTER,
        "links": {"total": ledger_link(doc, as_of), **{k: ledger_link(doc, as_of, status=k) for k in STATUSES},
                  **{k: ledger_link(doc, as_of, colour=k) for k in COLOURS}},
        "finished": finished_count(s), "proposed": [] if doc else proposals(s, when),
        "statuses": by_status, "colours": t.everything.colours,
        "plans": by_plan(t.chapters, {d.id: d.title for d in documents(s, only=sorted({k[0] for k in t.chapters}))}),
        "units": sorted(t.units.values(), key=lambda g: (-g.colours["red"], -g.colours["yellow"], -g.total, g.name)),
        "overdue": t.overdue, "due_soon": t.due_soon, "overdue_count": t.overdue_count,
        "due_soon_count": t.due_soon_count,
    }
