"""The web UI under load (`make bench`): the ledger page and its JSON on a 100,000-task ledger in PostgreSQL
(filtered pages, p50/p95 over repeated requests through a real `duban serve` process), and 20 unit
liaisons reporting at the same moment from separate clients on PostgreSQL and SQLite: every report and
every audit entry must be there; on PostgreSQL, the requests per second of 8 clients through 1 and 2
worker processes. Prints, never asserts. BENCH_TASKS sets the ledger size."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
from rich.console import Console
from sqlalchemy import create_engine, func, select

from duban.store.models import AuditEntry, ProgressReport, Task, TaskRole

sys.path.insert(0, str(Path(__file__).parent))
from ledger import SEEDS, TASKS, pg_schema, write_plans  # noqa: E402

console = Console()
PASSWORD = "bench-password"
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
CLIENTS = 20


def duban(args: list[str], env: dict) -> None:
    subprocess.run([sys.executable, "-m", "duban", *args], env=env, check=True, stdout=subprocess.DEVNULL)


class Server:
    """`duban serve` in a process of its own, on a free port."""

    def __init__(self, env: dict, port: int, workers: int = 1):
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "duban", "serve", "--port", str(port), "--workers",
                                      str(workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(300):
            try:
                if httpx.get(f"{self.url}/api/health").status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise SystemExit(f"duban serve did not start: {self.proc.stderr.read().decode()[-2000:]}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def client(url: str, login: str) -> tuple[httpx.Client, str]:
    c = httpx.Client(base_url=url, timeout=60)
    token = c.get("/api/csrf").json()["csrf"]
    r = c.post("/api/login", data={"login": login, "password": PASSWORD}, headers={"X-CSRF-Token": token})
    r.raise_for_status()
    return c, c.get("/api/csrf").json()["csrf"]  # signing in starts a new session, with a token of its own


def timed(c: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    r = c.get(path)
    elapsed = time.perf_counter() - start
    r.raise_for_status()
    return elapsed


def ledger_latency(url: str, engine) -> dict[str, list[float]]:
    """Seconds per request of filtered ledger pages, HTML and JSON, filters rotating."""
    with engine.connect() as c:
        doc = c.scalar(select(func.max(Task.document_id)))
        unit = c.scalar(select(TaskRole.unit_id).where(TaskRole.role == "lead_units", TaskRole.unit_id.is_not(None))
                        .group_by(TaskRole.unit_id).order_by(func.count().desc()).limit(1))
    filters = [f"doc={doc}", f"unit={unit}", "q=推进", f"doc={doc}&q=建设", "chapter=第3部分&page=2",
               "due_from=2025-06-01&due_to=2025-12-31", f"unit={unit}&page=3"]
    office, _ = client(url, "office")
    times: dict[str, list[float]] = {"html": [], "json": []}
    for path in ("/ledger", "/api/ledger"):  # warm up
        timed(office, f"{path}?{filters[0]}")
    for i in range(REPEAT):
        query = filters[i % len(filters)]
        times["html"].append(timed(office, f"/ledger?{query}"))
        times["json"].append(timed(office, f"/api/ledger?{query}"))
    return times


JUDGED = ["colour=red", "sort=status", "status=滞后", "colour=yellow&sort=-status", "sort=-colour&page=2"]


def judged_latency(url: str) -> list[float]:
    """Seconds per ledger page filtered or sorted by status or colour: read from the states `duban serve`
    stored for today at its start (derived for every task before)."""
    office, _ = client(url, "office")
    timed(office, f"/ledger?{JUDGED[0]}")
    return [timed(office, f"/ledger?{JUDGED[i % len(JUDGED)]}") for i in range(REPEAT)]


def overview_latency(url: str) -> list[float]:
    """Seconds per 总览 of every running plan: counted from the stored states."""
    office, _ = client(url, "office")
    timed(office, "/overview")
    return [timed(office, "/overview") for _ in range(max(REPEAT // 3, 2))]


def throughput(url: str, engine, clients: int = 8) -> float:
    """Requests per second of `clients` signed-in offices asking for the ledger page mix at once."""
    with engine.connect() as c:
        doc = c.scalar(select(func.max(Task.document_id)))
    mix = [f"/ledger?doc={doc}", "/ledger?q=推进", "/api/ledger?colour=red", "/ledger?sort=status&page=2",
           "/api/ledger?due_from=2025-06-01&due_to=2025-12-31"]
    offices = [client(url, "office")[0] for _ in range(clients)]
    start, done = threading.Barrier(clients + 1), []

    def ask(c: httpx.Client, k: int) -> None:
        start.wait()
        for i in range(REPEAT):
            timed(c, mix[(i + k) % len(mix)])
        done.append(REPEAT)

    threads = [threading.Thread(target=ask, args=(c, k)) for k, c in enumerate(offices)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - began)


def workers_ratio(name: str, env: dict, engine, port: int) -> None:
    """The ledger page mix through 1 worker process, then 2 (both cores)."""
    rates = {}
    for workers in (1, 2):
        server = Server(env, port, workers)
        try:
            rates[workers] = throughput(server.url, engine)
        finally:
            server.stop()
    console.print(f"{name}: ledger page mix, 8 clients at once: 1 worker {rates[1]:.1f} req/s, 2 workers "
                  f"{rates[2]:.1f} req/s (ratio {rates[2] / rates[1]:.2f}, bar 1.5)")


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20)[-1]


def liaisons(env: dict, engine) -> list[tuple[str, str, int]]:
    """CLIENTS liaison accounts, each for a unit leading some task: (login, unit id, task id)."""
    with engine.connect() as c:
        pairs = c.execute(select(TaskRole.unit_id, func.min(TaskRole.task_id)).where(
            TaskRole.role == "lead_units", TaskRole.unit_id.is_not(None)).group_by(TaskRole.unit_id)
            .order_by(TaskRole.unit_id).limit(CLIENTS)).all()
    found = []
    for k, (unit, task) in enumerate(pairs):
        login = f"bench{k}"
        duban(["user", "add", login, "--role", "unit", "--unit", unit, "--password", PASSWORD, "--no-must-change"], env)
        found.append((login, unit, task))
    return found


def concurrent_reports(url: str, env: dict, engine) -> dict:
    """Every liaison signs in, then all report at the same moment; count what the database kept."""
    people = liaisons(env, engine)
    with engine.connect() as c:
        reports_before = c.scalar(select(func.count()).select_from(ProgressReport))
        audit_before = c.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report"))
    clients = [(client(url, login), unit, task) for login, unit, task in people]
    start, answers = threading.Barrier(len(clients)), []

    def send(c, token, unit, task, k):
        start.wait()
        r = c.post(f"/api/units/{unit}/tasks/{task}/report", headers={"X-CSRF-Token": token},
                   data={"status": "序时推进", "percent": str(10 + k), "progress": f"第{k}号客户端报送的进展"})
        answers.append(r.status_code)

    threads = [threading.Thread(target=send, args=(c, token, unit, task, k))
               for k, ((c, token), unit, task) in enumerate(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    with engine.connect() as c:
        reports = c.scalar(select(func.count()).select_from(ProgressReport)) - reports_before
        audits = c.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report")) - audit_before
    return {"sent": len(clients), "ok": sum(1 for a in answers if a == 200), "reports": reports, "audits": audits,
            "seconds": seconds}


def site(name: str, url: str, plans: list[Path], work: Path, port: int, latency: bool) -> None:
    env = {**os.environ, "DUBAN_DATABASE_URL": url, "DUBAN_DATA_DIR": str(work)}
    started = time.perf_counter()
    duban(["ingest", *map(str, plans)], env)
    duban(["user", "add", "office", "--role", "office_staff", "--password", PASSWORD, "--no-must-change"], env)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as c:
        tasks = c.scalar(select(func.count()).select_from(Task))
    console.print(f"{name}: {tasks:,} tasks ingested in {time.perf_counter() - started:.0f} s")
    server = Server(env, port)
    try:
        if latency:
            times = ledger_latency(server.url, engine)
            for kind, xs in times.items():
                console.print(f"{name} ledger page {kind:<4} ({len(xs)} filtered requests): "
                              f"p50 {statistics.median(xs) * 1000:6.1f} ms, p95 {p95(xs) * 1000:6.1f} ms "
                              f"(bar 150 ms: p95/bar = {p95(xs) / 0.150:.2f})")
            xs = judged_latency(server.url)
            console.print(f"{name} ledger page by status/colour ({len(xs)} requests, stored states): "
                          f"p50 {statistics.median(xs) * 1000:6.1f} ms, p95 {p95(xs) * 1000:6.1f} ms "
                          f"(bar 150 ms: p95/bar = {p95(xs) / 0.150:.2f})")
            xs = overview_latency(server.url)
            console.print(f"{name} 总览 ({len(xs)} requests): p50 {statistics.median(xs) * 1000:6.1f} ms, "
                          f"p95 {p95(xs) * 1000:6.1f} ms (bar 500 ms: p95/bar = {p95(xs) / 0.500:.2f})")
        r = concurrent_reports(server.url, env, engine)
        lost, refused = r["ok"] - r["reports"], r["sent"] - r["ok"]
        console.print(f"{name}: {r['sent']} liaisons reporting at once: {r['ok']} answered 200"
                      f"{f' ({refused} REFUSED)' if refused else ''}, {r['reports']} reports and {r['audits']} audit "
                      f"entries stored ({'nothing lost' if lost == 0 else f'{lost} LOST'}), {r['seconds']:.2f} s")
    finally:
        server.stop()
    if latency and name == "PostgreSQL":
        workers_ratio(name, env, engine, port)
    engine.dispose()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "plans"
        folder.mkdir()
        plans = write_plans(folder)
        console.print(f"web bench: {TASKS:,} generated tasks on PostgreSQL; the {len(SEEDS)} samples on SQLite")
        site("SQLite", f"sqlite:///{tmp / 'web.sqlite3'}", SEEDS, tmp / "sqlite", 8765, latency=True)
        if pg := pg_schema():
            url, drop = pg
            try:
                site("PostgreSQL", url, plans, tmp / "pg", 8766, latency=True)
            finally:
                drop()


if __name__ == "__main__":
    main()
