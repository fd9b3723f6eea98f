"""总览: counts by status and warning colour over the running plans (or one document), each a link to
the ledger filtered to those tasks; then who is late, per lead unit; then the overdue and due-soon lists
(folded) and the counts per chapter, grouped under their plan."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from ...store.ledger import RUNNING
from ...supervise.records import COLOURS, STATUSES
from ...supervise.warnings import board, days_left
from ..access import Principal, allow
from ..pages import page
from .common import Asked, board_line, day, documents
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

    def add(self, status: str, colour: str | None) -> None:
        self.total += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if colour:
            self.colours[colour] += 1


@dataclass
class PlanChapters:
    id: int
    title: str
    chapters: list[Group]


def ledger_link(doc: int | None, as_of: date | None, **only) -> str:
    """The ledger showing the tasks a figure counts (the same plans and day)."""
    scope = {"doc": doc} if doc else {"plans": RUNNING}
    return "/ledger?" + urlencode({**scope, **({"as_of": as_of} if as_of else {}), **only})


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
    entries = board(s, when, [doc] if doc else None)
    lines = [board_line(e) for e in entries]
    chapters: dict[tuple, Group] = {}
    units: dict[str, Group] = defaultdict(lambda: Group(""))
    for x in lines:
        chapters.setdefault((x.document_id, x.chapter), Group(x.chapter or "（无章节）", x.document_id)).add(
            x.status, x.colour)
        for unit in x.lead_units or ["（未指明牵头单位）"]:
            units[unit].name = unit
            units[unit].add(x.status, x.colour)
    by_status, by_colour = Counter(x.status for x in lines), Counter(x.colour for x in lines if x.colour)
    docs = documents(s)
    return {
        "as_of": when, "doc": doc, "documents": docs, "total": len(lines),
        "links": {"total": ledger_link(doc, as_of), **{k: ledger_link(doc, as_of, status=k) for k in STATUSES},
                  **{k: ledger_link(doc, as_of, colour=k) for k in COLOURS}},
        "finished": sum(d.finished for d in docs), "proposed": [] if doc else proposals(s, when),
        "statuses": {k: by_status.get(k, 0) for k in STATUSES},
        "colours": {k: by_colour.get(k, 0) for k in COLOURS},
        "plans": by_plan(chapters, {d.id: d.title for d in docs}),
        "units": sorted(units.values(), key=lambda g: (-g.colours["red"], -g.colours["yellow"], -g.total, g.name)),
        "overdue": sorted((x for x in lines if x.overdue), key=lambda x: -x.overdue),
        "due_soon": sorted((x for x, e in zip(lines, entries, strict=True) if days_left(e.status, when) is not None),
                           key=lambda x: x.due or when),
    }
