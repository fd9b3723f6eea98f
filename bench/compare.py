"""Comparing plans (`make bench`): an upper and a lower plan of 1,000 tasks each, made of real tasks (the samples,
tests/cases and tests/real, extracted), compared on one core; the issue's bar is 5 s. Prints, never asserts."""

from __future__ import annotations

import time
from itertools import cycle, islice
from pathlib import Path

from rich.console import Console

from duban.compare.plans import Plan, compare
from duban.extract import read_and_extract
from duban.records import Document

ROOT = Path(__file__).resolve().parent.parent
FILES = [*sorted((ROOT / "examples" / "seeds").glob("*.txt")), *sorted((ROOT / "tests" / "cases").glob("*.txt")),
         *sorted((ROOT / "tests" / "real").glob("*.txt"))]
SIZE, BAR, ROUNDS = 1000, 5.0, 3


def plans() -> tuple[Plan, Plan]:
    tasks = [t for path in FILES for d in read_and_extract(path)[1] for t in d.tasks]
    upper, lower = tasks[0::2], tasks[1::2]
    return (Plan("upper", Document("upper", tasks=list(islice(cycle(upper), SIZE)))),
            Plan("lower", Document("lower", tasks=list(islice(cycle(lower), SIZE)))))


def main() -> None:
    upper, lower = plans()
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        result = compare(upper, [lower])
        best = min(best, time.process_time() - started)
    Console().print(f"compare {SIZE} x {SIZE} tasks: {best:.2f} CPU-s, best of {ROUNDS} (bar {BAR:.0f} s: time/bar = "
                    f"{best / BAR:.2f}); {len(result['links'])} links, {len(result['gaps'])} gaps")


if __name__ == "__main__":
    main()
