"""The jurisdiction a document's units belong to ("市发改委" on a 宁波市 page is 宁波市's), read
from the issuer, the title or the page around them."""

from __future__ import annotations

import re

from .fold import fold
from .lexicon import load
from .names import PROSE  # words no unit, and no place name, holds

GOVERNMENT = ("人民政府", "政府", "县委", "市委", "区委", "省委", "人大", "政协", "党委")
NOT_PLACE = re.compile("委|办|政府|局|厅|部")  # "正定县委办公室正定县" is no place name
REGION = re.compile(r"(?:[\u4e00-\u9fff]{1,7}?(?:自治县|自治州|自治区|省|市|县|区|旗))")
NATIONAL = tuple(load("header")["national"])
# where a place name may begin inside a sentence: after punctuation, a year, 《, or a verb of publishing
NOT_NAMES = tuple("全各本该我其此每两多经已由报请在向对将按据为是年月日的度及和与相有根次近")  # "经市政府同意", "已经省政府同意" name no place
# words ending like a place that name no jurisdiction ("达标小区210个", "革命老区")
NOT_JURISDICTIONS = ("开发区", "高新区", "园区", "小区", "社区", "景区", "校区", "片区", "街区", "辖区", "灾区", "老区",
                     "牧区", "库区")  # no district's name ends so (unlike 城区, 山区: 西城区, 兰山区)
PLACE_START = re.compile(r"(?:^|[^\u4e00-\u9fff]|[年月日的将对由])")


def region_of(folded: str, printed: str | None = None, strict: bool = False) -> str | None:
    """The jurisdiction an organ belongs to: the last of the leading place names
    ("聊城市东昌府区人民政府办公室" -> 东昌府区), as printed. `strict` (for a title or a
    gazette name rather than an issuer) wants the places followed by a government organ or a
    year ("宁乡市2024年…分解表"), not by a verb ("冠县召开…")."""
    printed = printed if printed is not None and len(printed) == len(folded) else folded
    if folded.startswith(NATIONAL):
        return "全国"
    chain, pos = [], 2 if folded.startswith("中共") else 0
    while (m := REGION.match(folded, pos)) and not m.group().endswith(NOT_JURISDICTIONS) \
            and not NOT_PLACE.search(m.group()):
        chain.append((m.start(), m.end()))
        pos = m.end()
    while strict and chain and not governs(folded, chain[-1][1]):
        chain.pop()
    if strict and chain and (folded.startswith(NOT_NAMES, chain[0][0]) or PROSE.search(folded, chain[0][0], chain[-1][1])):
        return None  # "为扎实推进我市2017年…", "近日广东省人民政府…" begin with no place name
    return printed[chain[-1][0]:chain[-1][1]] if chain else None


def governs(folded: str, end: int) -> bool:
    """A place name is a jurisdiction when a government organ or a figure follows it."""
    return folded.startswith(GOVERNMENT, end) or bool(re.match(r"\d", folded[end:end + 1]))


def region_in(printed: str) -> str | None:
    """A jurisdiction named anywhere in a line ("…，渝中区人民政府办公室发布", "2024年1-9月歙县50项…")."""
    folded = "".join(fold(printed).split())
    printed = "".join(printed.split()) if len(printed) == len(fold(printed)) else folded
    for start in PLACE_START.finditer(folded):
        at = start.end()
        found = region_of(folded[at:], printed[at:], strict=True)
        if found and not found.startswith(NOT_NAMES) and not PROSE.search(found):  # "全市2020年", "落实好区"
            return found
    return None
