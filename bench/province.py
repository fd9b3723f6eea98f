"""A province's ledger (`make bench`): the five sample plans ingested by the real `duban ingest` into
PostgreSQL, then copied in SQL (documents, tasks, roles, limits, targets) up to BENCH_PROVINCE tasks
(1,000,000 by default), their dates moved to this year, with progress reports on four tasks in five.
Measures the issue's bars on it: `duban refresh` (filling every state, then the next day's and the month's
last day's), the ledger pages (status and colour filters and sorts included) and 总览 through a real `duban
serve`, and the peak memory of the commands that read every task (status, reminders, assessment). Prints, never asserts; the export of 100,000 rows is bench/ledger.py's."""

from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from sqlalchemy import Connection, create_engine, func, select, text

from duban.store.models import Base, Task, TaskRole
from duban.supervise.status import month_end

sys.path.insert(0, str(Path(__file__).parent))
from ledger import SEEDS, pg_schema, run  # noqa: E402
from web import PASSWORD, Server, client, duban, p95, timed  # noqa: E402

console = Console(width=200)
TASKS = int(os.environ.get("BENCH_PROVINCE", "1000000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
CHILDREN = ("task_roles", "targets", "deadlines")  # rows naming their task, copied with it


def columns(table: str, skip: tuple[str, ...] = ("id",)) -> list[str]:
    return [c.name for c in Base.metadata.tables[table].columns if c.name not in skip]


def copy_plans(c: Connection, copies: int) -> None:
    """The ingested plans `copies` times over in all (the originals count as the first copy), every copy a
    document of its own (its own series, file hash and title), ids kept apart by a fixed step."""
    doc_step = 10 ** math.ceil(math.log10(c.scalar(text("SELECT max(id) FROM documents")) + 1))
    task_step = 10 ** math.ceil(math.log10(c.scalar(text("SELECT max(id) FROM tasks")) + 1))
    c.execute(text("CREATE TEMP TABLE copies AS SELECT g FROM generate_series(1, :n) g"), {"n": copies - 1})
    changed = {"id": f"id + g * {doc_step}", "series": "series || '#' || g",
               "file_hash": "left(file_hash, 48) || lpad(g::text, 16, '0')", "title": "title || '（第' || g || '份）'"}
    insert_copies(c, "documents", ["id", *columns("documents")], changed)
    insert_copies(c, "tasks", ["id", *columns("tasks")],
                  {"id": f"id + g * {task_step}", "document_id": f"document_id + g * {doc_step}"})
    for table in CHILDREN:
        insert_copies(c, table, columns(table), {"task_id": f"task_id + g * {task_step}"})
    for table in ("documents", "tasks", *CHILDREN):
        c.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))


def insert_copies(c: Connection, table: str, names: list[str], changed: dict[str, str]) -> None:
    chosen = ", ".join(changed.get(n, n) for n in names)
    c.execute(text(f"INSERT INTO {table} ({', '.join(names)}) SELECT {chosen} FROM {table}, copies"))


def this_year(c: Connection) -> None:
    """Every plan moved to this year, its limits with it: as of today some tasks are overdue, some due
    soon, most running, as in a province's ledger in December."""
    shift = "make_interval(years => EXTRACT(year FROM now())::int - EXTRACT(year FROM d.date)::int)"
    c.execute(text(f"UPDATE deadlines x SET due = (x.due + {shift})::date FROM tasks t JOIN documents d "
                   "ON d.id = t.document_id WHERE x.task_id = t.id AND x.due IS NOT NULL"))
    c.execute(text(f"UPDATE documents d SET date = (d.date + {shift})::date WHERE d.date IS NOT NULL"))


def report(c: Connection) -> None:
    """A report by the first lead unit on four tasks in five, its figure spread from 0 to 100 %."""
    c.execute(text(
        "INSERT INTO progress_reports (task_id, unit_id, status, progress, percent, problem, note, reported_by, "
        "reported_at, source, value, round_id) "
        "SELECT r.task_id, r.unit_id, NULL, '按计划推进', (r.task_id * 37) % 101, '', '', 'bench', "
        "now() - make_interval(days => (r.task_id % 90)::int), '', NULL, NULL FROM task_roles r "
        "WHERE r.role = 'lead_units' AND r.unit_id IS NOT NULL AND r.task_id % 5 <> 0 AND r.position = "
        "(SELECT min(position) FROM task_roles f WHERE f.task_id = r.task_id AND f.role = 'lead_units' "
        "AND f.unit_id IS NOT NULL)"))


def generate(url: str, env: dict) -> tuple[int, float]:
    """(tasks, seconds): the samples ingested for real, then copied in SQL."""
    started = time.perf_counter()
    duban(["ingest", *map(str, SEEDS)], env)
    duban(["user", "add", "office", "--role", "office_staff", "--password", PASSWORD, "--no-must-change"], env)
    engine = create_engine(url)
    with engine.begin() as c:
        base = c.scalar(select(func.count()).select_from(Task))
        copy_plans(c, max(1, round(TASKS / base)))
        this_year(c)
        report(c)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("VACUUM ANALYZE"))
    with engine.connect() as c:
        tasks = c.scalar(select(func.count()).select_from(Task))
    engine.dispose()
    return tasks, time.perf_counter() - started


def latency(url: str, engine) -> dict[str, list[float]]:
    """Seconds per request: plain, filtered and searched ledger pages; by status and colour; 总览."""
    with engine.connect() as c:
        doc = c.scalar(select(func.max(Task.document_id)))
        unit = c.scalar(select(TaskRole.unit_id).where(TaskRole.role == "lead_units", TaskRole.unit_id.is_not(None))
                        .group_by(TaskRole.unit_id).order_by(func.count().desc()).limit(1))
    year = time.strftime("%Y")  # the plans were moved to this year
    pages = {"plain and filtered": ["", f"doc={doc}", f"unit={unit}", f"unit={unit}&page=3", "page=500",
                                    f"due_from={year}-06-01&due_to={year}-09-30", f"doc={doc}&q=建设"],
             "status and colour": ["colour=red", "sort=status", "status=滞后", "colour=yellow&sort=-status",
                                   "sort=-colour&page=2", f"unit={unit}&colour=red", "colour=red&sort=-status"],
             "word search": ["q=推进", "q=高标准农田"]}
    office, _ = client(url, "office")
    times: dict[str, list[float]] = {}
    for kind, queries in pages.items():
        timed(office, f"/ledger?{queries[0]}")
        times[kind] = [timed(office, f"/ledger?{queries[i % len(queries)]}") for i in range(REPEAT)]
    timed(office, "/overview")
    times["总览"] = [timed(office, "/overview") for _ in range(max(REPEAT // 3, 2))]
    return times


def daily(env: dict) -> None:
    """The daily refresh the bar is about: the next day's, and the month's last day's (序时进度 moves, and
    in December most limits fall), each after the day before it; then back to today's for the pages."""
    today, last = date.today(), month_end(date.today())
    days = {today + timedelta(days=1): True}  # day -> whether timed against the bar
    if last - today > timedelta(days=2):
        days |= {last - timedelta(days=1): False, last: True}
    for day, measured in days.items():
        seconds, _ = run(["refresh"], {**env, "DUBAN_TODAY": day.isoformat()})
        if measured:
            console.print(f"`duban refresh` on {day} (the day before refreshed): {seconds:.1f} s (bar 60 s: time/bar = "
                          f"{seconds / 60:.2f})")
    run(["refresh"], env)


def main() -> None:
    pg = pg_schema()
    if pg is None:
        return
    url, drop = pg
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "DUBAN_DATABASE_URL": url, "DUBAN_DATA_DIR": str(Path(tmp) / "data")}
            tasks, seconds = generate(url, env)
            console.print(f"province bench: {tasks:,} tasks on PostgreSQL, copied from the {len(SEEDS)} samples in "
                          f"{seconds:.0f} s")
            refresh_s, refresh_rss = run(["refresh"], env)
            console.print(f"`duban refresh`, every state new: {refresh_s:.1f} s ({tasks / refresh_s:,.0f} tasks/s, "
                          f"peak RSS {refresh_rss / 2**20:,.0f} MiB)")
            daily(env)
            whole_ledger(env)
            engine = create_engine(url)
            server = Server(env, 8767)
            try:
                for kind, xs in latency(server.url, engine).items():
                    bar = 0.500 if kind == "总览" else 0.150
                    console.print(f"{kind:<20} ({len(xs)} requests): p50 {statistics.median(xs) * 1000:6.1f} ms, "
                                  f"p95 {p95(xs) * 1000:6.1f} ms (bar {bar * 1000:.0f} ms: p95/bar = "
                                  f"{p95(xs) / bar:.2f})")
            finally:
                server.stop()
                engine.dispose()
    finally:
        drop()


def whole_ledger(env: dict) -> None:
    """The commands that read every task, each in a process of its own: seconds and peak RSS."""
    today = time.strftime("%Y-%m-%d")
    commands = {"status of every task (JSON)": ["status", "--format", "json"],
                "reminders (催办)": ["remind"],
                "assessment (考核) of the year": ["assess", "--from", f"{today[:4]}-01-01", "--to", today]}
    for name, args in commands.items():
        seconds, rss = run(args, env)
        console.print(f"{name:<34} {seconds:6.1f} s, peak RSS {rss / 2**20:5,.0f} MiB "
                      f"(bar 300 MiB: RSS/bar = {rss / 2**20 / 300:.2f})")


if __name__ == "__main__":
    main()
