"""Attributions in every format of DESIGN.md, and what is not an attribution."""

from __future__ import annotations

import pytest

from duban.extract.roles import find
from duban.extract.units import unit_like, unit_spans
from duban.fold import fold

L, C, R, U, P = "lead_units", "co_units", "resp_units", "unattributed_units", "lead_leaders"


def roles_in(s: str) -> dict[str, list[str]]:
    f = fold(s)
    out: dict[str, list[str]] = {}
    for a in find(f, 0, len(f)):
        for role, start, end in a.mentions:
            names = out.setdefault(role, [])
            if s[start:end] not in names:
                names.append(s[start:end])
    return out


@pytest.mark.parametrize("snippet,expected", [
    # labelled fields in brackets
    ("任务。（牵头单位：县工业和信息化局）", {L: ["县工业和信息化局"]}),
    ("任务。（牵头单位：县工业和信息化局，县财政局，参与单位：县金融与企业服务中心）",
     {L: ["县工业和信息化局", "县财政局"], C: ["县金融与企业服务中心"]}),
    ("任务。（牵头领导：张怀恒；牵头单位：县发展和改革局；责任单位：县政府有关部门，各乡镇（街道）、县经济开发区）",
     {P: ["张怀恒"], L: ["县发展和改革局"], R: ["县政府有关部门", "各乡镇（街道）", "县经济开发区"]}),
    ("任务(牵头单位:县住建局,参与单位:县综合行政执法局)", {L: ["县住建局"], C: ["县综合行政执法局"]}),
    ("任务。【牵头单位：市发改委；配合单位：市财政局】", {L: ["市发改委"], C: ["市财政局"]}),
    ("任务。（牵头单位：县社会信用中心（筹建））", {L: ["县社会信用中心（筹建）"]}),
    # role tails
    ("任务。（县环保局牵头，县水务局、县住建局、县农业局等配合，各乡镇（街道）、县经济开发区负责落实）",
     {L: ["县环保局"], C: ["县水务局", "县住建局", "县农业局"], R: ["各乡镇（街道）", "县经济开发区"]}),
    ("任务。〔县住建局牵头，县环保局等配合，各有关乡镇（街道）、县经济开发区负责落实〕",
     {L: ["县住建局"], C: ["县环保局"], R: ["各有关乡镇（街道）", "县经济开发区"]}),
    ("任务。(市大数据局、市公安局牵头，各有关部门按职责分工负责)",
     {L: ["市大数据局", "市公安局"], R: ["各有关部门"]}),
    ("任务。（县环保局牵头，定远寨镇做好站房选址、用电等相关配合工作）", {L: ["县环保局"], C: ["定远寨镇"]}),
    ("任务。（县食安办牵头，县公安局、县农业局分别实施）", {L: ["县食安办"], R: ["县公安局", "县农业局"]}),
    ("任务。（市发展改革委、市民政局等按职责分工分别牵头）", {L: ["市发展改革委", "市民政局"]}),
    ("任务。（由县财政局负责）", {R: ["县财政局"]}),
    # fields on their own lines, after 责任分工：
    ("任务。\n牵头单位：市行政审批服务局\n责任单位：各县市区人民政府（管委会），市直有关部门\n完成时限：2023年6月底前",
     {L: ["市行政审批服务局"], R: ["各县市区人民政府（管委会）", "市直有关部门"]}),
    ("主要工作：做好公开。\n责任分工：县发改局牵头，县经信和商务局、县市场监管局配合，各乡镇（街道）、县直各部门负责落实。",
     {L: ["县发改局"], C: ["县经信和商务局", "县市场监管局"], R: ["各乡镇（街道）", "县直各部门"]}),
    ("责任分工：按照谁牵头实施，谁负责公开的原则，县财政局、县公路局等县直部门及各乡镇（街道）按照职责分工分别牵头落实。",
     {L: ["县财政局", "县公路局", "各乡镇（街道）"]}),
    ("责任分工：县编办、县法制办等部门和各乡镇（街道）、县经济开发区负责落实。",
     {R: ["县编办", "县法制办", "各乡镇（街道）", "县经济开发区"]}),
    ("责任分工：各乡镇（街道）、县经济开发区和县金融办、县财政局等有关部门按职责分工分别牵头落实。",
     {L: ["各乡镇（街道）", "县经济开发区", "县金融办", "县财政局"]}),
    # bare units after a sentence, several per item
    ("开展整治。（县农业局）加大力度。（县环保局牵头，县发改局配合）推广技术。（县农业局、县畜牧局）",
     {U: ["县农业局", "县畜牧局"], L: ["县环保局"], C: ["县发改局"]}),
    ("开展创建。（县食安委各成员单位，各乡镇人民政府、街道办事处，县经济开发区管委会）",
     {U: ["县食安委各成员单位", "各乡镇人民政府", "街道办事处", "县经济开发区管委会"]}),
    # traditional characters
    ("任務。（牽頭單位：縣環境保護局；責任單位：各鄉鎮市公所）", {L: ["縣環境保護局"], R: ["各鄉鎮市公所"]}),
    ("任務。（縣環境保護局牽頭，縣水利處配合）", {L: ["縣環境保護局"], C: ["縣水利處"]}),
])
def test_attributions(snippet, expected):
    assert roles_in(snippet) == expected


@pytest.mark.parametrize("snippet", [
    "落实《计划（2023-2025）》，实施项目。",
    "在规模以上企业鼓励实施危害分析与关键控制点体系(HACCP)等先进管理方式。",
    "学校食堂(含幼儿园)“四查”制度。",
    "推进“三同产品”(同线同标同质产品)进商超。",
    "按照《通知》（国发〔2017〕53号）精神。",
    "负责加大城区（城中村由所在街道负责）监督检查力度。",
    "县招商局、县人社局牵头，起草考核办法。",  # prose, not an itemised attribution
    "由县委宣传部负责和协调。",
    "建立健全工作机制（试行）。",
])
def test_not_attributions(snippet):
    assert roles_in(snippet) == {}


@pytest.mark.parametrize("name", [
    "县发展和改革局", "各乡镇（街道）", "县政府办公室（大数据局）", "县直有关部门（单位）", "市生态环境局冠县分局",
    "中国人民银行冠县支行", "上市工作领导小组成员单位", "各产业链牵头部门", "县委组织部", "监察机关", "区工商联",
    "国家税务总局冠县税务局", "县委对台办", "各镇街",
])
def test_unit_names(name):
    assert unit_like(fold(name))


@pytest.mark.parametrize("name", ["按照谁", "含幼儿园", "良好", "HACCP", "2023年", "城中村由所在街道", "农村卫生厕所"])
def test_not_unit_names(name):
    assert not unit_like(fold(name))


@pytest.mark.parametrize("joined,parts", [
    ("县经济开发区和县金融办", ["县经济开发区", "县金融办"]),
    ("县职教中心和各乡镇（街道）", ["县职教中心", "各乡镇（街道）"]),
    ("县文化和旅游局", ["县文化和旅游局"]),
    ("县城市管理和综合执法局", ["县城市管理和综合执法局"]),
    ("县人力资源和社会保障局", ["县人力资源和社会保障局"]),
    ("县公共资源交易中心等县直部门（单位）及各乡镇（街道）", ["县公共资源交易中心", "各乡镇（街道）"]),
])
def test_joined_names_split_only_between_whole_names(joined, parts):
    f = fold(joined)
    assert [joined[a:b] for a, b in unit_spans(f, 0, len(f))] == parts
