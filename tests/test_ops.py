"""Running duban for years: settings from duban.toml and the environment, the holiday calendar's unknown
years, a database never migrated behind the office's back, backups restored after a wipe, and the daily
jobs run once per day (reminders only on working days), one worker per database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from duban import config, jobs
from duban.cli import app
from duban.errors import DubanError
from duban.store import connect, engine_for, head, migrate, revision_of
from duban.supervise import calendar

from .conftest import PG_SERVER, SEEDS

runner = CliRunner()


def invoke(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def test_the_office_s_file_and_the_environment_override_the_defaults_and_say_so(tmp_path):
    (tmp_path / "duban.toml").write_text('[supervise.warnings]\nblue_workdays = 7\n[log]\nlevel = "debug"\n'
                                         '[calendar]\nholidays = [2027-02-08]\n', encoding="utf-8")
    s = config.read(tmp_path, {"DUBAN_LOG__LEVEL": "warning", "DUBAN_DATA_DIR": "ignored"})
    assert s["supervise"]["warnings"]["blue_workdays"] == 7 and s["log"]["level"] == "warning"
    assert s["supervise"]["rounds"]["grace"] == 2 and s["calendar"]["holidays"] == [date(2027, 2, 8)]
    shown = {k: src for k, _, src in config.rows(s)}
    assert shown["supervise.warnings.blue_workdays"].endswith("duban.toml")
    assert shown["log.level"] == "环境变量 (environment)" and shown["supervise.rounds.grace"] == config.DEFAULT


@pytest.mark.parametrize("content, says", [("[supervise.warnings]\nblue_days = 7\n", "supervise.warnings.blue_days"),
                                           ("[log\nlevel = 1", "不是有效的 TOML")])
def test_a_mistyped_or_broken_settings_file_is_refused_by_name(tmp_path, content, says):
    (tmp_path / "duban.toml").write_text(content, encoding="utf-8")
    with pytest.raises(DubanError, match=says.replace("[", r"\[")):
        config.read(tmp_path, {})


def test_the_status_rules_and_the_bulletin_s_closing_text_come_from_the_office_s_file(data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "duban.toml").write_text('[supervise.warnings]\nblue_workdays = 4\n'
                                         '[supervise.bulletin]\nnext_steps = ["请各单位按时报送。"]\n', encoding="utf-8")
    code = ("from duban.supervise.status import RULES; "
            "print(RULES['warnings']['blue_workdays'], RULES['bulletin']['next_steps'], RULES['rounds']['grace'])")
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["4", "['请各单位按时报送。']", "2"]
    shown = invoke("config", "show").stdout
    assert any(line.startswith("supervise.warnings.blue_workdays") and line.endswith("duban.toml")
               for line in shown.splitlines())


@pytest.fixture
def office_days(monkeypatch):
    """Set the office's own calendar days for one test."""

    def set_days(holidays=(), workdays=()):
        monkeypatch.setattr(calendar, "settings", lambda: {"calendar": {"holidays": list(holidays),
                                                                        "workdays": list(workdays)}})
        calendar.office_days.cache_clear()
        calendar.is_workday.cache_clear()

    yield set_days
    calendar.office_days.cache_clear()
    calendar.is_workday.cache_clear()


def test_a_year_the_calendar_does_not_know_is_named_until_the_office_adds_its_holidays(office_days):
    office_days()
    assert calendar.warning(date(2026, 6, 1)) is None  # chinesecalendar 1.11 knows 2026
    assert "2027" in calendar.warning(date(2026, 12, 1)) and "2027" in calendar.warning(date(2027, 3, 1))
    assert calendar.is_workday(date(2027, 2, 8))  # a Monday of 春节 2027, counted as a working day
    office_days(holidays=["2027-02-08"], workdays=["2027-02-20"])
    assert calendar.warning(date(2027, 3, 1)) is None
    assert not calendar.is_workday(date(2027, 2, 8)) and calendar.is_workday(date(2027, 2, 20))  # a Saturday
    assert calendar.add_workdays(date(2027, 2, 5), 1) == date(2027, 2, 9)


def test_every_command_warns_of_an_unknown_year(monkeypatch, office_days):
    office_days()
    monkeypatch.setenv("DUBAN_TODAY", "2027-01-04")
    result = invoke("config", "show")
    assert "节假日日历不含 2027 年" in result.stderr and "2027" not in result.stdout.split("calendar")[0]


def old_database(url: str) -> None:
    engine = connect(url)
    migrate(engine, "0015", down=True)
    engine.dispose()


def test_an_older_database_is_refused_until_the_office_upgrades_it_after_a_backup(database_url, data_dir):
    old_database(database_url)
    with pytest.raises(DubanError, match="duban db upgrade"):
        connect(database_url)
    assert invoke("tasks", code=2).stderr.count("请先运行 duban db upgrade") == 1
    assert invoke("serve", "--port", "0", code=2).stderr.count("请先运行 duban db upgrade") == 1
    status = invoke("db", "status", code=1).stdout
    assert "0015" in status and "待升级 (pending) 0016" in status and "0017" in status
    invoke("db", "upgrade")
    [made] = (data_dir / "backups").iterdir()
    upgraded = engine_for(database_url)
    assert made.name.startswith("duban-0015-") and revision_of(upgraded) == head()
    upgraded.dispose()
    assert "已是最新" in invoke("db", "status").stdout
    connect(database_url).dispose()


def test_a_database_from_a_newer_duban_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    connect(url).dispose()
    with create_engine(url).begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(DubanError, match="更新版本的 duban"):
        connect(url)


def ledger_as_printed() -> tuple[list, list, str]:
    """What an office would compare after a restore: the tasks with their reports, the audit log."""
    tasks = json.loads(invoke("tasks", "--format", "json").stdout)
    shown = invoke("show", str(tasks[0]["id"])).stdout
    audit = json.loads(invoke("audit", "list", "--format", "json").stdout)
    return tasks, audit, shown


def wipe(url: str, data_dir) -> None:
    """Everything gone: the database's tables and the data folder."""
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            path = url.removeprefix("sqlite:///") + suffix
            if os.path.exists(path):
                os.remove(path)
    else:
        schema, admin = url.rsplit("%3D", 1)[1], create_engine(PG_SERVER)
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            c.execute(text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
    shutil.rmtree(data_dir)


def test_backup_wipe_restore_gives_the_same_ledger_reports_and_audit_log(database_url, data_dir, tmp_path):
    invoke("ingest", str(SEEDS[3]))
    tasks = json.loads(invoke("tasks", "--format", "json").stdout)
    invoke("report", tasks[0]["key"], "--unit", tasks[0]["lead_units"].split("、")[0], "--status", "已完成",
           "--progress", "已竣工验收")
    (data_dir / "uploads" / "ab12").mkdir(parents=True)
    (data_dir / "uploads" / "ab12" / "方案.docx").write_bytes(b"uploaded bytes")
    invoke("units", "alias", "水利局", "冠县水利局")
    before = ledger_as_printed()
    registry = (data_dir / "registry.jsonl").read_text(encoding="utf-8")
    invoke("backup", "--out", str(tmp_path / "office.tar.gz"))
    wipe(database_url, data_dir)
    assert invoke("tasks", "--format", "json").stdout.strip() == "[]"  # an empty ledger again
    invoke("restore", str(tmp_path / "office.tar.gz"), "--yes")
    assert ledger_as_printed() == before and "已竣工验收" in before[2]
    assert (data_dir / "uploads" / "ab12" / "方案.docx").read_bytes() == b"uploaded bytes"
    assert (data_dir / "registry.jsonl").read_text(encoding="utf-8") == registry
    assert invoke("audit", "verify").exit_code == 0


def test_a_restore_is_refused_whole_for_a_file_that_is_no_backup(database_url, tmp_path):
    invoke("ingest", str(SEEDS[3]))
    before = invoke("tasks", "--format", "json").stdout
    (tmp_path / "x.tar.gz").write_bytes(b"not an archive")
    assert "不是 duban 备份文件" in invoke("restore", str(tmp_path / "x.tar.gz"), "--yes", code=2).stderr
    assert invoke("tasks", "--format", "json").stdout == before


@pytest.fixture
def planned(database_url, monkeypatch):
    """冠县 2024 with monthly rounds due on the 25th from September: 9月 opens 1 Sep and shuts 27 Sep, 10月
    opens 28 Sep, is due 25 Oct and shuts 29 Oct (two working days of grace), 11月 opens 30 Oct."""
    monkeypatch.setenv("DUBAN_TODAY", "2024-09-01")
    invoke("ingest", str(SEEDS[3]))
    invoke("round", "plan", "--doc", "1", "--day", "25")
    monkeypatch.delenv("DUBAN_TODAY")


def test_the_day_s_jobs_run_once_and_reminders_wait_for_a_working_day(planned):
    holiday = invoke("run-jobs", "--as-of", "2024-10-01", "--job", "refresh", "--job", "rounds", "--job", "remind").stdout
    assert "2024-10-01 refresh: 已判定" in holiday and "2024-10-01 remind: 非工作日" in holiday  # 国庆
    assert "开始 2 轮，结束 1 轮" in holiday
    again = invoke("run-jobs", "--as-of", "2024-10-01", "--job", "refresh", "--job", "rounds").stdout
    assert again.count("今天已运行") == 2
    assert "2024-10-08 remind: 排队" in invoke("run-jobs", "--as-of", "2024-10-08", "--job", "remind").stdout
    assert "开始 1 轮，结束 1 轮" in invoke("run-jobs", "--as-of", "2024-10-30", "--job", "rounds").stdout
    listed = json.loads(invoke("audit", "list", "--format", "json").stdout)
    shut = [e for e in listed if e["action"] == "round_shut"]
    assert len(shut) == 2 and all(e["detail"]["expected"] == 191 for e in shut)
    assert {e["entity_id"] for e in listed if e["action"] == "run_job"} == {
        "refresh:2024-10-01", "rounds:2024-10-01", "remind:2024-10-08", "rounds:2024-10-30"}
    invoke("run-jobs", "--job", "nothing", code=2)


def test_a_second_worker_waits_for_the_first(database_url):
    engine = connect(database_url)
    told, second_in = threading.Event(), threading.Event()

    def second():
        other = connect(database_url)
        with jobs.the_only_worker(other, told.set):
            second_in.set()
        other.dispose()

    with jobs.the_only_worker(engine, lambda: pytest.fail("the first worker found no other")):
        thread = threading.Thread(target=second)
        thread.start()
        assert told.wait(10) and not second_in.wait(0.5)
    thread.join(10)
    assert second_in.is_set()
    engine.dispose()


def test_the_worker_runs_the_jobs_whose_time_has_come_and_only_those(planned, monkeypatch):
    from duban import clock

    schedule = {"refresh": "00:00", "rounds": "00:00", "remind": "00:00", "digest": "23:59"}
    monkeypatch.setattr(jobs, "settings", lambda: {"schedule": schedule})
    engine, ran = connect(), []
    with clock.set_to(date(2024, 10, 8)):
        jobs.work(engine, ran.append, rounds_left=1)
        assert [(r.job, r.skipped) for r in ran] == [("refresh", False), ("rounds", False), ("remind", False)]
        jobs.work(engine, ran.append, rounds_left=1)  # a restarted worker: the day's jobs already ran
        assert [r.skipped for r in ran[3:]] == [True, True, True]
    assert 0 < jobs.next_wake(datetime(2024, 10, 8, 12, 0)) <= 3600
    engine.dispose()
