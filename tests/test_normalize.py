"""OCR/PDF/markdown repair, and the source map that points every character home."""

from __future__ import annotations

import pytest

from duban.fold import fold

from .conftest import text_of


def lines(s: str) -> list[str]:
    t = text_of(s)
    return [t.display[ln.start:ln.end] for ln in t.lines]


@pytest.mark.parametrize("raw,expected", [
    # a word broken by a column break and a blank line
    ("（牵头单位：县工业和信息化局、县教\n\n育和体育局)", ["（牵头单位：县工业和信息化局、县教育和体育局)"]),
    # a role label broken
    ("8. 做好某事。（牵\n\n头单位：县交警大队）", ["8. 做好某事。（牵头单位：县交警大队）"]),
    # a sentence broken after a comma, single newline (PDF line wrap)
    ("加快建设综合性创新创业服务平台，积极对接\n交科院检测技术有限公司。", ["加快建设综合性创新创业服务平台，积极对接交科院检测技术有限公司。"]),
    # complete paragraphs stay apart
    ("一、总体目标\n\n到2025年，基本建成。\n\n二、主要任务", ["一、总体目标", "到2025年，基本建成。", "二、主要任务"]),
    # a heading with 、 is not running text; the field label after it starts a new line
    ("（22）聚焦新旧动能转换、乡村振兴进行政策解读\n\n主要工作：加强解读。", ["（22）聚焦新旧动能转换、乡村振兴进行政策解读", "主要工作：加强解读。"]),
    # a heading cut by a column break
    ("（二）大力发展特色农\n\n业。做优锦橙产业。", ["（二）大力发展特色农业。做优锦橙产业。"]),
    ("（二）大力发展特色农业\n\n做优锦橙、蚕桑产业。", ["（二）大力发展特色农业", "做优锦橙、蚕桑产业。"]),
    # an item marker always starts a new line, even after an unfinished sentence
    ("1. 推进产业链\n\n2. 培育创新", ["1. 推进产业链", "2. 培育创新"]),
    # a field line is not continued by the next field, however short its key
    ("责任单位:海东市、兰州市\n\n人:三市州发展改革部门主要负责同志", ["责任单位:海东市、兰州市", "人:三市州发展改革部门主要负责同志"]),
    # a document number wrapped before its 号
    ("发文文号: 铜政办发〔2025〕1\n号\n发文日期: 2025年02月27日", ["发文文号: 铜政办发〔2025〕1号", "发文日期: 2025年02月27日"]),
    # pinyin a mirror site put after characters
    ("縣經(jīng)濟開發(fā)區(qū)管委會", ["縣經濟開發區管委會"]),
    # markdown headings, bold, html and LaTeX junk
    ("## (一) 围绕**重大决策**部署", ["(一) 围绕重大决策部署"]),
    ("PM_{2.5}浓度下降，PM <sub>2.5</sub>达标", ["PM2.5浓度下降，PM 2.5达标"]),
    # page numbers and rules are dropped, a bare number only inside a sentence
    ("推进重点项目建设，加快\n\n- 12 -\n\n形成新的增长点。", ["推进重点项目建设，加快形成新的增长点。"]),
    ("推进重点项目建设，加快\n\n12\n\n形成新的增长点。", ["推进重点项目建设，加快形成新的增长点。"]),
    ("第一段。\n\n---\n\n第二段。", ["第一段。", "第二段。"]),
    # a signature block interleaved in a sentence stays on its own lines
    ("工业用电量17.4亿千瓦时，比\n\n冠县人民政府  \n2018年9月20日\n\n上年增长4.2%。",
     ["工业用电量17.4亿千瓦时，比", "冠县人民政府", "2018年9月20日", "上年增长4.2%。"]),
    # a fragment repeated after a page break, with the bracket closed too early
    ("（牵头领导：张怀恒；牵头单位：县发展和改革局）\n\n革局；责任单位：县政府有关部门）",
     ["（牵头领导：张怀恒；牵头单位：县发展和改革局；责任单位：县政府有关部门）"]),
    ("（县经信和商务局）\n\n牵头，县农业局配合）", ["（县经信和商务局牵头，县农业局配合）"]),
    ("构建禁烧长效机制。\n\n制，确保空气质量持续改善。", ["构建禁烧长效机制，确保空气质量持续改善。"]),
    # a table pasted one cell per line becomes tab-separated rows
    ("序号\n工作任务\n牵头单位\n完成时限\n1\n新增就业5000人，\n确保稳定。\n县人社局\n年底前\n2\n建设公园。\n县住建局\n6月底前",
     ["序号\t工作任务\t牵头单位\t完成时限", "1\t新增就业5000人，确保稳定。\t县人社局\t年底前", "2\t建设公园。\t县住建局\t6月底前"]),
    # … where blank lines separate the cells, a single newline wraps a cell; a page number goes
    ("序号\n\n工作任务\n\n牵头单位\n\n完成时限\n\n1\n\n建设公园。\n\n县住房城乡建\n设局\n\n年底前\n\n- 3 -\n\n"
     "2\n\n新增就业。\n\n县人社局、\n县财政局\n\n6月底前\n\n某县人民政府办公室",
     ["序号\t工作任务\t牵头单位\t完成时限", "1\t建设公园。\t县住房城乡建设局\t年底前",
      "2\t新增就业。\t县人社局、县财政局\t6月底前", "某县人民政府办公室"]),
])
def test_repairs(raw, expected):
    assert lines(raw) == expected


@pytest.mark.parametrize("raw", [
    "## 东昌府区人民政府办公室 关于印发…的 通知\n\n县教\n\n育和体育局",
    "牽頭單位：縣發展和改革局\r\n責任單位：各鄉鎮",
    "**（四）加强食品生产监管。**开展\n\n行动。（县食药监局）",
])
def test_every_character_maps_back_to_the_same_character(raw):
    t = text_of(raw.replace("\r\n", "\n"))
    for i, ch in enumerate(t.display):
        if ch != "\n":
            assert t.source.text[t.origin[i]] == ch


def test_fold_is_same_length_and_simplifies():
    t = text_of("(牽頭單位:縣發展和改革局,參與單位:縣財政局)")
    assert len(t.fold) == len(t.display)
    assert t.fold == "（牵头单位：县发展和改革局，参与单位：县财政局）"
    assert t.display.startswith("(牽頭單位:")
    assert fold("𠁞") == "𠀾"  # a traditional character beyond the Basic Multilingual Plane too
