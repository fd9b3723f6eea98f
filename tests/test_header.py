"""A document's header read through a saved web page's own lines (duban.header, furniture, region):
breadcrumbs and 发布时间 lines skipped, the page's metadata block read, the title taken by its shape.
Each case is a page layout met in tests/real, written small."""

from __future__ import annotations

import pytest

from duban.fold import fold
from duban.furniture import fields, is_furniture
from duban.split import split

from .conftest import text_of

BODY = "\n一、重点任务\n1.推进园区建设。（牵头单位：市发改委）\n"


def header(s: str) -> tuple:
    doc = split(text_of(s + BODY))[0]
    return doc.issuer, doc.doc_number, doc.title, doc.date, doc.region


@pytest.mark.parametrize("page,expected", [
    # breadcrumb, site name, 发布时间 and 字体 lines before the title; the issuer from the title
    ("简体版 繁體版 信息无障碍\n首页 > 政务公开 > 通知公告\n甲市人民政府关于印发2021年重点任务分工方案的通知\n"
     "时间 : 2021-05-14 来源 : 本网\n【打印】 【字体:\n甲府〔2021〕22号\n各县（区）人民政府：\n现将方案印发给你们。\n甲市人民政府\n2021年3月21日",
     ("甲市人民政府", "甲府〔2021〕22号", "甲市人民政府关于印发2021年重点任务分工方案的通知", "2021-03-21", "甲市")),
    # a metadata block gives the 文号 the body does not print; a 【tag】 before the title
    ("• 索 引 号:XM00102-2023-013\n• 备注/文号:乙营商办〔2023〕7号\n• 成文日期:2023-06-20\n"
     "【营商环境】乙市营商环境工作小组办公室关于印发任务分解表的通知\n发布时间:2023-06-26",
     ("乙市营商环境工作小组办公室", "乙营商办〔2023〕7号", "乙市营商环境工作小组办公室关于印发任务分解表的通知",
      "2023-06-20", "乙市")),
    # a news lead before the plan's own title: the title by its shape, the region from the lead
    ("市长牵头！丙市公布2025年目标任务分解\n时间:2025-02-07 10:04\n640.webp.jpg\n"
     "近日，丙市人民政府办公厅印发通知，公布分解清单。\n2025年政府工作报告目标任务分解清单",
     (None, None, "2025年政府工作报告目标任务分解清单", None, "丙市")),
    # a joint notice keeps the space between its two issuers, and both regions
    ("丁市人民政府办公厅 戊市人民政府办公室关于印发对口合作工作要点的通知\n发布日期:2023-06-29\n各区县人民政府：\n"
     "现印发给你们。\n丁市人民政府办公厅 戊市人民政府办公室\n2023年6月29日",
     ("丁市人民政府办公厅 戊市人民政府办公室", None,
      "丁市人民政府办公厅 戊市人民政府办公室关于印发对口合作工作要点的通知", "2023-06-29", "丁市、戊市")),
    # a page's teaser cut mid-word and a timestamp; the 文号 in brackets under the title; 關于 folded
    ("2025-06-08 15:00\n己省人民政府關于落實振興政策的意見(己政發〔2014〕37號)各市人民政府:為深\n"
     "己省人民政府關于落實振興政策的意見\n(己政發〔2014〕37號)\n各市人民政府:\n現提出以下意見:",
     ("己省人民政府", "己政發〔2014〕37號", "己省人民政府關于落實振興政策的意見", None, "己省")),
    # "附件1" labels a plan, it is no title; "X印发关于…的通知" names its issuer
    ("附件1\n庚市2021年民生实事工作目标", (None, None, None, None, "庚市")),
    ("辛省人民政府印发关于规划纲要的报告工作目标责任分解的通知 辛政发〔2006〕10号 各市、县人民政府: "
     "工作目标责任分解已经省人民政府同意,现印发给你们。" + "请认真贯彻落实。" * 50 + " 二○○六年五月十一日 工作目标责任分解 "
     "一、总体要求 (一)加强领导。",
     ("辛省人民政府", "辛政发〔2006〕10号", "辛省人民政府印发关于规划纲要的报告工作目标责任分解的通知", "2006-05-11", "辛省")),
    # a figure after "达标小区" makes it no district
    ("2023年区政府重点民生实事项目推进情况\n新增四分类“三定一督”达标小区210个",
     (None, None, "2023年区政府重点民生实事项目推进情况", None, None)),
    # a page's site name after the title; "根据市…" names no place
    ("壬市人民政府关于2021年重点工作及责任分解的通知-欧洲杯网络平台\n根据市人大常委会意见，现印发。",
     ("壬市人民政府", None, "壬市人民政府关于2021年重点工作及责任分解的通知", None, "壬市")),
    # the 文号 in brackets at the end of the title's own line
    ("癸省人民政府办公厅关于印发优化营商环境工作要点的通知(癸办发〔2020〕31号)\n来源:本网 发布时间:2020-12-29",
     ("癸省人民政府办公厅", "癸办发〔2020〕31号", "癸省人民政府办公厅关于印发优化营商环境工作要点的通知", None, "癸省")),
    # a title broken after "关于" under a page's metadata lines; a colonless, spaced 文号 field mid-line
    ("公文时效:  有效 发布机构:  市政府办公室\n子市人民政府办公室关于\n落实重点工作分工的意见\n"
     "发布机构 区人民政府办公室 文    号 子政办发〔2025〕1号\n各区县人民政府:",
     ("子市人民政府办公室", "子政办发〔2025〕1号", "子市人民政府办公室关于落实重点工作分工的意见", None, "子市")),
    # a page continued from the one before: the page-turn note is no title; "已经省政府同意" names no place
    ("[接上页]\n《任务分工方案》已经省政府同意，现印发给你们。", (None, None, None, None, None)),
    # a gazette prints the 文号 and the 成文日期 on one line under the title
    ("丑省人民政府\n关于落实重点工作部门分工的意见\n丑府发〔2011〕8号 二○一一年三月十七日\n省政府各部门：",
     ("丑省人民政府", "丑府发〔2011〕8号", "丑省人民政府关于落实重点工作部门分工的意见", "2011-03-17", "丑省")),
    # the State Council binds the whole country
    ("国务院办公厅关于印发量化指标任务分工的通知\n国办函〔2016〕38号",
     ("国务院办公厅", "国办函〔2016〕38号", "国务院办公厅关于印发量化指标任务分工的通知", None, "全国")),
])
def test_header_of_a_saved_web_page(page, expected):
    assert header(page) == expected


@pytest.mark.parametrize("line,furniture", [
    ("[接上页]", True), ("续表", True), ("全文", True), ("政策全文", True), ("（下转第3页）", True), ("接上页工作任务", False),
    ("当前位置：首页 > 政务公开", True), ("政务动态 >媒体聚焦", True), ("浏览次数：1326", True), ("【字体：大 中 小】", True),
    ("640.webp.jpg", True), ("甲市人民政府关于印发方案的通知", False), ("1.推进园区建设。", False),
])
def test_page_furniture(line, furniture):
    assert is_furniture(fold(line)) is furniture


@pytest.mark.parametrize("line,found", [
    ("| 文 号: | 玄政〔2023〕25号 | 关 键 词: | 街道 |", {"doc_number": "玄政〔2023〕25号"}),
    ("发文机关：\t珲春市人民政府办公室\t成文日期：\t2024年03月08日", {"issuer": "珲春市人民政府办公室", "date": "2024年03月08日"}),
    ("- 【发布文号】穗府〔2007〕7号", {"doc_number": "穗府〔2007〕7号"}),
    ("文件编号: 有效性: 有效", {}),
    ("发文文号: 嘉政办发〔2022〕23号 发布机关: 市政府办公室", {"doc_number": "嘉政办发〔2022〕23号"}),
])
def test_metadata_fields(line, found):
    assert fields(fold(line), line) == found
