"""Status and warning rules on hand-built facts: each rule, its reason, and the colour it gives."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from duban.store.models import Extension, StatusOverride, Target
from duban.supervise.facts import Facts, Report
from duban.supervise.status import derive, schedule_share
from duban.supervise.warnings import warn

YEAR_END = date(2024, 12, 31)


def facts(reports=(), due=YEAR_END, standing=False, targets=(), extensions=(), override=None) -> Facts:
    f = Facts(1, 1, "3", "建设新能源项目", "一、产业", date(2024, 1, 31), due, standing,
              lead_units={"u1": "县发展改革局"})
    f.reports = [Report(i, "u1", status, percent, value, datetime(*at, 10), None)
                 for i, (at, status, percent, value) in enumerate(reports)]
    f.targets, f.extensions, f.override = list(targets), list(extensions), override
    return f


@pytest.mark.parametrize("start, due, as_of, measure, share", [
    (date(2024, 1, 1), YEAR_END, date(2024, 11, 30), "month", 11 / 12 * 100),  # 11 of 12 months
    (date(2024, 1, 1), YEAR_END, date(2024, 11, 29), "month", 10 / 12 * 100),  # November not over yet
    (date(2024, 1, 1), YEAR_END, date(2024, 1, 15), "month", 0),
    (date(2024, 1, 1), YEAR_END, date(2025, 2, 1), "month", 100),
    (date(2024, 7, 1), date(2024, 9, 30), date(2024, 8, 31), "month", 200 / 3),
    (date(2024, 1, 1), date(2024, 1, 10), date(2024, 1, 5), "day", 50),
])
def test_schedule_share(start, due, as_of, measure, share):
    assert schedule_share(start, due, as_of, measure) == pytest.approx(share)


@pytest.mark.parametrize("f, as_of, status, reason", [
    (facts(), date(2024, 3, 1), "未启动", "尚未报送进展"),
    (facts([((2024, 3, 1), "未启动", None, None)]), date(2024, 3, 5), "未启动", "单位报告尚未启动"),
    (facts([((2024, 6, 30), None, 60, None)]), date(2024, 6, 30), "超进度", "完成比例60%，序时进度50%，超出10%以上"),
    (facts([((2024, 6, 30), None, 55, None)]), date(2024, 6, 30), "序时推进", "完成比例55%，序时进度50%，达到序时进度"),
    (facts([((2024, 6, 30), None, 40, None)]), date(2024, 6, 30), "滞后", "完成比例40%，序时进度50%，低于序时进度"),
    (facts([((2024, 6, 30), "滞后", None, None)]), date(2024, 6, 30), "滞后", "单位自报滞后（未报完成比例）"),
    (facts([((2024, 6, 30), "序时推进", None, None)]), date(2024, 7, 1), "序时推进", "单位自报序时推进（未报完成比例）"),
    (facts([((2024, 5, 6), "已完成", None, None)]), date(2024, 6, 30), "已完成", "2024年5月6日报告完成，按期"),
    (facts([((2024, 5, 6), None, 100, None)]), date(2024, 6, 30), "已完成", "2024年5月6日报告完成，按期"),
    (facts([((2025, 1, 6), "已完成", None, None)]), date(2025, 1, 8), "已完成", "2025年1月6日报告完成，逾期3个工作日"),
    (facts([((2024, 10, 8), None, 80, None)]), date(2025, 1, 15), "滞后", "已超过时限2024年12月31日，逾期10个工作日未完成"),
    (facts(due=None, standing=True), date(2024, 6, 30), "长期坚持", "无完成时限，长期坚持"),
])
def test_each_rule_gives_its_status_and_reason(f, as_of, status, reason):
    s = derive(f, as_of)
    assert (s.status, s.reasons) == (status, [reason])


def test_a_reported_figure_is_measured_against_the_target():
    target = Target(metric="新增产能", value=200, value_max=None, unit="万千瓦", comparator=">=", kind="count")
    behind = derive(facts([((2024, 6, 30), None, 90, 60)], targets=[target]), date(2024, 6, 30))
    assert (behind.status, behind.percent) == ("滞后", 30)  # 60 of 200, whatever percentage was typed
    assert behind.reasons == ["完成值折合30%，序时进度50%，低于序时进度"]
    done = derive(facts([((2024, 8, 1), None, None, 210)], targets=[target]), date(2024, 9, 1))
    assert (done.status, done.completed_on) == ("已完成", date(2024, 8, 1))


def test_a_later_report_undoing_completion_reopens_the_task():
    f = facts([((2024, 5, 6), "已完成", None, None), ((2024, 6, 3), "序时推进", 70, None)])
    assert derive(f, date(2024, 6, 30)).status == "超进度"
    assert derive(f, date(2024, 6, 30)).completed_on is None


def test_an_approved_extension_moves_the_limit_and_reads_as_extended():
    e = Extension(old_due=YEAR_END, new_due=date(2025, 3, 31), state="已批准")
    f = facts([((2024, 12, 2), None, 70, None)], extensions=[e])
    s = derive(f, date(2025, 1, 15))
    assert (s.status, s.due, s.overdue) == ("已延期", date(2025, 3, 31), 0)
    assert s.reasons == ["经批准延期至2025年3月31日（原时限2024年12月31日）"]
    assert derive(f, date(2025, 4, 2)).status == "滞后"  # the new limit passed too


def test_an_override_wins_and_says_who_and_why():
    o = StatusOverride(status="序时推进", reason="实地核查进度正常", by="王科长", at=datetime(2024, 7, 1, 9))
    s = derive(facts([((2024, 6, 30), None, 10, None)], override=o), date(2024, 7, 2))
    assert (s.status, s.reasons) == ("序时推进", ["督查室认定：实地核查进度正常（王科长，2024年7月1日）"])


@pytest.mark.parametrize("f, as_of, missed, colour", [
    (facts([((2024, 10, 8), None, 80, None)]), date(2025, 1, 15), {}, "red"),  # overdue
    (facts([((2024, 6, 3), None, 50, None)]), date(2024, 6, 30), {"u1": "2024年6月"}, "red"),  # missed a round
    (facts([((2024, 6, 30), None, 30, None)]), date(2024, 6, 30), {}, "yellow"),  # behind 序时进度
    (facts(), date(2024, 4, 1), {}, "yellow"),  # not started, 序时进度 25%
    (facts(), date(2024, 3, 30), {}, None),  # not started, 序时进度 16.7%
    (facts([((2024, 12, 2), None, 95, None)]), date(2024, 12, 20), {}, "blue"),  # 7 working days left
    (facts([((2024, 12, 2), None, 95, None)]), date(2024, 12, 13), {}, None),  # 12 working days left: not yet
    (facts([((2024, 12, 2), "已完成", None, None)]), date(2024, 12, 20), {}, None),
    (facts(due=None, standing=True), date(2024, 12, 20), {}, None),
])
def test_warning_colours(f, as_of, missed, colour):
    assert warn(f, derive(f, as_of), as_of, missed).colour == colour


def test_the_worst_colour_wins_and_every_reason_is_kept():
    f = facts([((2024, 12, 2), None, 40, None)])
    w = warn(f, derive(f, date(2024, 12, 20)), date(2024, 12, 20), {"u1": "2024年11月"})
    assert w.colour == "red"
    assert w.reasons == ["县发展改革局未报送“2024年11月”调度", "完成比例40%，序时进度91.7%，低于序时进度",
                         "距时限2024年12月31日还有7个工作日"]
