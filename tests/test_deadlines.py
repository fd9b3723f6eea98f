"""Time limits read as dates against the document's year, never today's."""

from __future__ import annotations

from datetime import date

import pytest

from duban.extract import deadlines, extract
from duban.fold import fold
from duban.records import Source

AT = deadlines.Anchor(2018, date(2018, 8, 30))


def read(s: str, at: deadlines.Anchor = AT):
    f = fold(s)
    return [(d.text, d.due, d.kind, d.recurrence) for d in deadlines.find(s, f, 0, len(f), lambda a, b: (a, b), at)]


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
    ("三年内", date(2021, 8, 30), "duration"),
    ("2018年10月中旬前", date(2018, 10, 20), "date"),
    ("二〇一八年十二月底前", date(2018, 12, 31), "date"),
    ("十一月底前", date(2018, 11, 30), "month"),
    ("9月上旬", date(2018, 9, 10), "month"),
    ("9月份前", date(2018, 9, 30), "month"),
    ("第三季度末前", date(2018, 9, 30), "quarter"),
    ("2019年一季度", date(2019, 3, 31), "quarter"),
    ("上半年", date(2018, 6, 30), "half"),
    ("2019年下半年", date(2019, 12, 31), "half"),
    ("10月—12月", date(2018, 12, 31), "range"),
    ("2018年9月1日至2019年1月15日", date(2019, 1, 15), "range"),
    ("2019—2021年", date(2021, 12, 31), "range"),
    ("今年年底前", date(2018, 12, 31), "year_end"),
    ("到年底", date(2018, 12, 31), "year_end"),
    ("2020年前", date(2020, 12, 31), "until_year"),
    ("截至2020年底", date(2020, 12, 31), "until_year"),
    ("全年", date(2018, 12, 31), "year_end"),
    ("次年1月底前", date(2019, 1, 31), "next_year"),
    ("国庆节前", date(2018, 9, 30), "festival"),
    ("春节前", None, "festival"),  # lunar: kept without a date
    ("年中", date(2018, 6, 30), "mid_year"),
    ("2018年度内", date(2018, 12, 31), "year"),
])
def test_phrases(phrase, due, kind):
    assert read(phrase) == [(phrase, due, kind, None)]


@pytest.mark.parametrize("text,due", [
    ("2018年，完成16个村庄整治。", date(2018, 12, 31)),  # a bare year opening the sentence
    ("确保2020年比例达到90%以上", date(2020, 12, 31)),
    ("2018年度新开工项目6个", date(2018, 12, 31)),  # a 年度 with a target in its clause
    ("完成年度用水效率控制目标", date(2018, 12, 31)),
])
def test_years_that_set_a_limit(text, due):
    assert [d for _, d, _, _ in read(text)] == [due]


@pytest.mark.parametrize("text", [
    "比2017年下降5%", "自2019年起施行", "2019年以来", "与2017年相比", "制定2018年度工作要点",
    "完善2018年畜禽粪污资源化项目实施方案，确保落地", "在政府信息公开年度报告中公布", "列入全年落实情况报告",
    "完成城区2000年底前建成的老旧小区改造", "今年以来", "上年底", "按年龄分组",
    "《行动计划》（2022—2025年）", "治本攻坚三年行动（2018—2020年）",
])
def test_not_limits(text):
    assert [d for _, d, _, _ in read(text) if d] == []


@pytest.mark.parametrize("phrase,recurrence", [
    ("每月5日前", {"every": "month", "day": 5}),
    ("每季度末", {"every": "quarter", "day": "end"}),
    ("每年", {"every": "year", "day": None}),
    ("每年7月底前", {"every": "year", "day": "end", "month": 7}),
    ("每月 5 日前", {"every": "month", "day": 5}),
    ("每周五", {"every": "week", "day": 5}),
    ("按季度", {"every": "quarter", "day": None}),
    ("按年度", {"every": "year", "day": None}),
    ("每双月", {"every": "two_months", "day": None}),
])
def test_recurring(phrase, recurrence):
    assert read(phrase) == [(phrase, None, "recurring", recurrence)]


@pytest.mark.parametrize("text,cycles", [
    ("实行“周调度、月通报”", ["week", "month"]),
    ("落实学校月度自查和监管部门季度检查", ["month", "quarter"]),
    ("按年度和半年度公开", ["year", "half_year"]),
    ("同一部门对同一企业的检查原则上每年不超过1次", []),  # a cap on how often, not a cycle
])
def test_cycles_in_running_text(text, cycles):
    assert [r["every"] for _, _, _, r in read(text)] == cycles


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


@pytest.mark.parametrize("field,due,kind", [
    ("2024年12月", date(2024, 12, 31), "date"),  # a bare month is a limit only in a 完成时限 field
    ("年中", date(2024, 6, 30), "mid_year"),
    ("即时办理", None, "field"),
    ("6月30日前完成投保，全年持续推进", date(2024, 6, 30), "month"),
])
def test_field_values(field, due, kind):
    text = ("某县人民政府办公室文件\n某政办发〔2024〕1号\n某县人民政府办公室关于印发某县2024年重点工作任务的通知\n"
            f"2024年2月1日\n一、任务\n1. 推进甲。\n牵头单位：县财政局\n完成时限：{field}")
    [task] = extract(Source(path="x.txt", text=text, format="txt"))[0].tasks
    got = [(d.due, d.kind) for d in task.deadlines]
    assert got[0] == (due, kind) if kind != "month" else got == [(due, kind), (None, "standing")]


def test_standing_only_as_a_field_value():
    text = "一、任务\n1. 持续推进节能降耗。\n牵头单位：县发改局\n完成时限：长期坚持\n2. 推进乙。\n牵头单位：县财政局"
    first, second = extract(Source(path="x.txt", text=text, format="txt"))[0].tasks
    assert [(d.text, d.kind, d.due) for d in first.deadlines] == [("长期坚持", "standing", None)]
    assert second.deadlines == []  # no stated limit and no plan year to infer from
