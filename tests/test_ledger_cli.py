"""The ledger commands as a clerk runs them: ingest (with a file that fails), summary, tasks, show;
and the migrations, down and up again."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, inspect, select
from typer.testing import CliRunner

from duban.cli import app
from duban.extract import extract
from duban.ingest import read
from duban.store import migrate, transaction
from duban.store.ledger import task_key
from duban.store.models import Base, ProgressReport, Task

from .conftest import SEEDS

runner = CliRunner()


def test_ingest_names_the_file_that_failed_and_stores_the_others(db, write):
    bad = write("扫描件.pdf", b"%PDF-1.4 not really a pdf")
    result = runner.invoke(app, ["ingest", str(SEEDS[3]), str(bad)])
    assert result.exit_code == 2
    assert "扫描件.pdf" in result.output and "共导入任务 121 项；失败文件 1 个" in result.output
    again = runner.invoke(app, ["ingest", str(SEEDS[3])])
    assert "无变化" in again.output and "共导入任务 0 项" in again.output


def test_summary_tasks_and_show(db):
    assert runner.invoke(app, ["ingest", str(SEEDS[3]), str(SEEDS[0])]).exit_code == 0
    summary = runner.invoke(app, ["summary"])
    assert "公文 2 份，任务 220 项" in summary.output and "未填报 220" in summary.output
    listed = runner.invoke(app, ["tasks", "--unit", "冠县水利局", "--format", "json"])
    rows = json.loads(listed.stdout)
    assert rows and all("冠县水利局" in r["lead_units"] + r["co_units"] + r["resp_units"] for r in rows)
    by_doc = json.loads(runner.invoke(app, ["tasks", "--doc", "冠政办发〔2024〕1号", "--format", "json"]).stdout)
    assert len(by_doc) == 121 and {r["document"] for r in by_doc} == {by_doc[0]["document"]}
    csv = runner.invoke(app, ["tasks", "--search", "招商", "--format", "csv"]).stdout.splitlines()
    printed = [t for path in (SEEDS[3], SEEDS[0]) for d in extract(read(path)) for t in d.tasks if "招商" in t.text]
    assert csv[0].startswith("id,key,") and len(csv) == 1 + len(printed) > 2
    task = by_doc[23]
    with transaction(db) as s:
        s.add(ProgressReport(task_id=task["id"], unit_id=None, status="序时推进", progress="举办推介活动1场",
                             reported_by="督查室", reported_at=datetime(2024, 4, 1)))
    shown = runner.invoke(app, ["show", task_key(task["id"])])
    assert shown.exit_code == 0
    assert task["title"] in shown.output and "举办推介活动1场" in shown.output and "牵头领导" in shown.output
    assert runner.invoke(app, ["show", "999999"]).exit_code == 2
    assert runner.invoke(app, ["show", "T5-0000"]).exit_code == 2
    assert runner.invoke(app, ["tasks", "--doc", "没有这份公文"]).exit_code == 2


def test_migrations_go_down_and_up_again(db):
    tables = set(Base.metadata.tables)
    assert tables <= set(inspect(db).get_table_names())
    migrate(db, "base", down=True)
    assert not tables & set(inspect(db).get_table_names())
    migrate(db)
    assert tables <= set(inspect(db).get_table_names())


def test_a_long_ingest_refreshes_the_planner_statistics_each_time_the_ledger_doubles(db, monkeypatch):
    """PostgreSQL planned a growing ledger's reads for the empty tables it started from (20,000 tasks
    stored at 341 a second instead of 1,058): the statistics are refreshed as the tasks stored double."""
    import duban.cli.ledger as cli
    import duban.store

    seen, analyze = [], duban.store.analyze  # the command imports it when it runs
    monkeypatch.setattr(cli, "ANALYZE_AFTER", 100)

    def counted(engine):
        with transaction(engine) as s:
            seen.append(s.scalar(select(func.count()).select_from(Task)))
        analyze(engine)

    monkeypatch.setattr(duban.store, "analyze", counted)
    assert runner.invoke(app, ["ingest", *map(str, SEEDS)]).exit_code == 0
    assert len(seen) >= 3 and seen == sorted(seen) and seen[0] >= 100
    assert all(later >= 2 * earlier for earlier, later in zip(seen, seen[1:-1], strict=False))
    with transaction(db) as s:
        assert seen[-1] == s.scalar(select(func.count()).select_from(Task))
