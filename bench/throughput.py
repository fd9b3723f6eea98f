"""Extraction throughput over the sample corpus, and its ratio to the floor of reading and
normalising the same bytes, measured in one run (`make bench`). Prints, never asserts."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

from rich.console import Console
from rich.progress import track

from duban import units
from duban.extract import extract, extract_file
from duban.ingest import read
from duban.layout import read as normalize
from duban.units.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "examples" / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "cases").glob("*.txt"))
ROUNDS = 5


def timed(label: str, work) -> float:
    """Best of ROUNDS wall-clock seconds for running `work` over every file."""
    best = float("inf")
    for _ in track(range(ROUNDS), description=label):
        start = time.perf_counter()
        for path in FILES:
            work(path)
        best = min(best, time.perf_counter() - start)
    return best


def peak_memory(work) -> int:
    tracemalloc.start()
    for path in FILES:
        work(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def started(argv: list[str]) -> float:
    """Best of ROUNDS wall-clock seconds for a fresh process to run `argv` and exit."""
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    console = Console()
    python = started([sys.executable, "-c", "pass"])
    helped = started([str(Path(sys.executable).parent / "duban"), "--help"])
    console.print(f"duban --help: {helped:.2f} s, {helped / python:.1f}x a bare Python start ({python:.2f} s)")
    megabytes = sum(p.stat().st_size for p in FILES) / 1e6
    floor = timed("read + normalize", lambda p: normalize(read(p)))
    full = timed("extract", lambda p: extract(read(p)))
    isolated = timed("extract in the worker", extract_file)  # what uploads and ingest run: bounded
    tasks = sum(len(d.tasks) for p in FILES for d in extract(read(p)))
    peak = peak_memory(lambda p: extract(read(p)))
    docs = [d for p in FILES for d in extract(read(p))]
    start = time.perf_counter()
    mentions = len(units.resolve(docs, Registry()))  # a fresh registry: nothing cached yet
    resolving = time.perf_counter() - start
    console.print(f"corpus: {len(FILES)} files, {megabytes:.2f} MB, {tasks} tasks; best of {ROUNDS} rounds, one core")
    console.print(f"read + normalize: {megabytes / floor:6.2f} MB/s")
    console.print(f"extract (full):   {megabytes / full:6.2f} MB/s   {tasks / full:,.0f} tasks/s")
    console.print(f"ratio extract / floor time: {full / floor:.2f}x")
    console.print(f"extract in the worker process (memory cap, deadline): {megabytes / isolated:6.2f} MB/s, "
                  f"{isolated / full:.2f}x the time in-process ({(isolated - full) / len(FILES) * 1000:.0f} ms a file)")
    console.print(f"peak Python memory while extracting: {peak / 1e6:.1f} MB ({peak / 1e6 / megabytes:.1f}x the text)")
    console.print(f"unit registry, cold: {mentions:,} mentions in {resolving:.2f} s ({mentions / resolving:,.0f}/s, "
                  f"{resolving / full:.2f}x the extraction time)")


if __name__ == "__main__":
    main()
