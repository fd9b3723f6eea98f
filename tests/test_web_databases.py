"""The web app on each database (SQLite and PostgreSQL): the pages answer, and 20 liaisons reporting at the
same moment from separate clients lose nothing: every report and every audit entry is stored."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest
from sqlalchemy import event, func, select

from duban.store import connect, transaction
from duban.store.models import AuditEntry, ProgressReport
from duban.web import create_app

from .conftest import SEEDS, empty_database
from .web import Site, at_once, build, copy_site, csrf

CLIENTS = 20


@pytest.fixture(params=["sqlite", "postgresql"])
def any_site(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        engine = connect(url)
        ids = build(engine, [p for p in SEEDS if p.name[:3] in ("000", "003")])
        yield Site(engine, ids, create_app(engine))
        engine.dispose()


@pytest.mark.parametrize("path", ["/overview", "/ledger?q=建设", "/rounds", "/problems", "/assessment", "/bulletins",
                                  "/public", "/documents", "/users"])
def test_pages_answer(any_site, path):
    c = any_site.client("office_admin")
    assert c.get(path).status_code == 200
    assert c.get(f"/api{path}").json()["ok"] is True


def test_simultaneous_reports_are_all_kept(any_site):
    site = any_site
    clients = [site.client("unit") for _ in range(CLIENTS)]
    tokens = [csrf(c) for c in clients]
    with transaction(site.engine) as s:
        before = s.scalar(select(func.count()).select_from(ProgressReport))

    def send(k: int) -> int:
        return clients[k].post(f"/api/units/{site.ids.unit}/tasks/{site.ids.own_task}/report",
                               data={"percent": str(k), "progress": f"第{k}次报送"},
                               headers={"X-CSRF-Token": tokens[k]}).status_code

    assert at_once(CLIENTS, send) == [200] * CLIENTS
    with transaction(site.engine) as s:
        stored = s.scalars(select(ProgressReport.progress).where(ProgressReport.id > before)).all()
        audited = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "report", AuditEntry.actor == "liaison"))
    assert sorted(stored) == sorted(f"第{k}次报送" for k in range(CLIENTS)) and audited == CLIENTS


def report_on(site, client, text: str):
    return client.post(f"/api/units/{quote(site.ids.unit, safe='')}/tasks/{site.ids.own_task}/report",
                       data={"progress": text}, headers={"X-CSRF-Token": csrf(client)})


def test_a_write_while_another_process_holds_the_database_says_busy(web_template, tmp_path, monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_DATABASE_BUSY_SECONDS", "1")
    template, ids = web_template
    site = copy_site(template, tmp_path, ids)
    liaison = site.client("unit")
    holder = sqlite3.connect(tmp_path / "web.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a CLI ingest, say, in the middle of its transaction
    try:
        r = report_on(site, liaison, "推进中")
        assert r.status_code == 503 and "系统繁忙" in r.json()["error"]
        assert liaison.get(f"/units/{quote(site.ids.unit, safe='')}").status_code == 200  # reading still works
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert report_on(site, liaison, "推进中").status_code == 200
    with transaction(site.engine) as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 1
    site.engine.dispose()


def test_a_full_disk_says_so_and_keeps_nothing(site):
    liaison = site.client("unit")
    with site.engine.connect() as c:
        c.exec_driver_sql("VACUUM")  # no free pages left inside the file either
        pages = c.exec_driver_sql("PRAGMA page_count").scalar()
    site.engine.dispose()
    event.listen(site.engine, "connect", lambda conn, _: conn.execute(f"PRAGMA max_page_count={pages}"))
    r = report_on(site, liaison, "已完成项目建设。" * 600)  # more than the free pages hold
    assert r.status_code == 507 and "磁盘空间不足" in r.json()["error"]
    with transaction(site.engine) as s:
        assert s.scalar(select(func.count()).select_from(ProgressReport)) == 0
