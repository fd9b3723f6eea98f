"""A linked pair's targets and deadlines side by side: the same metric (its words alike), the lower value
against the upper one in the same unit (万 and 亿 scaled), weaker, equal or stronger by the way the target
is meant (at least / at most); and a lower deadline later than the upper one."""

from __future__ import annotations

from functools import cache

from ..fold import fold
from ..records import Task
from .similar import pairs

ALIKE = 0.6  # share of character pairs two metric names have in common to be the same metric
SCALES = {"万": 10_000, "亿": 100_000_000, "千": 1_000, "百": 100}
AT_MOST = ("<=", "<")


@cache
def shape(metric: str) -> tuple[str, frozenset[str]]:
    return fold(metric), frozenset(pairs(metric))


def alike(a: str, b: str) -> bool:
    (a, x), (b, y) = shape(a), shape(b)
    return a == b or bool(x and y) and len(x & y) / min(len(x), len(y)) >= ALIKE


def same_metric(upper: Task, lower: Task) -> list[str]:
    """The metrics (as the lower plan words them) both tasks set a target on."""
    return list(dict.fromkeys(d["metric"] for d in lower.targets for u in upper.targets
                              if u.get("metric") and d.get("metric") and alike(u["metric"], d["metric"])))


def scaled(value: float, unit: str | None) -> tuple[float, str]:
    """(value, base unit): 11万人 -> (110000, 人)."""
    unit = unit or ""
    if len(unit) > 1 and unit[0] in SCALES:
        return value * SCALES[unit[0]], unit[1:]
    return value, unit


def verdict(upper: dict, lower: dict) -> str | None:
    """weaker / equal / stronger, or None when the units do not compare."""
    (u, u_unit), (d, d_unit) = scaled(upper["value"], upper.get("unit")), scaled(lower["value"], lower.get("unit"))
    if u_unit != d_unit:
        return None
    if u == d:
        return "equal"
    higher_is_stronger = upper.get("comparator") not in AT_MOST
    return "stronger" if (d > u) == higher_is_stronger else "weaker"


def targets_compared(upper: Task, lower: Task) -> list[dict]:
    out = []
    for u in upper.targets:
        for d in lower.targets:
            if not (u.get("metric") and d.get("metric") and u.get("value") is not None and d.get("value") is not None):
                continue
            if alike(u["metric"], d["metric"]) and (v := verdict(u, d)):
                out.append({"metric": d["metric"], "upper_value": u["value"], "lower_value": d["value"],
                            "unit": d.get("unit") or "", "verdict": v})
    return list({tuple(row.values()): row for row in out}.values())  # a target printed twice, once


def later_deadlines(upper: Task, lower: Task) -> list[dict]:
    """The lower task's last dated limit, when it falls after the upper task's last one."""
    up = [d.due for d in upper.deadlines if d.due and not d.inferred]
    down = [d.due for d in lower.deadlines if d.due and not d.inferred]
    if up and down and max(down) > max(up):
        return [{"upper_due": max(up).isoformat(), "lower_due": max(down).isoformat()}]
    return []
