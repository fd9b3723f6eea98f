"""Assessment (考核) for a period: every lead unit of a task the period asks for starts from the base score
and gains or loses the points the rules file gives each event (on-time completion, lateness, missed rounds,
problems left open), one explained line per event; leaders are scored on the events of the tasks they lead
or whose lead units they oversee (分管). Ties share a rank (1, 2, 2, 4)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from ..lexicon import load
from ..store.models import Round
from . import problems, rounds, warnings
from .facts import Facts
from .records import Ranked
from .status import ymd


@dataclass
class Line:
    unit: str  # unit id
    task_id: int
    rule: str
    text: str
    leaders: tuple[str, ...] = ()  # the task's leaders (分管领导), scored on it too


def rules_of(path: Path | None = None) -> dict:
    return load("assessment") if path is None else yaml.safe_load(path.read_text(encoding="utf-8"))


def task_lines(e: warnings.Entry, start: date, end: date) -> list[tuple[str, str]]:
    """(rule, what happened) events of one task in the period, for each of its lead units."""
    s, f = e.status, e.facts
    what = f"任务{f.number}“{f.title}”"
    if s.completed_on and start <= s.completed_on <= end:
        late = s.due is not None and s.completed_on > s.due
        return [("completed_late" if late else "completed_on_time", f"{what}{ymd(s.completed_on)}完成")]
    if s.overdue:
        return [("overdue", f"{what}逾期{s.overdue}个工作日未完成")]
    return [("behind", f"{what}{s.reasons[-1]}")] if s.behind else []


def in_period(e: warnings.Entry, start: date, end: date) -> bool:
    """A task the period asks for: issued by its end, and due in it or after it (or standing), or completed
    in it. One due and left before the period (a finished plan's, an abolished body's) is not scored in it."""
    f, s = e.facts, e.status
    issued = f.starts is None or f.starts <= end
    return issued and (s.due is None or s.due >= start or (s.completed_on is not None and s.completed_on >= start))


@dataclass
class Period:
    """What assessing a period found: its scored events counted by unit, rule and leaders (and each event
    itself, in order, when `explained`), and who could be scored (the lead units of the tasks it asks for,
    by id, and those tasks' leaders). Counting only keeps a province's assessment in flat memory."""

    explained: bool = True
    lines: list[Line] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # (unit, rule, leaders) -> events
    units: dict[str, str] = field(default_factory=dict)  # unit id -> registry name
    leaders: set[str] = field(default_factory=set)

    def add(self, lines: list[Line]) -> None:
        self.counts.update((x.unit, x.rule, x.leaders) for x in lines)
        if self.explained:
            self.lines += lines


def events(session: Session, start: date, end: date, documents: list[int] | None = None,
           explained: bool = True) -> Period:
    """Every scored event of the period, read from the board of `end` a batch of tasks at a time: the
    tasks' own events, then the rounds' (round by round), then the problems', however the tasks are batched."""
    found, known, later = Period(explained), {}, []
    for n, batch in enumerate(warnings.batches(session, end, documents)):
        by_task = {e.facts.id: e.facts for e in batch if in_period(e, start, end)}
        for e in batch:
            if e.facts.id in by_task:
                found.units.update(e.facts.lead_units)
                found.leaders.update(e.facts.leaders)
                found.add([Line(u, e.facts.id, rule, text, tuple(e.facts.leaders))
                           for rule, text in task_lines(e, start, end) for u in e.facts.lead_units])
        ordered = [((0, *key, n), line) for key, line in round_lines(session, start, end, by_task, known)]
        for p in problems.problems(session, end, list(by_task)):
            if problems.overdue(p, end):
                f = by_task[p.task_id]
                ordered += [((1, p.id), Line(u, f.id, "problem_overdue", f"问题#{p.id}（任务{f.number}）逾期未销号",
                                             tuple(f.leaders))) for u in f.lead_units]
        if explained:  # in the order of the rounds and problems, once every batch is read
            later += ordered
        else:
            found.add([line for _, line in ordered])
    found.add([line for _, line in sorted(later, key=lambda x: x[0])])
    return found


def round_lines(session: Session, start: date, end: date, by_task: dict[int, Facts],
                known: dict[int, list[Round]]) -> list[tuple[tuple, Line]]:
    """Reports late or missed in the rounds due in the period and shut by its end, of these tasks, each
    with the round's place (`known` keeps each document's rounds between batches)."""
    lines = []
    for of_doc in rounds.of_each(session, (f.document_id for f in by_task.values()), known):
        for r in [r for r in of_doc if start <= r.due <= end and rounds.shut(r, end) and not rounds.backfilled(r)]:
            t = rounds.tally(session, r, end, list(by_task))
            for kind, (rule, pairs, words) in enumerate((("late_report", t.late, "逾期报送"),
                                                          ("missed_report", t.missed, "未报送"))):
                lines += [((r.due, r.id, kind), Line(u, task, rule, f"“{r.name}”调度任务{by_task[task].number}{words}",
                                                     tuple(by_task[task].leaders))) for task, u in pairs if task in by_task]
    return lines


def ranked(scores: dict[str, float], explained: dict[str, list[str]]) -> list[Ranked]:
    order = sorted(scores, key=lambda k: (-scores[k], k))
    return [Ranked(1 + sum(scores[o] > scores[k] for o in order), k, scores[k], explained[k]) for k in order]


def assess(session: Session, start: date, end: date, documents: list[int] | None = None, rules: dict | None = None,
           leaders: dict[str, list[str]] | None = None, summary: bool = False) -> tuple[list[Ranked], list[Ranked]]:
    """(units ranked, leaders ranked) for the period; `leaders` maps a leader to the units they oversee.
    `summary`: explain each rule once with its count ("未报送 -2 × 3 项，计 -6"), for print."""
    return ranking(events(session, start, end, documents, explained=not summary), rules or rules_of(), leaders,
                   summary)


def ranking(found: Period, rules: dict, leaders: dict[str, list[str]] | None = None,
            summary: bool = False) -> tuple[list[Ranked], list[Ranked]]:
    """(units ranked, leaders ranked) on the events found (see `assess`): an explained Period serves both
    the summary and the event-by-event explanation."""
    names = found.units
    # (line, how many such events): each event when explained, else one line per unit, rule and leaders
    lines = [(x, 1) for x in found.lines] if not summary else [
        (Line(unit, 0, rule, "", leads), n) for (unit, rule, leads), n in found.counts.items()]
    units = score(list(names.values()), [(names[x.unit], x, n) for x, n in lines], rules, summary)
    oversees = {leader: set(us) for leader, us in (leaders or {}).items()}
    for leader in sorted(found.leaders):
        oversees.setdefault(leader, set())
    chosen = [(leader, x, n) for x, n in lines for leader, us in oversees.items()
              if x.unit in us or names[x.unit] in us or leader in x.leaders]
    return units, score(list(oversees), chosen, rules, summary)


def score(names: list[str], lines: list[tuple[str, Line, int]], rules: dict, summary: bool = False) -> list[Ranked]:
    """Each name's base plus the points of its lines (each standing for n events), explained line by line
    (or rule by rule), ranked."""
    base = rules["base"]
    totals = defaultdict(float, {name: base for name in names})
    explained = defaultdict(list, {name: [f"基础分 {base:g}"] for name in names})
    counted: dict[str, Counter] = defaultdict(Counter)
    for name, x, n in lines:
        rule = rules["rules"][x.rule]
        totals[name] += rule["points"] * n
        counted[name][x.rule] += n
        if not summary:
            explained[name].append(f"{rule['label']} {rule['points']:+g}：{x.text}")
    if summary:
        for name, counts in counted.items():  # in the rules file's order, however the events were read
            explained[name] += [f"{rule['label']} {rule['points']:+g} × {counts[k]} 项，计 {rule['points'] * counts[k]:+g}"
                                for k, rule in rules["rules"].items() if counts[k]]
    return ranked(dict(totals), explained)
