"""Is this a unit name, and where are the unit names in a list of them?

A list is split on 、，； outside brackets; "X等部门" keeps X and drops the summary, and what
follows a 和/及 after it is one more unit; "A和B" is split only when both sides are whole
unit names (so 县发展和改革局 stays whole). All positions index the folded text."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from .fold import CLOSE, OPEN
from .lexicon import load

LEX = load("units")
SUFFIXES = tuple(LEX["suffixes"])
PROSE = re.compile("|".join(map(re.escape, LEX["not_in_units"])))
JOINERS = tuple(LEX["joiners"])
TRAILING_PAREN = re.compile(r"[（〈〔][^（）〈〉〔〕]*[）〉〕]$")  # "各县区政府〈管委会〉", "…政府〔管委会〕" too
PLACES, AREAS = "县市区旗省乡村", ("开发区", "园区", "新区", "高新区")
WORD = re.compile(r"[^ ]+")
SECTOR = re.compile(r"[\u4e00-\u9fff]+")
SHARED = ("部门", "单位", "机构")
LONE_PLACES = tuple("县市区旗州盟乡镇")
GROUP_PREFIXES = tuple(LEX["group_prefixes"])
PLACE_GOVERNMENT = re.compile(r"[县市区旗州盟](?:人民)?政府$")
NAMED_GROUPS = tuple(LEX["named_groups"])
MARKS = "".join(LEX["lead_marks"])  # a lead unit's mark ("★县发改局"), read by extract.roles
BRACKETS = re.compile(f"[{re.escape(OPEN + CLOSE)}]")
EDGE = " \t\n、，；。：“”\"'"


def core(name: str) -> str:
    """The name without trailing parentheses ("各乡镇（街道）" -> "各乡镇")."""
    name = name.strip(MARKS)
    while (m := TRAILING_PAREN.search(name)) and m.start() > 0:
        name = name[: m.start()]
    return name.replace(" ", "")


@lru_cache(maxsize=1 << 16)  # the same names come back in every list and every pass
def unit_like(name: str) -> bool:
    c = core(name)
    return (2 <= len(c) and len(name) <= 40 and c.endswith(SUFFIXES)
            and not PROSE.search(c) and not c[0].isdigit())


def whole_before_joiner(name: str) -> bool:
    """Left of 和/及 must be a whole organ, not a place ("县城市管理和…" is one name)."""
    c = core(name)
    return unit_like(name) and not (c[-1] in PLACES and not c.endswith(AREAS))


@cache
def separators(seps: str, brackets: bool = False) -> re.Pattern:
    return re.compile(f"[{re.escape(seps + (OPEN + CLOSE if brackets else ''))}]")


def top_level(folded: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """Split folded[start:end] on separator characters outside brackets (only separators and
    brackets are looked at, not every character)."""
    if not BRACKETS.search(folded, start, end):  # the common case
        cuts = [m.start() for m in separators(seps).finditer(folded, start, end)]
        return [(a + 1, b) for a, b in zip([start - 1, *cuts], [*cuts, end], strict=True)]
    parts, depth, begin = [], 0, start
    for m in separators(seps, brackets=True).finditer(folded, start, end):
        i, c = m.start(), m.group()
        depth += (c in OPEN) - (c in CLOSE)
        if depth <= 0 and c in seps:
            parts.append((begin, i))
            begin, depth = i + 1, 0
    parts.append((begin, end))
    return parts


def trim(folded: str, start: int, end: int) -> tuple[int, int]:
    while start < end and folded[start] in EDGE:
        start += 1
    while end > start and folded[end - 1] in EDGE:
        end -= 1
    if folded.startswith("由", start):
        start += 1
    while end > start and folded[end - 1] == "等":
        end -= 1
    return start, end


def find_top(folded: str, start: int, end: int, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(position, length) of words outside brackets, left to right."""
    if not any(w in folded[start:end] for w in words):
        return []
    hits, depth = [], 0
    for m in words_or_brackets(words).finditer(folded, start, end):
        c = m.group()
        if c in OPEN or c in CLOSE:
            depth += (c in OPEN) - (c in CLOSE)
        elif depth == 0:
            hits.append((m.start(), len(c)))
    return hits


@cache
def words_or_brackets(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join([*map(re.escape, words), f"[{re.escape(OPEN + CLOSE)}]"]))


def expand(folded: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """One list piece -> unit spans (several when joined by 和/及), or None if it is prose."""
    summary = find_top(folded, start, end, ("等",))
    if summary:
        head = trim(folded, start, summary[0][0])
        joins = find_top(folded, summary[0][0], end, JOINERS)
        tail = [trim(folded, joins[-1][0] + joins[-1][1], end)] if joins else []
        group = trim(folded, summary[0][0] + 1, joins[0][0] if joins else end)
        if folded.startswith(NAMED_GROUPS, group[0]):  # "…等市级有关部门" names a set; "…等部门" sums up
            tail.insert(0, group)
        spans = [head] + [t for t in tail if unit_like(folded[t[0]:t[1]])]
        return spans if unit_like(folded[head[0]:head[1]]) else None
    for pos, size in find_top(folded, start, end, JOINERS):
        left, right = trim(folded, start, pos), trim(folded, pos + size, end)
        if whole_before_joiner(folded[left[0]:left[1]]) and folded[right[0]:right[1]] not in SHARED:  # "部门和单位"
            rest = expand(folded, *right)
            if rest:
                return [left] + rest
    return [(start, end)] if unit_like(folded[start:end]) else None


ROLE_LEX = load("roles")
TAIL_START = re.compile("|".join(map(re.escape, ROLE_LEX["tail_starts"])))
TAIL_ENDS = tuple(ROLE_LEX["tail_ends"])
MAX_TAIL = 30  # "按照职责分工分别牵头落实", "做好站房选址、用电等相关配合工作"


def role_tails(folded: str, start: int, end: int, max_tail: int = MAX_TAIL) -> list[int]:
    """Where a role tail may start after a list of units ("…、团市委配合落实"), nearest the list first."""
    return [m.start() for m in TAIL_START.finditer(folded, max(start, end - max_tail), end)
            if m.start() > start and folded[m.start():end].rstrip("。 ").endswith(TAIL_ENDS)]


def joined_places(folded: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Place names that share one government are one group phrase, as printed: a lone place
    character joins its neighbours ("各县、市、区政府", "相关市、县政府": every 县 and 市 government,
    not "各县" and a "市政府"), and bare place names join the one that ends the phrase
    ("甲、乙、丙市政府")."""
    out: list[tuple[int, int]] = []
    glue, bare = False, 0
    for s, e in parts:
        word = folded[s:e].strip()
        opens = word[:-1] in GROUP_PREFIXES and word[-1:] in LONE_PLACES  # "各县", "相关市" open the phrase
        lone = word in LONE_PLACES or opens
        if out and (word in LONE_PLACES or glue):
            out[-1] = (out[-1][0], e)
        elif bare and PLACE_GOVERNMENT.search(word):
            out[-bare:] = [(out[-bare][0], e)]
        else:
            out.append((s, e))
        glue = lone
        bare = bare + 1 if place_name(word) and not lone else 0
    return out


def place_name(word: str) -> bool:
    """A bare place name in a list ("黑河"): short, hanzi only, no unit suffix, no prose."""
    return 2 <= len(word) <= 4 and bool(SECTOR.fullmatch(word)) and not unit_like(word) and not PROSE.search(word)


def unit_spans(folded: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Spans of every unit in a list, or None if any piece is not a unit."""
    out = []
    parts = [trim(folded, s, e) for s, e in joined_places(folded, top_level(folded, start, end, "、，；"))]
    parts = [(s, e) for s, e in parts if s < e]
    for k, (s, e) in enumerate(parts):
        spans = expand(folded, s, e) if " " not in folded[s:e] else spaced(folded, s, e)
        if spans is None and shares_suffix(folded, s, e, parts[k + 1:]):
            spans = [(s, e)]
        if spans is None:
            return None
        out.extend(spans)
    return out or None


def shares_suffix(folded: str, start: int, end: int, after: list[tuple[int, int]]) -> bool:
    """"水利、电力部门": a short sector name before a list item ending in 部门 shares its suffix."""
    word = folded[start:end]
    return 2 <= len(word) <= 4 and bool(SECTOR.fullmatch(word)) and not PROSE.search(word) and \
        any(folded[a:b].endswith(SHARED) and unit_like(folded[a:b]) for a, b in after)


def spaced(folded: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """"县教体局 各相关乡镇政府": whole names set apart by a space are two units; a space inside a
    name ("县 教体局", an OCR gap) is not a separator."""
    parts = [m.span() for m in WORD.finditer(folded, start, end)]
    if len(parts) > 1 and all(unit_like(folded[a:b]) for a, b in parts):
        return [p for a, b in parts for p in (expand(folded, a, b) or [])]
    return expand(folded, start, end)


TITLES = tuple(sorted(LEX["person_titles"], key=len, reverse=True))
PERSON_SUFFIXES = tuple(LEX["person_suffixes"])
PERSON_POSTS = tuple(LEX["person_posts"])


def person_spans(folded: str, start: int, end: int, max_len: int = LEX["person_max_len"]):
    """Names after a leader label: short pieces without digits, with any title printed before
    the name left out ("常务副县长 李宏伟", "县公安局局长高建军" -> the name)."""
    out = []
    pieces = [trim(folded, s, e) for s, e in top_level(folded, start, end, "、，；")]
    if all(folded[s:e] in TITLES for s, e in pieces):  # "牵头领导：常务副区长": a post, no name printed
        return [(s, e) for s, e in pieces if s < e]
    for s, e in pieces:
        e -= next((len(x) for x in PERSON_SUFFIXES if folded.endswith(x, s, e) and e - s > len(x)
                   and not folded.endswith(PERSON_POSTS, s, e - len(x))), 0)
        if folded[s:e] in TITLES:  # "县委常委、常务副县长李华": a title of its own
            continue
        ends = [folded.rfind(t, s, e) + len(t) for t in TITLES if folded.rfind(t, s, e) >= 0]
        ends += [k for k in range(s + 3, e - 1) if e - k <= 3 and unit_like(folded[s:k])]  # "市商委梁伟"
        s = max([p for p in ends if e - p >= 2], default=s)
        while s < e and folded[s] == " ":
            s += 1
        if s < e and e - s <= max_len and not re.search(r"\d", folded[s:e]):
            out.append((s, e))
    return out
