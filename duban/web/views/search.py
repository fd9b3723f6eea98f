"""搜索: one box finds tasks (title, text, number, 任务ID, unit names), progress reports (progress,
problem and note), problems (text and the notes of their steps) and 批示 (text and the unit's answer),
one query function per kind, grouped on the page, each hit a link to its task with the words marked.
A plain LIKE (Chinese is not split into words, so a substring match is the honest search) with % and _
escaped; every word given must occur. Scoped exactly as the ledger is: a liaison finds only its units'
tasks and what was written on them, a leader only the tasks he leads; signed-out visitors search nothing
(the ledger is not theirs either)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import StringConstraints
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from ...errors import DubanError
from ...store import ledger
from ...store.models import Instruction, Problem, ProblemStep, ProgressReport, Task, TaskRole, Unit
from ..access import Principal, allow
from ..pages import page
from .ledger import Ask, scope, scope_note
from .problems import task_refs, unit_names
from .rounds import TaskRef

router = APIRouter()
PER_KIND = 10  # hits of each kind on the first page, with a link to all of that kind
PER_PAGE = 50  # hits on a page of one kind
COUNT_CAP = 1000  # "1000+" past this: counting every hit of a one-character search scans everything
MAX_WORDS = 6
AROUND = 40  # characters of context kept on each side of the first match in a long text


# --- the queries: one per kind; `allowed` is the ledger's query of the task ids the user may see ---------


def like_all(words: list[str], *columns) -> list:
    """Each word in one of the columns; `autoescape` makes % and _ plain characters ("6%" is 6 then %)."""
    return [or_(*(c.contains(w, autoescape=True) for c in columns)) for w in words]


def task_by_key(word: str) -> int | None:
    try:
        return ledger.parse_task_key(word)
    except DubanError:
        return None


def tasks_q(words: list[str], allowed: Select) -> Select:
    named = select(TaskRole.task_id).outerjoin(Unit, TaskRole.unit_id == Unit.id)
    conditions = [or_(Task.title.contains(w, autoescape=True), Task.text.contains(w, autoescape=True),
                      Task.number == w, Task.id == (task_by_key(w) or -1),
                      Task.id.in_(named.where(or_(TaskRole.printed.contains(w, autoescape=True),
                                                  Unit.name.contains(w, autoescape=True)))))
                  for w in words]
    return select(Task).where(Task.id.in_(allowed), *conditions).order_by(Task.document_id, Task.position)


def reports_q(words: list[str], allowed: Select) -> Select:
    r = ProgressReport
    return (select(r).where(r.task_id.in_(allowed), *like_all(words, r.progress, r.problem, r.note))
            .order_by(r.reported_at.desc(), r.id.desc()))


def problems_q(words: list[str], allowed: Select) -> Select:
    def in_steps(w: str):
        return exists(select(ProblemStep.id).where(ProblemStep.problem_id == Problem.id,
                                                   ProblemStep.note.contains(w, autoescape=True)))
    conditions = [or_(Problem.text.contains(w, autoescape=True), in_steps(w)) for w in words]
    return (select(Problem).where(Problem.task_id.in_(allowed), *conditions)
            .order_by(Problem.raised_at.desc(), Problem.id.desc()))


def instructions_q(words: list[str], allowed: Select) -> Select:
    i = Instruction
    return (select(i).where(i.task_id.in_(allowed), *like_all(words, i.text, i.answer))
            .order_by(i.at.desc(), i.id.desc()))


# --- what a hit shows --------------------------------------------------------------------------------


@dataclass
class Part:
    text: str
    hit: bool  # a searched word: the page marks it


@dataclass
class Line:
    label: str
    parts: list[Part]


@dataclass
class Hit:
    task: TaskRef
    link: str
    about: str  # who wrote it and when
    lines: list[Line] = field(default_factory=list)


def marked(text: str, words: list[str]) -> list[Part] | None:
    """The text cut to the context of its first match, split into marked and plain parts; None: no match."""
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text or "")
    if first is None:
        return None
    start, end = max(0, first.start() - AROUND), min(len(text), first.end() + AROUND * 2)
    shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    parts, at = [], 0
    for m in pattern.finditer(shown):
        parts += [Part(shown[at:m.start()], False), Part(m.group(), True)]
        at = m.end()
    return [p for p in [*parts, Part(shown[at:], False)] if p.text]


def lines_of(words: list[str], fields: list[tuple[str, str]]) -> list[Line]:
    """The labelled texts that hold a searched word."""
    return [Line(label, parts) for label, text in fields if (parts := marked(text, words))]


def when(at: datetime | None) -> str:
    return f"{at:%Y-%m-%d %H:%M}" if at else ""


@dataclass
class Found:
    """What the hits of a page need besides their rows: task references and unit names."""

    words: list[str]
    tasks: dict[int, tuple[TaskRef, int]]
    units: dict[str, str]


def task_hit(t: Task, f: Found) -> Hit:
    labels = [r.label for r in t.roles if r.role in (*ledger.UNIT_ROLES, "lead_leaders")]
    text = "" if t.text.rstrip("。；") == t.title.rstrip("。；") else t.text  # a one-line task is its title
    lines = lines_of(f.words, [("任务ID", ledger.task_key(t.id)), ("序号", t.number), ("标题", t.title),
                               ("内容", text), ("单位", "、".join(dict.fromkeys(labels)))])
    return Hit(f.tasks[t.id][0], f"/tasks/{t.id}", t.chapter, lines)


def report_hit(r: ProgressReport, f: Found) -> Hit:
    who = f.units.get(r.unit_id, r.unit_id) if r.unit_id else "督查室"
    lines = lines_of(f.words, [("进展", r.progress), ("问题", r.problem), ("备注", r.note)])
    return Hit(f.tasks[r.task_id][0], f"/tasks/{r.task_id}", f"{who} · {r.reported_by} · {when(r.reported_at)}", lines)


def problem_hit(p: Problem, f: Found) -> Hit:
    steps = [(f"{x.state}（{x.actor}）", x.note) for x in p.steps]
    return Hit(f.tasks[p.task_id][0], f"/tasks/{p.task_id}", f"问题 #{p.id} · {p.state} · {p.raised_by} · "
               f"{when(p.raised_at)}", lines_of(f.words, [("问题", p.text), *steps]))


def instruction_hit(i: Instruction, f: Found) -> Hit:
    return Hit(f.tasks[i.task_id][0], f"/tasks/{i.task_id}#instruction-{i.id}",
               f"{i.leader} · {i.state} · {when(i.at)}", lines_of(f.words, [("批示", i.text), ("办理情况", i.answer)]))


@dataclass
class Kind:
    name: str
    query: Callable[[list[str], Select], Select]
    hit: Callable
    units: Callable = lambda row: None  # the unit a row names, for its hit's label
    load: tuple = ()  # what its hits read of each row, loaded with the page's rows in a few queries


KINDS = {  # the order of the groups on the page
    "tasks": Kind("任务", tasks_q, task_hit, load=(selectinload(Task.roles).selectinload(TaskRole.unit),
                                                selectinload(Task.roles).selectinload(TaskRole.person))),
    "reports": Kind("填报", reports_q, report_hit, lambda r: r.unit_id),
    "problems": Kind("问题", problems_q, problem_hit, load=(selectinload(Problem.steps),)),
    "instructions": Kind("批示", instructions_q, instruction_hit),
}


# --- the page ----------------------------------------------------------------------------------------


@dataclass
class Group:
    kind: str
    name: str
    total: int
    more: bool  # more than COUNT_CAP: `total` is COUNT_CAP
    hits: list[Hit]


def count(s: Session, q: Select) -> int:
    return s.scalar(select(func.count()).select_from(q.order_by(None).limit(COUNT_CAP + 1).subquery())) or 0


def group(s: Session, key: str, words: list[str], allowed: Select, offset: int, limit: int) -> Group:
    kind = KINDS[key]
    q = kind.query(words, allowed)
    total, rows = count(s, q), list(s.scalars(q.options(*kind.load).offset(offset).limit(limit)))
    task_ids = {r.id if isinstance(r, Task) else r.task_id for r in rows}
    found = Found(words, task_refs(s, task_ids), unit_names(s, {kind.units(r) for r in rows}))
    return Group(key, kind.name, min(total, COUNT_CAP), total > COUNT_CAP, [kind.hit(r, found) for r in rows])


Words = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


@page(router, "/search", "search.html")
def search_page(request: Request, s: Session, who: Principal = allow("ledger"),
                q: Annotated[Words, Query(description="搜索的词，空格分隔的须全部出现 (words, all must occur)")] = "",
                kind: Annotated[Literal[tuple(KINDS)] | None, Query(
                    description="只看一类：tasks/reports/problems/instructions (one kind)")] = None,
                page: Annotated[int, Query(ge=1, le=1000, description="第几页，只看一类时 (page)")] = 1,
                per: Annotated[int, Query(ge=1, le=200, description="只看一类时每页条数 (page size)")] = PER_PAGE
                ) -> dict:
    """搜索任务、填报、问题和批示 (search tasks, reports, problems and instructions)."""
    words = list(dict.fromkeys(q.split()))[:MAX_WORDS]
    f = scope(s, who, Ask())
    keys = [kind] if kind else list(KINDS)
    groups = []
    if words and f is not None:
        allowed = ledger.filtered(f)
        offset, limit = ((page - 1) * per, per) if kind else (0, PER_KIND)
        groups = [group(s, key, words, allowed, offset, limit) for key in keys]
    return {"q": q, "words": words, "kind": kind, "kinds": {k: v.name for k, v in KINDS.items()}, "page": page,
            "per": per if kind else PER_KIND, "groups": groups, "total": sum(g.total for g in groups),
            "dropped": len(dict.fromkeys(q.split())) > MAX_WORDS, "scoped": scope_note(who)}
