"""How much two tasks read as the same work: the pairs of neighbouring characters of their titles and texts,
each weighted by how rare it is among all the tasks compared (tf-idf), and the cosine of the two weightings.
Words every plan uses (lexicon/compare.yaml `generic`) and digits do not count. A pair of tasks also gets
the words they share, longest and rarest first: the reason a link is shown with."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from ..fold import fold
from ..lexicon import load

LEX = load("compare")
HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")


@cache
def generic_pairs() -> frozenset[str]:
    return frozenset(w[i:i + 2] for w in LEX["generic"] for i in range(len(w) - 1))


def pairs(text: str) -> list[str]:
    """The text's character pairs, inside runs of Chinese characters, without the generic ones."""
    stop = generic_pairs()
    return [p for run in HAN_RUN.findall(fold(text)) for p in (run[i:i + 2] for i in range(len(run) - 1))
            if p not in stop]


@dataclass
class Vectors:
    """Each text's pairs weighted (log tf x idf) and scaled to length 1; idf over all the texts given."""

    texts: Sequence[str]
    weights: list[dict[str, float]] = field(init=False)
    idf: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        counts = [Counter(pairs(t)) for t in self.texts]
        df = Counter(p for c in counts for p in c)
        n = len(counts)
        self.idf = {p: math.log((n + 1) / (k + 1)) + 1 for p, k in df.items()}
        self.weights = [unit({p: (1 + math.log(k)) * self.idf[p] for p, k in c.items()}) for c in counts]

    def scores(self, left: range, right: range) -> dict[tuple[int, int], float]:
        """The cosine of every pair (i in left, j in right) that shares a character pair (the others: 0),
        through an index of the right side's pairs."""
        postings: dict[str, list[tuple[int, float]]] = {}
        for j in right:
            for p, w in self.weights[j].items():
                postings.setdefault(p, []).append((j, w))
        out: dict[tuple[int, int], float] = {}
        for i in left:
            acc: Counter = Counter()
            for p, w in self.weights[i].items():
                for j, v in postings.get(p, ()):
                    acc[j] += w * v
            out.update(((i, j), s) for j, s in acc.items())
        return out


def unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {p: w / norm for p, w in weights.items()}


def shared_words(a: str, b: str, idf: dict[str, float], most: int = 3) -> list[str]:
    """The stretches of `b` whose every character pair also occurs in `a`, by the rarity of their pairs
    (generic ones count nothing): 高标准农田 before 建设, which is not given at all."""
    theirs = {run[i:i + 2] for run in HAN_RUN.findall(fold(a)) for i in range(len(run) - 1)}
    words: dict[str, float] = {}
    for run in HAN_RUN.findall(fold(b)):
        start = None
        for i in range(len(run)):
            inside = run[i:i + 2] in theirs
            if inside and start is None:
                start = i
            elif not inside and start is not None:
                word = run[start:i + 1]
                words[word] = sum(idf.get(word[k:k + 2], 0) for k in range(len(word) - 1))
                start = None
    return [w for w, weight in sorted(words.items(), key=lambda x: -x[1])[:most] if weight]
