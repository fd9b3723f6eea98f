"""The document review page and the upload form in a real browser, at a laptop's size (1366×768): figures
and kinds as a Chinese reader expects them, nothing cut off sideways, one item saved without losing what
is typed in another or leaving the item, and a refused upload said beside the form."""

from __future__ import annotations

import re

import pytest

from .test_web_browser import NOTICE, chromium, server, signed_in  # noqa: F401 - the fixtures, found by pytest here

LAPTOP = {"width": 1366, "height": 768}
PLAN = NOTICE + """一、产业发展
1.扩大有效投资。2025年底前完成固定资产投资5亿元，安排专项资金300万元。（牵头单位：县发展和改革局；责任单位：县财政局）
2.稳定就业。新增城镇就业1.2万人以上，地区生产总值增长6%左右。（牵头单位：县人力资源和社会保障局；责任单位：县统计局）
3.优化营商环境。全面推行“一网通办”。（牵头单位：县行政审批服务局；责任单位：县司法局）
4.推进园区建设。2025年底前完成标准厂房建设10万平方米。（牵头单位：县工业和信息化局；责任单位：县自然资源局）
"""
ENGLISH = re.compile(r"\b(?!PDF\b|Excel\b|ID\b)[A-Za-z]{3,}\b")  # a word of English other than the allowed ones


def review_page(chromium, server, path):  # noqa: F811 - chromium is the fixture's value
    """The office at a laptop, the plan uploaded, its review page open."""
    path.write_text(PLAN, encoding="utf-8")
    page = signed_in(chromium, server, "office_staff", viewport=LAPTOP)
    page.goto(f"{server}/documents")
    page.locator("#upload-file").set_input_files(path)
    page.get_by_role("button", name="上传并复核").click()
    page.wait_for_url(f"{server}/documents/uploads/*")
    return page


def test_figures_and_kinds_read_as_printed_and_nothing_is_cut_off(chromium, server, tmp_path):  # noqa: F811
    page = review_page(chromium, server, tmp_path / "某县2025年重点工作任务.txt")
    first, second = page.locator("#task-0"), page.locator("#task-1")
    assert [first.get_by_label(f"目标数值 {k}").input_value() for k in (1, 2)] == ["5亿", "300万"]
    assert [second.get_by_label(f"目标数值 {k}").input_value() for k in (1, 2)] == ["1.2万", "6"]
    assert first.get_by_label("类别 1").evaluate("s => s.selectedOptions[0].text") == "金额"
    assert second.get_by_label("类别 2").evaluate("s => s.selectedOptions[0].text") == "增长率"
    assert second.get_by_label("类别 2").input_value() == "growth_pct"  # what the form posts
    labels = " / ".join(page.locator(".target-label").all_inner_texts())
    assert all(x in labels for x in ("固定资产投资 5亿元", "专项资金 300万元", "城镇就业 1.2万人以上", "增长6%左右"))
    text = page.locator("main").inner_text()
    assert "e+" not in text and not any(page.locator(".target-row input").evaluate_all(
        "inputs => inputs.filter(i => /e\\+/.test(i.value)).map(i => i.value)"))
    assert page.evaluate("() => document.documentElement.scrollWidth") <= LAPTOP["width"]
    for box in page.locator(".task-card fieldset").all():  # each target's fields wrap inside their box
        assert box.evaluate("b => b.scrollWidth <= b.clientWidth + 1")
    assert first.get_by_label("年份 1").is_visible() and first.get_by_label("年份 1").bounding_box()["x"] + 20 < LAPTOP["width"]


def test_saving_one_item_keeps_what_is_typed_in_another_and_stays_on_the_item(chromium, server, tmp_path):  # noqa: F811
    page = review_page(chromium, server, tmp_path / "某县2025年重点工作任务.txt")
    page.locator("#task-0-co_units").fill("县商务局")  # typed, not saved
    assert page.locator("#task-0").locator("xpath=..").locator(".unsaved").is_visible()
    page.locator("#task-2-lead_units").fill("县市场监督管理局")
    page.locator("#task-2").get_by_label("目标数值 1").fill("20")
    page.locator("#task-2").get_by_role("button", name="保存本项").click()
    state = page.locator("#task-2 .save-state")
    state.filter(has_text="已更正").wait_for()
    assert "第 3 项已更正" in state.inner_text()
    assert page.locator("#task-0-co_units").input_value() == "县商务局"  # the other item's edit is still there
    assert page.locator("#task-0").locator("xpath=..").locator(".unsaved").is_visible()
    said = state.bounding_box()  # the page stayed on the saved item, its message in view, not at the top
    assert page.evaluate("() => window.scrollY") > 300 and 0 <= said["y"] < LAPTOP["height"]
    assert page.locator("#task-2-lead_units").input_value().strip() == "县市场监督管理局"
    assert page.locator("#task-2-heading .unsaved").is_hidden()  # redrawn as saved

    # leaving with the unsaved item asks first, naming it; saying no keeps the page and the edit
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("#confirm").click()
    assert asked and "第 1 项" in asked[0] and "未保存" in asked[0]
    assert page.locator("#task-0-co_units").input_value() == "县商务局"

    page.reload()  # what was saved is saved; what was not is not
    assert page.locator("#task-2-lead_units").input_value().strip() == "县市场监督管理局"
    assert page.locator("#task-2").get_by_label("目标数值 1").input_value() == "20"
    assert page.locator("#task-0-co_units").input_value().strip() == ""


def test_a_refused_save_is_said_on_the_item_in_chinese(chromium, server, tmp_path):  # noqa: F811
    page = review_page(chromium, server, tmp_path / "某县2025年重点工作任务.txt")
    page.locator("#task-1").get_by_label("目标数值 2").fill("很多")
    page.locator("#task-1").get_by_role("button", name="保存本项").click()
    state = page.locator("#task-1 .save-state.failed")
    state.wait_for()
    said = state.inner_text()
    assert "量化目标第 2 行的「数值」应为数字" in said and "很多" in said and not ENGLISH.search(said)
    assert page.locator("#task-1").get_by_label("目标数值 2").input_value() == "很多"  # kept to correct


@pytest.mark.parametrize("name, content, reason", [
    ("空白.txt", b"", "文件为空"),
    ("坏.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n", "PDF 文件已损坏或无法解析"),
    ("图片.png", b"\x89PNG\r\n\x1a\nnot really", "图片文件已损坏或无法解析"),
    ("计划.odt", "一、任务".encode(), "不是可导入的文件类型"),
])
def test_a_refused_upload_is_said_beside_the_form(chromium, server, tmp_path, name, content, reason):  # noqa: F811
    bad = tmp_path / name
    bad.write_bytes(content)
    page = signed_in(chromium, server, "office_staff", viewport=LAPTOP)
    page.goto(f"{server}/documents")
    page.locator("#upload-file").set_input_files(bad)
    with page.expect_response(f"{server}/documents/upload") as answered:
        page.get_by_role("button", name="上传并复核").click()
    page.wait_for_load_state()
    assert answered.value.status == 400
    said = page.locator("#upload-form #upload-refused")
    assert said.is_visible()
    text = said.inner_text()
    assert f"「{name}」" in text and reason in text
    words = re.sub(r"\.[a-z]+\b", "", text.replace(name, ""))  # file name and suffixes (.docx) aside
    assert "/" not in words and not ENGLISH.search(words), text
    assert "请求有误" not in page.locator("main").inner_text()
    assert page.locator("#upload-file").is_visible() and page.get_by_role("button", name="上传并复核").is_visible()
    good = tmp_path / "某县2025年重点工作任务.txt"  # the form on the same page takes the right file
    good.write_text(PLAN, encoding="utf-8")
    page.locator("#upload-file").set_input_files(good)
    assert not said.is_visible()
    page.get_by_role("button", name="上传并复核").click()
    page.wait_for_url(f"{server}/documents/uploads/*")
