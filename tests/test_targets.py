"""Quantitative targets: value, unit, comparator, kind; and numbers that are not targets."""

from __future__ import annotations

import pytest

from duban.extract import extract, targets
from duban.ingest import read

from .conftest import SEEDS


def one(text: str):
    [t] = targets.find(text, 2023)
    return t["metric"], t["value"], t["value_max"], t["unit"], t["comparator"], t["kind"]


@pytest.mark.parametrize("text,expected", [
    ("地区生产总值增长 6%。", ("地区生产总值", 6, None, "%", ">=", "growth_pct")),
    ("新增高新技术企业 10 家以上。", ("高新技术企业", 10, None, "家", ">=", "count")),
    ("全县年度用水总量控制在2.207亿立方米以内。", ("年度用水总量", 220700000, None, "立方米", "<=", "volume")),
    ("占 GDP 比重达到 3%。", ("占GDP比重", 3, None, "%", ">=", "ratio_pct")),
    ("布局建设 4 家市级创新平台。", ("市级创新平台", 4, None, "家", "=", "count")),
    ("培育技能人才 0.45 万人。", ("技能人才", 4500, None, "人", "=", "count")),
    ("制定地方标准1-2项。", ("地方标准", 1, 2, "项", "range", "count")),
    ("突出抓好20个左右重点项目。", ("突出抓好", 20, None, "个", "~", "count")),
    ("新建改造农村公路120公里。", ("农村公路", 120, None, "公里", "=", "length")),
    ("完成投资 50 亿元以上。", ("投资", 5000000000, None, "元", ">=", "money")),
])
def test_targets(text, expected):
    assert one(text) == expected


@pytest.mark.parametrize("text", [
    "落实安全生产“八抓 20 项”创新举措。", "落实“人才新政 35 条”。", "冠政办字〔2023〕6号", "2023年8月29日印发",
    "党的二十大精神", "“十四五”规划", "第34个教师节", "2017年全县实现生产总值",
])
def test_not_targets(text):
    assert targets.find(text, 2023) == []


def test_no_target_in_the_samples_comes_from_a_number_that_is_not_one():
    false = [t["text"] for path in SEEDS for d in extract(read(path)) for task in d.tasks for t in task.targets
             if any(w in t["text"] for w in ("〔", "号", "二十大", "十四五", "八抓", "35 条", "35条"))
             or t["unit"] in ("年", "月", "日")]
    assert false == []
