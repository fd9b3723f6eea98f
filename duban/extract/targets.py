"""Quantitative targets in a task's text: metric, value (multipliers applied), unit, comparator
and kind, each with its span. Numbers that are not commitments (years, document numbers, dates,
ordinals, numbers inside quotation marks such as "八抓20项", sizes that qualify a noun such as
"投资500万元以上项目") are left alone."""

from __future__ import annotations

import re
from decimal import Decimal

import cn2an

from ..lexicon import load

LEX = load("targets")
UNIT_KIND = {u: kind for kind, units in LEX["units"].items() for u in units}
UNITS = "|".join(sorted(map(re.escape, UNIT_KIND), key=len, reverse=True))
NUMBER = r"\d+(?:\.\d+)?"
AFTER = "|".join(LEX["floor_after"] + LEX["ceiling_after"] + LEX["about_after"])
TARGET = re.compile(
    rf"(?P<value>{NUMBER})\s*(?:(?:-|—|~|至|到)\s*(?P<max>{NUMBER}))?\s*"
    rf"(?P<mult>[十百千万亿]{{0,2}}?)\s*(?P<more>余|多)?\s*(?:(?P<pct>%|个百分点)|(?P<unit>{UNITS}))\s*(?P<after>{AFTER})?"
    # "打造一处展示区", "组织三个非遗项目": a Chinese numeral right after a verb, before a count unit
    rf"|(?:{'|'.join(LEX['numeral_verbs'])})(?P<cn>[一两二三四五六七八九十]{{1,3}})(?P<cn_unit>{'|'.join(LEX['numeral_units'])})"
    # "系数达到 0.6358 以上": a bare number after a comparator word, with a comparator after it
    rf"|(?:{'|'.join(LEX['floor_before'] + LEX['ceiling_before'])})\s*(?P<bare>{NUMBER})\s*(?P<bare_after>{AFTER})")
NOT_TARGET = re.compile(r"\d{4}\s*年|〔\d{4}〕|\d+\s*号|\d+\s*月|\d+\s*日|第\s*\d+")
CLAUSE_START = re.compile(r"[，。；：、（）“”《》\n]")
CLAUSE_END = re.compile(r"[，。；：、）\n]")
OPENERS = tuple(sorted(LEX["metric_openers"], key=len, reverse=True))
JOINERS = tuple(sorted(LEX["floor_before"] + LEX["ceiling_before"] + LEX["growth_words"] + LEX["metric_joiners"],
                       key=len, reverse=True))
COMPARATOR_WORDS = sorted([(w, ">=") for w in LEX["floor_before"]] + [(w, "<=") for w in LEX["ceiling_before"]],
                          key=lambda x: -len(x[0]))
QUALIFIED_KINDS = {"money", "amount", "area", "length", "volume"}


def in_quotes(text: str, pos: int) -> bool:
    return text.count("“", 0, pos) > text.count("”", 0, pos)


def clause_before(text: str, start: int) -> tuple[int, str]:
    """(start, text) of the clause that leads up to a number."""
    begin = max((m.end() for m in CLAUSE_START.finditer(text, 0, start)), default=0)
    return begin, text[begin:start]


def comparator_word(before: str) -> str | None:
    """The comparator the last comparator word in `before` states; the longer word wins where two
    end together ("不低于" over "低于")."""
    best = max(((before.rfind(w) + len(w), len(w), c) for w, c in COMPARATOR_WORDS if w in before), default=None)
    return best[2] if best else None


def comparator(before: str, after: str | None, has_max: bool, more: bool) -> str | None:
    if has_max:
        return "range"
    if after in LEX["about_after"]:
        return "~"
    if after in LEX["ceiling_after"]:
        return "<="
    if after in LEX["floor_after"] or more:
        return ">="
    return comparator_word(before)


def strip_ends(m: str) -> str:
    """The clause before a number without its opening verbs and the words that join it to the number
    ("全县粮食产量稳定在" -> "粮食产量")."""
    m = re.sub(r"\s+", "", m)
    while (w := next((w for w in JOINERS if m.endswith(w) and len(m) > len(w)), None)):
        m = m[: -len(w)]
    while (w := next((w for w in OPENERS if m.startswith(w) and len(m) > len(w)), None)):
        m = m[len(w):]
    return m


def kind_of(lead: str, pct: bool, unit: str | None) -> str:
    """A percentage right after a growth word ("增长6%", "优良率提升2%") is a growth rate; one after
    "达到", "占", "稳定在" … a share or rate."""
    if pct:
        tail = lead.strip()[-6:]
        if tail.endswith(tuple(LEX["growth_words"])) or \
                any(w in tail for w in LEX["growth_words"]) and not any(w in tail for w in LEX["ratio_words"]):
            return "growth_pct"
        return "ratio_pct"
    return UNIT_KIND.get(unit or "", "other")


def scale(value: str, mult: str) -> int | float:
    out = Decimal(value)
    for c in mult:
        out *= LEX["multipliers"][c]
    return int(out) if out == out.to_integral_value() else float(out)


def following_noun(text: str, end: int) -> str:
    """The words right after a quantity, up to the clause's end: "4 家|市级创新平台", "20%|的幼儿园"."""
    stop = CLAUSE_END.search(text, end)
    return re.sub(r"\s+", "", text[end:stop.start() if stop else len(text)]).removeprefix("的")[:20]


def qualifies_a_noun(text: str, m: re.Match) -> bool:
    """"投资500万元以上技术改造项目", "30万千瓦以下燃煤机组", "超过（含）2万平方米的公共建筑": a
    threshold before a noun picks out what is counted; it is not a target. A plain size before a noun
    is one ("建设日处理能力800吨污水处理厂"), and so is a count ("4家创新平台")."""
    if UNIT_KIND.get(m.group("unit") or "") not in QUALIFIED_KINDS:
        return False
    rest = text[m.end():].lstrip()
    before_a_noun = bool(rest) and (rest[0] == "的" or re.match(r"[\u4e00-\u9fff]", rest[0]) is not None
                                    and not rest.startswith(tuple(LEX["joins_after"])))
    before = re.sub(r"（[^（）]{0,4}）|\([^()]{0,4}\)|\s", "", text[max(0, m.start() - 8):m.start()])
    threshold = m.group("after") in LEX["floor_after"] + LEX["ceiling_after"] or m.group("max") is not None \
        or before.endswith(tuple(LEX["threshold_before"]))
    return before_a_noun and threshold


def number_start(m: re.Match) -> int:
    return m.start("cn") if m.group("cn") else m.start("bare") if m.group("bare") else m.start()


def is_candidate(text: str, m: re.Match) -> bool:
    start = number_start(m)
    around = text[max(0, start - 2):m.end() + 1]
    return not in_quotes(text, start) and not (NOT_TARGET.search(around) and not m.group("pct"))


def read_match(m: re.Match) -> tuple[int | float, int | float | None, str | None, bool]:
    """(value, value_max, unit, is_percentage) of a matched quantity."""
    if m.group("cn"):
        return int(cn2an.cn2an(m.group("cn").replace("两", "二"), "smart")), None, m.group("cn_unit"), False
    if m.group("bare"):
        return scale(m.group("bare"), ""), None, None, False
    unit = "%" if m.group("pct") == "%" else m.group("pct") or m.group("unit")
    mult = m.group("mult") if unit != "%" else ""
    return scale(m.group("value"), mult), scale(m.group("max"), mult) if m.group("max") else None, unit, bool(
        m.group("pct"))


def each_of(text: str, begin: int, lead: str) -> list[str]:
    """"国家级、省级、市级特色产业集群各 1 个": the metrics one quantity after 各 is spread over
    (the last item carries the noun the others share); [] when there is no such list."""
    if not lead.rstrip().endswith("各"):
        return []
    start = max((m.end() for m in re.finditer(r"[，。；：（）\n]", text[:begin])), default=0)
    items = [strip_ends(x) for x in text[start:begin].split("、")[:-1]] + [strip_ends(lead.rstrip()[:-1])]
    if len(items) < 2 or not all(items):
        return []
    noun = items[-1][len(items[-2]):]
    return [x + noun for x in items[:-1]] + [items[-1]]


def joint_rates(metric: str) -> list[str]:
    """"登记备案率和监管覆盖率达到95%": one percentage for each rate named; [] when not such a list."""
    parts = re.split(r"和|及|与", metric)
    return parts if len(parts) > 1 and all(p.endswith(tuple(LEX["rate_words"])) for p in parts) else []


def target_at(text: str, m: re.Match, before: list[dict], year: int | None) -> list[dict]:
    """The target(s) a matched quantity states, read with the targets found before it."""
    value, value_max, unit, pct = read_match(m)
    begin, lead = clause_before(text, number_start(m))
    kind = kind_of(lead, pct, unit)
    cmp = comparator(lead, m.group("after") or m.group("bare_after"), value_max is not None, bool(m.group("more")))
    if cmp is None and not lead.strip() and text[:begin].rstrip().endswith(("、", "，")) and before \
            and not re.search(r"[。；\n]", text[before[-1]["span"][1]:begin]):
        cmp = before[-1]["comparator"]  # "至少创建1家…，2家…": a quantity with no verb of its own shares one
    if cmp is None and kind == "growth_pct":
        cmp = ">="  # a growth rate is a floor: "增长6%" is met by 7%
    metric, noun = strip_ends(lead), following_noun(text, m.end())
    if noun and not noun.startswith(tuple(LEX["joins_after"])) or len(metric) < 2 or metric.endswith(OPENERS):
        metric = noun or metric  # "4 家市级创新平台": what is counted follows the number
    return [{"text": text[begin:m.end()].strip(), "span": [begin, m.end()], "metric": x, "value": value,
             "value_max": value_max, "unit": unit, "comparator": cmp or "=", "kind": kind, "year": year}
            for x in each_of(text, begin, lead) or (pct and joint_rates(metric)) or [metric]]


def find(text: str, year: int | None = None) -> list[dict]:
    """Targets in one task's text; spans are offsets into `text`."""
    out: list[dict] = []
    for m in TARGET.finditer(text):
        if not is_candidate(text, m):
            continue
        if qualifies_a_noun(text, m):
            out = [t for t in out if not listed_before(text, t, m.start())]  # "10 亿元、20 亿元以上的大项目"
            continue
        out += target_at(text, m, out, year)
    return out


def listed_before(text: str, target: dict, start: int) -> bool:
    """Is `target` the item just before, in the same 、-list as the quantity at `start`?"""
    between = text[target["span"][1]:start]
    return "、" in between and not re.search(r"[，。；：\n]", between)
