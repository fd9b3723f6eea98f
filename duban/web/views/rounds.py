"""调度: every current document's reporting cycle and rounds with who has reported in each, the office's
forms to plan a cycle, open an ad hoc round and lock one; and one round in detail, the units that have
not reported first (they are whom the office chases: 催办)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Form, HTTPException, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import DubanError
from ...store import audit
from ...store.ledger import task_key
from ...store.models import Cycle, Round, User
from ...supervise import facts, rounds, status
from ..access import Principal, allow
from ..pages import action, page
from .common import choices, day, documents

router = APIRouter()
EVERY_NAMES = {"month": "每月", "quarter": "每季度"}


@dataclass
class RoundLine:
    """One round with its tally: how many expected reports came on time, late, not at all (missed: the
    round is shut) or not yet (pending: still open)."""

    id: int
    document_id: int
    document: str
    name: str
    adhoc: bool  # opened by hand (专项调度), not by the cycle
    opens: date
    due: date
    closes: date
    locked_at: datetime | None
    shut: bool
    state: str  # 未开始, 进行中, 补报期, 已结束
    expected: int
    on_time: int
    late: int
    missed: int
    pending: int
    backfilled: bool  # opened before it was made: not reporting is no fault


@dataclass
class CycleLine:
    every: str
    every_name: str
    day: int
    grace: int
    start: date
    end: date
    created_by: str


@dataclass
class DocumentRounds:
    id: int
    title: str
    cycles: list[CycleLine]
    rounds: list[RoundLine]
    finished: bool  # 已办结: listed after the running plans, folded


@dataclass
class TaskRef:
    id: int
    key: str
    number: str
    title: str


@dataclass
class UnitTasks:
    """A unit and the tasks it has (or has not) reported on in the round."""

    unit_id: str
    unit: str
    tasks: list[TaskRef] = field(default_factory=list)


@dataclass
class Reported:
    unit_id: str
    unit: str
    task: TaskRef
    at: datetime


def round_or_404(s: Session, round_id: int) -> Round:
    found = s.get(Round, round_id)
    if found is None:
        raise HTTPException(404, f"没有调度轮次 {round_id} (no such round)")
    return found


def round_line(s: Session, r: Round, when: date, t: rounds.Tally | None = None) -> RoundLine:
    """The round's line as of `when` (its tally given when the caller has it already)."""
    if t is None:
        t = rounds.tally(s, r, when)
    return RoundLine(r.id, r.document_id, r.document.title or r.document.path, r.name, r.cycle_id is None, r.opens,
                     r.due, r.closes, r.locked_at, rounds.shut(r, when), rounds.state(r, when), t.expected,
                     len(t.on_time), len(t.late),
                     len(t.missed), len(t.pending), rounds.backfilled(r))


def cycles_of(s: Session, document_id: int) -> list[CycleLine]:
    names = dict(s.execute(select(User.login, User.name)).all())
    return [CycleLine(c.every, EVERY_NAMES.get(c.every, c.every), c.day, c.grace, c.start, c.end,
                      names.get(c.created_by, "命令行" if c.created_by.startswith(audit.CLI) else c.created_by))
            for c in s.scalars(select(Cycle).where(Cycle.document_id == document_id).order_by(Cycle.id))]


@page(router, "/rounds", "rounds.html")
def rounds_page(request: Request, s: Session, who: Principal = allow("office"),
                doc: Annotated[int | None, Query(description="只看这份文件 (document id)")] = None,
                as_of: Annotated[date | None, Query(description="截至日期，默认今天 (as of)")] = None) -> dict:
    """调度：各文件的报送周期、各轮调度及报送情况 (reporting rounds and who has reported)."""
    when = day(as_of)
    docs = documents(s)
    shown = sorted((d for d in docs if doc is None or d.id == doc), key=lambda d: (d.finished, -d.id))  # the live plan first
    plans = [DocumentRounds(d.id, d.title, cycles_of(s, d.id), [round_line(s, r, when) for r in rounds.rounds_of(s, [d.id])],
                            d.finished) for d in shown]
    return {"as_of": when, "doc": doc, "documents": choices(s, docs), "every": EVERY_NAMES, "plans": plans,
            "defaults": status.RULES["rounds"]}


@action(router, "/documents/{document_id}/cycle")
def plan_cycle(request: Request, s: Session, document_id: int, who: Principal = allow("office"),
               every: Annotated[Literal["month", "quarter"] | None, Form(description="month 每月 | quarter 每季度，默认按设置")] = None,
               due_day: Annotated[int | None, Form(alias="day", description="每月（季末月）几日前报送，默认按设置 (due day)")] = None,
               grace: Annotated[int | None, Form(description="截止后仍可补报的工作日数，默认按设置 (grace)")] = None,
               start: Annotated[date | None, Form(description="起始日期，默认今天；更早则补建以往各轮 (from)")] = None,
               end: Annotated[date | None, Form(description="结束日期，默认当年12月31日 (to)")] = None) -> dict:
    """设定报送周期并生成各轮调度 (give a document its reporting cycle)."""
    made = rounds.plan_cycle(s, document_id, every, due_day, who.actor, grace, start, end)
    return {"next": f"/rounds?doc={document_id}", "message": f"已生成调度 {len(made)} 轮",
            "rounds": [{"id": r.id, "name": r.name, "opens": r.opens, "due": r.due, "closes": r.closes} for r in made]}


@action(router, "/documents/{document_id}/rounds")
def open_round(request: Request, s: Session, document_id: int,
               name: Annotated[str, Form(description="轮次名称，如 专项调度 (name)")],
               due: Annotated[date, Form(description="报送截止日期 (due)")], who: Principal = allow("office"),
               grace: Annotated[int | None, Form(description="截止后仍可补报的工作日数 (grace)")] = None,
               opens: Annotated[date | None, Form(description="开始日期，默认今天 (opens)")] = None) -> dict:
    """开启一轮临时调度 (open an ad hoc round)."""
    if not name.strip():
        raise DubanError("请填写轮次名称 (a name is needed)")
    r = rounds.open_round(s, document_id, name.strip(), due, who.actor, grace, opens)
    return {"next": f"/rounds/{r.id}", "message": f"已开启调度“{r.name}”，{r.due} 截止，{r.closes} 锁定",
            "round": {"id": r.id, "name": r.name, "opens": r.opens, "due": r.due, "closes": r.closes}}


def missing_by_unit(pairs: list[tuple[int, str]], known: dict[int, facts.Facts]) -> list[UnitTasks]:
    """The units that have not reported, the most tasks missing first."""
    by_unit: dict[str, UnitTasks] = {}
    for task, unit in pairs:
        by_unit.setdefault(unit, UnitTasks(unit, unit_name(known, task, unit))).tasks.append(task_ref(known, task))
    return sorted(by_unit.values(), key=lambda u: (-len(u.tasks), u.unit))


def reported(pairs: dict[tuple[int, str], datetime], known: dict[int, facts.Facts]) -> list[Reported]:
    return sorted((Reported(unit, unit_name(known, task, unit), task_ref(known, task), at)
                   for (task, unit), at in pairs.items()), key=lambda x: x.at)


def task_ref(known: dict[int, facts.Facts], task: int) -> TaskRef:
    f = known.get(task)
    return TaskRef(task, task_key(task), f.number if f else "", f.title if f else "")


def unit_name(known: dict[int, facts.Facts], task: int, unit: str) -> str:
    return known[task].lead_units.get(unit, unit) if task in known else unit


@page(router, "/rounds/{round_id}", "rounds_detail.html")
def round_page(request: Request, s: Session, round_id: int, who: Principal = allow("office"),
               as_of: Annotated[date | None, Query(description="截至日期，默认今天 (as of)")] = None) -> dict:
    """一轮调度：未报送的单位和任务、逾期报送、按时报送 (who has not reported in a round)."""
    when = day(as_of)
    r = round_or_404(s, round_id)
    t = rounds.tally(s, r, when)
    known = facts.of_tasks(s, when, [r.document_id])
    return {"as_of": when, "round": round_line(s, r, when, t),
            "missing": missing_by_unit(t.missed + t.pending, known),
            "late": reported(t.late, known), "on_time": reported(t.on_time, known)}


@action(router, "/rounds/{round_id}/lock")
def lock_round(request: Request, s: Session, round_id: int, who: Principal = allow("office")) -> dict:
    """锁定一轮调度：此后不再接收该轮报送 (lock a round)."""
    r = rounds.lock_round(s, round_or_404(s, round_id).id, who.actor)
    return {"next": f"/rounds/{r.id}", "message": f"已锁定调度“{r.name}”", "id": r.id, "locked_at": r.locked_at}

