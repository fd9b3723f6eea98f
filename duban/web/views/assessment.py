"""考核: units and leaders ranked for a period by the assessment rules, each score with a per-rule summary
("未报送 -2 × 3 项，计 -6") and, one line an event, the explanation of every point gained or lost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session

from ...errors import DubanError
from ...supervise import scoring
from ...supervise.records import Ranked
from ..access import Principal, allow
from ..pages import page
from .common import choices, day

router = APIRouter()


@dataclass
class Rule:
    key: str
    label: str
    points: float


@dataclass
class Score:
    """One unit or leader: rank, score, the rules applied (summary) and every event (explanation)."""

    rank: int
    name: str
    score: float
    summary: list[str]
    explanation: list[str]


def explained(summaries: list[Ranked], details: list[Ranked]) -> list[Score]:
    lines = {r.name: r.explanation for r in details}
    return [Score(r.rank, r.name, r.score, r.explanation, lines.get(r.name, [])) for r in summaries]


@page(router, "/assessment", "assessment.html")
def assessment(request: Request, s: Session, who: Principal = allow("office"),
               start: Annotated[date | None, Query(description="考核期起，默认当年1月1日 (from)")] = None,
               end: Annotated[date | None, Query(description="考核期止，默认今天 (to)")] = None,
               doc: Annotated[int | None, Query(description="只考核这份文件的任务 (document id)")] = None) -> dict:
    """考核：各单位、各领导得分和排名，逐条说明 (scores and ranks, explained)."""
    end = day(end)
    start = start or date(end.year, 1, 1)
    if start > end:
        raise DubanError(f"考核期起 {start} 晚于考核期止 {end} (the period starts after it ends)")
    rules = scoring.rules_of()
    docs = [doc] if doc else None
    # the period read once: summary=True explains each rule once with its count, the other every event behind it
    found = scoring.events(s, start, end, docs)
    units, leaders = scoring.ranking(found, rules, summary=True)
    unit_lines, leader_lines = scoring.ranking(found, rules)
    return {"as_of": end, "start": start, "end": end, "doc": doc, "documents": choices(s), "base": rules["base"],
            "rules": [Rule(k, r["label"], r["points"]) for k, r in rules["rules"].items()],
            "units": explained(units, unit_lines), "leaders": explained(leaders, leader_lines)}
