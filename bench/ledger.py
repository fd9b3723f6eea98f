"""The ledger at 100,000 tasks (`make bench`): plans generated from the sample corpus's own tasks,
ingested and exported with the real `duban` command on SQLite and on PostgreSQL, each step in a
process of its own so its peak memory (max RSS) is its own. Prints, never asserts.
BENCH_TASKS sets the size; PostgreSQL is skipped with a message when the server does not answer."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from openpyxl import load_workbook
from rich.console import Console
from rich.progress import track
from sqlalchemy import create_engine, text

from duban.extract import extract
from duban.ingest import read

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
TASKS = int(os.environ.get("BENCH_TASKS", "100000"))
PER_PLAN = 1000
CHAPTERS = "一二三四五六七八九十"
PG = os.environ.get("DUBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MARKER = re.compile(r"^\s*[（(]?[0-9一二三四五六七八九十]+[）).．、]\s*")


def corpus_tasks() -> list[str]:
    """Every sample task as printed (its attribution included), on one line, its number removed."""
    out = []
    for path in SEEDS:
        source = read(path)
        for doc in extract(source):
            for t in doc.tasks:
                line = "".join(source.text[t.span.start:t.span.end].split())
                out.append(MARKER.sub("", line))
    return out


def write_plans(folder: Path) -> list[Path]:
    """TASKS tasks in plans of PER_PLAN, ten chapters each, every plan with its own 文号."""
    pool = corpus_tasks()
    paths = []
    for n in range(0, TASKS, PER_PLAN):
        k = n // PER_PLAN + 1
        lines = [f"冠县人民政府办公室关于印发《冠县2025年重点工作任务（第{k}批）》的通知",
                 f"冠政办发〔2025〕{k}号", "各乡镇人民政府（街道办事处），县政府各部门：",
                 "现将方案印发给你们，请认真贯彻落实。", "冠县人民政府办公室", "2025年1月20日", ""]
        count = min(PER_PLAN, TASKS - n)
        per_chapter = -(-count // len(CHAPTERS))
        for i in range(count):
            if i % per_chapter == 0:
                lines.append(f"{CHAPTERS[i // per_chapter]}、第{i // per_chapter + 1}部分重点任务")
            lines.append(f"{i + 1}. {pool[(n + i) % len(pool)]}")
        path = folder / f"plan_{k:04d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def run(args: list[str], env: dict) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of one `duban` command in a process of its own."""
    with tempfile.TemporaryFile() as errors:  # a file, not a pipe: a long traceback must not block the child
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "duban", *args], env=env, stdout=subprocess.DEVNULL,
                                stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"duban {' '.join(args)} failed: {errors.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss * 1024


def pg_schema() -> tuple[str, callable] | None:
    try:
        admin = create_engine(PG, connect_args={"connect_timeout": 3})
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with admin.begin() as c:
            c.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as e:  # noqa: BLE001 - any failure means: no PostgreSQL here
        Console().print(f"PostgreSQL skipped ({PG}): {str(e).splitlines()[0]}")
        return None

    def drop():
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    return f"{PG}?options=-csearch_path%3D{schema}", drop


def measure(name: str, url: str, plans: Path, work: Path) -> dict:
    env = {**os.environ, "DUBAN_DATABASE_URL": url, "DUBAN_DATA_DIR": str(work)}
    ingest_s, ingest_rss = run(["ingest", "--dir", str(plans)], env)
    again_s, _ = run(["ingest", "--dir", str(plans)], env)
    out = work / f"ledger_{name}.xlsx"
    export_s, export_rss = run(["export", "ledger", "--out", str(out)], env)
    status_s, status_rss = run(["status", "--as-of", "2024-06-30", "--format", "json"], env)
    refresh_s, refresh_rss = run(["refresh"], env)
    book = load_workbook(out, read_only=True)
    rows = sum(1 for r in book.active.iter_rows(min_row=4, max_col=1, values_only=True) if r[0])
    book.close()
    return {"name": name, "ingest_s": ingest_s, "ingest_rss": ingest_rss, "again_s": again_s, "export_s": export_s,
            "export_rss": export_rss, "rows": rows, "size": out.stat().st_size, "status_s": status_s,
            "status_rss": status_rss, "refresh_s": refresh_s, "refresh_rss": refresh_rss}


def main() -> None:
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plans = tmp / "plans"
        plans.mkdir()
        paths = write_plans(plans)
        console.print(f"ledger bench: {TASKS:,} tasks in {len(paths)} generated plans "
                      f"({sum(p.stat().st_size for p in paths) / 1e6:.1f} MB), from the {len(SEEDS)} sample documents")
        results = []
        targets = [("SQLite", f"sqlite:///{tmp / 'bench.sqlite3'}", None)]
        if pg := pg_schema():
            targets.append(("PostgreSQL", pg[0], pg[1]))
        for name, url, drop in track(targets, description="ingest + export"):
            try:
                results.append(measure(name, url, plans, tmp))
            finally:
                if drop:
                    drop()
    for r in results:
        console.print(f"{r['name']:<10} ingest {TASKS / r['ingest_s']:8,.0f} tasks/s ({r['ingest_s']:.0f} s, "
                      f"peak RSS {r['ingest_rss'] / 2**20:,.0f} MiB); again (unchanged) {r['again_s']:.0f} s; "
                      f"export {r['rows'] / r['export_s']:8,.0f} rows/s ({r['rows']:,} rows, {r['export_s']:.0f} s, "
                      f"peak RSS {r['export_rss'] / 2**20:,.0f} MiB, {r['size'] / 1e6:.1f} MB .xlsx); "
                      f"status and warnings of every task {TASKS / r['status_s']:8,.0f} tasks/s ({r['status_s']:.0f} s, "
                      f"peak RSS {r['status_rss'] / 2**20:,.0f} MiB); `duban refresh` {r['refresh_s']:.0f} s "
                      f"(peak RSS {r['refresh_rss'] / 2**20:,.0f} MiB)")
    if len(results) == 2:
        s, p = results
        console.print(f"ratios PostgreSQL / SQLite: ingest time {p['ingest_s'] / s['ingest_s']:.2f}x, "
                      f"export time {p['export_s'] / s['export_s']:.2f}x, status time {p['status_s'] / s['status_s']:.2f}x")
    for r in results:
        console.print(f"{r['name']}: export peak RSS / 1 GiB = {r['export_rss'] / 2**30:.2f}; "
                      f"re-ingest / first ingest time = {r['again_s'] / r['ingest_s']:.2f}")


if __name__ == "__main__":
    main()
