"""A same-length folded copy of the text for matching: half-width punctuation to full-width,
full-width letters and digits to ASCII, traditional to simplified characters (one character
to one character, so every index of the folded text is an index of the printed text)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import opencc

PUNCT = {"(": "（", ")": "）", ":": "：", ",": "，", ";": "；", "﹙": "（", "﹚": "）",
         "[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕", "〖": "〔", "〗": "〕", "﹝": "〔", "﹞": "〕",
         "．": ".", "﹒": ".", "﹐": "，", "﹔": "；", "﹕": "：", "﹑": "、", "　": " ", "\u00a0": " ", "!": "！", "?": "？"}
OPEN, CLOSE = "（〔", "）〕"  # every bracket is one of these once folded
SUBSCRIPTS = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789", strict=True))


def traditional_pairs() -> dict[str, str]:
    """OpenCC's character table, keeping one-to-one entries only."""
    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    pairs = {}
    for row in table.read_text(encoding="utf-8").splitlines():
        t, _, s = row.partition("\t")
        s = s.split(" ")[0]
        if len(t) == 1 and len(s) == 1 and t != s:
            pairs[t] = s
    return pairs


@cache
def table() -> dict[int, str]:
    mapping = traditional_pairs()
    mapping.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)})  # full-width ASCII
    for ch in "（）：，；！？":  # … except the punctuation Chinese text is matched with
        mapping.pop(ch, None)
    mapping.update(PUNCT)
    mapping.update(SUBSCRIPTS)
    return str.maketrans(mapping)


def fold(text: str) -> str:
    return text.translate(table())
