"""`duban serve --workers 2` on one PostgreSQL: 50 clients signed in across both processes report at the
same moment, and every report and every audit entry is kept, the audit chain whole. Sessions, sign-in
throttling and an upload's OCR progress live in the database, so any process answers any request."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from duban.store import audit, connect, transaction
from duban.store.models import AuditEntry, ProgressReport, ReadingProgress, Task, TaskRole, TaskState
from duban.supervise import state, warnings

from .conftest import SEEDS, empty_database
from .test_web_limits import serving, signed_in
from .web import at_once, build

CLIENTS = 50


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.fixture
def served(tmp_path):
    with empty_database("postgresql", tmp_path) as url:
        engine = connect(url)
        ids = build(engine, [p for p in SEEDS if p.name[:3] in ("000", "003")])
        try:
            with serving(url, tmp_path, "--workers", "2") as (base, proc):
                yield base, proc, engine, ids
        finally:
            engine.dispose()


def counted(engine) -> tuple[int, int]:
    with transaction(engine) as s:
        return (s.scalar(select(func.count(ProgressReport.id))),
                s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "report")))


def test_two_workers_keep_every_report_of_fifty_clients_at_once(served):
    base, proc, engine, ids = served
    assert len(children(proc.pid)) >= 2  # two worker processes behind the one port
    with transaction(engine) as s:
        tasks = list(s.scalars(select(TaskRole.task_id).join(Task).where(
            TaskRole.unit_id == ids.unit, TaskRole.role == "lead_units").distinct().order_by(TaskRole.task_id)))
    clients = [signed_in(base, "unit") for _ in range(CLIENTS)]  # one after another: sign-in is throttled
    before = counted(engine)

    def send(k: int) -> int:
        c, token = clients[k]
        return c.post(f"/api/units/{ids.unit}/tasks/{tasks[k % len(tasks)]}/report", headers={"X-CSRF-Token": token},
                      data={"status": "序时推进", "percent": str(k + 1), "progress": f"第{k}号客户端报送的进展"}).status_code

    answers = at_once(CLIENTS, send)
    for c, _ in clients:
        c.close()
    reports, audits = counted(engine)
    assert answers == [200] * CLIENTS
    assert (reports - before[0], audits - before[1]) == (CLIENTS, CLIENTS)
    with transaction(engine) as s:
        assert audit.verify(s)[2] == []  # the chain whole: no entry lost, forked or out of order
        # the states serve stored at its start, kept by each worker as the reports came: still the derived ones
        derived = {e.facts.id: (e.status.status, e.warning.colour or "none")
                   for e in warnings.board(s, date.today(), tasks=state.current_tasks(s))}
        stored = {t.task_id: (t.status, t.colour) for t in s.scalars(select(TaskState))}
        assert state.fresh(s, date.today()) and stored == derived


def test_an_upload_s_progress_is_answered_from_the_database(site):
    with transaction(site.engine) as s:
        s.add(ReadingProgress(ticket="t-1", done=3, total=12, at=datetime.now()))
    c = site.client("office_staff")
    assert c.get("/api/documents/upload-progress/t-1").json() == {"done": 3, "total": 12}
    assert c.get("/api/documents/upload-progress/t-2").json() == {"done": 0, "total": 0}
