"""Content never raises: any text gives documents and tasks whose spans lie inside it."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duban.extract import extract
from duban.records import Source

from .conftest import SEEDS

# text made of the pieces that drive the parser, so the search reaches deep paths
PIECES = ["一、", "（一）", "1.", "(2)", "①", "第一章", "牵头单位：", "责任单位：", "牵头领导：", "牵头", "配合",
          "负责落实", "（", "）", "(", ")", "〔", "〕", "、", "，", "；", "。", "：", "\n", "\n\n", "县发改局",
          "各乡镇（街道）", "县人民政府办公室文件", "冠政发〔2018〕1号", "关于印发的通知", "2023年8月29日",
          "目 录", "\t", "|", "**", "## ", "序号", "工作任务", "完成时限", "等", "和", " ", "革局", "12"]
documents = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=80).map("".join)
SAMPLE = SEEDS[3].read_text(encoding="utf-8")[:3000]


def check(text: str) -> None:
    docs = extract(Source(path="x.txt", text=text, format="txt"))
    for d in docs:
        assert 0 <= d.span.start <= d.span.end <= len(text)
        for t in d.tasks:
            assert 0 <= t.span.start <= t.span.end <= len(text)
            assert 1 <= t.line <= text.count("\n") + 1
            for m in t.mentions:
                assert 0 <= m.span.start <= m.span.end <= len(text)
                assert m.name and m.name in "".join(text.split()) or m.name in text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_text_extracts_without_error_and_spans_stay_inside(text):
    check(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode(text):
    check(text)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, len(SAMPLE)), st.integers(0, 200), st.sampled_from(["\n\n", "\n", "", " ", "）"]))
def test_a_real_document_cut_and_spliced_anywhere(at, length, insert):
    check(SAMPLE[:at] + insert + SAMPLE[at + length:])


def test_extraction_is_deterministic():
    first = extract(Source(path="a.txt", text=SAMPLE, format="txt"))
    second = extract(Source(path="a.txt", text=SAMPLE, format="txt"))
    assert first == second


def test_long_lines_and_long_lists_are_read_whole():
    """Linear scans: a line with thousands of attributions or units still gives every unit."""
    long_line = "1. 任务。" + "".join(f"（牵头单位：县第{i}局；责任单位：各乡镇）" for i in range(2000))
    [task] = extract(Source(path="x.txt", text=long_line, format="txt"))[0].tasks
    assert len(task.role("lead_units")) == 2000 and task.role("resp_units") == ["各乡镇"]
    long_list = "1. 任务。（" + "、".join(f"县第{i}局" for i in range(3000)) + "牵头）"
    [task] = extract(Source(path="x.txt", text=long_list, format="txt"))[0].tasks
    assert len(task.role("lead_units")) == 3000
