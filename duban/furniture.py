"""What a saved web page prints around a document: breadcrumbs, 发布时间 / 浏览次数 / 字体 lines,
索引号 blocks. Those lines are skipped when looking for the title; the page's metadata block
("发文字号：…", "【成文日期】…", "| 信息名称: | … |") is read for the fields it gives."""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import load

LEX = load("header")
FURNITURE = re.compile("|".join(f"(?:{rx})" for rx in LEX["furniture"]))
FIELDS: dict[str, str] = LEX["metadata"]
PAD = " |\t\u3000"
LABEL = re.compile(r"(?:^|[|•·\-\s〔/])\s*(" + "|".join(r"\s*".join(w) for w in sorted(FIELDS, key=len, reverse=True))
                   + r")\s*(?:[：〕]|\s*\|)")
SPACED_NUMBER = re.compile(r"(?:^|\s)(?:发\s*文\s*字\s*号|文\s*号|文\s*件\s*编\s*号)\s+(\S{1,16}〔\d{4}〕\d{1,4}号)")
NEXT_LABEL = re.compile(r"\S{1,6}\s*：")
VALUE_END = re.compile(r"\s*\||\t|\s{2,}|\s+\S{2,6}：")


@lru_cache(maxsize=1 << 14)  # asked of each line by the header, the title and the rejoining of lines
def is_furniture(folded: str) -> bool:
    f = "".join(folded.split())
    return FURNITURE.search(f) is not None


def fields(folded: str, shown: str) -> dict[str, str]:
    """The metadata fields a line gives, values as printed (an empty value is left out)."""
    found = {}
    for m in LABEL.finditer(folded):
        rest = folded[m.end():].lstrip(PAD)
        start = len(folded) - len(rest)
        if NEXT_LABEL.match(rest):  # an empty field followed by the next one
            continue
        value = rest[:m2.start()] if (m2 := VALUE_END.search(rest)) else rest
        value = (shown if len(shown) == len(folded) else folded)[start:start + len(value)].strip()
        if value and not value.endswith("："):
            found.setdefault(FIELDS["".join(m.group(1).split())], value)
    if "doc_number" not in found and (m := SPACED_NUMBER.search(folded)):  # "发布机构 X 文    号 蔡政办〔2023〕1号"
        found["doc_number"] = (shown if len(shown) == len(folded) else folded)[m.start(1):m.end(1)]
    return found


def metadata(folded: list[str], shown: list[str]) -> dict[str, str]:
    """Fields from the page's metadata block in the given header lines, first value kept."""
    found: dict[str, str] = {}
    for f, s in zip(folded, shown, strict=True):
        for k, v in fields(f, s).items():
            found.setdefault(k, v)
    return found


def is_page_line(folded: str) -> bool:
    """Furniture or a metadata line: not the start of the document itself."""
    return is_furniture(folded) or bool(fields(folded, folded))
