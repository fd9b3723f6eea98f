"""Quantitative targets in a task's text: metric, value (multipliers applied), unit, comparator
and kind, each with its span. Numbers that are not commitments (years, document numbers, dates,
ordinals, numbers inside quotation marks such as "八抓20项") are left alone."""

from __future__ import annotations

import re
from decimal import Decimal

from ..lexicon import load

LEX = load("targets")
UNIT_KIND = {u: kind for kind, units in LEX["units"].items() for u in units}
UNITS = "|".join(sorted(map(re.escape, UNIT_KIND), key=len, reverse=True))
NUMBER = r"\d+(?:\.\d+)?"
TARGET = re.compile(
    rf"(?P<value>{NUMBER})\s*(?:(?:-|—|~|至|到)\s*(?P<max>{NUMBER}))?\s*"
    rf"(?P<mult>[十百千万亿]{{0,2}})\s*(?:(?P<pct>%|个百分点)|(?P<unit>{UNITS}))"
    rf"(?P<after>{'|'.join(LEX['floor_after'] + LEX['ceiling_after'] + LEX['about_after'])})?")
NOT_TARGET = re.compile(r"\d{4}\s*年|〔\d{4}〕|\d+\s*号|\d+\s*月|\d+\s*日|第\s*\d+")
CLAUSE_START = re.compile(r"[，。；：、（）“”《》\n]")
OPENERS = tuple(sorted(LEX["metric_openers"], key=len, reverse=True))


def in_quotes(text: str, pos: int) -> bool:
    return text.count("“", 0, pos) > text.count("”", 0, pos)


def clause_before(text: str, start: int) -> tuple[int, str]:
    """(start, text) of the clause that leads up to a number."""
    begin = max((m.end() for m in CLAUSE_START.finditer(text, 0, start)), default=0)
    return begin, text[begin:start]


def comparator(before: str, after: str | None, has_max: bool) -> str:
    if has_max:
        return "range"
    if after in LEX["about_after"]:
        return "~"
    if after in LEX["ceiling_after"] or before.endswith(tuple(LEX["ceiling_before"])) \
            or any(w in before for w in LEX["ceiling_before"]):
        return "<="
    if after in LEX["floor_after"] or any(w in before for w in LEX["floor_before"]):
        return ">="
    return "="


def metric_of(lead: str) -> str:
    """The thing measured: the clause before the number without its opening verbs and the
    comparator or growth word that joins it to the number."""
    m = lead.strip()
    for words in (["将", "要"], LEX["floor_before"], LEX["ceiling_before"], LEX["growth_words"], ["将", "为", "在", "达"]):
        for w in sorted(words, key=len, reverse=True):
            if m.endswith(w):
                m = m[: -len(w)].strip()
    changed = True
    while changed:
        changed = False
        for w in OPENERS:
            if m.startswith(w) and len(m) > len(w):
                m, changed = m[len(w):].strip(), True
    return re.sub(r"\s+", "", m)


def kind_of(lead: str, pct: bool, unit: str | None) -> str:
    if pct:
        tail = lead[-6:]
        if any(w in tail for w in LEX["growth_words"]) and not any(w in tail for w in LEX["ratio_words"]):
            return "growth_pct"
        return "ratio_pct"
    return UNIT_KIND.get(unit or "", "other")


def scale(value: str, mult: str) -> int | float:
    out = Decimal(value)
    for c in mult:
        out *= LEX["multipliers"][c]
    return int(out) if out == out.to_integral_value() else float(out)


def metric_after(text: str, end: int) -> str:
    """"布局建设 4 家市级创新平台": the thing counted follows the number."""
    stop = CLAUSE_START.search(text, end)
    return re.sub(r"\s+", "", text[end:stop.start() if stop else len(text)])[:20]


def find(text: str, year: int | None = None) -> list[dict]:
    """Targets in one task's text; spans are offsets into `text`."""
    out = []
    for m in TARGET.finditer(text):
        around = text[max(0, m.start() - 2):m.end() + 1]
        if in_quotes(text, m.start()) or NOT_TARGET.search(around) and not m.group("pct"):
            continue
        begin, lead = clause_before(text, m.start())
        unit = "%" if m.group("pct") == "%" else m.group("pct") or m.group("unit")
        multiplier = m.group("mult") if unit != "%" else ""
        metric = metric_of(lead)
        if len(metric) < 2 or metric.endswith(OPENERS):  # "布局建设 4 家市级创新平台"
            metric = metric_after(text, m.end())
        out.append({
            "text": text[begin:m.end()].strip(), "span": [begin, m.end()], "metric": metric,
            "value": scale(m.group("value"), multiplier),
            "value_max": scale(m.group("max"), multiplier) if m.group("max") else None,
            "unit": unit, "comparator": comparator(lead, m.group("after"), bool(m.group("max"))),
            "kind": kind_of(lead, bool(m.group("pct")), m.group("unit")), "year": year,
        })
        if out[-1]["kind"] == "growth_pct" and out[-1]["comparator"] == "=":
            out[-1]["comparator"] = ">="  # a growth rate is a floor: "增长6%" is met by 7%
    return out
