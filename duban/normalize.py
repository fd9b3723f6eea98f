"""Repair OCR/PDF/markdown noise without losing track of where each character came from.

Steps, in order: clean each line of junk (markdown marks and escapes, HTML tags, LaTeX) and
drop rules and decorated page numbers; drop PDF running headers (`lines`); then, after `layout`
has rebuilt the tables (`rejoined`, then `to_text`): drop bare page numbers that interrupt a
sentence; join lines cut mid-sentence by a column or page break and remove fragments a page
break repeated. Every kept character keeps its offset in Source.text; normalize is total on
any text."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from . import markers
from .fold import CLOSE, OPEN, fold
from .furniture import is_furniture
from .lexicon import load
from .records import Line, Source, Text

TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
JUNK = re.compile(
    r"^[ \t\u3000]*(?:#{1,6}[ \t]+|>[ \t]*)"  # markdown heading / quote marks
    r"|\*\*|__"  # bold
    r"|\\(?=[.*_#>+!()\[\]-])"  # markdown escapes: "2\. 强化"
    r"|</?[a-zA-Z][^<>]{0,80}>"  # HTML tags
    r"|\$|\\[a-zA-Z]+ ?|_\{|\^\{|(?<=[\dA-Za-z.])\}"  # LaTeX: PM_{2.5}, $\alpha$
    r"|[ \t\u3000]+$|^[ \t\u3000]+"
    rf"|[(（](?=[a-zü]*[{TONES}])[a-zü{TONES}]{{1,7}}[)）]"  # pinyin a mirror site put after characters: "發(fā)"
)
TITLE = re.compile(r"^[^，。；：]{2,40}关于[^，。；：]{2,60}(?:" + "|".join(load("header")["genres"]) + ")$")
NUMBER_CUT = re.compile(r"〔\d{4}〕\s*\d{1,4}\s*$")
MAYBE_JUNK = re.compile(rf"[#>*_\\<$^}}{TONES}]|^[ \t\u3000]|[ \t\u3000]$")  # a character any JUNK match needs
RULE = re.compile(r"^[-=_*~|:\s]+$")  # markdown rules and table separators
PAGE_NUMBER = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?"
                         r"|\d{1,4}\s*/\s*\d{1,4})$")
BARE_NUMBER = re.compile(r"^\d{1,3}$")
DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$|^[〇零一二三四五六七八九十○]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日$")
TERMINAL = "。！？；：）〕"
ROLE_HINT = re.compile(r"牵头|配合|参与|负责|单位|领导|落实")
RUNNING = re.compile(r"[，。；、]")
# a gazette's page head: "2024年第1期　　永春县人民政府公报" (either way round)
GAZETTE_HEAD = re.compile(r"^(?:\d{4}年第\d+期.{0,30}(?:公报|政报)|.{0,30}(?:公报|政报)\d{4}年第\d+期)$")
HEADING_RUNNING = re.compile(r"[，。；]")
WORD_TAIL = re.compile(r"^[^\s，。；：、]{1,3}[。，；：]")  # the end of a word cut by a break
KEY_VALUE = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff ]{1,6}：")  # "发布机构:", "名  称:" (metadata)
SHORT_KEY = re.compile(r"^[\u4e00-\u9fff]{1,7}：")
CLOSING = re.compile("|".join(f"(?:{p})" for p in load("header")["closing"]))
FIELD_LABEL = re.compile("(?:" + "|".join(
    w for key in ("labels", "paired", "tiered", "containers", "stops", "deadline_labels") for w in load("roles")[key])
    + r")\s*：")


@dataclass
class Piece:
    """A line being built: printed text and the source offset of each character."""

    text: str
    origin: list[int]
    heading: bool = False
    after_blank: bool = False  # a blank line came before it in the source
    by_page_number: bool = False  # next to a page number line: maybe a running header

    @cached_property
    def folded(self) -> str:
        return fold(self.text)


def clean(line: str, offset: int) -> Piece:
    """The line without junk; markdown heading and whole-line bold are remembered."""
    if not MAYBE_JUNK.search(line):  # most lines: nothing to take out
        return Piece(line, list(range(offset, offset + len(line))))
    keep, origin, pos = [], [], 0
    for m in JUNK.finditer(line):
        keep.append(line[pos:m.start()])
        origin.extend(range(offset + pos, offset + m.start()))
        pos = m.end()
    keep.append(line[pos:])
    origin.extend(range(offset + pos, offset + len(line)))
    stripped = line.strip()
    heading = stripped.startswith("#") or (stripped.startswith("**") and stripped.endswith("**"))
    return Piece("".join(keep), origin, heading)


def depth(folded: str) -> int:
    """Open brackets left at the end of the text (negative: more closers than openers)."""
    return sum(map(folded.count, OPEN)) - sum(map(folded.count, CLOSE))


def is_running_text(folded: str) -> bool:
    return bool(RUNNING.search(folded)) or depth(folded) > 0


def ends_open(folded: str) -> bool:
    """Cut mid-sentence: no sentence-final punctuation (an open bracket always counts)."""
    if depth(folded) > 0:
        return True
    last = folded[-1]
    if last == "”":
        return len(folded) < 2 or folded[-2] not in "。！？"
    return last not in TERMINAL


def starts_block(folded: str) -> bool:
    """Lines that always begin something new: a heading or item marker, a table row, a field
    label ("主要工作：", "责任分工：")."""
    return (markers.match(folded) is not None or "\t" in folded or folded.startswith("|")
            or FIELD_LABEL.match(folded) is not None)


def should_join(prev: Piece, nxt: Piece, after: Piece | None) -> bool:
    pf, nf = prev.folded, nxt.folded
    pipe_rows = pf.count("|") >= 2 and nf.count("|") >= 2
    if starts_block(nf) or "\t" in pf or "   " in pf or pf.startswith("|") or pipe_rows:
        return False  # tabs, columns, pipes: a layout row
    if (KEY_VALUE.match(nf) or FIELD_LABEL.match(pf) and SHORT_KEY.match(nf)) and depth(pf) <= 0:
        return False  # a field line ("责任单位：…") is not continued by another field, however short its key
    if NUMBER_CUT.search(pf) and nf.lstrip().startswith("号"):
        return True  # "…铜政办发〔2025〕1" / "号": a document number wrapped before its last character
    if TITLE.match(nf.strip()):
        return False  # "…关于…的意见" whole on its line: a title, even after a page's teaser cut mid-word
    marker = markers.match(pf)
    if marker is not None:  # a heading line: 、 is common in headings, a comma is not
        heading_only = depth(pf) <= 0 and (not HEADING_RUNNING.search(pf[marker.end:]) or shorter_than(pf, nf))
        pf = pf[marker.end:]
        if heading_only:
            return WORD_TAIL.match(nf) is not None and ends_open(pf) and not furniture(prev, nxt)  # "（二）…农" + "业。"
    if DATE_LINE.match(nf.replace(" ", "")) or (after and DATE_LINE.match(after.folded.replace(" ", ""))
                                                and len(nf) <= 25 and not RUNNING.search(nf)):
        return False  # a signature block interleaved in the text stays on its own lines
    return is_running_text(pf) and ends_open(pf) and not furniture(prev, nxt)


def shorter_than(line: str, nxt: str) -> bool:
    """A numbered line a third as long as the next ended where it stands ("一、扩大内需，促进发展" over a
    paragraph printed on one line): a line the page wrapped is about as long as the next, or longer."""
    return 3 * len(line.strip()) < len(nxt.strip())


def furniture(prev: Piece, nxt: Piece) -> bool:
    """A web page's own line ("【字体:", "640.webp.jpg") never opens or ends a sentence."""
    return is_furniture(prev.folded) or is_furniture(nxt.folded)


def repeated_fragment(prev: Piece, nxt: Piece) -> int | None:
    """Characters to drop from the start of `nxt` when a page break repeated the end of
    `prev` and closed it early ("…改革局）" + "革局；责任单位…）"), or None if not that case."""
    pf, nf = prev.folded, nxt.folded
    if len(pf) < 2 or pf[-1] not in "。）〕" or starts_block(nf):
        return None
    body = pf[:-1]
    for k in (4, 3, 2, 1):
        if len(nf) > k and body.endswith(nf[:k]) and nf[k] in "，、；：":
            return k
    if pf[-1] in "）〕" and depth(nf) < 0 and ROLE_HINT.match(nf):
        return 0  # "（县经信和商务局）" + "牵头，县农业局配合）": the bracket closed early
    return None


def merge(prev: Piece, nxt: Piece, drop_prev: int, drop_next: int) -> Piece:
    end = len(prev.text) - drop_prev
    return Piece(prev.text[:end] + nxt.text[drop_next:], prev.origin[:end] + nxt.origin[drop_next:],
                 prev.heading)


def is_page_number(piece: Piece, prev: Piece | None) -> bool:
    """A bare number where it interrupts a sentence."""
    f = piece.folded.strip()
    return bool(BARE_NUMBER.match(f)) and prev is not None and is_running_text(prev.folded) \
        and ends_open(prev.folded)


def cleaned_lines(text: str) -> list[Piece]:
    """Lines without junk; rules and decorated page numbers ("- 3 -") are dropped here."""
    pieces, offset, blank, page_break = [], 0, False, False
    for raw in text.split("\n"):
        piece = clean(raw, offset)
        offset += len(raw) + 1
        f = piece.folded.strip()
        if PAGE_NUMBER.match(f):
            page_break = True
            if pieces:
                pieces[-1].by_page_number = True
        elif f and not RULE.match(f):
            piece.after_blank, piece.by_page_number, page_break = blank, page_break, False
            pieces.append(piece)
        blank = not f
    return pieces


def drop_running_heads(pieces: list[Piece]) -> list[Piece]:
    """A short line repeated at page breaks (the document number or title printed on every page of
    a PDF) is kept only where it first occurs, or nowhere when every occurrence sits at a page break;
    a gazette's page head is dropped everywhere."""
    def key(p: Piece) -> str:
        return "".join(p.folded.split())

    short = [p for p in pieces if len(p.text) <= 40 and not RUNNING.search(p.folded)]
    repeated = Counter(key(p) for p in short)
    at_breaks = Counter(key(p) for p in short if p.by_page_number)
    seen: set[str] = set()
    out = []
    for p in pieces:
        k = key(p)
        head = repeated[k] >= 2 and p.by_page_number and (k in seen or at_breaks[k] == repeated[k])
        if head or GAZETTE_HEAD.match(k):
            continue
        seen.add(k)
        out.append(p)
    return out


def drop_page_numbers(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not is_page_number(piece, out[-1] if out else None):
            out.append(piece)
    return out


def joined(pieces: list[Piece], sep: str = "\t") -> Piece:
    """Pieces as one, `sep` between them (mapped to the end of the piece before)."""
    text, origin = pieces[0].text, list(pieces[0].origin)
    for p in pieces[1:]:
        text += sep + p.text
        origin += [origin[-1] + 1 if origin else 0] * len(sep) + p.origin
    return Piece(text, origin, after_blank=pieces[0].after_blank)


def cut(piece: Piece, start: int, end: int) -> Piece:
    """piece.text[start:end] with its source offsets, spaces and pipes at its ends left out."""
    while start < end and piece.text[start] in " \u3000|":
        start += 1
    while end > start and piece.text[end - 1] in " \u3000|":
        end -= 1
    return Piece(piece.text[start:end], piece.origin[start:end], after_blank=piece.after_blank)


def rejoin(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for i, piece in enumerate(pieces):
        if out:
            k = repeated_fragment(out[-1], piece)
            if k is not None:
                out[-1] = merge(out[-1], piece, 1, k)
                continue
            after = pieces[i + 1] if i + 1 < len(pieces) else None
            if should_join(out[-1], piece, after):
                out[-1] = merge(out[-1], piece, 0, 0)
                continue
        out.append(piece)
    return out


def is_closing(folded_line: str) -> bool:
    """A line that ends a document's body (抄送, 印发, 共印 …)."""
    f = folded_line.strip()
    return CLOSING.search(f) is not None


def lines(source: Source) -> list[Piece]:
    """The source's lines, cleaned of junk, rules, page numbers and running heads."""
    return drop_running_heads(cleaned_lines(source.text))


def rejoined(pieces: list[Piece]) -> list[Piece]:
    """Lines (tables already rebuilt by `layout`) with stray page numbers dropped and broken
    sentences rejoined."""
    return rejoin(drop_page_numbers(pieces))


def to_text(source: Source, pieces: list[Piece]) -> Text:
    """Finished lines as one Text."""
    display, origin, lines, pos = [], [], [], 0
    for piece in pieces:
        lines.append(Line(pos, pos + len(piece.text), piece.heading))
        display.append(piece.text)
        origin.extend(piece.origin)
        end = piece.origin[-1] + 1 if piece.origin else 0
        origin.append(end)  # the "\n" between lines maps to the end of the line before it
        pos += len(piece.text) + 1
    text = "\n".join(display)
    if not origin:
        origin = [0]
    return Text(source, text, "\n".join(p.folded for p in pieces), origin, lines)
