"""Quantitative targets: value, unit, comparator, kind; and numbers that are not targets."""

from __future__ import annotations

import re

import pytest

from duban.extract import extract, targets
from duban.ingest import read

from .conftest import SEEDS


def one(text: str):
    [t] = targets.find(text, 2023)
    return t["metric"], t["value"], t["value_max"], t["unit"], t["comparator"], t["kind"]


@pytest.mark.parametrize("text,expected", [
    ("地区生产总值增长 6%。", ("地区生产总值", 6, None, "%", ">=", "growth_pct")),
    ("涉企检查频次同比下降20%。", ("涉企检查频次同比", 20, None, "%", ">=", "decline_pct")),  # a fall, not a rise
    ("单位地区生产总值能耗降低3%以上。", ("单位地区生产总值能耗", 3, None, "%", ">=", "decline_pct")),
    ("PM2.5浓度控制在35微克/立方米以内。", ("PM2.5浓度", 35, None, "微克/立方米", "<=", "other")),  # a cap
    ("新增高新技术企业 10 家以上。", ("高新技术企业", 10, None, "家", ">=", "count")),
    ("全县年度用水总量控制在2.207亿立方米以内。", ("年度用水总量", 220700000, None, "立方米", "<=", "volume")),
    ("占 GDP 比重达到 3%。", ("占GDP比重", 3, None, "%", ">=", "ratio_pct")),
    ("布局建设 4 家市级创新平台。", ("市级创新平台", 4, None, "家", "=", "count")),
    ("培育技能人才 0.45 万人。", ("技能人才", 4500, None, "人", "=", "count")),
    ("制定地方标准1-2项。", ("地方标准", 1, 2, "项", "range", "count")),
    ("突出抓好20个左右重点项目。", ("重点项目", 20, None, "个", "~", "count")),
    ("新建改造农村公路120公里。", ("农村公路", 120, None, "公里", "=", "length")),
    ("完成投资 50 亿元以上。", ("投资", 5000000000, None, "元", ">=", "money")),
    ("新能源装机容量达到 53.5 万千瓦。", ("新能源装机容量", 535000, None, "千瓦", ">=", "amount")),
    ("粮食产量稳定在13.5亿斤以上。", ("粮食产量", 1350000000, None, "斤", ">=", "amount")),
    ("开展送戏下乡 600 余课时。", ("送戏下乡", 600, None, "课时", ">=", "count")),
    ("建成一所传染病医院。", ("传染病医院", 1, None, "所", "=", "count")),
    ("力争新增省级工业设计中心 3 家。", ("省级工业设计中心", 3, None, "家", "=", "count")),
    ("确保改造不低于县域内 20%的农村公办幼儿园。", ("农村公办幼儿园", 20, None, "%", ">=", "ratio_pct")),
    ("农村公路优良率提升 2% 以上。", ("农村公路优良率", 2, None, "%", ">=", "growth_pct")),
    ("污水处理利用率提高到 90%。", ("污水处理利用率", 90, None, "%", ">=", "ratio_pct")),
    ("新增10家以上高新技术企业。", ("高新技术企业", 10, None, "家", ">=", "count")),
    ("灌溉水有效利用系数达到 0.6358 以上。", ("灌溉水有效利用系数", 0.6358, None, None, ">=", "other")),
    ("牢牢守住 87.3 万亩耕地红线。", ("耕地红线", 873000, None, "亩", ">=", "area")),
    ("建设日处理能力800吨污水处理厂。", ("污水处理厂", 800, None, "吨", "=", "amount")),
])
def test_targets(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize("text,values", [
    ("实施投资500万元以上技术改造项目60个以上。", [60]),  # a threshold picks out what is counted
    ("集体收入过 50 万元行政村占比稳定在 35%以上。", [35]),
    ("谋划总投资 10 亿元、20 亿元、100 亿元以上的大项目。", []),
    ("推进现有 30 万千瓦以下小煤电机组关停。", []),
    ("存栏5000头以上规模养殖场粪污处理设施装备配套率达到100%。", [100]),
    ("超过（含）2 万平方米的新建公共建筑安装中水设施。", []),
    ("至少创建1家市级示范机构，2家县级示范机构。", [1, 2]),
])
def test_which_quantities_are_targets(text, values):
    assert [t["value"] for t in targets.find(text)] == values


def test_a_list_shares_the_comparator_of_its_verb():
    found = targets.find("至少创建1家市级示范机构，2家县级示范机构。培育单项冠军企业（产品）1 家。")
    assert [t["comparator"] for t in found] == [">=", ">=", "="]


def test_each_spreads_one_quantity_over_a_list():
    found = targets.find("创建国家级、省级、市级特色产业集群各 1 个。")
    assert [(t["metric"], t["value"]) for t in found] == [
        ("国家级特色产业集群", 1), ("省级特色产业集群", 1), ("市级特色产业集群", 1)]


@pytest.mark.parametrize("text", [
    "落实安全生产“八抓 20 项”创新举措。", "落实“人才新政 35 条”。", "冠政办字〔2023〕6号", "2023年8月29日印发",
    "党的二十大精神", "“十四五”规划", "第34个教师节", "2017年全县实现生产总值",
])
def test_not_targets(text):
    assert targets.find(text, 2023) == []


# numbers in the samples that are not commitments: document numbers, years and dates, item numbers,
# quoted slogans and policy names ("八抓20项", "人才新政35条"), ordinals, hotlines, 十四五-style names
FALSE_CANDIDATES = re.compile(
    r"〔\d{4}〕\s*\d+\s*号|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|“[^”\n]{0,30}\d[^”\n]{0,30}”"
    r"|第\s*\d+|^\s*\d+[.．、]|12345|十四五|二十大|二十届", re.M)


def test_no_target_in_the_samples_comes_from_a_number_that_is_not_one():
    """Every false candidate in the sample corpus is listed; no target's quantity ends inside one."""
    candidates = invented = 0
    for path in SEEDS:
        source = read(path)
        spans = [m.span() for m in FALSE_CANDIDATES.finditer(source.text)]
        candidates += len(spans)
        ends = sorted(t["span"][1] for d in extract(source) for task in d.tasks for t in task.targets)
        invented += sum(1 for a, b in spans for e in ends if a < e <= b)
    assert candidates > 500 and invented == 0
