"""Outline markers: the numbering that opens a heading or an item, as data.

Order is the usual depth in GB/T 9704 practice; `outline` nests by order of appearance, so a
document that puts 1. directly under 一、 is read as correctly as one that has （一） between.
Matching is on folded text (so "(一)" and "（一）" are the same marker)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import cn2an

CN = "一二三四五六七八九十百零〇两"
LEVELS = (
    ("part", rf"第([{CN}]+|\d+)部分"),
    ("part_of", rf"[“”\u4e00-\u9fff]{{2,16}}?(?<!分)之([{CN}]{{1,3}})\s*：(?=.)"),  # "工作分解之四：社会事业发展"
    ("chapter", rf"第([{CN}]+|\d+)章"),
    ("section", rf"第([{CN}]+|\d+)节"),
    ("column", rf"专栏\s*([{CN}]+|\d+)"),
    ("cn", rf"([{CN}]+)\s*(?:、|\.(?!\d))"),  # "一、2023年…" is a heading; "一.5" is not
    ("cn_paren", rf"（\s*([{CN}]+)\s*）"),
    ("num2", r"(\d{1,2}\.\d{1,2})(?:[.、]|\s+)(?!\d)"),
    ("num", r"(\d{1,3}|(?!19|20)\d{4})\s*(?:、|\.(?!\d)|。)"),  # not a year: "2023、2024年"; "1。" in reposts
    ("num_stop", r"([⒈-⒛])"),  # "⒈" one character
    ("num_paren", r"（\s*(\d{1,3})\s*）"),
    ("num_rparen", r"(\d{1,3})）"),
    ("paren_digit", r"([⑴-⒇])"),
    ("circled", r"([①-⑳])"),
)
PATTERN = re.compile("|".join(f"(?P<{kind}>{rx})" for kind, rx in LEVELS))


@dataclass(frozen=True)
class Marker:
    kind: str
    printed: str  # the numeral as printed: "十三", "2", "2.2"
    value: int
    end: int  # index just after the marker (and the spaces after it)


@cache
def numeral_value(printed: str) -> int:
    if printed.isascii() and printed.isdigit():
        return int(printed)
    for first, last in ("①⑳", "⑴⒇", "⒈⒛"):  # one-character numerals
        if len(printed) == 1 and first <= printed <= last:
            return ord(printed) - ord(first) + 1
    if "." in printed and (digits := printed.replace(".", "")).isascii() and digits.isdigit():
        return int(digits)
    try:
        return int(cn2an.cn2an(printed.replace("〇", "零"), "smart"))
    except ValueError:
        return 0


@lru_cache(maxsize=1 << 14)  # each line is asked about by several stages
def match(folded_line: str) -> Marker | None:
    """The marker a (folded) line starts with, if any."""
    m = PATTERN.match(folded_line)
    if m is None:
        return None
    kind = m.lastgroup
    printed = next(g for g in m.groups()[m.re.groupindex[kind]:] if g)
    end = m.end()
    while end < len(folded_line) and folded_line[end] == " ":
        end += 1
    if end >= len(folded_line):
        return None  # a bare numeral is a page number or a table cell, not a heading
    return Marker(kind, printed, numeral_value(printed), end)
