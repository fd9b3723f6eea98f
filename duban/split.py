"""One file -> official documents, each with its GB/T 9704 header.

A gazette (政府公报) bundles many documents after a table of contents; the TOC is not a
document, but its entries tell where documents start, even those without a 版头 (speeches,
news). A document starts at a 版头 ("XX人民政府文件"), or at a heading that matches a TOC
entry; a file with neither is one document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

import cn2an

from . import markers
from .fold import fold
from .lexicon import load
from .records import Document, Text

LEX = load("header")
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,16})\s*[〔（\[]\s*(\d{4})\s*[〕）\]]\s*(\d{1,4})\s*号")
ORGAN = "|".join(sorted(map(re.escape, LEX["organ_suffixes"]), key=len, reverse=True))
TITLE_LABEL = re.compile(r"^(?:名称|标题|文件名称|文件标题)[:：]")
META_NUMBER = re.compile(r"(?:(?:发文字号|文号|文件编号)：)?")  # a web page's metadata block
MASTHEAD = re.compile(rf"^([\u4e00-\u9fff（）]{{2,40}}?(?:{ORGAN}))\s*文\s*件$")
ISSUER_LINE = re.compile(rf"^(.{{2,40}}?(?:{ORGAN}))$")
GENRES = tuple(LEX["genres"])
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
CN_DATE = re.compile(r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
TOC_ENTRY = re.compile(r"(?:\t|\.{3,}|…{2,}|\s{2,})\s*[（(]?\d{1,4}[）)]?$")
TOC_NUMBER = re.compile(r"（[^（）]*〔\d{4}〕[^（）]*）$")  # "…的通知（永政文〔2024〕15号）"
CLOSING = [re.compile(p) for p in LEX["closing"]]
TOC_HEADING = re.compile(LEX["toc_heading"])
HEADER_LINES = 12  # the header zone: 版头, 文号, title, recipients, within the first lines


@dataclass
class Block:
    """A document's line range in Text.lines."""

    first: int
    last: int  # exclusive


def squeeze(s: str) -> str:
    return "".join(s.split())


def line_texts(text: Text) -> tuple[list[str], list[str]]:
    shown = [text.display[ln.start:ln.end] for ln in text.lines]
    folded = [text.fold[ln.start:ln.end] for ln in text.lines]
    return shown, folded


def toc_range(folded: list[str]) -> tuple[int, int, list[str]]:
    """(first, last+1, entry titles) of a table of contents, or (0, 0, [])."""
    start = next((i for i, f in enumerate(folded[:200]) if TOC_HEADING.match(squeeze(f))), None)
    if start is None:
        return 0, 0, []
    entries, last, i = [], start, start + 1
    while i < len(folded) and i - last <= 4:
        f = folded[i]
        if TOC_ENTRY.search(f) or (i + 1 < len(folded) and DOC_NUMBER.match(squeeze(folded[i + 1]))
                                   and TOC_ENTRY.search(folded[i + 1])):
            title = TOC_NUMBER.sub("", squeeze(TOC_ENTRY.sub("", f)).rstrip(".…"))
            before = squeeze(folded[i - 1])
            if i - 1 > last and not TOC_ENTRY.search(folded[i - 1]) and not re.search(r"[〔】：]", before):
                title = before + title  # an entry printed over two lines
            if not DOC_NUMBER.match(title) and len(title) >= 4 and markers.match(title) is None:
                entries.append(title)  # a plan's own chapters in its TOC start no document
            last = i
        i += 1
    return start, last + 1, entries


def best_entry(line: str, entries: list[str]) -> int | None:
    """Index of the TOC entry this line is the heading of (TOC titles lack the issuer and
    may differ in a word or two from the body), or None."""
    s = squeeze(line)
    if len(s) < 4:
        return None
    chars = set(s)
    scores = [1.0 if s.endswith(e) else similarity(s[-len(e) - 4:], e)
              if len(chars.intersection(e)) >= 0.7 * len(e) else 0.0 for e in entries]
    best = max(range(len(entries)), key=scores.__getitem__, default=None)
    return best if best is not None and scores[best] >= 0.8 else None


def similarity(a: str, b: str) -> float:
    """difflib's ratio, skipped (0) when lengths or shared characters already fall short."""
    if not a or not b or 2 * min(len(a), len(b)) < 0.8 * (len(a) + len(b)):
        return 0.0
    sa, sb = set(a), set(b)
    if 2 * len(sa & sb) < 0.7 * (len(sa) + len(sb)):
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def heading_entry(text: Text, folded: list[str], i: int, entries: list[str]) -> int | None:
    """The TOC entry line i is the heading of, alone or with the next line (a title in two lines)."""
    if not entries or not is_heading_like(folded[i], text.lines[i].heading):
        return None
    entry = best_entry(folded[i], entries)
    if entry is None and i + 1 < len(folded) and not squeeze(folded[i]).endswith(GENRES):
        entry = best_entry(folded[i] + folded[i + 1], entries)
    return entry


def is_heading_like(folded: str, heading: bool) -> bool:
    return heading or (len(squeeze(folded)) <= 40 and not re.search(r"[，。；：]", folded))


def document_starts(text: Text, shown: list[str], folded: list[str]) -> tuple[list[int], int]:
    """Line indexes where documents start, and the first line after any TOC. A TOC heading
    right after a 版头 is that document's title; each TOC entry starts one document."""
    _, toc_end, entries = toc_range(folded)
    starts: list[int] = []
    used: set[int] = set()
    awaiting_title = False
    for i in range(toc_end, len(folded)):
        f = squeeze(folded[i])
        if MASTHEAD.match(f):
            starts.append(i)
            awaiting_title = True
            continue
        entry = heading_entry(text, folded, i, entries)
        if entry is None or entry in used:
            continue
        used.add(entry)
        if awaiting_title and i - starts[-1] <= HEADER_LINES:
            awaiting_title = False
        else:
            starts.append(i)
            awaiting_title = False
    return starts, toc_end


def split(text: Text) -> list[Document]:
    """Documents found in the text, each with header fields and its span."""
    shown, folded = line_texts(text)
    starts, toc_end = document_starts(text, shown, folded)
    if not starts:
        starts = [0]
    blocks = [Block(s, e) for s, e in zip(starts, starts[1:] + [len(folded)], strict=True) if s < e]
    docs = [read_header(text, shown, folded, b) for b in blocks]
    for d in docs:  # the outline starts after a TOC inside the document's header
        if d.lines[0] <= toc_end <= d.lines[1]:
            d.body_line = max(d.body_line, toc_end)
    fallback = next((d.region for d in docs if d.region), None) or \
        (region_of(squeeze(folded[0]), squeeze(shown[0]), strict=True) if shown else None)
    for d in docs:
        d.region = d.region or fallback
    return docs


def read_header(text: Text, shown: list[str], folded: list[str], block: Block) -> Document:
    doc = Document(source=text.source.path)
    title_at = block.first
    for i in range(block.first, min(block.last, block.first + HEADER_LINES)):
        f, printed = squeeze(folded[i]), squeeze(shown[i])
        masthead = MASTHEAD.match(f)
        if masthead and i == block.first:
            doc.issuer = organs(shown[i], len(masthead.group(1)))
            title_at = i + 1
        elif (number := DOC_NUMBER.match(f, META_NUMBER.match(f).end())) and doc.doc_number is None:
            doc.doc_number = (f"{printed[number.start(1):number.end(1)]}〔{number.group(2)}〕{number.group(3)}"
                              f"{printed[number.end() - 1]}")
            before = squeeze(folded[i - 1]) if i > block.first else ""
            if doc.issuer is None and ISSUER_LINE.match(before):
                doc.issuer = squeeze(shown[i - 1])
            elif i > block.first and before.endswith(GENRES) and i - 1 >= title_at:
                title_at = title_above(folded, title_at, i)  # web pages and gazettes print it above
                break
            title_at = i + 1
            break
    title_end = read_title(doc, shown, folded, title_at, block.last)
    signer = read_after_title(doc, shown, folded, max(title_end, title_at), block.last)
    doc.issuer = doc.issuer or signer
    doc.region = region_of(fold(doc.issuer), doc.issuer) if doc.issuer else \
        region_of(fold(doc.title or ""), doc.title, strict=True)
    first, last = text.lines[block.first], text.lines[block.last - 1]
    doc.span = text.span(first.start, last.end)
    doc.lines, doc.body_line = (block.first, block.last), title_end
    return doc


def title_above(folded: list[str], first: int, number_at: int) -> int:
    """First line of a title printed just above the document number (up to three lines)."""
    start = number_at - 1
    while start - 1 >= max(first, number_at - 3) and not re.search(r"[，。；：】]", folded[start - 1]):
        start -= 1
    return start


def organs(line: str, length: int) -> str:
    """The issuer part of a 版头 line as printed; a space is kept only between two whole organ
    names (a joint 版头: "中共正定县委办公室 正定县人民政府办公室")."""
    words, kept = line.split(), 0
    out = ""
    for word in words:
        if kept >= length:
            break
        word = word[: length - kept]
        kept += len(word)
        out += (" " if out and re.search(f"(?:{ORGAN})$", out) and len(word) >= 4 else "") + word
    return out


def read_title(doc: Document, shown: list[str], folded: list[str], at: int, last: int) -> int:
    """Title from line `at` (joined with following lines until it ends with a genre word);
    returns the index of the first line after it. A file that starts with its outline has none."""
    if at < last and markers.match(folded[at]) is not None:
        return at
    parts = []
    for i in range(at, min(last, at + 3)):
        f = squeeze(folded[i])
        if f.endswith("：") or DOC_NUMBER.match(f) or (parts and DATE.search(f)):
            break
        parts.append(squeeze(shown[i]))
        if f.endswith(GENRES) or f.endswith(tuple(g + "》" for g in GENRES)):
            break
    else:
        parts = parts[:1]
    doc.title = TITLE_LABEL.sub("", "".join(parts)) or None
    return at + max(len(parts), 1)


def read_after_title(doc: Document, shown: list[str], folded: list[str], at: int, last: int) -> str | None:
    """Recipients, dateline, signature date and 公开 line after the title; returns the
    signing organ printed above the signature date, if any."""
    signer = None
    for i in range(at, last):
        f = squeeze(folded[i])
        if DOC_NUMBER.match(f) and i < at + 2:
            continue
        if doc.recipients is None and i < at + 3 and f.endswith("：") and len(f) < 120:
            doc.recipients = shown[i].strip().rstrip(":：")
        elif doc.date is None and ((i < at + 2 and f.startswith("（") and DATE.match(f[1:])) or is_date_line(f)):
            doc.date = parse_date(f)
            before = squeeze(folded[i - 1]) if i > at else ""
            if ISSUER_LINE.match(before):
                signer = squeeze(shown[i - 1])
        for words, public in LEX["publicity"].items():
            if doc.public is None and f.strip("（）") == words:
                doc.public = public
    return signer


def is_date_line(f: str) -> bool:
    return bool(DATE.fullmatch(f) or CN_DATE.fullmatch(f))


def parse_date(f: str) -> str | None:
    m = DATE.search(f)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    elif m := CN_DATE.search(f):
        y = int("".join(str(int(cn2an.cn2an(c.replace("〇", "零").replace("○", "零"), "smart"))) for c in m.group(1)))
        mo, d = (int(cn2an.cn2an(g, "smart")) for g in m.groups()[1:])
    else:
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


GOVERNMENT = ("人民政府", "政府", "县委", "市委", "区委", "省委", "人大", "政协", "党委")
NOT_PLACE = re.compile("委|办|政府|局|厅|部")  # "正定县委办公室正定县" is no place name
REGION = re.compile(r"(?:[\u4e00-\u9fff]{1,7}?(?:自治县|自治州|省|市|县|区|旗))")


def region_of(folded: str, printed: str | None = None, strict: bool = False) -> str | None:
    """The jurisdiction an organ belongs to: the last of the leading place names
    ("聊城市东昌府区人民政府办公室" -> 东昌府区), as printed. `strict` (for a title or a
    gazette name rather than an issuer) wants the places followed by a government organ or a
    year ("宁乡市2024年…分解表"), not by a verb ("冠县召开…")."""
    printed = printed if printed is not None and len(printed) == len(folded) else folded
    chain, pos = [], 2 if folded.startswith("中共") else 0
    while (m := REGION.match(folded, pos)) and not m.group().endswith(("开发区", "高新区", "园区")) \
            and not NOT_PLACE.search(m.group()):
        chain.append((m.start(), m.end()))
        pos = m.end()
    while strict and chain and not (folded.startswith(GOVERNMENT, chain[-1][1])
                                    or re.match(r"\d{4}年", folded[chain[-1][1]:])):
        chain.pop()
    return printed[chain[-1][0]:chain[-1][1]] if chain else None


def is_closing(folded_line: str) -> bool:
    f = folded_line.strip()
    return any(p.search(f) for p in CLOSING)
