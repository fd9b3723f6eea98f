"""Labels the office reads: figures as written in plans."""

from __future__ import annotations

import pytest

from duban.render import amount, target_label


@pytest.mark.parametrize("value, label", [
    (7e10, "700亿"), (535000, "53.5万"), (123456789, "1.23456789亿"), (94.906, "94.906"), (10000, "10000"), (6, "6"),
])
def test_amounts_are_written_in_wan_and_yi(value, label):
    assert amount(value) == label


def test_a_target_label_shows_comparator_growth_and_range():
    base = {"metric": "总投资", "value": 7e10, "value_max": None, "unit": "元", "comparator": ">=", "kind": "amount"}
    assert target_label(base) == "总投资 ≥700亿元"
    assert target_label({**base, "metric": "地区生产总值", "value": 6, "unit": "%", "kind": "growth_pct"}) == "地区生产总值 增长≥6%"
    assert target_label({**base, "metric": "涉企检查频次", "value": 20, "unit": "%", "kind": "decline_pct"}) == "涉企检查频次 下降≥20%"
    assert target_label({**base, "metric": "地方标准", "value": 1, "value_max": 2, "unit": "项", "comparator": "range"}) == "地方标准 1–2项"
