"""One plan against the plans that take it up (承接): a city's and its counties', or a body's two years.
For each upper task, the lower tasks that pursue the same work, each with a score and why; the upper tasks
no lower plan takes up (gaps), the lower tasks with no upper one (local additions); and for a linked pair
with the same metric, the lower target against the upper one, and a lower deadline later than the upper's.
The result is the JSON contract of docs/compare.md."""

from __future__ import annotations

from dataclasses import dataclass

from ..records import Document, Task
from .similar import Vectors, shared_words
from .targets import later_deadlines, same_metric, targets_compared
from .units import body_kinds

STRONG = 0.35  # a pair this alike is linked whatever else each side has
BEST = 0.15  # a pair one side's best match, this alike or more, is linked too
METRIC_BONUS = 0.10  # the same metric in both tasks' targets
BODY_BONUS = 0.05  # lead units of the same kind (县发展和改革局 ~ 市发展和改革委员会)


@dataclass
class Plan:
    """A document's tasks, and the file or ledger entry it came from."""

    source: str
    doc: Document

    def ref(self, task: Task) -> dict:
        return {"source": self.source, "doc_number": self.doc.doc_number, "number": task.number,
                "path": task.path, "title": task.title}


def text_of(task: Task) -> str:
    return f"{task.title}。{task.text}"


@dataclass
class Pair:
    upper: Task
    lower: Task
    score: float
    reason: str = ""


def scored(upper: Plan, lower: Plan, vectors: Vectors, at: int, lower_at: int) -> list[Pair]:
    """Every pair of tasks sharing some rare words, scored: the cosine of their texts, raised for a shared
    metric or a lead unit of the same kind."""
    ups, downs = upper.doc.tasks, lower.doc.tasks
    bodies = {id(t): body_kinds(t) for t in (*ups, *downs)}
    out = []
    for (i, j), cosine in vectors.scores(range(at, at + len(ups)), range(lower_at, lower_at + len(downs))).items():
        u, d = ups[i - at], downs[j - lower_at]
        bonus = METRIC_BONUS * bool(same_metric(u, d)) + BODY_BONUS * bool(bodies[id(u)] & bodies[id(d)])
        out.append(Pair(u, d, round(min(1.0, cosine + bonus), 3)))
    return out


def explained(pair: Pair, idf: dict[str, float]) -> Pair:
    """The pair with its reason: the words both say, rarest first, the metrics both set, the kind of body
    both are led by."""
    words = shared_words(text_of(pair.upper), text_of(pair.lower), idf)
    metrics = same_metric(pair.upper, pair.lower)
    bodies = sorted(body_kinds(pair.upper) & body_kinds(pair.lower))
    pair.reason = "；".join(filter(None, [words and f"共同词：{'、'.join(words)}",
                                          metrics and f"同一指标：{'、'.join(metrics)}",
                                          bodies and f"牵头单位同类：{'、'.join(bodies)}"]))
    return pair


def linked(pairs: list[Pair]) -> list[Pair]:
    """The pairs taken as the same work: alike enough outright, or alike enough and the best match of one of
    the two (a county task that takes up two of the city's, or two of its own taking up one)."""
    best_up: dict[int, float] = {}
    best_down: dict[int, float] = {}
    for p in pairs:
        best_up[id(p.upper)] = max(best_up.get(id(p.upper), 0), p.score)
        best_down[id(p.lower)] = max(best_down.get(id(p.lower), 0), p.score)
    return [p for p in pairs if p.score >= STRONG or
            (p.score >= BEST and p.score in (best_up[id(p.upper)], best_down[id(p.lower)]))]


def compare(upper: Plan, lowers: list[Plan]) -> dict:
    """The comparison of `upper` with each of `lowers`, as the JSON contract has it."""
    plans = [upper, *lowers]
    starts = [sum(len(p.doc.tasks) for p in plans[:k]) for k in range(len(plans))]
    vectors = Vectors([text_of(t) for p in plans for t in p.doc.tasks])
    links, taken_up, covered = [], set(), set()
    for lower, at in zip(lowers, starts[1:], strict=True):
        for p in sorted(linked(scored(upper, lower, vectors, 0, at)), key=lambda p: -p.score):
            links.append((lower, explained(p, vectors.idf)))
            taken_up.add(id(p.upper))
            covered.add(id(p.lower))
    order = {id(t): n for n, t in enumerate(t for p in plans for t in p.doc.tasks)}
    links.sort(key=lambda x: (order[id(x[1].upper)], order[id(x[1].lower)]))
    return {
        "links": [{"upper": upper.ref(p.upper), "lower": lower.ref(p.lower), "score": p.score, "reason": p.reason}
                  for lower, p in links],
        "gaps": [upper.ref(t) for t in upper.doc.tasks if id(t) not in taken_up],
        "additions": [lower.ref(t) for lower in lowers for t in lower.doc.tasks if id(t) not in covered],
        "targets": [{"upper": upper.ref(p.upper), "lower": lower.ref(p.lower), **row}
                    for lower, p in links for row in targets_compared(p.upper, p.lower)],
        "deadlines": [{"upper": upper.ref(p.upper), "lower": lower.ref(p.lower), **row}
                      for lower, p in links for row in later_deadlines(p.upper, p.lower)],
    }
