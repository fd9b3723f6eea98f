"""A document's GB/T 9704 header: 版头 (issuer), 文号, title, recipients, signature date, 公开
line, and the region its units belong to. A saved web page prints its own lines around the
document (breadcrumbs, 发布时间, an 索引号 block): they are skipped, the page's metadata fills what
the document does not print, and the title is taken by its shape, not by its line."""

from __future__ import annotations

import re

import cn2an

from . import markers
from .fold import fold
from .furniture import is_page_line, metadata
from .lexicon import load
from .records import Document, Text
from .region import region_in, region_of

LEX = load("header")
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,16})\s*[〔（\[]\s*(\d{4})\s*[〕）\]]\s*(\d{1,4})\s*号")
ORGAN = "|".join(sorted(map(re.escape, LEX["organ_suffixes"]), key=len, reverse=True))
SITE_SUFFIX = re.compile(r"\s*[-_–—]+\s*[^-_–—|]{2,24}$")
ATTACHMENT_LABEL = re.compile(r"^附\s*件\s*\d*[：:]?$")
TITLE_LABEL = re.compile(r"^(?:名称|标题|文件名称|文件标题)[:：]")
META_NUMBER = re.compile(r"(?:(?:发文字号|发文文号|发文序号|文号|文件编号)：?)?")  # a web page's metadata block
MASTHEAD = re.compile(rf"^([\u4e00-\u9fff（）]{{2,40}}?(?:{ORGAN}))\s*文\s*件$")
ISSUER_LINE = re.compile(rf"^(.{{2,40}}?(?:{ORGAN}))$")
JOINT_NEXT = re.compile(rf"^[\u4e00-\u9fff]{{2,30}}?(?:{ORGAN})")
ISSUER_IN_TITLE = re.compile(rf"^(.{{2,60}}?(?:{ORGAN}))(?:印发)?关于")  # "X印发关于…的通知" too
GENRES = tuple(LEX["genres"])
TITLE_ENDS = GENRES + tuple(LEX["title_endings"])
QUOTED_GENRES = tuple(g + "》" for g in GENRES)
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
CN_DATE = re.compile(r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日")
TITLE_LINES = 5  # a title printed over this many lines at most
HEADER_LINES = 12  # the header zone: 版头, 文号, title, recipients, within the first lines
PAGE_LINES = 30  # a web page's own lines before the document, at most
SENTENCE = re.compile(r"[，。；！？：]")
TAG = re.compile(r"^〔[^〔〕]{1,20}〕(?=.)")  # "【市政府重点工作】滁州市人民政府关于…" (folded brackets)


def squeeze(s: str) -> str:
    return "".join(s.split())


def read_header(text: Text, shown: list[str], folded: list[str], first: int, last: int) -> Document:
    doc = Document(source=text.source.path)
    start = next((i for i in range(first, min(last, first + PAGE_LINES)) if not is_page_line(folded[i])), first)
    title_at, title_until, number_line = start, None, start
    for i in range(start, min(last, start + HEADER_LINES)):
        f, printed = squeeze(folded[i]), squeeze(shown[i])
        masthead = MASTHEAD.match(f)
        if masthead and i == start:
            doc.issuer = organs(shown[i], len(masthead.group(1)))
            title_at = i + 1
        elif (number := DOC_NUMBER.match(f, number_at(f))) and doc.doc_number is None:
            doc.doc_number = as_printed(printed, number)
            above = next((k for k in range(i - 1, start - 1, -1) if not is_page_line(folded[k])), None)
            before = squeeze(folded[above]) if above is not None else ""  # a page's timestamp between left out
            if doc.issuer is None and ISSUER_LINE.match(before):
                doc.issuer = organ_spaced(shown[above])
            elif above is not None and before.endswith(GENRES) and above >= title_at:
                title_at, title_until = title_above(folded, title_at, above + 1), above + 1  # web pages, gazettes
                number_line = i
                break
            title_at = i + 1
            break
    title_end = read_title(doc, shown, folded, title_at, title_until or last, whole=title_until is not None)
    title_end = max(title_end, number_line)  # the number under the title, a page's lines between them
    title_end = title_by_shape(doc, shown, folded, title_at if doc.title else start, title_end, last)
    number_after_title(doc)
    signer = read_after_title(doc, shown, folded, max(title_end, title_at), last)
    zone = slice(first, max(start, title_end) + HEADER_LINES)
    doc.issuer = doc.issuer or signer  # the document's own signature before the page's 发文单位 ("区政府办")
    from_page(doc, metadata(folded[zone], shown[zone]))
    doc.issuer = doc.issuer or issuer_in_title(doc.title)
    doc.region = joint_region(doc.issuer) if doc.issuer else \
        region_of(fold(doc.title or ""), doc.title, strict=True)
    doc.region = doc.region or (region_in(doc.title) if doc.title else None)
    begin, end = text.lines[first], text.lines[last - 1]
    doc.span = text.span(begin.start, end.end)
    doc.lines, doc.body_line = (first, last), title_end
    return doc


def as_printed(printed: str, number: re.Match) -> str:
    """A document number matched on the folded text, as printed, its brackets normalised to 〔〕."""
    return f"{printed[number.start(1):number.end(1)]}〔{number.group(2)}〕{number.group(3)}{printed[number.end() - 1]}"


def number_after_title(doc: Document) -> None:
    """"…的通知（川办发〔2020〕31号）" on one line: the number is the document's, not the title's."""
    f = fold(doc.title or "")
    if doc.doc_number is None and f.endswith("）") and (at := f.rfind("（")) > 0 \
            and (number := DOC_NUMBER.fullmatch(f, at + 1, len(f) - 1)):
        doc.doc_number, doc.title = as_printed(doc.title, number), doc.title[:at]


def number_at(f: str) -> int:
    """Where a line's document number would start: after a metadata label or an opening bracket
    ("（吉政发〔2014〕37号）" under the title)."""
    at = META_NUMBER.match(f).end()
    return at + 1 if f.startswith("（", at) and f.endswith("）") else at


def title_above(folded: list[str], first: int, number_at: int) -> int:
    """First line of a title printed just above the document number (up to three lines)."""
    start = number_at - 1
    while start - 1 >= max(first, number_at - 3) and not re.search(r"[，。；：】〕]", folded[start - 1]):
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


def read_title(doc: Document, shown: list[str], folded: list[str], at: int, last: int, whole: bool = False) -> int:
    """Title from line `at` (joined with following lines until it ends with a genre word, or all
    lines to `last` when `whole`); returns the index of the first line after it. A file that
    starts with its outline has none."""
    if at < last and (markers.match(folded[at]) is not None or "\t" in folded[at]):  # outline or table
        return at
    parts = list(range(at, last)) if whole else []
    for i in range(at, at if whole else min(last, at + TITLE_LINES)):
        f = squeeze(folded[i])
        if parts and markers.match(f):  # the outline began: no genre word ended a title
            parts = parts if whole else parts[:1]
            break
        if f.endswith("：") or DOC_NUMBER.match(f) or (parts and DATE.search(f)):
            break
        parts.append(i)
        if f.endswith(GENRES) or (f.endswith(QUOTED_GENRES) and not goes_on(folded, i + 1, last)):
            break
    else:
        parts = parts if whole else parts[:1]
    doc.title = clean_title("".join(organ_spaced(shown[i]) for i in parts),
                            "".join(organ_spaced(folded[i]) for i in parts))
    return at + max(len(parts), 1)


def goes_on(folded: list[str], i: int, last: int) -> bool:
    """A title line ending with a quoted name ("2022年《政府工作报告》") goes on when the next line is
    a short one ending with a genre ("目标任务责任分解方案")."""
    f = squeeze(folded[i]) if i < last else ""
    return 0 < len(f) <= 30 and f.endswith(GENRES) and not SENTENCE.search(f) and markers.match(f) is None


def organ_spaced(line: str) -> str:
    """The line without spaces, but for one between two issuing organs ("济南市人民政府办公厅
    临沂市人民政府办公室关于…": a joint notice)."""
    words = line.split()
    out = words[0] if words else ""
    for word in words[1:]:
        joint = re.search(f"(?:{ORGAN})$", out) and JOINT_NEXT.match(word) and not word.startswith("关于")
        out += (" " if joint else "") + word
    return out


def clean_title(printed: str, folded: str) -> str | None:
    """The title without a page's tag before it, wrapping 《》, a trailing rule or junk marks."""
    if len(printed) != len(folded):
        printed = folded
    if m := TAG.match(folded):
        printed, folded = printed[m.end():], folded[m.end():]
    if folded.startswith("《") and folded.endswith("》") and folded.count("《") == 1:
        printed, folded = printed[1:-1], folded[1:-1]
    printed = re.sub(r"!{2,}", "", TITLE_LABEL.sub("", printed)).rstrip("|")
    if (site := SITE_SUFFIX.search(printed)) and printed[:site.start()].endswith(GENRES):
        printed = printed[:site.start()]  # "…的通知-某某网络平台": the page's site name after the title
    if ATTACHMENT_LABEL.match(folded):
        return None  # "附件1" over an attached plan labels it; the plan's own title follows
    half = len(printed) // 2
    if half and printed[:half] == printed[half:]:  # a page heading repeating the document's own
        printed = printed[:half]
    return printed or None


def titled(title: str | None) -> bool:
    """Shaped like a title: short, no sentence in it, ending with a genre or a table's name."""
    if not title or len(title) > 100 or SENTENCE.search(fold(title)) or is_page_line(fold(title)):
        return False
    core = re.sub(r"[（(][^（）()]{1,12}[）)]$", "", title.rstrip("》|"))
    return core.endswith(TITLE_ENDS)


def title_by_shape(doc: Document, shown: list[str], folded: list[str], at: int, end: int, last: int) -> int:
    """Where the line read as the title is no title (a news lead, a table's header row), the first
    line shaped like one in the header zone; none: no title. Returns the first body line."""
    if titled(doc.title):
        return end
    for i in range(at, min(last, at + 2 * HEADER_LINES)):
        if is_page_line(folded[i]) or "\t" in folded[i]:
            continue
        if markers.match(folded[i]) is not None or squeeze(folded[i]).endswith("："):  # the outline or the body began
            break
        first = opening(folded, at, i)
        title = clean_title("".join(map(squeeze, shown[first:i + 1])), "".join(map(squeeze, folded[first:i + 1])))
        if titled(title):
            doc.title = title
            return i + 1
    if doc.title and (SENTENCE.search(fold(doc.title)) or len(doc.title) > 100 or "|" in doc.title or "\t" in doc.title):
        doc.title = None
        return at
    return end


def opening(folded: list[str], at: int, i: int) -> int:
    """The first line of a title broken before line i: "X人民政府关于" / "推动…发展" / "若干举措的通知"."""
    for k in range(i - 1, max(at, i - TITLE_LINES) - 1, -1):
        f = squeeze(folded[k])
        if SENTENCE.search(f) or is_page_line(folded[k]) or f.endswith(GENRES):
            break
        if f.endswith("关于") or "关于" in f:
            return k
    return i


def from_page(doc: Document, page: dict[str, str]) -> None:
    """Fields the document does not print, from the page's metadata block."""
    printed = "".join(page.get("doc_number", "").split())
    if doc.doc_number is None and (number := DOC_NUMBER.search(fold(printed))):
        doc.doc_number = as_printed(printed, number)
    if doc.title is None and titled(page.get("title")):
        doc.title = page["title"]
    if doc.issuer is None and ISSUER_LINE.match(page.get("issuer", "")):
        doc.issuer = page["issuer"]
    if doc.date is None and page.get("date"):
        doc.date = parse_date(page["date"])


def issuer_in_title(title: str | None) -> str | None:
    """"X关于印发…的通知": X is the issuer when it names an organ."""
    m = ISSUER_IN_TITLE.match(fold(title or ""))  # folded: "…關于…" too; the printed organ is returned
    return title[m.start(1):m.end(1)] if m and not SENTENCE.search(m.group(1)) else None


def read_after_title(doc: Document, shown: list[str], folded: list[str], at: int, last: int) -> str | None:
    """Recipients, dateline, signature date and 公开 line after the title; returns the
    signing organ printed above the signature date, if any."""
    signer = None
    for i in range(at, last):
        f = squeeze(folded[i])
        if (number := DOC_NUMBER.match(f)) and i < at + 2:
            if doc.date is None and is_date_line(f[number.end():]):  # a gazette prints 文号 and 成文日期 together
                doc.date = parse_date(f[number.end():])
            continue
        if doc.recipients is None and i < at + 3 and f.endswith("：") and len(f) < 120:
            doc.recipients = shown[i].strip().rstrip(":：")
        elif doc.date is None and ((i < at + 2 and f.startswith("（") and DATE.match(f[1:])) or is_date_line(f)):
            doc.date = parse_date(f)
            before = squeeze(folded[i - 1]) if i > at else ""
            if ISSUER_LINE.match(before):
                signer = organ_spaced(shown[i - 1])
        for words, public in LEX["publicity"].items():
            if doc.public is None and f.strip("（）") == words:
                doc.public = public
    return signer


def is_date_line(f: str) -> bool:
    return bool(DATE.fullmatch(f) or CN_DATE.fullmatch(f))


def parse_date(f: str) -> str | None:
    m = DATE.search(f) or ISO_DATE.search(f)
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


def joint_region(issuer: str) -> str | None:
    """Each issuing organ's jurisdiction, joined with 、 for a joint notice ("济南市、临沂市")."""
    found = [r for organ in issuer.split() if (r := region_of(fold(organ), organ))]
    return "、".join(dict.fromkeys(found)) or None
