"""Word's automatic numbering, printed as Word prints it: a paragraph that carries w:numPr (itself or
through its style) gets the marker numbering.xml gives its level ("一、", "（一）", "1.", "⑴"), counted
as Word counts: per list (numId), a level restarting after any level above it, start values and level
overrides honoured. The marker is text like any other, so `outline` reads these items as typed ones."""

from __future__ import annotations

import re

import cn2an

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CIRCLED, PAREN, STOP = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳", "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇", "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
PLACEHOLDER = re.compile(r"%([1-9])")


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def enclosed(chars: str, n: int) -> str:
    return chars[n - 1] if 1 <= n <= len(chars) else str(n)


FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}", "decimalFullWidth": lambda n: str(n).translate(
        {ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}),
    "chineseCounting": cn2an.an2cn, "chineseCountingThousand": cn2an.an2cn, "taiwaneseCounting": cn2an.an2cn,
    "ideographDigital": lambda n: cn2an.an2cn(str(n), "direct").replace("零", "〇"),
    "chineseLegalSimplified": lambda n: cn2an.an2cn(n, "up"),
    "ideographTraditional": lambda n: enclosed(HEAVENLY, n),
    "decimalEnclosedCircle": lambda n: enclosed(CIRCLED, n), "decimalEnclosedCircleChinese": lambda n: enclosed(CIRCLED, n),
    "decimalEnclosedParen": lambda n: enclosed(PAREN, n), "decimalEnclosedFullstop": lambda n: enclosed(STOP, n),
    "upperLetter": letters, "lowerLetter": lambda n: letters(n).lower(),
    "upperRoman": roman, "lowerRoman": lambda n: roman(n).lower(),
}


def attr(el, name: str) -> str | None:
    return el.get(W + name) if el is not None else None


class Level:
    def __init__(self, el):
        self.start = int(attr(el.find(W + "start"), "val") or 1)
        self.fmt = attr(el.find(W + "numFmt"), "val") or "decimal"
        self.text = attr(el.find(W + "lvlText"), "val")
        restart = attr(el.find(W + "lvlRestart"), "val")
        self.restart = int(restart) if restart is not None else None  # restart after this level (1-based); 0: never

    def shown(self, n: int) -> str:
        if self.fmt in ("none", "bullet"):
            return ""
        return FORMATS.get(self.fmt, str)(n)


class Numbering:
    """The markers of one document's numbered paragraphs, counted in document order."""

    def __init__(self, numbering_xml, styles_xml):
        self.levels: dict[str, dict[int, Level]] = {}
        self.starts: dict[str, dict[int, int]] = {}  # numId -> level -> start override
        self.counts: dict[str, dict[int, int]] = {}
        self.style_num = self.style_numbering(styles_xml)
        if numbering_xml is None:
            return
        abstract = {attr(a, "abstractNumId"): {int(attr(lvl, "ilvl")): Level(lvl) for lvl in a.iter(W + "lvl")}
                    for a in numbering_xml.iter(W + "abstractNum")}
        for num in numbering_xml.iter(W + "num"):
            num_id = attr(num, "numId")
            self.levels[num_id] = dict(abstract.get(attr(num.find(W + "abstractNumId"), "val"), {}))
            for override in num.iter(W + "lvlOverride"):
                ilvl = int(attr(override, "ilvl"))
                if (lvl := override.find(W + "lvl")) is not None:
                    self.levels[num_id][ilvl] = Level(lvl)
                if (start := override.find(W + "startOverride")) is not None:
                    self.starts.setdefault(num_id, {})[ilvl] = int(attr(start, "val"))

    @staticmethod
    def style_numbering(styles_xml) -> dict[str, tuple[str | None, int]]:
        """styleId -> (numId, ilvl) for styles that number their paragraphs (a 标题 style, say)."""
        out, based = {}, {}
        if styles_xml is None:
            return out
        for style in styles_xml.iter(W + "style"):
            sid = attr(style, "styleId")
            based[sid] = attr(style.find(W + "basedOn"), "val")
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                out[sid] = (attr(num_pr.find(W + "numId"), "val"), int(attr(num_pr.find(W + "ilvl"), "val") or 0))
        for sid in list(based):  # a style based on a numbered one numbers too
            seen, parent = set(), based[sid]
            while sid not in out and parent and parent not in seen:
                seen.add(parent)
                if parent in out:
                    out[sid] = out[parent]
                parent = based.get(parent)
        return out

    def numbered(self, p) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph element, its own numPr first, then its style's."""
        ppr = p.find(W + "pPr")
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        style = attr(ppr.find(W + "pStyle"), "val") if ppr is not None else None
        num_id, ilvl = self.style_num.get(style, (None, 0))
        if num_pr is not None:
            num_id = attr(num_pr.find(W + "numId"), "val") or num_id
            ilvl = int(attr(num_pr.find(W + "ilvl"), "val") or ilvl)
        if num_id in (None, "0") or num_id not in self.levels or ilvl not in self.levels[num_id]:
            return None
        return num_id, ilvl

    def marker(self, p) -> str:
        """The marker Word prints before paragraph element `p` ("" if it is not numbered)."""
        found = self.numbered(p)
        if found is None:
            return ""
        num_id, ilvl = found
        levels, counts = self.levels[num_id], self.counts.setdefault(num_id, {})
        first = self.starts.get(num_id, {}).get(ilvl, levels[ilvl].start)
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else first
        for deeper in [k for k in counts if k > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart and ilvl < restart):
                del counts[deeper]
        text = levels[ilvl].text
        if text is None or levels[ilvl].fmt == "bullet":
            return ""  # a bullet (often a symbol font's private character) numbers nothing
        return PLACEHOLDER.sub(lambda m: self.shown(levels, counts, int(m.group(1)) - 1), text)

    def shown(self, levels: dict[int, Level], counts: dict[int, int], k: int) -> str:
        level = levels.get(k)
        n = counts.get(k, level.start if level else 1)
        return level.shown(n) if level else str(n)
