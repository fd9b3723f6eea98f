"""A same-length folded copy of the text for matching: half-width punctuation to full-width,
full-width letters and digits to ASCII, traditional to simplified characters (one character
to one character, so every index of the folded text is an index of the printed text)."""

from __future__ import annotations

import re
from functools import cache

from .lexicon import HERE

PUNCT = {"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "﹙": "（", "﹚": "）",
         "[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕", "〖": "〔", "〗": "〕", "﹝": "〔", "﹞": "〕",
         "．": ".", "﹒": ".", "﹐": "，", "﹔": "；", "﹕": "：", "﹑": "、", "　": " ", "\u00a0": " ", "!": "！", "?": "？"}
OPEN, CLOSE = "（〔", "）〕"  # every bracket is one of these once folded
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))


def traditional_pairs() -> dict[str, str]:
    """Traditional -> simplified, one character to one (lexicon/traditional.tsv, from OpenCC's data)."""
    rows = (HERE / "traditional.tsv").read_text(encoding="utf-8").splitlines()
    return dict(row.split("\t") for row in rows if row and not row.startswith("#"))


@cache
def table() -> dict[int, str]:
    mapping = traditional_pairs()
    mapping.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})  # full-width ASCII
    for ch in "（）：，；！？":  # … except the punctuation Chinese text is matched with
        mapping.pop(ch, None)
    mapping.update(PUNCT)
    mapping.update(SUBSCRIPTS)
    return str.maketrans(mapping)


@cache
def bmp_table() -> list[int]:
    """The table as a list over the Basic Multilingual Plane: translate indexes a list much faster
    than it looks a dict up (a character past its end is left as it is)."""
    out = list(range(0x10000))
    for k, v in table().items():
        if k < 0x10000:
            out[k] = ord(v)
    return out


@cache
def astral_table() -> dict[int, str]:
    return {k: v for k, v in table().items() if k >= 0x10000}


ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # rare traditional characters of CJK extension B


def fold(text: str) -> str:
    folded = text.translate(bmp_table())
    return folded.translate(astral_table()) if ASTRAL.search(folded) else folded
