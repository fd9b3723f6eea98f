"""Which items are tasks, and their number, path, title and text."""

from __future__ import annotations

import pytest

from duban.extract import extract
from duban.records import Source


def tasks_of(s: str):
    return [t for d in extract(Source(path="x.txt", text=s, format="txt")) for t in d.tasks]


def rows(s: str):
    return [(t.number, t.path, t.role("lead_units"), t.role("resp_units")) for t in tasks_of(s)]


def test_every_item_of_a_mostly_attributed_list_is_a_task():
    assert [t.number for t in tasks_of(
        "一、任务\n1. 甲。（牵头单位：县财政局）\n2. 乙。（牵头单位：县税务局）\n二、保障\n3. 加强组织领导。")] == ["1", "2", "3"]


def test_headings_and_unattributed_lists_are_not_tasks():
    assert tasks_of("一、总体要求\n（一）指导思想。坚持。\n（二）基本原则。坚持。\n二、主要任务\n（一）加强领导。") == []


def test_prose_naming_units_is_not_an_attribution():
    assert tasks_of("一、工作要求\n（一）压实责任。县招商局、县人社局牵头，起草考核办法。\n（二）加强调度。要求各部门。") == []


@pytest.mark.parametrize("item,lead,co,resp", [
    # real documents (tests/real: 兰州, 广西) attribute in sentences: 由…负责，X牵头，Y配合
    ("1、设立试验区事宜\n由杨志武副市长负责,市发改委牵头,相关部门配合,尽快完成方案。", ["市发改委"], ["相关部门"], []),
    ("（一）交通项目。新建公路20条。由县民族局、交通局共同组织实施。", [], [], ["县民族局", "交通局"]),
    # one role tail for lists set apart by commas (周口), on the line after the item
    ("1.抓好重点项目。\n由市发展改革委,各县市区人民政府,市东新区管委会负责落实", [], [],
     ["市发展改革委", "各县市区人民政府", "市东新区管委会"]),
])
def test_sentence_attributions(item, lead, co, resp):
    (task,) = tasks_of(item)
    assert (task.role("lead_units"), task.role("co_units"), task.role("resp_units")) == (lead, co, resp)


def test_unnumbered_lines_each_with_its_attribution_under_a_short_heading_are_items():
    """"（一）约束性指标" over lines that each end with their own bracket (长春); a heading with a sentence of its
    own keeps its lines."""
    assert rows("二、主要目标和任务分工安排\n（一）约束性指标\n耕地保有量保持在2000.9万亩。（市国土局牵头）\n"
                "单位工业增加值用水量达到省要求标准。（市水利局、市工信局等部门按职责分工负责）") == [
        ("1", ["二", "一"], ["市国土局"], []), ("2", ["二", "一"], [], ["市水利局", "市工信局"])]
    assert [t.number for t in tasks_of("一、重点任务\n（一）推进产业升级，加快转型。\n实施技改。（县工信局负责）\n"
                                       "培育企业。（县发改局负责）")] == ["1"]
    assert rows("一、努力扩大内需，促进经济平稳较快发展\n认真落实积极的财政政策。不断完善公共财政体系，加大对民生和社会事业"
                "的投入。优化财政支出结构，集中财力办大事。强化政府性债务管理。（财政厅牵头）\n"
                "加快发展服务业。（商务厅牵头，发展改革委配合）") == [
        ("1", ["一"], ["财政厅"], []), ("2", ["一"], ["商务厅"], [])]


def test_an_attribution_after_sub_points_belongs_to_the_item_above():
    assert rows("一、重点任务\n（一）推进产业升级。\n1. 实施技改项目30个。\n2. 培育专精特新企业10家。\n"
                "牵头单位：县工业和信息化局\n责任单位：各乡镇（街道）\n（二）扩大有效投资。\n1. 开工项目。\n2. 争取债券。\n"
                "牵头单位：县发展和改革局") == [
        ("1", ["一"], ["县工业和信息化局"], ["各乡镇（街道）"]), ("2", ["一"], ["县发展和改革局"], [])]


def test_duty_list_items_name_their_unit_in_the_heading():
    got = rows("四、职责分工\n（一）各乡镇（街道）。负责巡查。\n（二）环保局。负责通报。\n（三）农业局。指导秸秆利用。\n"
               "（四）公路局:负责路面禁烧。")
    assert [r[3] for r in got] == [["各乡镇（街道）"], ["环保局"], ["农业局"], ["公路局"]]


@pytest.mark.parametrize("item,title", [
    ("1. 地区生产总值增长 6%。（牵头单位：县发改局）", "地区生产总值增长6%"),
    ("1. 加快推进重点项目建设（牵头单位：县发改局）", "加快推进重点项目建设"),
    ("1. 强化示范带动，创建省级和美乡村4个、市级和美乡村10个以上，带动全县乡村振兴整体水平明显提升。（牵头单位：县农业农村局）",
     "强化示范带动，创建省级和美乡村4个、市级和美乡村10个以上，"),  # > 40: first 30 characters
    ("1. 推广“服务红色冠县 助力绿色发展”品牌。（牵头单位：县委宣传部）", "推广“服务红色冠县 助力绿色发展”品牌"),
    ("1. 环保局：负责组织协调。（牵头单位：县环保局）", "环保局"),
])
def test_titles(item, title):
    [task] = tasks_of(item)
    assert task.title == title


def test_text_leaves_out_marker_and_attribution_and_spans_point_home():
    source = "一、任务\n\n1. 新增高新技术企业 10 家。（牵头单位：县工业和信息化局；责任单位：各乡镇（街道））\n"
    [task] = tasks_of(source)
    assert task.text == "新增高新技术企业 10 家。"
    assert source[task.span.start:task.span.end].startswith("1. 新增") and task.line == 3
    for m in task.mentions:
        assert source[m.span.start:m.span.end] == m.name


def test_a_part_numbered_with_zhi_is_the_path_of_its_rows():
    """"工作分解之四：社会事业发展" heads part four of a plan split into parts (tests/real: 徐汇); a fraction
    ("三分之一：") is no heading."""
    assert [(t.number, t.path) for t in tasks_of(
        "“十一五”规划工作分解之四：社会事业发展\n序号\t项目\t牵头部门\n108\t推进素质教育。\t教育局\n"
        "109\t深化课程改革。\t教育局")] == [("108", ["四"]), ("109", ["四"])]
    assert tasks_of("三分之一：的乡镇完成改造。（牵头单位：县住建局）") == []


def test_first_listed_leads_under_a_legend_and_a_run_on_heading_names_its_leader():
    """"（首位单位为牵头单位，下同）" (海盐); a heading followed on its line by its helpers and a summary (山西)."""
    tasks = tasks_of("一、重点工作\n1.推进项目。\n责任单位:县发改局、县财政局(首位单位为牵头单位,下同)\n"
                     "2.扩大消费。\n责任单位:县商务局、县市场监管局")
    assert [(t.role("lead_units"), t.role("resp_units")) for t in tasks] == [
        (["县发改局"], ["县财政局"]), (["县商务局"], ["县市场监管局"])]
    (task,) = tasks_of("一、于幼军省长负责的工作(李政文秘书长协助) 对主要工作任务负总责:\n"
                       "(一)省审计厅牵头的工作 强化审计监督。 协同部门:省政府办公厅、财政厅。")
    assert (task.role("lead_leaders"), task.role("lead_units"), task.role("co_units")) == (
        ["于幼军"], ["省审计厅"], ["省政府办公厅", "财政厅"])


def test_a_chapter_leader_and_a_heading_lead_reach_the_work_under_them():
    """"一、X省长负责的工作" leads every item below; "（一）Y牵头的工作" with no item under it is itself the task;
    with items under it, it only groups them (tests/real: 山西, 宁波)."""
    tasks = tasks_of("一、孟学农省长负责的工作\n（一）省监察厅牵头的工作\n加强行政监察工作。\n（二）省编办牵头的工作\n"
                     "1.深化行政管理体制改革。\n2.推进乡镇机构改革。\n协同单位：省财政厅。\n")
    assert [(t.path, t.number, t.role("lead_leaders"), t.role("lead_units")) for t in tasks] == [
        (["一"], "1", ["孟学农"], ["省监察厅"]), (["一", "二"], "1", ["孟学农"], ["省编办"]),
        (["一", "二"], "2", ["孟学农"], ["省编办"])]


@pytest.mark.parametrize("table,expected", [
    # no 序号, the lead column before the task: an empty cell there is merged with the one above (长沙)
    ("牵头单位 | 目标任务 | 责任单位\n市政府办公厅 | 强化行政监督。 | 市直各单位\n | 推进国家安全工作。 | 各区县市\n"
     "市发改委 | 地区生产总值增长13%。 | 统计局",
     [("1", [], ["市政府办公厅"], ["市直各单位"]), ("2", [], ["市政府办公厅"], ["各区县市"]),
      ("3", [], ["市发改委"], ["统计局"])]),
    # … and a data row whose short cells read as labels ("工作", "单位") is no new header
    ("序号 | 牵头单位 | 目标任务 | 责任单位\n1 | 市政府办公厅 | 强化行政监督 | 市直各单位、各区县市\n"
     "2 | | 推进国家安全工作发展 | 市直各单位、各区县市\n3 | 市发改委 | 地区生产总值增长 | 统计局",
     [("1", [], ["市政府办公厅"], ["市直各单位", "各区县市"]), ("2", [], ["市政府办公厅"], ["市直各单位", "各区县市"]),
      ("3", [], ["市发改委"], ["统计局"])]),
    # after the task an empty units cell means none
    ("序号 | 目标任务 | 牵头单位 | 责任单位\n1 | 甲。 | 县财政局 | 县税务局\n2 | 乙。 | 县发改局 | ",
     [("1", [], ["县财政局"], ["县税务局"]), ("2", [], ["县发改局"], [])]),
    # cells one per line after a pipe, rows ended by a lone pipe, the first cell broken where the column was narrow
    ("牵头单位\n| 目 标 任 务\n| 责 任 单 位\n|\n市\n监\n察\n局\n| 反对漠视群众利益。\n| 市直各单位\n|\n"
     "严肃查处腐败行为。\n| 审计局、财政局\n|\n市发改委\n| 地区生产总值增长13%\n| 统计局\n|",
     [("1", [], ["市监察局"], ["市直各单位"]), ("2", [], ["市监察局"], ["审计局", "财政局"]),
      ("3", [], ["市发改委"], ["统计局"])]),
    # a heading's bracket naming the lead of the rows under it (重庆)
    ("序号\t工作任务\t责任单位\n（一）市场准入（牵头单位：市市场监管局）\n1\t建设数字应用。\t区市场监管局\n"
     "2\t深化登记改革。\t区税务局",
     [("1", ["一"], ["市市场监管局"], ["区市场监管局"]), ("2", ["一"], ["市市场监管局"], ["区税务局"])]),
    # "主要责任单位" alone names the responsible units; beside a 协办 column it leads
    ("序号\t工作任务\t主要责任单位\n1\t地区生产总值增长。\t市发改委\n2\t财政收入增长。\t市财政局",
     [("1", [], [], ["市发改委"]), ("2", [], [], ["市财政局"])]),
    ("序号\t工作任务\t主要责任单位\t协办单位\n1\t地区生产总值增长。\t市发改委\t统计局\n2\t财政收入增长。\t市财政局\t",
     [("1", [], ["市发改委"], []), ("2", [], ["市财政局"], [])]),
    # a header column no row fills (全年目标任务) shifts no cell: a units cell must hold units (崇川)
    ("序号 |\n主要任务 |\n全年目标任务 |\n分管 领导 |\n牵头 单位 |\n协同单位 |\n推进情况 |\n"
     "24 |\n优化背街后巷交通组织。 |\n徐国江 |\n城管局 |\n市政局、相关街道 |\n已进场施工。 |\n"
     "25 |\n新增达标小区210个。 |\n徐国江 |\n城管局 |\n环卫处、各街道 |\n已完成。 |",
     [("24", [], ["城管局"], []), ("25", [], ["城管局"], [])]),
    # a merged 任务名称 cell with its own number heads the rows beside 任务内容 (长宁)
    ("领域\t序号\t任务名称\t任务内容\t责任单位\n一、做实主动公开\n\t1\t（一）围绕重大战略做好公开\t公开金融领域推进情况。\t区发改委\n"
     "\t2\t公开虹桥枢纽建设情况。\t\t区商务委",
     [("1", ["一", "一"], [], ["区发改委"]), ("2", ["一", "一"], [], ["区商务委"])]),
    # a row with no units at all shares the merged units cells above it; a row cut mid-text takes none
    ("工作要点\n| 工作任务\n| 牵头单位\n| 参与单位\n|\n打造产业旗舰。\n| 实施5115工程。\n| 市企业发展促进局\n| 各县市区\n|\n"
     "坚持扶优扶强,实施中小企业成长工程。\n|\n发挥区位优势,提升三产业。\n| 市商务局\n| 芦淞区\n|\n发展现代服务业,打造精品",
     [("1", [], ["市企业发展促进局"], []), ("2", [], ["市企业发展促进局"], []), ("3", [], ["市商务局"], [])]),
    # a pipe row opening with its chapter's headings; the first label spans the row numbers (荆州)
    ("工作任务 | 具体要求 | 责任单位 | 时限要求 | ||\n一、以公开助力经济发展。 | (一)加强信息公开。 | 1 | 增强政策透明度。 | "
     "市政府各有关部门 | 持续推进 |\n2 | 开设帮扶政策专题。 | 各县市区人民政府 | 持续推进 | ||",
     [("1", ["一", "一"], [], ["市政府各有关部门"]), ("2", ["一", "一"], [], ["各县市区人民政府"])]),
    # chapter rows before the first row, a heading's number on a line of its own (广州)
    ("序号\n\n重点工作\n\n牵头单位\n\n配合单位\n\n强化科技创新支撑能力。\n\n(一)\n\n加强战略科技力量建设。\n\n"
     "1\n\n建设科技创新轴。\n\n市科技局\n\n黄埔区\n\n2\n\n筹建国家实验室。\n\n市科技局\n\n市财政局",
     [("1", ["一"], ["市科技局"], []), ("2", ["一"], ["市科技局"], [])]),
])
def test_tables_read_as_offices_print_them(table, expected):
    assert rows(table) == expected
