"""Quantitative targets in a task's text: metric, value (multipliers applied), unit, comparator
and kind, each with its span. Numbers that are not commitments (years, document numbers, dates,
ordinals, numbers inside quotation marks such as "八抓20项", sizes that qualify a noun such as
"投资500万元以上项目") are left alone. Matching runs on the folded text (traditional characters and
full widths folded, same length); metric, unit and text are reported as printed."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal

import cn2an

from ..fold import fold
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
JOINER_AT_END = re.compile(f"(?:{'|'.join(JOINERS)})$")
OPENER_AT_START = re.compile("|".join(OPENERS))
COMPARATOR_WORDS = sorted([(w, ">=") for w in LEX["floor_before"]] + [(w, "<=") for w in LEX["ceiling_before"]],
                          key=lambda x: -len(x[0]))
RAISED, LOWERED = tuple(LEX["rate_raised_to"]), tuple(LEX["rate_lowered_to"])
QUALIFIED_KINDS = {"money", "amount", "area", "length", "volume"}


def in_quotes(f: str, pos: int) -> bool:
    return f.count("“", 0, pos) > f.count("”", 0, pos)


def clause_start(f: str, pos: int) -> int:
    """Where the clause leading up to a number begins."""
    return max((m.end() for m in CLAUSE_START.finditer(f, 0, pos)), default=0)


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


def trim(f: str, a: int, b: int) -> tuple[int, int]:
    """Narrow f[a:b] to a metric: no edge spaces, no trailing words joining it to its number, no
    leading verbs ("全县粮食产量稳定在" -> "粮食产量")."""
    while True:
        while a < b and f[a].isspace():
            a += 1
        while b > a and f[b - 1].isspace():
            b -= 1
        if (m := JOINER_AT_END.search(f, a, b)) and m.start() > a:
            b = m.start()
        elif (m := OPENER_AT_START.match(f, a, b)) and m.end() < b:
            a = m.end()
        else:
            return a, b


def kind_of(lead: str, pct: bool, unit: str | None) -> str:
    """A percentage right after a growth word ("增长6%", "优良率提升2%") is a growth rate, after a word of
    decline ("检查频次下降20%") a rate of decline (its direction kept: a fall of 20%, not a rise); one after
    "达到", "占", "稳定在" … a share or rate."""
    if pct:
        tail = lead.strip()[-6:]
        if tail.endswith(tuple(LEX["growth_words"])) or \
                any(w in tail for w in LEX["growth_words"]) and not any(w in tail for w in LEX["ratio_words"]):
            last = max(LEX["growth_words"], key=lambda w: tail.rfind(w))
            return "decline_pct" if last in LEX["decline_words"] else "growth_pct"
        return "ratio_pct"
    return UNIT_KIND.get(unit or "", "other")


def scale(value: str, mult: str) -> int | float:
    out = Decimal(value)
    for c in mult:
        out *= LEX["multipliers"][c]
    return int(out) if out == out.to_integral_value() else float(out)


def following_noun(f: str, end: int) -> tuple[int, int]:
    """The words right after a quantity, up to the clause's end: "4 家|市级创新平台", "20%|的幼儿园"."""
    stop = CLAUSE_END.search(f, end)
    a, b = end, stop.start() if stop else len(f)
    while a < b and f[a].isspace():
        a += 1
    a += f.startswith("的", a, b)
    return a, min(b, a + 20)


def qualifies_a_noun(f: str, m: re.Match) -> bool:
    """"投资500万元以上技术改造项目", "30万千瓦以下燃煤机组", "超过（含）2万平方米的公共建筑", "存栏5000头
    以上规模养殖场": a threshold before a noun picks out what is counted; it is not a target. A plain
    size before a noun is one ("建设日处理能力800吨污水处理厂"), and so is a count after a verb
    ("新增10家以上高新技术企业", "4家创新平台")."""
    kind = UNIT_KIND.get(m.group("unit") or "")
    rest = f[m.end():].lstrip()
    before_a_noun = bool(rest) and (rest[0] == "的" or re.match(r"[\u4e00-\u9fff]", rest[0]) is not None
                                    and not rest.startswith(tuple(LEX["joins_after"])))
    if not before_a_noun or kind not in QUALIFIED_KINDS | {"count"}:
        return False
    before = re.sub(r"（[^（）]{0,4}）|\([^()]{0,4}\)|\s", "", f[max(0, m.start() - 8):m.start()])
    if kind == "count":  # "新建5000头以上规模化养殖场3个": only when the clause goes on to its own number
        stop = CLAUSE_END.search(f, m.end())
        return m.group("after") in LEX["floor_after"] + LEX["ceiling_after"] \
            and re.search(r"\d", f[m.end():stop.start() if stop else len(f)]) is not None
    return m.group("after") in LEX["floor_after"] + LEX["ceiling_after"] or m.group("max") is not None \
        or before.endswith(tuple(LEX["threshold_before"]))


def number_start(m: re.Match) -> int:
    return m.start("cn") if m.group("cn") else m.start("bare") if m.group("bare") else m.start()


def is_candidate(f: str, m: re.Match) -> bool:
    start = number_start(m)
    around = f[max(0, start - 2):m.end() + 1]
    return not in_quotes(f, start) and not (NOT_TARGET.search(around) and not m.group("pct"))


def read_match(m: re.Match) -> tuple[int | float, int | float | None, tuple[int, int] | None, bool]:
    """(value, value_max, span of the unit, is_percentage) of a matched quantity."""
    if m.group("cn"):
        return int(cn2an.cn2an(m.group("cn").replace("两", "二"), "smart")), None, m.span("cn_unit"), False
    if m.group("bare"):
        return scale(m.group("bare"), ""), None, None, False
    unit = m.span("pct") if m.group("pct") else m.span("unit")
    mult = m.group("mult") if m.group("pct") != "%" else ""
    return scale(m.group("value"), mult), scale(m.group("max"), mult) if m.group("max") else None, unit, bool(
        m.group("pct"))


class Reading:
    """One task's text as matched (folded) and as printed, with the same offsets."""

    def __init__(self, printed: str, folded: str | None = None):
        self.d, self.f = printed, folded if folded is not None else fold(printed)

    def words(self, a: int, b: int) -> str:
        """The printed words of f[a:b], spaces dropped."""
        return re.sub(r"\s+", "", self.d[a:b])

    def metric(self, a: int, b: int) -> str:
        return self.words(*trim(self.f, a, b))

    def each_of(self, begin: int, start: int) -> list[str]:
        """"国家级、省级、市级特色产业集群各 1 个": the metrics one quantity after 各 is spread over
        (the last item carries the noun the others share); [] when there is no such list."""
        a, b = trim(self.f, begin, start)
        if not self.f.endswith("各", a, b):
            return []
        first = max((m.end() for m in re.finditer(r"[，。；：（）\n]", self.f[:begin])), default=0)
        cuts = [first] + [first + m.end() for m in re.finditer("、", self.f[first:begin])]
        items = [self.metric(x, y - 1) for x, y in itertools.pairwise(cuts)] + [self.metric(a, b - 1)]
        if len(items) < 2 or not all(items):
            return []
        noun = items[-1][len(items[-2]):]
        return [x + noun for x in items[:-1]] + [items[-1]]

    def joint_rates(self, a: int, b: int) -> list[str]:
        """"登记备案率和监管覆盖率达到95%": one percentage for each rate named; [] when not such a list."""
        a, b = trim(self.f, a, b)
        cuts = [a] + [m.end() for m in re.finditer("和|及|与", self.f[:b]) if m.start() >= a] + [b + 1]
        parts = [(x, y - 1) for x, y in itertools.pairwise(cuts)]
        if len(parts) > 1 and all(self.f[x:y].rstrip().endswith(tuple(LEX["rate_words"])) for x, y in parts):
            return [self.words(x, y) for x, y in parts]
        return []


def target_at(r: Reading, m: re.Match, before: list[dict], year: int | None) -> list[dict]:
    """The target(s) a matched quantity states, read with the targets found before it."""
    f = r.f
    value, value_max, unit, pct = read_match(m)
    start = number_start(m)
    begin = clause_start(f, start)
    lead = f[begin:start]
    kind = kind_of(lead, pct, f[unit[0]:unit[1]] if unit and not pct else None)
    cmp = comparator(lead, m.group("after") or m.group("bare_after"), value_max is not None, bool(m.group("more")))
    if cmp is None and not lead.strip() and f[:begin].rstrip().endswith(("、", "，")) and before \
            and not re.search(r"[。；\n]", f[before[-1]["span"][1]:begin]):
        cmp = before[-1]["comparator"]  # "至少创建1家…，2家…": a quantity with no verb of its own shares one
    if cmp is None and kind in ("growth_pct", "decline_pct"):
        cmp = ">="  # a growth rate is a floor: "增长6%" is met by 7%, "下降20%" by a fall of 25%
    if cmp is None and kind == "ratio_pct":
        cmp = ">=" if lead.rstrip().endswith(RAISED) else "<=" if lead.rstrip().endswith(LOWERED) else None
    metric, noun = r.metric(begin, start), r.words(*following_noun(f, m.end()))
    if noun and not noun.startswith(tuple(LEX["joins_after"])) or len(metric) < 2 or metric.endswith(OPENERS):
        metric = noun or metric  # "4 家市级创新平台": what is counted follows the number
    shared = pct and "分别" not in lead  # "A率和B率分别达到95%、90%" pairs them instead
    metrics = r.each_of(begin, start) or (shared and r.joint_rates(begin, start)) or [metric]
    return [{"text": r.d[begin:m.end()].strip(), "span": [begin, m.end()], "metric": x, "value": value,
             "value_max": value_max, "unit": "%" if pct and m.group("pct") == "%" else r.words(*unit) if unit else None,
             "comparator": cmp or "=", "kind": kind, "year": year} for x in metrics]


def find(text: str, year: int | None = None, folded: str | None = None) -> list[dict]:
    """Targets in one task's text; spans are offsets into `text`; `folded` is its folded copy."""
    r = Reading(text, folded)
    out: list[dict] = []
    for m in TARGET.finditer(r.f):
        if not is_candidate(r.f, m):
            continue
        if qualifies_a_noun(r.f, m):
            out = [t for t in out if not listed_before(r.f, t, m.start())]  # "10 亿元、20 亿元以上的大项目"
            continue
        out += target_at(r, m, out, year)
    return out


def listed_before(f: str, target: dict, start: int) -> bool:
    """Is `target` the item just before, in the same 、-list as the quantity at `start`?"""
    between = f[target["span"][1]:start]
    return "、" in between and not re.search(r"[，。；：\n]", between)
