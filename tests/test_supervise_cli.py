"""The supervision commands end to end on the SQLite default: a cycle, reports, status, reminders, an
assessment and the bulletin as .docx (read back) and Markdown; bad input exits non-zero."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from docx import Document as Word
from openpyxl import load_workbook
from typer.testing import CliRunner

from duban.cli import app
from duban.store import connect, transaction
from duban.store.models import StateDay, TaskState
from duban.supervise import state, warnings

from .conftest import SEEDS

runner = CliRunner()


def invoke(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("DUBAN_TODAY", "2024-01-01")  # the office stored the plan and its cycle back then
    invoke("ingest", str(SEEDS[3]))
    invoke("round", "plan", "--doc", "1", "--day", "25")
    monkeypatch.delenv("DUBAN_TODAY")
    tasks = json.loads(invoke("tasks", "--unit", "冠县水利局", "--format", "json").stdout)
    return [t["key"] for t in tasks]


def test_a_round_reported_warned_assessed_and_bulletined(keys, tmp_path):
    invoke("report", keys[0], "--unit", "冠县水利局", "--status", "已完成", "--progress", "已竣工验收")
    board = json.loads(invoke("status", "--as-of", "2024-03-01", "--unit", "冠县水利局", "-f", "json").stdout)
    assert {b["key"] for b in board} == set(keys)
    assert all(b["colour"] == "red" and "未报送“2024年2月”调度" in "".join(b["warnings"]) for b in board)
    listed = invoke("round", "list", "--as-of", "2024-03-01").output
    assert "2024年2月" in listed
    reminders = invoke("remind", "--as-of", "2024-03-01", "--unit", "冠县水利局", "--out", str(tmp_path / "r.xlsx"))
    assert reminders.stdout.startswith("【督办提醒】冠县水利局：") and "冠县人民政府督查室" in reminders.output
    assert load_workbook(tmp_path / "r.xlsx").active.max_row == 2 + len(keys) + 1  # a row per task, one for the open round
    scores = json.loads(invoke("assess", "--from", "2024-01-01", "--to", "2024-02-29", "-f", "json").stdout)
    water = next(r for r in scores["units"] if r["name"] == "冠县水利局")
    assert water["score"] == 100 - 2 * 2 * len(keys)  # two rounds missed on each task
    invoke("bulletin", "--round", "2024年2月", "--out", str(tmp_path / "b.docx"))
    invoke("bulletin", "--round", "2024年2月", "--out", str(tmp_path / "b.md"))
    doc = Word(tmp_path / "b.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "关于2024年2月" in text and "冠县人民政府督查室" in text
    chapters = doc.tables[0]
    assert chapters.rows[-1].cells[0].text == "合计" and chapters.rows[-1].cells[1].text == "121"
    assert "| 合计 | 121 |" in (tmp_path / "b.md").read_text(encoding="utf-8")


def test_problem_extension_override_and_instruction_commands(keys):
    assert "应于" in invoke("problem", "raise", keys[0], "缺少建设用地", "--unit", "冠县水利局").output
    invoke("problem", "move", "1", "销号", code=2)
    invoke("problem", "move", "1", "协调", "--assignee", "冠县自然资源和规划局")
    assert "协调" in invoke("problem", "list").output
    later = (date.today() + timedelta(days=365)).isoformat()  # an extension reaches past today
    invoke("extension", "request", keys[0], "--to", later, "--reason", "汛期停工")
    invoke("extension", "approve", "1")
    assert "已批准" in invoke("extension", "list").output
    invoke("override", keys[1], "序时推进", code=2)  # no reason
    invoke("override", keys[1], "序时推进", "--reason", "现场核查正常")
    invoke("instruct", keys[1], "请加快推进", "--leader", "张县长")


@pytest.mark.parametrize("args", [
    ("status", "--as-of", "2024-13-01"),
    ("round", "lock", "没有这一轮"),
    ("bulletin", "--round", "2024年2月", "--out", "b.pdf"),
    ("report", "T1-0000", "--status", "已完成"),
    ("report", "1", "--status", "差不多"),
    ("round", "plan", "--doc", "1", "--day", "25", "--from", "2024-01-01"),  # the rounds exist already
])
def test_bad_input_exits_non_zero_with_a_reason(keys, args):
    result = runner.invoke(app, list(args))
    assert result.exit_code == 2 and ("错误" in result.output or "Invalid" in result.output
                                      or "Error" in result.output), result.output


def test_a_plan_is_finished_listed_and_reopened_from_the_command_line(keys):
    invoke("ingest", str(SEEDS[0]))  # a 2023 plan: its period is over
    listed = invoke("plan", "list", "--as-of", "2024-06-03").output
    assert "待确认办结" in listed and "执行中" in listed
    assert "已办结" in invoke("plan", "finish", "--doc", "2", "--on", "2024-06-03").output
    assert "已于 2024-06-03 办结" in invoke("plan", "finish", "--doc", "2", code=2).output
    board = json.loads(invoke("status", "--as-of", "2024-06-03", "-f", "json").stdout)
    assert {b["key"] for b in board} >= set(keys) and len(board) == 121  # the 2024 plan's tasks only
    assert "已恢复执行" in invoke("plan", "reopen", "--doc", "2").output
    assert len(json.loads(invoke("status", "--as-of", "2024-06-03", "-f", "json").stdout)) > 121


def test_refresh_stores_every_task_s_state_for_today(keys):
    result = invoke("refresh")
    engine = connect()
    with transaction(engine) as s:
        derived = {e.facts.id: (e.status.status, e.warning.colour or "none")
                   for e in warnings.board(s, date.today(), tasks=state.current_tasks(s))}
        stored = {t.task_id: (t.status, t.colour) for t in s.query(TaskState)}
        days = [d.day for d in s.query(StateDay)]
    engine.dispose()
    assert f"已判定 {len(derived)} 项任务" in result.output and stored == derived and days == [date.today()]
    assert (f"已判定 0 项任务截至 {date.today()} 的状态和预警，0 项按预先推算的状态更新，另 {len(derived)} 项确定不变"
            in invoke("refresh").output)
