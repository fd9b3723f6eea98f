"""Three flows in a real browser (Debian's Chromium driven by Playwright) against the app served by uvicorn:
the office reviews an uploaded document, a unit liaison reports on a phone-sized screen, the office opens the
overview and downloads a bulletin. Without Chromium the tests are skipped, except in CI (CI=true), where
they fail: `make test` installs it."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn
from docx import Document as Document_
from sqlalchemy import select

from duban.store import transaction
from duban.store.models import AuditEntry, Document, ProgressReport, Task

from .builders import CJK_FONT, make_scan
from .test_ocr import PLAN as SCAN_PLAN
from .web import PASSWORD, ROLE_LOGINS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(site):
    """The site's app on a real port, in a thread."""
    port = free_port()
    app_server = uvicorn.Server(uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    while not app_server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        message = "Chromium not installed (Debian package chromium; `make test` installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def signed_in(chromium, server, role: str, **context):
    page = chromium.new_context(accept_downloads=True, locale="zh-CN", **context).new_page()
    page.goto(f"{server}/login")
    page.get_by_label("登录名").fill(ROLE_LOGINS[role])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


NOTICE = """某县人民政府办公室关于印发某县2025年重点工作任务的通知
某政办发〔2025〕3号
各乡镇人民政府，县政府各部门：
现将《某县2025年重点工作任务》印发给你们，请认真贯彻落实。
某县人民政府办公室
2025年1月20日
"""  # the head of a county's notice, which the test plans follow
PLAN = NOTICE + """一、产业发展
1.推进园区建设。2025年底前完成标准厂房建设10万平方米。（牵头单位：县发展和改革局；责任单位：县工业和信息化局）
2.加快项目落地。2025年6月底前新开工项目20个。（牵头单位：县商务局；责任单位：县自然资源局）
3.优化营商环境。全面推行“一网通办”。（牵头单位：县行政审批服务局；责任单位：县司法局）
"""


def uploaded(chromium, server, plan, text: str):
    """The office signed in, the plan uploaded, its review page open."""
    plan.write_text(text, encoding="utf-8")
    page = signed_in(chromium, server, "office_staff")
    page.goto(f"{server}/documents")
    page.locator("#upload-file").set_input_files(plan)
    page.get_by_role("button", name="上传并复核").click()
    page.wait_for_url(f"{server}/documents/uploads/*")
    return page


def test_office_uploads_corrects_one_unit_and_confirms(chromium, server, site, tmp_path):
    page = uploaded(chromium, server, tmp_path / "某县2025年重点工作任务.txt", PLAN)
    lead = page.locator("#task-0-lead_units")
    assert "县发展和改革局" in lead.input_value()
    lead.fill("县财政局")
    page.locator("#task-0").get_by_role("button", name="保存本项").click()
    page.locator("#task-0 .save-state").filter(has_text="已更正").wait_for()  # saved in place, no reload
    assert page.locator("#task-0-lead_units").input_value().strip() == "县财政局"
    page.locator("#confirm").click()
    page.wait_for_load_state()
    with transaction(site.engine) as s:
        task = s.scalars(select(Task).join(Document).where(Document.title.contains("某县"), Task.position == 0)).one()
        assert [r.printed for r in task.roles if r.role == "lead_units"] == ["县财政局"]
        assert s.scalars(select(AuditEntry.actor).where(AuditEntry.action == "ingest")).all()[-1] == "staff"


@pytest.mark.skipif(not CJK_FONT.exists(), reason="make test installs fonts-wqy-microhei")
def test_office_uploads_a_scan_watches_its_pages_read_and_checks_a_task_on_the_page(chromium, server, tmp_path):
    """A four-page fax: while it is read the upload page counts the pages OCR has read; the review page
    shows the pages, and a task's frame on a page leads to that task."""
    scan = make_scan(tmp_path / "传真.tiff", [SCAN_PLAN[:2], SCAN_PLAN[2:3], ["（此页无正文）"], SCAN_PLAN[3:]])
    page = signed_in(chromium, server, "office_staff")
    page.goto(f"{server}/documents")
    page.locator("#upload-file").set_input_files(scan)
    told = []

    def heard(route) -> None:  # what the server told the page each time it asked
        response = route.fetch()
        told.append(response.json())
        route.fulfill(response=response)

    page.route("**/api/documents/upload-progress/*", heard)
    page.get_by_role("button", name="上传并复核").click()
    page.wait_for_url(f"{server}/documents/uploads/*", timeout=120_000)
    assert any(t["total"] == 4 and 1 <= t["done"] <= 4 for t in told), told
    pictures = page.locator("figure.scan img")
    assert pictures.count() == 4
    pictures.last.scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('figure.scan img')].every(i => i.naturalWidth > 0)")
    page.locator("#scan-3 a.box").first.click()
    assert page.url.endswith("#task-1-heading")


UNREAD = """某县2025年为民办实事安排
条目 | 要办的事 | 谁来抓 | 谁来帮 | 啥时候办完
1 | 新建口袋公园2个。 | 县住房和城乡建设局 | 县财政局 | 2025年底
2 | 改造老旧小区10个。 | 县住房和城乡建设局 | 各乡镇 | 2025年10月
另外，新增养老床位100张，县民政局牵头，县财政局配合。
"""


def select_in_source(page, text: str) -> None:
    """Select `text` in the source pane as a mouse would, and let the page see the mouse go up."""
    page.evaluate("""text => {
        const source = document.getElementById("source");
        const walker = document.createTreeWalker(source, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.textContent.indexOf(text);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + text.length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            document.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
            return;
        }
        throw new Error("text not in the source pane");
    }""", text)


def test_office_maps_unknown_columns_and_adds_a_task_by_selection(chromium, server, site, tmp_path):
    """A table whose column labels the reader does not know: no task is read, the page says so and opens
    the tools; the office maps the columns, selects one more task in the source, confirms; all three tasks
    are in the ledger with their units."""
    page = uploaded(chromium, server, tmp_path / "某县2025年为民办实事安排.txt", UNREAD)
    assert page.locator("#no-tasks").is_visible()
    mapping = page.get_by_role("form", name="表格各列 1")
    for label, kind in (("条目", "序号"), ("要办的事", "任务内容"), ("谁来抓", "牵头单位"), ("谁来帮", "配合单位"),
                        ("啥时候办完", "完成时限")):
        mapping.get_by_label(f"「{label}」列").select_option(label=kind)
    mapping.get_by_role("button", name="按此重读表格").click()
    page.wait_for_load_state()
    assert page.locator("#task-1-co_units").input_value().strip() == "各乡镇"
    select_in_source(page, "新增养老床位100张，县民政局牵头，县财政局配合。")
    assert "县民政局牵头" in page.locator("#add-text").input_value()
    page.locator("#add-number").fill("3")
    page.get_by_role("button", name="添加为任务").click()
    page.wait_for_load_state()
    assert page.locator("#task-2-lead_units").input_value().strip() == "县民政局"
    page.locator("#confirm").click()
    page.wait_for_load_state()
    with transaction(site.engine) as s:
        doc = s.scalars(select(Document).where(Document.title.contains("为民办实事"))).one()
        tasks = sorted(doc.tasks, key=lambda t: t.position)
        assert [(t.number, sorted((r.role, r.printed) for r in t.roles)) for t in tasks] == [
            ("1", [("co_units", "县财政局"), ("lead_units", "县住房和城乡建设局")]),
            ("2", [("co_units", "各乡镇"), ("lead_units", "县住房和城乡建设局")]),
            ("3", [("co_units", "县财政局"), ("lead_units", "县民政局")])]


def test_liaison_reports_on_a_phone(chromium, server, site):
    page = signed_in(chromium, server, "unit", viewport=PHONE, is_mobile=True, has_touch=True)
    page.wait_for_url(f"{server}/units/*")  # a liaison of one unit lands on its tasks
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")  # no round today
    form = page.locator("form.report-form").first
    form.get_by_label("完成比例").fill("60")
    form.get_by_label("进展情况").fill("已完成主体工程，正在进行设备安装调试。")
    form.get_by_role("button", name="报送").click()
    page.wait_for_load_state()
    assert "已报送" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing wider than the phone
    with transaction(site.engine) as s:
        report = s.scalars(select(ProgressReport).order_by(ProgressReport.id.desc())).first()
        assert (report.reported_by, report.unit_id, report.percent) == ("liaison", site.ids.unit, 60)
        assert report.progress.startswith("已完成主体工程")


def test_office_opens_the_overview_and_downloads_a_bulletin(chromium, server, tmp_path):
    page = signed_in(chromium, server, "office_staff")
    page.wait_for_url(f"{server}/inbox")
    page.get_by_role("link", name="总览").click()
    page.wait_for_url(f"{server}/overview")
    assert page.locator("svg[role=img]").count() >= 2
    page.get_by_role("link", name="通报").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载通报（Word）").first.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".docx" and "通报" in saved.name
    text = "\n".join(p.text for p in Document_(saved).paragraphs)
    assert "督查室" in text and "通报" in text
