"""Documents in a file, their GB/T 9704 header, the TOC left out."""

from __future__ import annotations

import pytest

from duban.extract import extract
from duban.header import parse_date
from duban.ingest import read
from duban.region import region_of
from duban.split import split

from .conftest import SEEDS, text_of


def test_gazette_is_split_after_its_table_of_contents():
    docs = split(text_of(SEEDS[4].read_text(encoding="utf-8")))
    assert len(docs) == 18
    assert docs[0].title == "崔新乐同志在全县领导干部会议上的讲话"  # the TOC is not a document
    assert [d.doc_number for d in docs[1:9]] == [
        "冠政发〔2018〕64号", "冠政发〔2018〕80号", "冠政发〔2018〕83号", "冠政办发〔2018〕41号",
        "冠政办发〔2018〕46号", "冠政办发〔2018〕50号", "冠政办发〔2018〕57号", "冠政办发〔2018〕62号"]
    assert all(d.doc_number is None and d.issuer is None for d in docs[9:])  # news items


def test_header_fields_of_a_notice():
    [doc] = extract(read(SEEDS[3]))
    assert (doc.issuer, doc.doc_number, doc.date, doc.region, doc.public) == (
        "冠县人民政府办公室", "冠政办发〔2024〕1号", "2024-01-31", "冠县", True)
    assert doc.title == "冠县人民政府办公室关于印发《2024年县政府工作报告重点工作任务责任分工方案》的通知"
    assert doc.recipients == "各乡镇人民政府、街道办事处，县经济开发区管委会，县直有关部门（单位）"


def test_two_mastheads_make_two_documents():
    docs = split(text_of(
        "甲县人民政府文件\n甲政发〔2023〕1号\n甲县人民政府关于甲事项的通知\n各乡镇：\n正文。\n甲县人民政府\n2023年1月5日\n"
        "甲县人民政府办公室文件\n甲政办发〔2023〕2号\n甲县人民政府办公室关于乙事项的通知\n各部门：\n正文。\n"
        "甲县人民政府办公室\n二〇二三年二月十日\n（此件不公开）"))
    assert [(d.issuer, d.doc_number, d.date, d.public) for d in docs] == [
        ("甲县人民政府", "甲政发〔2023〕1号", "2023-01-05", None),
        ("甲县人民政府办公室", "甲政办发〔2023〕2号", "2023-02-10", False)]


def test_document_number_brackets_are_normalised():
    [doc] = split(text_of("乙县人民政府文件\n\n乙政发[2021] 7 号\n\n乙县人民政府关于丙的意见"))
    assert doc.doc_number == "乙政发〔2021〕7号"


@pytest.mark.parametrize("issuer,region", [
    ("冠县人民政府办公室", "冠县"),
    ("聊城市东昌府区人民政府办公室", "东昌府区"),
    ("聊城市人民政府", "聊城市"),
    ("中共冠县县委办公室", "冠县"),
    ("山东省人民政府办公厅", "山东省"),
    ("冠县经济开发区管委会", "冠县"),
])
def test_region_of_an_issuer(issuer, region):
    assert region_of(issuer) == region


@pytest.mark.parametrize("title", ["冠县召开2018年上半年经济运行形势调度会", "崔新乐到县政务服务中心现场办公"])
def test_a_news_title_names_no_region(title):
    assert region_of(title, strict=True) is None


@pytest.mark.parametrize("line,iso", [
    ("2023 年 8 月 29 日", "2023-08-29"),
    ("二〇二三年八月二十九日", "2023-08-29"),
    ("(2018年8月11日 根据录音整理)", "2018-08-11"),
    ("2023年13月40日", None),
])
def test_dates(line, iso):
    assert parse_date(line.replace(" ", "")) == iso


def test_a_plan_with_its_own_table_of_contents_is_one_document():
    text = text_of("某县乡村振兴规划（2021—2025年）\n目  录\n第一章 发展基础……1\n第二章 重点任务……5\n"
                   "第一章 发展基础\n基础较好。\n第二章 重点任务\n1. 推进产业。（牵头单位：县农业农村局）")
    [doc] = split(text)
    assert doc.title == "某县乡村振兴规划（2021—2025年）"
    [task] = extract_text(text)
    assert (task.path, task.role("lead_units")) == (["二"], ["县农业农村局"])


def extract_text(text):
    from duban.extract.tasks import extract_tasks
    return [t for d in split(text) for t in extract_tasks(text, d)]


def test_news_items_of_a_gazette_take_the_file_region_not_a_phrase_of_their_lead():
    """"县长崔新乐带领县…" names no place: a region read from a lead sentence comes only when no document
    of the file gives one."""
    docs = split(text_of(SEEDS[4].read_text(encoding="utf-8")))
    assert {d.region for d in docs[9:]} == {"冠县"}
