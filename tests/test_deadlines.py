"""Time limits read as dates against the document's year, never today's."""

from __future__ import annotations

from datetime import date

import pytest

from duban.extract import deadlines, extract
from duban.fold import fold
from duban.records import Source

SIGNED = date(2018, 8, 30)


def read(s: str, year: int = 2018):
    f = fold(s)
    return [(d.text, d.due, d.kind, d.recurrence) for d in deadlines.find(s, f, 0, len(f), lambda a, b: (a, b),
                                                                          year, SIGNED)]


@pytest.mark.parametrize("phrase,due,kind", [
    ("2018年8月底前", date(2018, 8, 31), "date"),
    ("2018 年 8 月底前", date(2018, 8, 31), "date"),
    ("2023年6月30日前", date(2023, 6, 30), "date"),
    ("2024年2月底前", date(2024, 2, 29), "date"),
    ("2020年底前", date(2020, 12, 31), "until_year"),
    ("到2025年", date(2025, 12, 31), "until_year"),
    ("7月底前", date(2018, 7, 31), "month"),
    ("6底前", date(2018, 6, 30), "month"),  # a typo in the source, read sensibly
    ("9月15日前", date(2018, 9, 15), "month"),
    ("年底前", date(2018, 12, 31), "year_end"),
    ("年内", date(2018, 12, 31), "year_end"),
    ("利用两年时间", date(2020, 8, 30), "duration"),
])
def test_phrases(phrase, due, kind):
    assert read(phrase) == [(phrase, due, kind, None)]


@pytest.mark.parametrize("phrase,recurrence", [
    ("每月5日前", {"every": "month", "day": 5}),
    ("每季度末", {"every": "quarter", "day": "end"}),
    ("每年", {"every": "year", "day": None}),
])
def test_recurring(phrase, recurrence):
    assert read(phrase) == [(phrase, None, "recurring", recurrence)]


@pytest.mark.parametrize("text", ["2017年，全县实现生产总值305亿元。", "《规划（2023—2025年）》", "新增1000万元以上项目", "2月30日前"])
def test_not_deadlines_or_not_dates(text):
    assert all(due is None for _, due, _, _ in read(text))
    assert not [k for _, _, k, _ in read(text) if k in ("date", "until_year")]


@pytest.mark.parametrize("title,end", [
    ("冠县人民政府办公室关于印发冠县2023年重点工作任务的通知", date(2023, 12, 31)),
    ("关于印发《规划（2021—2025年）》的通知", date(2025, 12, 31)),
    ("关于印发政务公开工作实施方案的通知", None),
])
def test_plan_period_end(title, end):
    assert deadlines.plan_period_end(title) == end


def test_a_task_without_a_limit_gets_the_plan_end_inferred():
    text = ("某县人民政府办公室文件\n某政办发〔2023〕1号\n某县人民政府办公室关于印发某县2023年重点工作任务的通知\n"
            "2023年2月1日\n一、任务\n1. 推进甲。（牵头单位：县财政局）\n2. 6月底前完成乙。（牵头单位：县税务局）")
    first, second = extract(Source(path="x.txt", text=text, format="txt"))[0].tasks
    assert [(d.due, d.inferred) for d in first.deadlines] == [(date(2023, 12, 31), True)]
    assert [(d.text, d.due, d.inferred) for d in second.deadlines] == [("6月底前", date(2023, 6, 30), False)]


def test_standing_only_as_a_field_value():
    text = "一、任务\n1. 持续推进节能降耗。\n牵头单位：县发改局\n完成时限：长期坚持\n2. 推进乙。\n牵头单位：县财政局"
    first, second = extract(Source(path="x.txt", text=text, format="txt"))[0].tasks
    assert [(d.text, d.kind, d.due) for d in first.deadlines] == [("长期坚持", "standing", None)]
    assert second.deadlines == []  # no stated limit and no plan year to infer from
