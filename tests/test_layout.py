"""Tables however a page flattened them, and documents that lost their line breaks, rebuilt before
tasks are read (duban.layout). Each case is a layout met in a real document (tests/real), written
small; the rows come out tab-separated, a category as its own line."""

from __future__ import annotations

import pytest

from duban.layout.cells import assign, holds_units
from duban.layout.columns import column_kind, mapped, segments

from .conftest import text_of


def lines(s: str) -> list[str]:
    t = text_of(s)
    return [t.display[ln.start:ln.end] for ln in t.lines]


@pytest.mark.parametrize("raw,expected", [
    # a header one label per line, a label wrapped over two lines, a page that starts at row 108
    ("序号\n\n项目\n\n牵头\n\n部门\n\n完成\n\n时间\n\n108\n\n继续推进素质教育\n\n教育局\n\n2010年\n\n"
     "109\n\n深化课程改革\n\n教育局\n\n2010年",
     ["序号\t项目\t牵头部门\t完成时间", "108\t继续推进素质教育\t教育局\t2010年", "109\t深化课程改革\t教育局\t2010年"]),
    # no 序号 column: rows numbered in their task cell, a merged 类别 cell before them, units over lines
    ("类别\n指标名称\n年度目标\n责任部门\n高质量发展\n1、地区生产总值增长率\n与市保持同步\n区发改委\n"
     "2、区级财政收入增长率\n6%以上\n区财政局\n区税务局",
     ["类别\t序号\t指标名称\t年度目标\t责任部门", "高质量发展", "\t1、\t地区生产总值增长率\t与市保持同步\t区发改委",
      "\t2、\t区级财政收入增长率\t6%以上\t区财政局、区税务局"]),
    # labels and cells run together without separators
    ("类别序号重点督办内容牵头单位全年完成情况\n预期目标1地区生产总值增长6%左右。区发展改革委地区生产总值增长2.9%。",
     ["类别\t序号\t重点督办内容\t牵头单位\t全年完成情况",
      "预期目标\t1\t地区生产总值增长6%左右。\t区发展改革委\t地区生产总值增长2.9%。"]),
    # labels set off by one space, a units cell one unit per line
    ("序号 目标任务 责任单位 上半年推进情况\n1 地区生产总值增长6%以上。 区发展改革委 同比增长2.9%。\n"
     "2 第一产业增加值增长5%。 区农业农村委\n区林业局\n同比增长3.4%。",
     ["序号\t目标任务\t责任单位\t上半年推进情况", "1\t地区生产总值增长6%以上。\t区发展改革委\t同比增长2.9%。",
      "2\t第一产业增加值增长5%。\t区农业农村委、区林业局\t同比增长3.4%。"]),
    # a category row between rows, numbering restarting under it; an empty cell kept
    ("序号\t工作任务\t牵头单位\t配合单位\n一、项目建设\n1\t开工项目。\t县发改局\t县财政局\n二、民生\n1\t新增就业。\t县人社局\t",
     ["序号\t工作任务\t牵头单位\t配合单位", "一、项目建设", "1\t开工项目。\t县发改局\t县财政局", "二、民生",
      "1\t新增就业。\t县人社局\t"]),
    # a whole document on one line (a repost that lost its line breaks)
    ("某省人民政府 关于明确重点工作责任单位的通知 某政〔2023〕5号 现将任务分解如下。" + "说明。" * 120 +
     " 一、提振市场信心 (一)促进消费。 1.扩大消费。(省商务厅负责) 2.稳定市场。(省发展改革委牵头)",
     ["某省人民政府 关于明确重点工作责任单位的通知", "某政〔2023〕5号", "现将任务分解如下。" + "说明。" * 120,
      "一、提振市场信心", "(一)促进消费。", "1.扩大消费。(省商务厅负责)", "2.稳定市场。(省发展改革委牵头)"]),
    # a label wrapped over two lines that is no label alone ("区政府办" / "协管责任人"), officials' columns
    ("序号\n\n目标任务\n\n责任领导\n\n区政府办\n协管责任人\n\n牵头单位\n\n相关单位\n\n1\n\n财政收入增长15%\n\n"
     "徐  平\n\n陈  曦\n\n区财政局\n\n区国税局\n\n2\n\n投资增长16%\n\n徐  平\n\n陈  曦\n\n区发改局\n\n区统计局",
     ["序号\t目标任务\t责任领导\t区政府办协管责任人\t牵头单位\t相关单位", "1\t财政收入增长15%\t徐  平\t陈  曦\t区财政局\t区国税局",
      "2\t投资增长16%\t徐  平\t陈  曦\t区发改局\t区统计局"]),
    # a table's rows run together on one line, cells set off by runs of spaces: one cell a line, then rows
    ("某市人民政府办公厅   2025年5月12日   某市2025年度优化营商环境工作任务清单   序号   2025年度工作任务   责任单位   一、专项行动   "
     "1   加快建设数字应用，提升查询、统计能力。" + "强化服务企业支撑。" * 40 + "   市市场监管局   2   深化注册资本认缴登记制度改革。   市市场监管局",
     ["某市人民政府办公厅", "2025年5月12日", "某市2025年度优化营商环境工作任务清单", "序号\t2025年度工作任务\t责任单位", "一、专项行动",
      "1\t加快建设数字应用，提升查询、统计能力。" + "强化服务企业支撑。" * 40 + "\t市市场监管局",
      "2\t深化注册资本认缴登记制度改革。\t市市场监管局"]),
    # a row whose task cell numbers items of its own, each with its own cells: the row heads them (吴江)
    ("序号\n项目\n重点工作目标任务\n牵头领导\n责任单位\n1\n主要预期目标\n1.地区生产总值增长5%以上。\n钱 宇\n"
     "区发改委、统计局\n2.一般公共预算收入增长6%以上。\n区财政局\n3.削减污染物排放总量。\n王 嵘\n方 勇\n生态环境局",
     ["序号\t项目\t重点工作目标任务\t牵头领导\t责任单位", "1、主要预期目标", "1.\t\t地区生产总值增长5%以上。\t钱 宇\t区发改委、统计局",
      "2.\t\t一般公共预算收入增长6%以上。\t\t区财政局", "3.\t\t削减污染物排放总量。\t王 嵘、方 勇\t生态环境局"]),
    # a shorter run-on piece: two spaced markers, one after a full stop
    ("为深入贯彻决策部署，" + "推进改革，" * 30 + "制定以下工作要点。 一、持续深化审批制度改革 (一)完善权责清单制度。修订办法。",
     ["为深入贯彻决策部署，" + "推进改革，" * 30 + "制定以下工作要点。", "一、持续深化审批制度改革", "(一)完善权责清单制度。修订办法。"]),
    # … numbered "（1）", a units cell one unit a line: the lead column takes one, the 配合 column the rest (钟楼)
    ("序号\n目标名称\n工作标准\n分管领导\n牵头单位\n配合单位\n1\n主要预期目标\n(1)地区生产总值增长5%左右。\n王旭锋\n"
     "区发改局\n经开区\n各街道\n(2)一般公共预算收入稳定增长。\n区财政局",
     ["序号\t目标名称\t工作标准\t分管领导\t牵头单位\t配合单位", "1、主要预期目标",
      "(1)\t\t地区生产总值增长5%左右。\t王旭锋\t区发改局\t经开区、各街道", "(2)\t\t一般公共预算收入稳定增长。\t\t区财政局\t"]),
    # pipe rows ending with "|", wrapped into shorter lines (a PDF's text layer): each row joined again
    ("序号 | 工作任务 | 牵头单位 | 落实进展情况 |\n1 | 将城镇低保人均补差水平从\n每月574元提高到609元。 | 市民政局 | 已完成\n"
     "。 |\n2 | 提高特困供养人员生活标准。 | 市民政局 | 已完成。 |",
     ["序号\t工作任务\t牵头单位\t落实进展情况", "1\t将城镇低保人均补差水平从每月574元提高到609元。\t市民政局\t已完成。",
      "2\t提高特困供养人员生活标准。\t市民政局\t已完成。"]),
    # items glued after their attribution bracket
    ("(一)地区生产总值增长11%左右。(省发改委负责)(二)公共财政收入增长13%。(省财政厅主办)",
     ["(一)地区生产总值增长11%左右。(省发改委负责)", "(二)公共财政收入增长13%。(省财政厅主办)"]),
])
def test_flattened_tables_and_run_on_lines_are_rebuilt(raw, expected):
    assert lines(raw) == expected


@pytest.mark.parametrize("label,kind", [
    ("序号", "number"), ("工 作 任 务", "text"), ("牵头单位及主要负责人", "lead_units"), ("分管市领导", "lead_leaders"),
    ("协同责任单位", "co_units"), ("2022年预期目标", "text"), ("上半年推进情况", "progress"), ("完成时限", "deadline"),
    ("新增就业5000人，确保稳定。", None),
])
def test_column_labels(label, kind):
    assert column_kind(label) == kind


def test_a_reviewer_mapping_names_labels_the_lexicon_does_not_know():
    assert column_kind("谁来抓") is None
    with mapped({"谁来抓": "lead_units"}):
        assert column_kind("谁来抓") == "lead_units"
    assert column_kind("谁来抓") is None


@pytest.mark.parametrize("squeezed,labels", [
    ("序号工作任务牵头负责部门", ["序号", "工作任务", "牵头负责部门"]),
    ("类别序号重点督办内容牵头单位全年完成情况", ["类别", "序号", "重点督办内容", "牵头单位", "全年完成情况"]),
    ("序号目标任务责任单位上半年推进情况", ["序号", "目标任务", "责任单位", "上半年推进情况"]),
])
def test_run_together_labels_are_cut_at_known_words(squeezed, labels):
    assert [squeezed[a:b] for a, b in segments(squeezed)] == labels


@pytest.mark.parametrize("cell,units", [
    ("区投促局、", True), ("市民政局 伍泽国", True), ("13个街道、镇", True), ("建设公园。", False),
    ("服务中心1处", False), ("与市保持同步", False), ("市发改委、团市委配合落实", True), ("加快推进落实", False),
])
def test_what_a_cell_holds(cell, units):
    assert holds_units(cell) is units


def test_cells_between_two_row_numbers_go_to_the_column_they_fit():
    cells = ["新增就业。", "县人社局、", "县财政局", "6月底前"]
    spans = assign(cells, ["text", "lead_units", "deadline"])
    assert [cells[a:b] for a, b in spans] == [["新增就业。"], ["县人社局、", "县财政局"], ["6月底前"], []]
