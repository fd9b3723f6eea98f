"""The supervision loop on a stored plan: rounds and who reported when, problems, extensions,
overrides, reminders, and that every change is audited and a refused one changes nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from duban import clock
from duban.errors import DubanError
from duban.sheets.reminders import write_reminders
from duban.store import transaction
from duban.store.documents import ingest
from duban.store.models import AuditEntry, Document, ProgressReport
from duban.supervise import (
    bulletin,
    extensions,
    facts,
    notes,
    problems,
    remind,
    reports,
    rounds,
    scoring,
    status,
    warnings,
)
from duban.units.registry import Registry

from .conftest import SEEDS

PLAN = SEEDS[3]  # the 2024 county plan: 121 tasks, dated 2024-01-31


@pytest.fixture
def plan(db):
    """The plan stored and given a monthly cycle (day 25, 2 working days' grace) on 1 January 2024, as an
    office would have then; (engine, doc id, facts)."""
    with clock.set_to(date(2024, 1, 1)):
        ingest(db, PLAN, Registry(None), "tester", True)
        with transaction(db) as s:
            found = facts.of_tasks(s, date(2024, 1, 1))
            doc_id = next(iter(found.values())).document_id
            rounds.plan_cycle(s, doc_id, "month", 25, "督查室", grace=2, end=date(2024, 12, 31))
    return db, doc_id, found


def one_lead(found) -> tuple[int, str]:
    f = next(f for f in found.values() if len(f.lead_units) == 1)
    return f.id, next(iter(f.lead_units))


def audited(engine, action: str) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_a_monthly_cycle_makes_contiguous_rounds_due_on_working_days(plan):
    engine, doc, _ = plan
    with transaction(engine) as s:
        made = rounds.rounds_of(s, [doc])
    assert [r.name for r in made] == [f"2024年{m}月" for m in range(1, 13)]
    by = {r.name: r for r in made}
    assert by["2024年2月"].due == date(2024, 2, 26)  # the 25th is a Sunday
    assert by["2024年5月"].due == date(2024, 5, 27)
    assert by["2024年9月"].closes == date(2024, 9, 27)  # 25 + 2 working days
    assert all(b.opens == a.closes + timedelta(days=1) for a, b in zip(made, made[1:], strict=False))
    assert audited(engine, "plan_cycle") == 1


def test_a_cycle_given_no_period_or_day_takes_the_office_s_settings(db, monkeypatch):
    monkeypatch.setitem(status.RULES, "rounds", {**status.RULES["rounds"], "every": "quarter", "day": 20})
    with clock.set_to(date(2024, 1, 1)):
        ingest(db, PLAN, Registry(None), "tester", True)
        with transaction(db) as s:
            made = rounds.plan_cycle(s, s.scalar(select(Document.id)), None, None, "督查室", end=date(2024, 12, 31))
            assert [(r.name, r.due) for r in made][:2] == [("2024年第一季度", date(2024, 3, 20)),
                                                           ("2024年第二季度", date(2024, 6, 20))]


def test_a_round_is_not_open_then_open_then_in_its_grace_days_then_over(plan):
    engine, doc_id, _ = plan
    with transaction(engine) as s:
        r = next(r for r in rounds.rounds_of(s, [doc_id]) if r.name == "2024年3月")
        days = [r.opens - timedelta(days=1), r.opens, r.due, r.due + timedelta(days=1), r.closes]
        assert [rounds.state(r, d) for d in days] == ["未开始", "进行中", "进行中", "补报期", "已结束"]


def test_a_bulletin_is_dated_its_issue_day_and_none_is_made_before_the_round_opens(plan):
    engine, doc_id, _ = plan
    with transaction(engine) as s:
        r = next(r for r in rounds.rounds_of(s, [doc_id]) if r.name == "2024年3月")
        with pytest.raises(DubanError, match="还没有通报"):
            bulletin.bulletin(s, r, r.opens - timedelta(days=1))
        midway = bulletin.bulletin(s, r, r.due)  # issued on the due day, in the round
        late = bulletin.bulletin(s, r, r.closes + timedelta(days=30))  # after it shut: as of the day it shut
        assert (midway.as_of, late.as_of) == (r.due, r.closes)


def test_a_report_answers_the_open_round_on_time_or_late_and_counts_once(plan):
    engine, doc, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        reports.report(s, task, unit, "liaison", status="推进中", percent=20, at=datetime(2024, 3, 20, 9))
        reports.report(s, task, unit, "liaison", status="推进中", percent=25, at=datetime(2024, 3, 22, 9))
        reports.report(s, task, unit, "liaison", percent=40, at=datetime(2024, 4, 26, 9))  # after due, in grace
        reports.report(s, task, unit, "liaison", percent=45, at=datetime(2024, 6, 1, 9))  # May round shut
    with transaction(engine) as s:
        march, april, may, june = (rounds.tally(s, rounds.find_round(s, f"2024年{m}月"), date(2024, 7, 1))
                                   for m in (3, 4, 5, 6))
        stored = s.scalars(select(ProgressReport.round_id).order_by(ProgressReport.id)).all()
    assert list(march.on_time) == [(task, unit)] and not march.late
    assert list(april.late) == [(task, unit)]
    assert (task, unit) in may.missed and (task, unit) in june.on_time
    assert len(set(stored)) == 3  # four reports, three rounds
    assert march.expected == len(march.on_time) + len(march.missed)


def test_a_completed_task_is_not_asked_again(plan):
    engine, _, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        reports.report(s, task, unit, "liaison", status="已完成", at=datetime(2024, 3, 20, 9))
    with transaction(engine) as s:
        assert (task, unit) in rounds.expected(s, rounds.find_round(s, "2024年3月"))
        assert (task, unit) not in rounds.expected(s, rounds.find_round(s, "2024年4月"))
        assert [d.task_id for d in reports.drafts(s, rounds.find_round(s, "2024年4月"), unit)].count(task) == 0


def test_a_locked_round_takes_no_more_reports(plan):
    engine, _, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        rounds.lock_round(s, rounds.find_round(s, "2024年3月").id, "督查室", at=datetime(2024, 3, 10, 18))
        late = reports.report(s, task, unit, "liaison", percent=10, at=datetime(2024, 3, 12, 9))
        assert late.round_id is None
        assert (task, unit) in rounds.tally(s, rounds.find_round(s, "2024年3月"), date(2024, 3, 12)).missed


def test_drafts_start_from_the_units_last_report(plan):
    engine, _, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        reports.report(s, task, unit, "liaison", progress="已完成立项", percent=30, at=datetime(2024, 3, 20, 9))
    with transaction(engine) as s:
        draft = {d.task_id: d for d in reports.drafts(s, rounds.find_round(s, "2024年4月"), unit)}
    assert draft[task].last.progress == "已完成立项" and draft[task].last.percent == 30


@pytest.mark.parametrize("kwargs, message", [
    ({"status": "差不多"}, "无法识别的状态"),
    ({"percent": 130}, "超出 0–100"),
    ({"unit": "not-a-unit"}, "不是任务"),
])
def test_a_bad_report_is_refused_and_nothing_is_written(plan, kwargs, message):
    engine, _, found = plan
    task, unit = one_lead(found)
    with pytest.raises(DubanError, match=message), transaction(engine) as s:
        reports.report(s, task, kwargs.get("unit", unit), "liaison", **{k: v for k, v in kwargs.items() if k != "unit"})
    with transaction(engine) as s:
        assert s.scalar(select(func.count(ProgressReport.id))) == 0


def test_problems_move_one_step_at_a_time_and_are_flagged_when_overdue(plan):
    engine, _, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        p = problems.raise_problem(s, task, "用地指标不足", "liaison", unit, at=datetime(2024, 4, 1, 9))
        pid = p.id
        assert p.due == date(2024, 4, 23)  # 15 working days, the Qingming holiday skipped
    with pytest.raises(DubanError, match="下一步只能是：协调"), transaction(engine) as s:
        problems.move(s, pid, "销号", "督查室")
    with pytest.raises(DubanError, match="指定负责"), transaction(engine) as s:
        problems.move(s, pid, "协调", "督查室")
    with transaction(engine) as s:
        problems.move(s, pid, "协调", "督查室", assignee="县自然资源局", at=datetime(2024, 4, 2, 9))
        problems.move(s, pid, "解决", "县自然资源局", "已调剂指标", at=datetime(2024, 4, 20, 9))
        problems.move(s, pid, "反馈", "liaison", "仍缺 20 亩", at=datetime(2024, 4, 22, 9))
        problems.move(s, pid, "协调", "督查室", assignee="分管副县长", at=datetime(2024, 4, 23, 9))
        p = s.get(problems.Problem, pid)
        assert [x.state for x in p.steps] == ["发现", "协调", "解决", "反馈", "协调"]
        assert problems.state_on(p, date(2024, 4, 21)) == "解决"
        assert not problems.overdue(p, date(2024, 4, 23)) and problems.overdue(p, date(2024, 4, 24))
        board = remind.reminders(s, date(2024, 4, 24))
    assert any("问题#" in x.reason and "逾期未销号" in x.reason for r in board for x in r.items)
    assert audited(engine, "problem_协调") == 2


def test_extensions_need_a_later_date_and_one_decision_and_keep_their_history(plan):
    engine, _, found = plan
    task, unit = one_lead(found)
    with pytest.raises(DubanError, match="应晚于现时限"), transaction(engine) as s:
        extensions.request(s, task, date(2024, 6, 30), "资金未到位", "liaison", unit, at=datetime(2024, 5, 1))
    with transaction(engine) as s:
        first = extensions.request(s, task, date(2025, 3, 31), "资金未到位", "liaison", unit, at=datetime(2024, 11, 1))
        with pytest.raises(DubanError, match="待审批"):
            extensions.request(s, task, date(2025, 6, 30), "再延", "liaison", unit)
        extensions.decide(s, first.id, False, "督查室", "理由不充分", at=datetime(2024, 11, 5))
        second = extensions.request(s, task, date(2025, 3, 31), "补充说明", "liaison", unit, at=datetime(2024, 11, 8))
        extensions.decide(s, second.id, True, "督查室", at=datetime(2024, 11, 12))
        with pytest.raises(DubanError, match="已批准"):
            extensions.decide(s, second.id, False, "督查室")
        history = [(e.state, e.new_due) for e in extensions.history(s, task)]
        before, after = (warnings.board(s, day, None) for day in (date(2024, 11, 11), date(2024, 11, 12)))
    assert history == [("已驳回", date(2025, 3, 31)), ("已批准", date(2025, 3, 31))]
    status = {d: next(e.status for e in b if e.facts.id == task) for d, b in (("before", before), ("after", after))}
    assert status["before"].due == date(2024, 12, 31) and status["after"].due == date(2025, 3, 31)
    assert status["after"].status == "已延期"


def test_an_overdue_task_cannot_be_extended_to_a_day_already_past(plan):
    """Due 2024-12-31 and asked on 2025-02-01: 2025-01-15 is later than the limit, but already gone."""
    engine, _, found = plan
    task, unit = one_lead(found)
    with pytest.raises(DubanError, match="应晚于今天 2025-02-01"), transaction(engine) as s:
        extensions.request(s, task, date(2025, 1, 15), "资金未到位", "liaison", unit, at=datetime(2025, 2, 1))
    with transaction(engine) as s:
        assert extensions.request(s, task, date(2025, 3, 31), "资金未到位", "liaison", unit, at=datetime(2025, 2, 1))


def test_override_and_instruction_are_kept_with_who_and_why(plan):
    engine, _, found = plan
    task, _ = one_lead(found)
    with pytest.raises(DubanError, match="理由"), transaction(engine) as s:
        notes.override(s, task, "已完成", " ", "督查室")
    with transaction(engine) as s:
        notes.override(s, task, "已完成", "现场核查已完工", "督查室", at=datetime(2024, 5, 1, 9))
        notes.override(s, task, None, "撤销认定", "督查室", at=datetime(2024, 6, 1, 9))
        notes.instruct(s, task, "张县长", "请抓紧推进，月底前见成效", "秘书", at=datetime(2024, 5, 2, 9))
        may, june = (next(e.status for e in warnings.board(s, d) if e.facts.id == task)
                     for d in (date(2024, 5, 10), date(2024, 6, 10)))
        said = [i.text for i in notes.instructions(s, task)]
    assert may.status == "已完成" and "现场核查已完工" in may.reasons[0]
    assert june.status == "未启动"  # lifted: the rules decide again
    assert said == ["请抓紧推进，月底前见成效"]
    assert audited(engine, "override_status") == 2 and audited(engine, "instruct") == 1


def test_reminders_name_each_units_own_gaps_and_read_back_from_xlsx(plan, tmp_path):
    engine, _, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        reports.report(s, task, unit, "liaison", percent=5, at=datetime(2024, 2, 20, 9))
        found_reminders = remind.reminders(s, date(2024, 3, 20))
    mine = next(r for r in found_reminders if r.unit == found[task].lead_units[unit])
    text = mine.text(date(2024, 3, 20), "冠县人民政府督查室")
    assert text.startswith(f"【督办提醒】{mine.unit}：") and "请于2024年3月25日前报送“2024年3月”调度进展" in text
    others = [n for n in found[task].lead_units.values() if n != mine.unit]
    assert not any(o in x.reason for o in others for x in mine.items)
    path = tmp_path / "催办.xlsx"
    write_reminders(found_reminders, date(2024, 3, 20), path)
    sheet = load_workbook(path).active
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert sheet.cell(2, 1).value == "单位"
    assert len(rows) == sum(len(r.items) + bool(r.owed) for r in found_reminders)
    assert {r[4] for r in rows if r[1]} <= {"红色", "黄色", "蓝色", ""}


def test_scores_start_from_the_base_and_explain_each_point(plan):
    engine, doc, found = plan
    task, unit = one_lead(found)
    with transaction(engine) as s:
        reports.report(s, task, unit, "liaison", status="已完成", at=datetime(2024, 1, 20, 9))
        units, leaders = scoring.assess(s, date(2024, 1, 1), date(2024, 1, 31), [doc],
                                        leaders={"李副县长": [unit]})
    name = found[task].lead_units[unit]
    mine = next(r for r in units if r.name == name)
    missed = sum(1 for f in found.values() if unit in f.lead_units) - 1  # every other task of the unit
    assert mine.score == 100 + 2 - 2 * missed
    assert len(mine.explanation) == 1 + 1 + missed
    assert next(r.score for r in leaders if r.name == "李副县长") == mine.score  # oversees just that unit
    printed = {leader for f in found.values() for leader in f.leaders}
    assert printed and printed | {"李副县长"} == {r.name for r in leaders}  # 牵头领导 are scored on their tasks
    assert [r.rank for r in units] == sorted(r.rank for r in units)


LIMITS = """冠县2026年重点工作任务
一、重点任务
1.保障建设用地。全年供应建设用地3000亩以上，2026年11月底前完成。（牵头单位：县自然资源和规划局）
2.深化审批改革。推行“一网通办”，长期坚持。（牵头单位：县行政审批服务局）
3.持续推进园区建设。（牵头单位：县发展和改革局）
"""


def test_an_explicit_date_rules_over_a_period_word_and_an_item_may_say_it_has_no_end(db, tmp_path):
    """全年 (the year's end) and 11月底前 in one task: due at the end of November, overdue on 3 December;
    "长期坚持" at the end of an item (no 完成时限 field): standing, not due at the plan's end."""
    (tmp_path / "plan.txt").write_text(LIMITS, encoding="utf-8")
    ingest(db, tmp_path / "plan.txt", Registry(None), "tester", True)
    with transaction(db) as s:
        found = {f.number: f for f in facts.of_tasks(s, date(2026, 12, 3)).values()}
        board = {e.facts.number: e.status for e in warnings.board(s, date(2026, 12, 3), None)}
    assert (found["1"].due, found["1"].standing) == (date(2026, 11, 30), False)
    assert board["1"].overdue > 0
    assert (found["2"].due, found["2"].standing, board["2"].status) == (None, True, "长期坚持")
    assert (found["3"].due, found["3"].standing) == (date(2026, 12, 31), False)  # 持续推进 opening the task: a verb
    assert found["1"].why_due == "按“2026年11月底前”；明确日期优先于“全年”"  # each limit says why
    assert "长期坚持" in found["2"].why_due and "推定" in found["3"].why_due


def test_an_assessment_ranks_only_the_units_the_period_asks_for(plan):
    """The 2018 gazette's plans are stored beside the 2024 plan: a body whose only tasks were due in 2018
    (some since abolished) is not ranked in 2024, at the base score or at all. (A 2018 task with no end
    still asks for its units until the plan is closed.)"""
    engine, _, _ = plan
    ingest(engine, SEEDS[4], Registry(None), "tester", True)
    with transaction(engine) as s:
        board = warnings.board(s, date(2024, 12, 31))
        units, _ = scoring.assess(s, date(2024, 1, 1), date(2024, 12, 31))

    def leading(keep) -> set[str]:
        return {u for e in board if keep(e) for u in e.facts.lead_units.values()}

    gone = leading(lambda e: e.status.due is not None and e.status.due.year == 2018) - leading(
        lambda e: e.status.due is None or e.status.due.year >= 2024)
    ranked = {r.name for r in units}
    assert gone and not ranked & gone and ranked == leading(lambda e: e.status.due is None or e.status.due.year >= 2024)


def test_an_assessment_summary_is_the_same_counted_or_explained_and_in_any_batches(plan, monkeypatch):
    """`duban assess` summarises from counts alone, the 考核 page from the events it also explains (it reads
    the period once for both): the same ranks, scores and lines, whether the tasks are read 3 at a time or
    all at once."""
    engine, _, _ = plan
    period = date(2024, 1, 1), date(2025, 1, 20)  # the year's rounds missed, then its tasks overdue
    with transaction(engine) as s:
        whole = scoring.assess(s, *period, summary=True)
        monkeypatch.setattr(warnings, "BATCH", 3)
        counted = scoring.assess(s, *period, summary=True)
        explained = scoring.ranking(scoring.events(s, *period), scoring.rules_of(), summary=True)
    assert any(len(r.explanation) > 2 for r in whole[0])  # a unit with more than one rule applied
    assert counted == explained == whole


def test_facts_read_in_batches_are_the_facts_read_at_once(plan, monkeypatch):
    """A 100,000-task ledger is read a batch at a time (PostgreSQL takes 65,535 parameters at most)."""
    db, _, _ = plan
    with transaction(db) as s:
        at_once = facts.of_tasks(s, date(2024, 6, 30))
        monkeypatch.setattr(facts, "BATCH", 7)
        batched = facts.of_tasks(s, date(2024, 6, 30))
    assert len(at_once) > 7 and batched == at_once


@pytest.mark.parametrize("planned, ingested", [
    (date(2024, 6, 3), date(2024, 1, 1)),  # the office starts its cycle in June from 1 January
    (date(2024, 6, 3), date(2024, 6, 3)),  # the plan reached the ledger in June
])
def test_rounds_made_after_they_opened_are_never_missed(db, planned, ingested):
    """Backfilled rounds keep the reports they get, but nobody was asked in time: no red, no lost points."""
    with clock.set_to(ingested):
        ingest(db, PLAN, Registry(None), "tester", True)
    with clock.set_to(planned), transaction(db) as s:
        doc = s.scalar(select(Document.id))
        made = rounds.plan_cycle(s, doc, "month", 25, "督查室", grace=2, start=date(2024, 1, 1))
    task, unit = one_lead(facts_of(db))
    with transaction(db) as s:
        reports.report(s, task, unit, "liaison", percent=20, at=datetime(2024, 7, 4, 9))
    august = date(2024, 8, 1)
    with transaction(db) as s:
        backfilled = [r.name for r in made if rounds.backfilled(s.get(type(r), r.id))]
        assert backfilled == [f"2024年{m}月" for m in range(1, 7)]  # June's opened on 30 May: before planning
        june = rounds.tally(s, rounds.find_round(s, "2024年6月"), august)
        assert not june.missed and june.unasked
        july = rounds.tally(s, rounds.find_round(s, "2024年7月"), august)
        assert (task, unit) in july.on_time and july.missed  # asked in time: not reporting counts
        board = warnings.board(s, date(2024, 7, 20))
        assert not [e for e in board if any("未报送" in r for r in e.warning.reasons)]
        lost = [x for x in scoring.events(s, date(2024, 1, 1), date(2024, 7, 20)).lines if x.rule == "missed_report"]
        assert not lost
        assert [x for x in scoring.events(s, date(2024, 1, 1), august).lines if x.rule == "missed_report"]


def facts_of(engine):
    with transaction(engine) as s:
        return facts.of_tasks(s, date(2024, 6, 3))
