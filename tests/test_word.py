"""The round's bulletin written as .docx and read back with python-docx: the GB/T 9704 page, the
masthead, the figures in sentences and tables, the fallbacks for empty lists, and the Markdown
twin carrying the very same text; a LibreOffice round trip when soffice is installed."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from dataclasses import replace
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import RGBColor

from duban.supervise.records import STATUSES, BehindTask, Bulletin, ChapterFigures, MissingUnit, Ranked
from duban.word.bulletin import markdown, totals, write_docx

TITLE = "关于2024年6月重点工作任务推进情况的通报"
CHAPTERS = [
    ("一、聚焦扩大有效需求，推动经济运行持续向好", (6, 4, 24, 3, 1, 4, 0)),
    ("二、聚焦产业转型升级，加快构建现代化产业体系", (5, 3, 22, 2, 2, 3, 1)),
    ("三、聚焦民生福祉改善，扎实办好民生实事", (4, 2, 26, 1, 0, 7, 1)),
]
BEHIND = [
    ("（一）3", "新开工亿元以上项目30个以上，固定资产投资增长8%", "县发展改革局", "完成比例40%，低于序时进度50.0%"),
    ("（一）7", "社会消费品零售总额增长6%", "县商务局", "完成比例42%，低于序时进度50.0%"),
    ("（一）12", "新建改造农村公路100公里", "县交通运输局", "完成比例35%，低于序时进度50.0%"),
    ("（二）5", "推进经济开发区污水处理厂二期建设", "冠县经济开发区管委会、县住房城乡建设局", "已逾期12个工作日"),
    ("（二）9", "新认定高新技术企业10家", "县科技局", "完成比例20%，低于序时进度50.0%"),
    ("（三）1", "新增城镇就业3500人", "县人力资源社会保障局", "完成比例45%，低于序时进度50.0%"),
]
RANKING = [
    (1, "县财政局", 98.5, ["基础分100.0分", "1份进度情况逾期补报，扣1.5分"]),
    (2, "县住房城乡建设局", 96.0, ["基础分100.0分", "1项任务进度滞后，扣3.0分", "1份进度情况逾期补报，扣1.5分",
                             "1项任务超进度，加0.5分"]),
    (2, "县农业农村局", 96.0, ["基础分100.0分", "2项任务进度滞后，扣6.0分", "2项任务超进度，加2.0分"]),
    (4, "县自然资源局", 88.5, ["基础分100.0分", "6份进度情况未报送，扣12.0分", "1项任务超进度，加0.5分"]),
]
MISSING_TASKS = ["（一）4", "（一）9", "（二）2", "（二）11", "（三）6", "（三）8"]


def sample() -> Bulletin:
    """June 2024 in 冠县: 121 tasks in three chapters, six behind, one unit silent, a tie for 2nd."""
    chapters = [ChapterFigures(name, sum(c), dict(zip(STATUSES, c, strict=True))) for name, c in CHAPTERS]
    return Bulletin(
        issuer="冠县人民政府督查室", title=TITLE, doc_number="冠督通〔2024〕  号", round_name="2024年6月",
        as_of=date(2024, 6, 30), documents=["冠县2024年政府工作报告重点工作任务分解方案"],
        tasks=121, counts=dict(zip(STATUSES, (15, 9, 72, 6, 3, 14, 2), strict=True)),
        colours={"red": 2, "yellow": 6, "blue": 3}, expected=156, on_time=141, late=9, missed=6,
        chapters=chapters,
        behind=[BehindTask(f"T{i}-9f1c", n, t, u, "滞后", r) for i, (n, t, u, r) in enumerate(BEHIND)],
        missing=[MissingUnit("县自然资源局", 6, MISSING_TASKS)],
        ranking=[Ranked(r, n, s, e) for r, n, s, e in RANKING],
    )


def written(b: Bulletin, tmp_path):
    path = tmp_path / "bulletin.docx"
    write_docx(b, path)
    return docx.Document(str(path))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def test_page_is_a4_with_the_gb_margins(tmp_path):
    s = written(sample(), tmp_path).sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    margins = (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_masthead_is_red_with_the_number_over_a_red_rule(tmp_path):
    document = written(sample(), tmp_path)
    issuer, number = document.paragraphs[0], next(p for p in document.paragraphs if "冠督通" in p.text)
    run = issuer.runs[0]
    assert issuer.text == "冠县人民政府督查室" and run.font.color.rgb == RGBColor(0xC0, 0, 0)
    assert run.font.size.pt >= 26 and run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert number.text == "冠督通〔2024〕  号"
    assert number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "C00000"


def test_title_and_signature(tmp_path):
    document = written(sample(), tmp_path)
    title = next(p for p in document.paragraphs if p.text.replace("\n", "") == TITLE)
    assert title.text == "关于2024年6月重点工作任务\n推进情况的通报"  # broken before the predicate
    assert title.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].font.size.pt == 22
    assert texts(document).count("2024年6月30日") == 1
    assert "现将截至2024年6月30日的有关情况通报如下：" in texts(document)[texts(document).index(title.text) + 2]


def test_a_title_holding_its_own_marks_is_quoted_with_single_ones(tmp_path):
    """《关于印发《X》的通知》 nests one mark in another: the inner pair becomes 〈〉."""
    b = replace(sample(), documents=["冠县人民政府办公室关于印发《冠县2024年重点工作任务》的通知"])
    opening = next(t for t in texts(written(b, tmp_path)) if t.startswith("为推动"))
    assert "《冠县人民政府办公室关于印发〈冠县2024年重点工作任务〉的通知》" in opening


def test_totals_sentence_carries_the_figures(tmp_path):
    sentence = next(t for t in texts(written(sample(), tmp_path)) if "纳入本期督办" in t)
    for figure in ("共121项", "已完成15项（占12.4%）", "序时推进72项（占59.5%）", "已延期2项（占1.7%）",
                   "应报送进度情况156份", "按时报送141份", "逾期补报9份", "未报送6份", "报送率96.2%",
                   "红色预警2项", "黄色预警6项", "蓝色预警3项"):
        assert figure in sentence


def test_tables_have_their_headers_and_rows(tmp_path):
    tables = written(sample(), tmp_path).tables
    assert [rows(t)[0] for t in tables] == [
        ["章节", "任务数", *STATUSES], ["序号", "任务编号", "任务名称", "牵头单位", "情况"],
        ["序号", "单位", "未报送任务数", "涉及任务"], ["名次", "单位", "得分"]]
    chapters, behind, missing, ranking = (rows(t)[1:] for t in tables)
    assert chapters[0] == [CHAPTERS[0][0], "42", "6", "4", "24", "3", "1", "4", "0"]
    assert chapters[-1] == ["合计", "121", "15", "9", "72", "6", "3", "14", "2"] and len(chapters) == 4
    assert behind == [[str(i), *row] for i, row in enumerate(BEHIND, 1)]
    assert missing == [["1", "县自然资源局", "6", "、".join(MISSING_TASKS)]]
    assert ranking == [["1", "县财政局", "98.5"], ["2", "县住房城乡建设局", "96.0"],
                       ["2", "县农业农村局", "96.0"], ["4", "县自然资源局", "88.5"]]
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None for t in tables)


def test_attachment_explains_each_score(tmp_path):
    lines = texts(written(sample(), tmp_path))
    assert "附件：考核得分说明" in lines and "（二）县住房城乡建设局（第2名，96.0分）" in lines
    assert lines.index("（四）县自然资源局（第4名，88.5分）") < lines.index("6份进度情况未报送，扣12.0分")


def test_footer_numbers_pages_between_dashes(tmp_path):
    footer = written(sample(), tmp_path).sections[0].footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))] == [" PAGE "]


EMPTY = {
    "chapters": ("本期无分章节统计。", "章节"),
    "behind": ("本期无进度滞后任务。", "任务编号"),
    "missing": ("本期各单位均按时报送。", "未报送任务数"),
    "ranking": ("本期未进行考核排名。", "得分"),
}


@pytest.mark.parametrize("field", list(EMPTY))
def test_empty_lists_give_a_sentence_not_a_table(tmp_path, field):
    document = written(dataclasses.replace(sample(), **{field: []}), tmp_path)
    fallback, header = EMPTY[field]
    assert fallback in texts(document) and len(document.tables) == 3
    assert all(header not in rows(t)[0] and len(t.rows) > 1 for t in document.tables)
    assert ("附件：考核得分说明" in texts(document)) == (field != "ranking")


def test_all_lists_empty(tmp_path):
    b = dataclasses.replace(sample(), chapters=[], behind=[], missing=[], ranking=[], documents=[])
    document = written(b, tmp_path)
    assert document.tables == [] and all(fallback in texts(document) for fallback, _ in EMPTY.values())


def test_markdown_has_the_same_text_and_figures(tmp_path):
    b = sample()
    md, document = markdown(b), written(b, tmp_path)
    assert f"# {TITLE}" in md.splitlines() and "## 一、总体情况" in md and totals(b) in md
    assert "| 合计 | 121 | 15 | 9 | 72 | 6 | 3 | 14 | 2 |" in md and "| 2 | 县农业农村局 | 96.0 |" in md
    assert all(p.replace("\n", "") in md for p in texts(document) if p.strip() and p != "附件")
    assert all("| " + " | ".join(r) + " |" in md for t in document.tables for r in rows(t))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_bulletin(tmp_path):
    source = tmp_path / "bulletin.docx"
    write_docx(sample(), source)
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(source)], check=True, timeout=120, capture_output=True)
    pdf = tmp_path / "bulletin.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
        text = "".join(text.split())  # pdftotext spaces digits off CJK and breaks lines
        assert TITLE in text and "聚焦扩大有效需求" in text
