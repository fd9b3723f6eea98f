"""One plan against the plans that take it up (承接): a city's and its counties', or a body's two years.
For each upper task, the lower tasks that pursue the same work, each with a score and why; the upper tasks
no lower plan takes up (gaps), the lower tasks with no upper one (local additions); and for a linked pair
with the same metric, the lower target against the upper one, and a lower deadline later than the upper's.
The result is the JSON contract of docs/compare.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

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
    """A document's tasks, and the file or ledger entry it came from (then its series, and each task's id)."""

    source: str
    doc: Document
    series: str | None = None
    ids: dict[int, int] = field(default_factory=dict)  # id(task) -> ledger task id

    def ref(self, task: Task) -> dict:
        return {"source": self.source, "doc_number": self.doc.doc_number, "number": task.number,
                "path": task.path, "title": task.title} | ({"task_id": self.ids[id(task)]} if self.ids else {})


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


def decided(found: list[Pair], scores: list[Pair], upper: Plan, lower: Plan, words: Mapping[tuple[str, str], str]
            ) -> tuple[list[Pair], list[Pair]]:
    """(links, rejected): the office's word over the matcher's: a rejected pair is no link, a confirmed one is
    a link with whatever score the pair has (0 if it shares no word)."""
    by_texts = {(p.upper.text, p.lower.text): p for p in scores}
    keep = [p for p in found if words.get((p.upper.text, p.lower.text)) != "rejected"]
    rejected = [p for p in found if words.get((p.upper.text, p.lower.text)) == "rejected"]
    have = {(p.upper.text, p.lower.text) for p in keep}
    ups, downs = {t.text: t for t in upper.doc.tasks}, {t.text: t for t in lower.doc.tasks}
    for (u, d), word in words.items():
        if word == "confirmed" and (u, d) not in have and u in ups and d in downs:
            keep.append(by_texts.get((u, d)) or Pair(ups[u], downs[d], 0.0))
    return keep, rejected


def compare(upper: Plan, lowers: list[Plan], words: Mapping[str, Mapping[tuple[str, str], str]] | None = None
            ) -> dict:
    """The comparison of `upper` with each of `lowers`, as the JSON contract has it. `words`: by lower plan
    source, the office's confirmed and rejected pairs (upper task text, lower task text)."""
    plans = [upper, *lowers]
    starts = [sum(len(p.doc.tasks) for p in plans[:k]) for k in range(len(plans))]
    vectors = Vectors([text_of(t) for p in plans for t in p.doc.tasks])
    links, rejected, taken_up, covered = [], [], set(), set()
    for lower, at in zip(lowers, starts[1:], strict=True):
        scores = scored(upper, lower, vectors, 0, at)
        office = (words or {}).get(lower.source, {})
        kept, refused = decided(linked(scores), scores, upper, lower, office)
        for p in sorted(kept, key=lambda p: -p.score):
            links.append((lower, explained(p, vectors.idf), office.get((p.upper.text, p.lower.text))))
            taken_up.add(id(p.upper))
            covered.add(id(p.lower))
        rejected += [(lower, explained(p, vectors.idf), "rejected") for p in refused]
    order = {id(t): n for n, t in enumerate(t for p in plans for t in p.doc.tasks)}
    links.sort(key=lambda x: (order[id(x[1].upper)], order[id(x[1].lower)]))

    def link(lower: Plan, p: Pair, word: str | None) -> dict:
        return {"upper": upper.ref(p.upper), "lower": lower.ref(p.lower), "score": p.score, "reason": p.reason,
                **({"decision": word} if word else {})}

    return {
        "links": [link(*x) for x in links],
        "gaps": [upper.ref(t) for t in upper.doc.tasks if id(t) not in taken_up],
        "additions": [lower.ref(t) for lower in lowers for t in lower.doc.tasks if id(t) not in covered],
        "targets": [{"upper": upper.ref(p.upper), "lower": lower.ref(p.lower), **row}
                    for lower, p, _ in links for row in targets_compared(p.upper, p.lower)],
        "deadlines": [{"upper": upper.ref(p.upper), "lower": lower.ref(p.lower), **row}
                      for lower, p, _ in links for row in later_deadlines(p.upper, p.lower)],
        "rejected": [link(*x) for x in rejected],
    }
