"""Readers: encodings detected from bytes, docx paragraphs and tables in order, PDF text,
HTML article body; unreadable input is a clear error naming the file."""

from __future__ import annotations

import shutil

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from duban.errors import ReadError
from duban.extract import extract
from duban.ingest import read

from .builders import (
    CJK_FONT,
    make_docx,
    make_image_pdf,
    make_numbered_docx,
    make_pdf,
    make_styled_pdf,
    make_table_pdf,
    saved_as,
)
from .conftest import SEEDS

SAMPLE = "1. 加强实验室布局提升。（牵头单位：县工业和信息化局）"


@pytest.mark.parametrize("encoding,prefix", [
    ("utf-8", b""),
    ("utf-8", b"\xef\xbb\xbf"),  # BOM
    ("gbk", b""),
    ("gb18030", b""),
    ("utf-16", b""),  # carries its own BOM
])
def test_text_encodings_are_detected(write, encoding, prefix):
    path = write("plan.txt", prefix + SAMPLE.encode(encoding))
    source = read(path)
    assert source.text.lstrip("\ufeff") == SAMPLE


TRADITIONAL = ("黑龍江省人民政府關於印發促進經濟穩增長若干措施的通知\n一、推進重大基礎設施建設\n"
               "1.加快國省幹道和農村公路建設，今明兩年投資270億元。（省發改委、交通運輸廳負責）\n")


@pytest.mark.parametrize("name,data", [
    # Big5: GB18030 alone takes most of its bytes and gives mojibake without a complaint
    ("plan.txt", TRADITIONAL.encode("big5")),
    # UTF-16 without a BOM, either byte order
    ("plan.txt", TRADITIONAL.encode("utf-16-le")),
    ("plan.txt", TRADITIONAL.encode("utf-16-be")),
    # a page that declares its charset
    ("page.html", ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=big5'></head><body>"
                   + "".join(f"<p>{ln}</p>" for ln in TRADITIONAL.splitlines()) + "</body></html>").encode("big5")),
])
def test_chinese_encodings_read_right(write, name, data):
    text = read(write(name, data)).text
    assert [ln for ln in text.splitlines() if ln.strip()] == TRADITIONAL.splitlines()


def test_gb18030_bytes_that_are_valid_utf8_are_read_as_gb18030(write):
    assert read(write("toc.txt", "## 目 录\n".encode("gb18030"))).text == "## 目 录\n"


def test_kangxi_radicals_from_a_pdf_exporter_are_ordinary_hanzi(write):
    """"县⼯信局" (U+2F2F ⼯) is the 工 of 县工信局: the unit is found and printed as it should be."""
    [doc] = extract(read(write("plan.txt", "一、重点任务\n1.推进园区建设。（牵头单位：县⼯信局）\n")))
    assert doc.tasks[0].role("lead_units") == ["县工信局"]


def test_gbk_file_named_md_is_read_the_same(write):
    assert read(write("plan.md", SAMPLE.encode("gbk"))).text == SAMPLE


def test_docx_paragraphs_and_tables_in_document_order(tmp_path):
    path = make_docx(tmp_path / "plan.docx", [
        "一、提升政务服务效能",
        [["序号", "工作任务", "牵头单位", "责任单位"], ["1", "深化“一网通办”改革。", "市行政审批服务局", "各县市区"]],
        "二、保障措施",
    ])
    text = read(path).text
    assert text.index("一、提升") < text.index("序号\t工作任务") < text.index("1\t深化") < text.index("二、保障")


def test_docx_automatic_numbering_is_printed_as_word_prints_it(tmp_path):
    """一、/（一）/1. typed by Word's numbering, not by hand: the items keep their markers, numbering restarts
    under each heading, text in a tracked insertion and in a content control is read."""
    path = make_numbered_docx(tmp_path / "plan.docx", [
        (None, "冠县2024年重点工作任务"), (0, "重点任务"), (1, "科技创新"),
        (2, "加强实验室布局。（牵头单位：县科技局）"), (2, "+培育创新平台。（牵头单位：县工信局）"),
        (1, "产业升级"), (2, "[实施技改项目。（牵头单位：县发改局）]"), (4, "技改项目清单"), (0, "保障措施")])
    text = read(path).text
    assert [ln for ln in text.splitlines() if ln][1:] == [
        "一、重点任务", "（一）科技创新", "1.加强实验室布局。（牵头单位：县科技局）", "2.培育创新平台。（牵头单位：县工信局）",
        "（二）产业升级", "1.实施技改项目。（牵头单位：县发改局）", "⑴技改项目清单", "二、保障措施"]
    [doc] = extract(read(path))
    assert [(t.number, t.path, t.role("lead_units")) for t in doc.tasks] == [
        ("1", ["一", "一"], ["县科技局"]), ("2", ["一", "一"], ["县工信局"]), ("1", ["一", "二"], ["县发改局"])]


@pytest.mark.parametrize("levels,start,expected", [
    ((("decimal", "%1."),), 3, ["3.甲", "4.乙"]),  # a list that starts at 3
    ((("ideographTraditional", "%1、"),), 1, ["甲、甲", "乙、乙"]),
    ((("decimalEnclosedCircle", "%1"),), 1, ["①甲", "②乙"]),
    ((("chineseCounting", "第%1章"),), 11, ["第十一章甲", "第十二章乙"]),
])
def test_docx_numbering_formats(tmp_path, levels, start, expected):
    path = make_numbered_docx(tmp_path / "list.docx", [(0, "甲"), (0, "乙")], levels=levels, start=start)
    assert [ln for ln in read(path).text.splitlines() if ln] == expected


def test_docx_table_numbered_by_word(tmp_path):
    """A 序号 column Word numbers itself (its cells hold no typed digit): the rows keep their numbers."""
    path = make_docx(tmp_path / "table.docx", ["冠县2024年重点工作任务分解表", [
        ["序号", "工作任务", "牵头单位"], ["#", "推进园区建设。", "县发改局"], ["#", "加强实验室布局。", "县科技局"]]])
    [doc] = extract(read(path))
    assert [(t.number, t.role("lead_units")) for t in doc.tasks] == [("1", ["县发改局"]), ("2", ["县科技局"])]


def test_docx_numbering_through_a_paragraph_style(tmp_path):
    """A style that numbers its paragraphs (Word's 编号列表 style) numbers them as a numPr of their own would."""
    document = docx.Document()
    for text, style in (("一项", "List Number"), ("二项", "List Number"), ("要点", "List Bullet")):
        document.add_paragraph(text, style=style)
    document.save(tmp_path / "styled.docx")
    assert [ln for ln in read(tmp_path / "styled.docx").text.splitlines() if ln] == ["1.一项", "2.二项", "要点"]


def test_docx_table_becomes_tasks(tmp_path):
    path = make_docx(tmp_path / "ledger.docx", [
        "某县2024年重点工作任务台账",
        [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
         "一、项目建设",
         ["1", "开工建设重点项目20个。", "县发展和改革局", "县财政局、县自然资源局", "2024年6月底前"],
         ["2", "新增规上企业10家。", "县工业和信息化局", "", "2024年12月底前"]],
    ])
    [doc] = extract(read(path))
    assert [(t.number, t.path, t.role("lead_units"), t.role("co_units")) for t in doc.tasks] == [
        ("1", ["一"], ["县发展和改革局"], ["县财政局", "县自然资源局"]),
        ("2", ["一"], ["县工业和信息化局"], []),
    ]
    assert doc.tasks[0].deadlines[0].text == "2024年6月底前"


def test_pdf_text_layer_is_read_and_rejoined(tmp_path):
    lines = SEEDS[3].read_text(encoding="utf-8").splitlines()[20:27]
    path = make_pdf(tmp_path / "plan.pdf", [ln for ln in lines if ln.strip()])
    [doc] = extract(read(path))
    first = doc.tasks[0]
    assert (first.number, first.title, first.role("lead_leaders")) == ("1", "地区生产总值增长6%", ["张怀恒"])
    assert first.role("resp_units") == ["县政府有关部门", "各乡镇（街道）", "县经济开发区"]


LONG = "全面推进重点项目建设，" * 9 + "确保年底前完成。"  # three typeset lines on the page


@pytest.mark.parametrize("lines,per_page,expected", [
    # a paragraph the typesetting wrapped is one line again; a blank line between cells stays
    (["一、重点任务", LONG, "", "县发改局"], 40, ["一、重点任务", LONG, "", "县发改局"]),
    # a sentence ending at the margin by chance, then a numbered item: two paragraphs
    (["任务一" + "全" * 33 + "。", "（二）强化保障"], 40, ["任务一" + "全" * 33 + "。", "（二）强化保障"]),
    # a paragraph wrapped over a page break is joined again; a page that ends a paragraph is set apart
    (["一、重点任务", LONG, "县发改局"], 3, ["一、重点任务", LONG, "县发改局"]),
    (["一、重点任务", "县发改局"], 1, ["一、重点任务", "", "县发改局"]),
    # runs of spaces between cells are kept as printed
    (["1   推进园区建设   县发改局"], 40, ["1   推进园区建设   县发改局"]),
])
def test_pdf_lines_are_read_as_typeset(tmp_path, lines, per_page, expected):
    text = read(make_pdf(tmp_path / "plan.pdf", lines, per_page=per_page)).text
    assert text.split("\n") == expected


def test_pdf_simulated_bold_and_letter_spacing_read_as_printed(tmp_path):
    """A heading in simulated bold prints each character twice ("冠冠县县22002244…"), letter spacing sets
    digits apart ("5 0 亿 元" would be a target of 0 元): both read as the words they print."""
    path = make_styled_pdf(tmp_path / "plan.pdf", [
        ("冠县2024年重点工作任务分解", "bold"), ("一、重点任务", "spaced"),
        ("1.推进园区建设，完成投资50亿元。", "spaced"), ("（牵头单位：县发改局）", "")])
    [doc] = extract(read(path))
    assert (doc.title, doc.region) == ("冠县2024年重点工作任务分解", "冠县")
    [task] = doc.tasks
    assert (task.role("lead_units"), [t["value"] for t in task.targets]) == (["县发改局"], [5_000_000_000])


@pytest.mark.skipif(shutil.which("soffice") is None or not CJK_FONT.exists(), reason="make test installs LibreOffice")
def test_a_pdf_libreoffice_printed_in_bold_and_letter_spacing_reads_as_printed(tmp_path):
    """The same, printed by LibreOffice from Word: a bold face the font lacks (made up by the printer) and
    characters set 10 points apart."""
    document = docx.Document()
    lines = [("冠县2024年重点工作任务分解", True, 0), ("1.推进园区建设，完成投资50亿元。（牵头单位：县发改局）", False, 200)]
    for text, bold, spacing in lines:
        run = document.add_paragraph().add_run(text)
        run.bold, run.font.name = bold, "WenQuanYi Micro Hei"
        run._element.rPr.rFonts.set(qn("w:eastAsia"), "WenQuanYi Micro Hei")
        if spacing:
            run._element.rPr.append(OxmlElement("w:spacing"))
            run._element.rPr[-1].set(qn("w:val"), str(spacing))
    document.save(tmp_path / "plan.docx")
    [doc] = extract(read(saved_as(tmp_path / "plan.docx", ".pdf")))
    assert (doc.title, doc.region) == ("冠县2024年重点工作任务分解", "冠县")
    [task] = doc.tasks
    assert (task.role("lead_units"), [t["value"] for t in task.targets]) == (["县发改局"], [5_000_000_000])


def test_html_keeps_the_article_and_drops_navigation(write):
    page = ("<html><body><div class='nav'>" + "".join(f"<a href='/{i}'>栏目{i}</a>" for i in range(30))
            + "</div><div class='content'><p>一、重点任务</p><p>" + SAMPLE + "</p></div>"
            "<div class='footer'><a href='/c'>版权所有</a></div></body></html>")
    text = read(write("page.html", page)).text
    assert SAMPLE in text and "栏目" not in text and "版权所有" not in text


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\n ", "empty"),
    ("data.txt", b"\x00\x01\x02\x03" + bytes(range(256)) * 4, "binary"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "unreadable image"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".doc"),
    ("fake.docx", b"PK\x03\x04" + b"\x00" * 100, "zip"),
])
def test_unreadable_files_name_the_file_and_reason(write, name, content, reason):
    path = write(name, content)
    with pytest.raises(ReadError) as e:
        read(path)
    assert str(path) in str(e.value) and reason in str(e.value)


def test_encrypted_pdf(tmp_path):
    path = make_pdf(tmp_path / "secret.pdf", [SAMPLE], password="s3cret")
    with pytest.raises(ReadError, match="password"):
        read(path)


def test_a_picture_without_text(tmp_path):
    with pytest.raises(ReadError, match="OCR found no text"):
        read(make_image_pdf(tmp_path / "scan.pdf"))


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="cannot read"):
        read(tmp_path / "nope.txt")


def test_pdf_ruled_table_becomes_tasks(tmp_path):
    path = make_table_pdf(tmp_path / "ledger.pdf", "某县2024年民生实事任务分解表", [
        ["序号", "工作任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "新建改造农村公路120公里，实施危桥改造8座，提升农村公路通行能力。", "县交通运输局", "各乡镇人民政府、县财政局",
         "2024年11月底前"],
        ["2", "新增城镇就业5000人以上。", "县人力资源和社会保障局", "县财政局", "2024年12月底前"],
    ])
    [doc] = extract(read(path))
    assert [(t.number, t.role("lead_units"), t.role("resp_units")) for t in doc.tasks] == [
        ("1", ["县交通运输局"], ["各乡镇人民政府", "县财政局"]),
        ("2", ["县人力资源和社会保障局"], ["县财政局"]),
    ]
    assert doc.tasks[0].title == "新建改造农村公路120公里，实施危桥改造8座，提升农村公路通行能力"
