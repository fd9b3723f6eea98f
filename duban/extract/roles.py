"""Responsibility attributions and the units they name.

Two grammars, often mixed: labelled fields ("牵头单位：X；责任单位：Y", in brackets or on
their own line) and role tails ("X牵头，Y配合，Z负责落实", in brackets or after 责任分工：).
An attribution is split into clauses at top-level ，；; a clause is a unit list, maybe with
a role tail. Unit-list clauses with no role take the current label's role, or wait for the
next role tail, or end up unattributed (a bare "（县农业局）"). Positions index folded text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..fold import CLOSE, OPEN
from ..lexicon import load
from ..names import MARKS, MAX_TAIL, person_spans, role_tails, top_level, trim, unit_spans

LEX = load("roles")
TIERED = "tiered_units"  # a 主办单位: lead alone, responsible under a 牵头单位
PAIRED = "paired_units"  # a 主要责任单位: lead beside a 协办单位 (anywhere in the item), responsible alone
LABEL_ROLES = {**LEX["labels"], **{t: TIERED for t in LEX["tiered"]}, **{p: PAIRED for p in LEX["paired"]},
               **{c: "container" for c in LEX["containers"]},
               **{s: "stop" for s in LEX["stops"]}, **{d: "deadline" for d in LEX["deadline_labels"]}}
LABEL = re.compile("(?=[" + "".join(sorted({w[0] for w in LABEL_ROLES})) + "])(" +  # fail fast where no label starts
                   "|".join(r"\s*".join(map(re.escape, w)) for w in sorted(LABEL_ROLES, key=len, reverse=True))
                   + r")\s*：")  # OCR may space the characters out: "牵 头 单 位："
TAIL_ROLES = [tuple(pair) for pair in LEX["tail_roles"]]
NAMES_IN_BRACKETS = re.compile(r"（([\u4e00-\u9fff·、，]{2,40})）\s*$")
UNIT_ROLES = ("lead_units", "co_units", "resp_units")
DECLARED = re.compile(r"[\u4e00-\u9fff（）]+")
DECLARED_MAX = 12
HEAD_NAME = re.compile(r"\s+[\u4e00-\u9fff]{2,4}$")
SENTENCE_END = "。；！？：\n"
BRACKET = re.compile(f"[{OPEN}{CLOSE}]")
# how a unit named at the end of a heading begins ("（市国资委）", not "各乡镇（街道）" or "（试行）")
JURISDICTIONS = tuple(LEX["jurisdictions"])


@dataclass
class Attribution:
    start: int  # span of the whole attribution (brackets included) in folded text
    end: int
    mentions: list[tuple[str, int, int]] = field(default_factory=list)  # (role, start, end)
    deadlines: list[tuple[int, int]] = field(default_factory=list)
    sentence: bool = False  # written as a plain sentence (extract.prose)


@dataclass
class Parse:
    mentions: list[tuple[str, int, int]] = field(default_factory=list)
    deadlines: list[tuple[int, int]] = field(default_factory=list)
    labelled: bool = False
    tailed: bool = False
    invalid: int = 0


INLINE = re.compile("（(" + "|".join(map(re.escape, LEX["inline_roles"])) + ")）$")


def inline_role(folded: str, start: int, end: int) -> tuple[str | None, int]:
    """("lead_units", end without "（牵头）") for "县发改局（牵头）", else (None, end)."""
    m = INLINE.search(folded, start, end)
    return (LEX["inline_roles"][m.group(1)], m.start()) if m else (None, end)


def tail_role(tail: str) -> str:
    return next((role for word, role in TAIL_ROLES if word in tail), "resp_units")


def parse_clause(folded: str, start: int, end: int, role: str | None, max_tail: int = MAX_TAIL):
    """(role or None, unit spans, had a tail) for one clause, or None if it is prose."""
    start, end = trim(folded, start, end)
    if start >= end:
        return role, [], False
    if role == "lead_leaders":
        inner = NAMES_IN_BRACKETS.search(folded, start, end)  # "按《市委工作要点》分工（蒋永根、俞福才）"
        return role, person_spans(folded, *(inner.span(1) if inner else (start, end))), False
    for at in role_tails(folded, start, end, max_tail):
        units = unit_spans(folded, start, at)
        if units:
            return tail_role(folded[at:end].rstrip("。 ")), units, True
    units = unit_spans(folded, start, end) or unit_spans(folded, start, end - head_name(folded, start, end))
    if units is None and role in (*UNIT_ROLES, PAIRED):
        units = declared_units(folded, start, end)
    return (role, units, False) if units else None


def declared_units(folded: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """After a label (责任单位：) a list names units even where one lacks a unit's suffix ("五金城"): short
    words, no prose, most of them unit names."""
    parts = [trim(folded, s, e) for s, e in top_level(folded, start, end, "、，；")]
    parts = [(s, e) for s, e in parts if s < e]
    if not parts or any(e - s > DECLARED_MAX or not DECLARED.fullmatch(folded, s, e)
                        or folded.count("（", s, e) != folded.count("）", s, e) for s, e in parts):
        return None
    named = [unit_spans(folded, s, e) for s, e in parts]
    if 2 * sum(1 for u in named if u) < len(parts):
        return None
    return [span for (s, e), u in zip(parts, named, strict=True) for span in (u or [(s, e)])]


def head_name(folded: str, start: int, end: int) -> int:
    """Length of a person's name printed after a unit ("市民政局 伍泽国": the unit's head), or 0."""
    m = HEAD_NAME.search(folded, start, end)
    return end - m.start() if m and m.end() == end else 0


def segments(folded: str, start: int, end: int, role: str | None = None):
    """(start, end, role) pieces of an attribution between labels; `role` before any."""
    pos, depth, scanned = start, 0, start
    for m in LABEL.finditer(folded, start, end) if folded.find("：", start, end) >= 0 else ():
        depth, scanned = depth + depth_at(folded, scanned, m.start()), m.start()
        if depth != 0:
            continue
        yield pos, m.start(), role
        role, pos = LABEL_ROLES["".join(m.group(1).split())], m.end()
    yield pos, end, role


def depth_at(folded: str, start: int, pos: int) -> int:
    part = folded[start:pos]
    return sum(map(part.count, OPEN)) - sum(map(part.count, CLOSE))


def parse(folded: str, start: int, end: int, initial: str | None = None) -> Parse:
    out, pending = Parse(), []
    for seg_start, seg_end, label in segments(folded, start, end, initial):
        out.labelled |= label not in (None, "container", "stop", "deadline")
        if label == "deadline":
            out.deadlines.append(trim(folded, seg_start, seg_end))
        if label in ("stop", "deadline"):
            continue
        role = None if label == "container" else label
        for s, e in top_level(folded, seg_start, seg_end, "，；。"):
            if folded[s - 1] == "。" and s > seg_start and (out.mentions or pending):
                break  # "…按职责分工负责。具体任务均涉及…，下同。": a note after the field's sentence
            clause = parse_clause(folded, s, e, role)
            if clause is None:
                out.invalid += 1
                continue
            got, units, tailed = clause
            out.tailed |= tailed
            units = take_inline_roles(folded, units, out)
            if got is None:
                pending.extend(units)
            else:
                out.mentions.extend((got, a, b) for a, b in pending + units)
                pending = []
    out.mentions.extend(("unattributed_units", a, b) for a, b in pending)
    tier = "resp_units" if any(r == "lead_units" for r, _, _ in out.mentions) else "lead_units"
    out.mentions = [(tier if r == TIERED else r, a, b) for r, a, b in out.mentions]
    return out


NOTE = re.compile(LEX["notes"])
PLACES_ONLY = re.compile(r"[县市区旗州盟乡镇村省、，]+")
FIRST_IS_LEAD = re.compile(LEX["first_is_lead"])


def settle_paired(mentions: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The item's 主要责任单位 leads where it names 配合 units too, else its units are the responsible ones."""
    role = "lead_units" if any(r == "co_units" for r, _, _ in mentions) else "resp_units"
    return [(role if r == PAIRED else r, a, b) for r, a, b in mentions]


def take_inline_roles(folded: str, units, out: Parse):
    """Units marked "（牵头）" go to their own role; the rest are returned (a legend in brackets
    after the last unit left out of its name)."""
    rest = []
    for a, b in units:
        role, end = inline_role(folded, a, b)
        if role is None and (note := NOTE.search(folded, a, b)):
            b = note.start()
        if folded[a] in MARKS or folded[b - 1] in MARKS:  # "★县发改局": the lead unit
            role, a, end = "lead_units", a + (folded[a] in MARKS), b - (folded[b - 1] in MARKS)
        if role is None:
            rest.append((a, b))
        else:
            out.mentions.append((role, a, end))
            out.tailed = True
    return rest


def brackets(folded: str, start: int, end: int):
    """Top-level bracket groups (open index, close index) in folded[start:end]."""
    depth, opened = 0, None
    for m in BRACKET.finditer(folded, start, end):
        i, c = m.start(), m.group()
        if c in OPEN:
            if depth == 0:
                opened = i
            depth += 1
        elif c in CLOSE and depth > 0:
            depth -= 1
            if depth == 0:
                yield opened, i
    if depth > 0 and opened is not None:
        yield opened, end


def after_sentence(folded: str, start: int, pos: int) -> bool:
    """A bare unit bracket counts only where a sentence (or the line) has ended."""
    i = pos - 1
    while i >= start and folded[i] == " ":
        i -= 1
    return i < start or folded[i] in SENTENCE_END or folded[i] in CLOSE


def ends_line(folded: str, pos: int, end: int) -> bool:
    """Only sentence punctuation or spaces between `pos` and the end of the line."""
    i = pos
    while i < end and folded[i] in "。；. ":
        i += 1
    return i >= end or folded[i] == "\n"


def in_brackets(folded: str, start: int, end: int, taken: list[Attribution]) -> list[Attribution]:
    found, runs = [], iter(taken)
    run = next(runs, None)
    for o, c in brackets(folded, start, end):
        while run is not None and run.end <= o:
            run = next(runs, None)
        if run is not None and run.start <= o:
            continue
        legend = FIRST_IS_LEAD.search(folded, o + 1, c)  # "（A、B负责。列第一位的为牵头部门，下同）"
        top = legend is not None and depth_at(folded, o + 1, legend.start()) == 0  # not one in a unit's own note
        p = parse(folded, o + 1, legend.start() if top else c)
        if not p.mentions:
            continue
        closes = folded.startswith(("。", "；"), c + 1) and not any(  # not "县城（镇、村）", "机制（试行）"
            PLACES_ONLY.fullmatch(folded, a, b) or len(p.mentions) == 1 and b - a < 3 for _, a, b in p.mentions)
        bare_ok = after_sentence(folded, start, o) or closes or (
            ends_line(folded, c + 1, end) and all(folded.startswith(JURISDICTIONS, a) for _, a, _ in p.mentions))
        if p.labelled or (p.tailed and not p.invalid) or (not p.invalid and bare_ok):
            found.append(Attribution(o, min(c + 1, end), p.mentions, p.deadlines))
    return found


def label_runs(folded: str, start: int, end: int) -> list[Attribution]:
    """"责任分工：…" / "牵头单位：…" fields outside brackets, to the end of the sentence."""
    found: list[Attribution] = []
    if folded.find("：", start, end) < 0:  # every label ends with a colon
        return found
    depth, scanned = 0, start
    for m in LABEL.finditer(folded, start, end):
        if found and m.start() < found[-1].end:
            continue
        newline = folded.rfind("\n", scanned, m.start())
        depth, scanned = (0, newline + 1) if newline >= 0 else (depth, scanned)
        depth, scanned = depth + depth_at(folded, scanned, m.start()), m.start()
        after_comma = m.start() > start and folded[m.start() - 1] == "，"  # "项目，牵头单位：X。"
        if depth > 0 or not (after_sentence(folded, start, m.start()) or after_comma):
            continue
        stop = sentence_end(folded, m.end(), end)
        p = parse(folded, m.start(), stop)
        if p.mentions or p.deadlines:
            found.append(Attribution(m.start(), stop, p.mentions, p.deadlines))
    return found


def sentence_end(folded: str, pos: int, end: int) -> int:
    """End of a field's text: the line's end, or just after a 。 outside brackets."""
    depth = 0
    for i in range(pos, end):
        c = folded[i]
        if c == "\n":
            return i
        depth += (c in OPEN) - (c in CLOSE)
        if c == "。" and depth <= 0:
            return i + 1
    return end


def find(folded: str, start: int, end: int) -> list[Attribution]:
    """Every attribution in folded[start:end], in text order."""
    runs = label_runs(folded, start, end)
    return sorted(runs + in_brackets(folded, start, end, runs), key=lambda a: a.start)
