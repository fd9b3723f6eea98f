"""The round's bulletin (通报) as the office sends it: a .docx in the GB/T 9704-2012 look (red
masthead and rule, 仿宋 三号 body on a 28.95 pt grid, 黑体/楷体 headings, bordered tables, "— 1 —"
page numbers) and the same text as Markdown for the web UI. The content is built once as a list of
blocks that both writers only lay out, so the two can never disagree on a figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import cn2an
from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from ..sheets.inert import printable
from ..supervise.records import COLOUR_NAMES, COLOURS, STATUSES, Bulletin
from ..supervise.status import RULES

RED = RGBColor(0xC0, 0x00, 0x00)
XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
BODY_PT, TITLE_PT, TABLE_PT, LINE_PT = 16, 22, 10.5, 28.95  # 三号, 二号, 五号; 22 lines to the page
TEXT_MM = 156  # the 版心 width: 210 - 28 - 26
TITLE_FITS = 19  # full-width characters of 二号 on one line of the 版心 (20, less Latin spacing)
BREAK_BEFORE = ("推进", "落实", "进展", "完成", "情况", "的通报")  # where a title's predicate starts
CENTER, LEFT, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    widths: tuple[int, ...]  # mm, summing to TEXT_MM
    align: str  # one letter a column: l(eft) or c(entre)


Block = tuple[str, "str | Table"]  # (kind, text or table); the kinds are the keys of MD_BLOCKS


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0.0%"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def width(s: str) -> float:
    """Printed width in full-width characters: ASCII half a character, everything else one."""
    return sum(0.5 if ch.isascii() else 1 for ch in s)


# --- the content, built once -------------------------------------------------------------------


def quoted(title: str) -> str:
    """A title to put inside 《》: the marks it holds itself become 〈〉, as a quotation within a quotation."""
    return title.replace("《", "〈").replace("》", "〉")


def opening(b: Bulletin) -> str:
    plans = "".join(f"《{quoted(t)}》" for t in b.documents) + ("确定的" if b.documents else "")
    return (f"为推动{plans}各项重点任务落地落实，{b.issuer}对{b.round_name}重点工作任务推进情况进行了调度。"
            f"现将截至{cn_date(b.as_of)}的有关情况通报如下：")


def totals(b: Bulletin) -> str:
    counts = {s: b.counts.get(s, 0) for s in STATUSES}
    statuses = "，".join(f"{s}{n}项（占{percent(n, b.tasks)}）" for s, n in counts.items())
    colours = "、".join(f"{COLOUR_NAMES[c]}预警{b.colours.get(c, 0)}项" for c in COLOURS)
    return (f"截至{cn_date(b.as_of)}，纳入本期督办的重点任务共{b.tasks}项。其中，{statuses}。"
            f"本期应报送进度情况{b.expected}份，按时报送{b.on_time}份，逾期补报{b.late}份，"
            f"未报送{b.missed}份，报送率{percent(b.reported, b.expected)}。预警情况：{colours}。")


def chapter_table(b: Bulletin) -> Table:
    """One row a chapter and a 合计 row adding them up (no rows at all when there are no chapters)."""
    rows = [(c.chapter, c.tasks, *(c.counts.get(s, 0) for s in STATUSES)) for c in b.chapters]
    if rows:
        rows.append(("合计", *(sum(column) for column in list(zip(*rows, strict=True))[1:])))
    cells = [tuple(map(str, r)) for r in rows]
    return Table(("章节", "任务数", *STATUSES), cells, (44, 14, *(14,) * len(STATUSES)), "l" + "c" * 8)


def behind_table(b: Bulletin) -> Table:
    rows = [(str(i), t.number, t.title, t.units, t.reason) for i, t in enumerate(b.behind, 1)]
    return Table(("序号", "任务编号", "任务名称", "牵头单位", "情况"), rows, (11, 18, 57, 34, 36), "cclll")


def missing_table(b: Bulletin) -> Table:
    rows = [(str(i), m.unit, str(m.missed), "、".join(m.tasks)) for i, m in enumerate(b.missing, 1)]
    return Table(("序号", "单位", "未报送任务数", "涉及任务"), rows, (11, 45, 26, 74), "clcl")


def ranking_table(b: Bulletin) -> Table:
    rows = [(str(r.rank), r.name, f"{r.score:.1f}") for r in b.ranking]
    return Table(("名次", "单位", "得分"), rows, (24, 92, 40), "clc")


def section(heading: str, table: Table, intro: str, empty: str) -> list[Block]:
    return [("h1", heading), *([("para", intro), ("table", table)] if table.rows else [("para", empty)])]


def annex(b: Bulletin) -> list[Block]:
    """The attachment: each ranked unit under a （一） heading, one line a scoring rule applied."""
    out: list[Block] = [("annex", "考核得分说明")]
    for i, r in enumerate(b.ranking, 1):
        out += [("h2", f"（{cn2an.an2cn(i)}）{r.name}（第{r.rank}名，{r.score:.1f}分）")]
        out += [("para", line) for line in r.explanation]
    return out


def blocks(b: Bulletin) -> list[Block]:
    """The bulletin from masthead to attachment, in reading order."""
    ranked = bool(b.ranking)
    out: list[Block] = [("issuer", b.issuer), ("number", b.doc_number), ("title", b.title)]
    out += [("para", opening(b)), ("h1", "一、总体情况"), ("para", totals(b))]
    out += section("二、分章节推进情况", chapter_table(b), "各章节任务推进情况如下：", "本期无分章节统计。")
    out += section("三、进度滞后任务", behind_table(b), f"本期共有{len(b.behind)}项任务进度滞后，具体如下：",
                   "本期无进度滞后任务。")
    out += section("四、未按时报送单位", missing_table(b), f"本期共有{len(b.missing)}个单位未按时报送，具体如下：",
                   "本期各单位均按时报送。")
    out += section("五、考核排名", ranking_table(b), "本期各单位考核得分及排名如下：", "本期未进行考核排名。")
    out += [("para", "各单位得分的具体说明详见附件。")] if ranked else []
    out += [("h1", "六、下一步工作要求"), *(("para", s) for s in RULES["bulletin"]["next_steps"])]
    out += [("attached", "附件：考核得分说明")] if ranked else []
    return [*out, ("sign", f"{b.issuer}\n{cn_date(b.as_of)}"), *(annex(b) if ranked else [])]


# --- Markdown ----------------------------------------------------------------------------------


def md_table(t: Table) -> str:
    def line(cells) -> str:
        return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    rule = line(":---:" if a == "c" else ":---" for a in t.align)
    return "\n".join([line(t.header), rule, *map(line, t.rows)])


MD_BLOCKS = {
    "issuer": lambda s: f"**{s}**", "number": str, "title": lambda s: f"# {s}", "h1": lambda s: f"## {s}",
    "h2": lambda s: f"### {s}", "para": str, "attached": str, "table": md_table,
    "sign": lambda s: s.replace("\n", "  \n"), "annex": lambda s: f"---\n\n## 附件：{s}",
}


def markdown(b: Bulletin) -> str:
    return "\n\n".join(MD_BLOCKS[kind](x) for kind, x in blocks(b)) + "\n"


# --- Word --------------------------------------------------------------------------------------


def set_font(target, name: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    """Font of a run or style, named for Latin (ascii/hAnsi) and Chinese (eastAsia) text alike."""
    target.font.name, target.font.size, target.font.bold = name, Pt(size), bold or None
    if color is not None:
        target.font.color.rgb = color
    target.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def paragraph(doc, text: str, font: str = FANGSONG, size: float = BODY_PT, align=None, indent: float = 2,
              exact: bool = True, **kw):
    """A paragraph of one run; indent in characters of the body size, exact = on the 28.95 pt grid."""
    p = doc.add_paragraph()
    f = p.paragraph_format
    f.alignment, f.first_line_indent, f.space_after = align, Pt(indent * BODY_PT), Pt(0)
    if exact:
        f.line_spacing_rule, f.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(LINE_PT)
    set_font(p.add_run(printable(text)), font, size, **kw)
    return p


def blank(doc, lines: int = 1, keep: bool = False) -> None:
    for _ in range(lines):
        paragraph(doc, "").paragraph_format.keep_with_next = keep or None


def hold(doc) -> None:
    """Keep the last paragraph on the page of what follows (a table's intro, the end of the text)."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True


def heading(doc, s: str, font: str) -> None:
    paragraph(doc, s, font).paragraph_format.keep_with_next = True


def element(tag: str, **attrs: str):
    return OxmlElement(tag, {qn(f"w:{k}"): v for k, v in attrs.items()})


def masthead_pt(name: str) -> float:
    """小初 (36 pt), shrunk so that a long issuer still fits on one line of the 版心."""
    return max(22.0, min(36.0, TEXT_MM * 72 / 25.4 / max(width(name), 1) - 1))


def issuer(doc, s: str) -> None:
    p = paragraph(doc, s, XIAOBIAOSONG, masthead_pt(s), CENTER, 0, exact=False, color=RED)
    p.paragraph_format.space_before = Mm(15)
    blank(doc, 2)


def number(doc, s: str) -> None:
    """The 文号 over the red separator 4 mm below it: the paragraph's bottom border, 1.5 pt."""
    p = paragraph(doc, s, align=CENTER, indent=0)
    rule = element("w:pBdr")
    rule.append(element("w:bottom", val="single", sz="12", space="11", color=str(RED)))
    p._p.get_or_add_pPr().insert_element_before(rule, "w:shd", "w:spacing", "w:ind", "w:jc", "w:rPr")
    blank(doc, 2)


def title_lines(s: str) -> str:
    """A title too long for one line broken in two as GB/T 9704 asks (梯形, words whole): before
    its predicate (推进…, 情况…) if it can, else near the middle; never inside digits or at punctuation."""
    cuts = [i for i in range(1, len(s)) if not s[i - 1:i + 1].isascii() and s[i] not in "，。、；：）》"
            and s[i - 1] not in "（《" and max(width(s[:i]), width(s[i:])) <= TITLE_FITS]
    if width(s) <= TITLE_FITS or not cuts:
        return s
    cut = min(cuts, key=lambda i: (not s.startswith(BREAK_BEFORE, i), abs(width(s[:i]) - width(s) / 2)))
    return f"{s[:cut]}\n{s[cut:]}"


def title(doc, s: str) -> None:
    p = paragraph(doc, title_lines(s), XIAOBIAOSONG, TITLE_PT, CENTER, 0, exact=False)
    p.paragraph_format.line_spacing = Pt(35)
    blank(doc)


def cell_text(cell, text: str, align, bold: bool) -> None:
    """One cell: 仿宋 五号 on single spacing, vertically centred."""
    p = cell.paragraphs[0]
    p.paragraph_format.alignment, p.paragraph_format.space_after = align, Pt(0)
    set_font(p.add_run(printable(text)), FANGSONG, TABLE_PT, bold=bold)
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER


def grid_for(doc, t: Table):
    """An empty bordered table centred in fixed column widths, cells padded 1 mm left and right."""
    grid = doc.add_table(rows=len(t.rows) + 1, cols=len(t.header), style="Table Grid")
    grid.alignment, grid.autofit = WD_TABLE_ALIGNMENT.CENTER, False
    padding = element("w:tblCellMar")
    padding.extend(element(f"w:{side}", w="57", type="dxa") for side in ("left", "right"))
    grid._tbl.tblPr.insert_element_before(padding, "w:tblLook", "w:tblCaption", "w:tblDescription")
    for j, mm in enumerate(t.widths):
        grid.columns[j].width = Mm(mm)
    return grid


def table(doc, t: Table) -> None:
    """The table kept with its intro, header and 合计 bold, the header repeated on every page and no
    row split across two."""
    hold(doc)
    grid = grid_for(doc, t)
    for i, (row, texts) in enumerate(zip(grid.rows, (t.header, *t.rows), strict=True)):
        row.height, row.height_rule = Mm(8), WD_ROW_HEIGHT_RULE.AT_LEAST
        flags = ("w:cantSplit", "w:tblHeader") if i == 0 else ("w:cantSplit",)
        row._tr.get_or_add_trPr().extend(map(element, flags))
        for cell, text, mm, a in zip(row.cells, texts, t.widths, t.align, strict=True):
            cell.width = Mm(mm)
            cell_text(cell, text, CENTER if i == 0 or a == "c" else LEFT, i == 0 or texts[0] == "合计")


def signature(doc, s: str) -> None:
    """署名 over 成文日期, the date 4 characters in from the right and the issuer centred over it
    (room for the seal), both kept on the page of the last lines of text."""
    issuer, day = s.split("\n")
    hold(doc)
    blank(doc, 2, keep=True)
    for text, chars in ((issuer, max(0, 4 + (width(day) - width(issuer)) / 2)), (day, 4)):
        f = paragraph(doc, text, align=RIGHT, indent=0).paragraph_format
        f.right_indent, f.keep_with_next = Pt(chars * BODY_PT), text != day


def attachment(doc, s: str) -> None:
    """The attachment on a new page: 附件 in 黑体 flush left, then its own title."""
    paragraph(doc, "", indent=0).runs[0].add_break(WD_BREAK.PAGE)
    paragraph(doc, "附件", HEITI, indent=0)
    blank(doc)
    title(doc, s)


DOCX_BLOCKS = {
    "issuer": issuer, "number": number, "title": title, "h1": lambda doc, s: heading(doc, s, HEITI),
    "h2": lambda doc, s: heading(doc, s, KAITI), "para": paragraph,
    "attached": lambda doc, s: (hold(doc), blank(doc, keep=True), paragraph(doc, s)), "table": table,
    "sign": signature, "annex": attachment,
}


def page_number(p, align, side: str) -> None:
    """"— 1 —" in 四号宋体, one character in from the outer edge, the number a PAGE field."""
    p.paragraph_format.alignment = align
    setattr(p.paragraph_format, f"{side}_indent", Pt(14))
    for text in ("— ", "1", " —"):
        set_font(p.add_run(text), SONGTI, 14)
    field, number = element("w:fldSimple", instr=" PAGE "), p.runs[1]._r
    number.addprevious(field)
    field.append(number)


def page_setup(doc) -> None:
    """A4 with the GB/T 9704 margins, odd page numbers right and even ones left, 仿宋 三号 Chinese."""
    s = doc.sections[0]
    s.page_width, s.page_height, s.footer_distance = Mm(210), Mm(297), Mm(22)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    doc.settings.odd_and_even_pages_header_footer = True
    page_number(s.footer.paragraphs[0], RIGHT, "right")
    page_number(s.even_page_footer.paragraphs[0], LEFT, "left")
    normal = doc.styles["Normal"]
    set_font(normal, FANGSONG, BODY_PT)
    normal.paragraph_format.space_after, normal.paragraph_format.line_spacing = Pt(0), 1.0
    normal.element.rPr.append(element("w:lang", val="en-US", eastAsia="zh-CN"))  # Chinese line breaking


def write_docx(b: Bulletin, path: Path) -> None:
    doc = Document()
    page_setup(doc)
    for kind, x in blocks(b):
        DOCX_BLOCKS[kind](doc, x)
    doc.save(str(path))
