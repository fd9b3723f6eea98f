"""The heading tree: nesting learnt from the document, paths as printed."""

from __future__ import annotations

import pytest

from duban import markers
from duban.fold import fold
from duban.outline import build, lists

from .conftest import text_of


def nodes_of(s: str):
    t = text_of(s)
    return build(t, 0, len(t.lines))


@pytest.mark.parametrize("line,kind,printed,value", [
    ("一、总体要求", "cn", "一", 1),
    ("十三、其他", "cn", "十三", 13),
    ("（十三）加强", "cn_paren", "十三", 13),
    ("(二) 让农村更美", "cn_paren", "二", 2),
    ("1. 加强", "num", "1", 1),
    ("71.促进", "num", "71", 71),
    ("3、推进", "num", "3", 3),
    ("（59）公开", "num_paren", "59", 59),
    ("2）推进", "num_rparen", "2", 2),
    ("1。推动轨道交通加速成网", "num", "1", 1),  # a repost's "1。"
    ("①农村供水", "circled", "①", 1),
    ("第三章 保障措施", "chapter", "三", 3),
    ("第二节 加快", "section", "二", 2),
    ("第一部分 总体要求", "part", "一", 1),
    ("专栏2 重点工程", "column", "2", 2),
])
def test_markers(line, kind, printed, value):
    m = markers.match(fold(line))
    assert (m.kind, m.printed, m.value) == (kind, printed, value)


@pytest.mark.parametrize("line", ["一是要正视问题", "3.5%的增长", "2018年相关乡镇", "2.5万亩", "12", "一、"])
def test_not_markers(line):
    assert markers.match(fold(line)) is None


def test_nesting_follows_the_document():
    nodes = nodes_of("一、甲\n1. 子一\n2. 子二\n二、乙\n（一）丙\n3. 子三\n（1）孙\n（二）丁")
    assert [(n.printed, n.path) for n in nodes] == [
        ("一", []), ("1", ["一"]), ("2", ["一"]), ("二", []), ("一", ["二"]), ("3", ["二", "一"]),
        ("1", ["二", "一", "3"]), ("二", ["二"])]


def test_ocr_dot_in_a_number_is_read_as_the_next_number():
    nodes = nodes_of("1.甲\n（1）子\n21.乙\n2.2.丙\n（2）子")
    assert [n.printed for n in nodes] == ["1", "1", "21", "22", "2"]
    assert nodes[-1].path == ["22"]


def test_lists_run_across_chapters():
    nodes = nodes_of("一、甲\n1. a\n2. b\n二、乙\n3. c\n三、丙\n1. d")
    runs = [[n.printed for n in run] for run in lists(nodes)]
    assert runs == [["一", "二", "三"], ["1", "2", "3"], ["1"]]


def test_closing_lines_end_an_item():
    t = text_of("1. 甲。（牵头单位：县财政局）\n抄送：县委办公室。\n2023年8月29日印发")
    [node] = build(t, 0, len(t.lines))
    assert node.lines == [0]


@pytest.mark.parametrize("printed,value", [("12", 12), ("2.3", 23), ("十三", 13), ("1区教委组织召开会议。2联合", 0)])
def test_numeral_value_of_anything_printed(printed, value):
    """A number cell that holds text (a PDF row run together) is worth 0, never an error."""
    assert markers.numeral_value(printed) == value
