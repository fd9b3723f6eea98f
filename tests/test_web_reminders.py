"""催办 in the browser: the units and messages `duban remind` prints, each with its 复制 button, as an .xlsx;
and 延期 approved several at once, each as a single approval is, all or none."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from duban.cli import app as cli
from duban.store import transaction
from duban.store.models import AuditEntry, Extension, Task, TaskRole
from duban.supervise import extensions, remind
from duban.web.views.common import XLSX

from .test_web_browser import chromium, server, signed_in  # noqa: F401 - fixtures
from .web import ROLE_LOGINS, csrf

AS_OF = date(2024, 3, 4)  # the March round is open and nobody has reported: every lead unit owes


def cli_texts(site, monkeypatch, *args: str) -> list[str]:
    """What `duban remind` prints on the site's database, one message per unit."""
    monkeypatch.setenv("DUBAN_DATABASE_URL", str(site.engine.url))
    result = CliRunner().invoke(cli, ["remind", "--as-of", str(AS_OF), *args])
    assert result.exit_code == 0, result.output
    return [t for t in result.stdout.split("\n\n") if t.strip()]


@pytest.mark.parametrize("doc", [None, "plan"])
def test_the_page_lists_the_units_and_texts_the_cli_prints(site, monkeypatch, doc):
    doc_id = getattr(site.ids, doc) if doc else None
    printed = cli_texts(site, monkeypatch, *(["--doc", str(doc_id)] if doc else []))
    params = {"as_of": AS_OF, **({"doc": doc_id} if doc else {})}
    data = site.client("office_staff").get("/api/reminders", params=params).json()
    assert [n["text"] for n in data["notices"]] == printed and len(printed) >= 2
    with transaction(site.engine) as s:
        units = [r.unit for r in remind.reminders(s, AS_OF, [doc_id] if doc else None)]
    assert [n["unit"] for n in data["notices"]] == units
    assert all(n["text"].startswith(f"【督办提醒】{n['unit']}：") for n in data["notices"])
    assert any(n["owed"] > 0 for n in data["notices"])  # the open March round


def test_the_page_has_a_copy_button_per_unit_and_the_download(site):
    page = site.client("office_admin").get("/reminders", params={"as_of": AS_OF})
    data = site.client("office_admin").get("/api/reminders", params={"as_of": AS_OF}).json()
    assert page.text.count("data-copy=") == len(data["notices"]) and ">复制</button>" in page.text
    assert '<a href="/reminders">催办</a>' in page.text or 'href="/reminders" class="here"' in page.text
    assert f'href="/reminders.xlsx?as_of={AS_OF}"' in page.text


def test_a_signature_given_is_the_one_signed(site, monkeypatch):
    printed = cli_texts(site, monkeypatch, "--issuer", "某县委督查室")
    data = site.client("office_staff").get("/api/reminders", params={"as_of": AS_OF, "issuer": "某县委督查室"}).json()
    assert [n["text"] for n in data["notices"]] == printed and all("某县委督查室" in t for t in printed)


def test_the_xlsx_reads_back_with_a_row_per_unit_then_the_task_list(site):
    office = site.client("office_staff")
    data = office.get("/api/reminders", params={"as_of": AS_OF}).json()
    r = office.get("/reminders.xlsx", params={"as_of": AS_OF})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["催办通知", "催办清单"]
    notices = book["催办通知"]
    assert [c.value for c in notices[2]] == ["单位", "红色", "黄色", "蓝色", "未报送", "催办通知"]
    rows = list(notices.iter_rows(min_row=3, values_only=True))
    assert rows == [(n["unit"], n["red"], n["yellow"], n["blue"], n["owed"], n["text"]) for n in data["notices"]]
    listed = list(book["催办清单"].iter_rows(min_row=3, values_only=True))
    assert {row[0] for row in listed} == {n["unit"] for n in data["notices"]}


def test_a_control_character_in_the_signature_is_dropped_not_a_server_error(site):
    r = site.client("office_staff").get("/reminders.xlsx", params={"as_of": AS_OF, "issuer": "某县\x1f督查室"})
    assert r.status_code == 200
    texts = [row[5] for row in load_workbook(io.BytesIO(r.content))["催办通知"].iter_rows(min_row=3, values_only=True)]
    assert texts and all("某县督查室" in t for t in texts)


@pytest.mark.parametrize("role", ["unit", "leader", "public"])
def test_only_the_office_sees_the_reminders(site, role):
    client = site.client(role)
    assert client.get("/api/reminders").status_code == (401 if role == "public" else 403)
    r = client.get("/reminders.xlsx", follow_redirects=False)  # the public is sent to sign in
    assert r.status_code in (303, 403) and r.headers.get("content-type") != XLSX


# --- 延期: several approved at once ----------------------------------------------------------------


def two_requests(site) -> list[int]:
    """Pending requests on two of the liaison's tasks."""
    with transaction(site.engine) as s:
        tasks = list(s.scalars(select(TaskRole.task_id).where(TaskRole.unit_id == site.ids.unit,
                                                              TaskRole.role == "lead_units")
                               .join(Task).order_by(Task.id).distinct().limit(2)))
        assert len(tasks) == 2
        far = date(date.today().year + 1, 6, 30)
        return [extensions.request(s, t, far, "项目审批手续尚未办结", "liaison", site.ids.unit).id for t in tasks]


def audited(site) -> list[AuditEntry]:
    with transaction(site.engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == "decide_extension").order_by(AuditEntry.id)))


def states(site, ids: list[int]) -> list[str]:
    with transaction(site.engine) as s:
        return [s.get(Extension, i).state for i in ids]


def test_two_pending_requests_approved_in_one_post(site):
    ids = two_requests(site)
    c = site.client("office_staff")
    page = c.get("/extensions").text
    assert "批量批准" in page and all(f'name="ids" value="{i}" form="bulk"' in page for i in ids)
    r = c.post("/extensions/approve", data={"csrf": csrf(c), "ids": [str(i) for i in ids], "note": "同意延期"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/extensions?msg=")
    assert states(site, ids) == ["已批准", "已批准"]
    entries = audited(site)
    assert sorted(int(e.entity_id) for e in entries) == sorted(ids)
    assert {(e.actor, e.detail["state"], e.detail["note"]) for e in entries} == {
        (ROLE_LOGINS["office_staff"], "已批准", "同意延期")}
    assert "已批准延期申请 2 件" in c.get(r.headers["location"]).text


@pytest.mark.parametrize(("bad", "says"), [
    (999999, "#999999 不存在"),  # no such request
    ("decided", "已批准"),  # one already decided
])
def test_one_request_that_cannot_be_approved_refuses_them_all(site, bad, says):
    ids = two_requests(site)
    if bad == "decided":
        with transaction(site.engine) as s:
            extensions.decide(s, ids[1], True, "admin")
    before = len(audited(site))
    c = site.client("office_admin")
    sent = [ids[0], bad if bad != "decided" else ids[1]]
    r = c.post("/api/extensions/approve", data={"ids": [str(i) for i in sent]}, headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 400 and "批量批准未执行" in r.json()["error"] and says in r.json()["error"]
    assert states(site, ids)[0] == "待审批" and len(audited(site)) == before
    page = c.post("/extensions/approve", data={"csrf": csrf(c), "ids": [str(i) for i in sent]})
    assert page.status_code == 400 and "批量批准未执行" in page.text


def test_approving_none_is_refused(site):
    two_requests(site)
    c = site.client("office_staff")
    r = c.post("/api/extensions/approve", data={"ids": []}, headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code in (400, 422)


# --- in a browser --------------------------------------------------------------------------------


def test_office_copies_a_units_notice_and_approves_two_requests_in_a_browser(chromium, server, site):  # noqa: F811
    ids = two_requests(site)
    page = signed_in(chromium, server, "office_staff", permissions=["clipboard-read", "clipboard-write"])
    page.get_by_role("link", name="催办").click()
    page.goto(f"{server}/reminders?as_of={AS_OF}")
    first = page.locator("textarea.notice-text").first
    page.locator("button[data-copy]").first.click()
    page.locator(".copy-state").first.filter(has_text="已复制").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == first.input_value()
    page.get_by_role("link", name="延期").click()
    page.get_by_label("全选").check()
    assert page.locator("input[name=ids]:checked").count() == 2
    page.get_by_label("审批意见（勾选的申请共用）").fill("同意")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="批量批准").click()
    page.get_by_role("status").filter(has_text="已批准延期申请 2 件").wait_for()
    assert states(site, ids) == ["已批准", "已批准"]
    page.get_by_role("search").get_by_placeholder("搜索任务、填报、问题、批示").fill("项目审批")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert page.locator("h1").inner_text().startswith("搜索")
