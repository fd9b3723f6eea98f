"""办结 in the browser: the office finishes a plan on the documents page (or confirms one whose period is
over) and it leaves 总览, 考核, the leader's and the unit's pages and sheet, while the ledger still finds it;
a demo names its day on every page."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import quote

from openpyxl import load_workbook

from .test_web_supervise import audited, post_form

PERIOD_OVER = "2024-06-03"  # seed 000 is a 2023 plan: its period is over; the 2024 plan's is not


def plan_tasks(site, doc: int) -> set[int]:
    data = site.client("office_staff").get(f"/api/ledger?doc={doc}&per=200").json()
    return {row["id"] for row in data["rows"]}


def other_plan_tasks(site) -> set[int]:
    return plan_tasks(site, site.ids.other)


def test_a_plan_whose_period_is_over_is_proposed_then_finished_and_leaves_the_days_work(site):
    c = site.client("office_admin")
    before = c.get(f"/api/overview?as_of={PERIOD_OVER}").json()
    assert [p["id"] for p in before["proposed"]] == [site.ids.other]
    assert "待确认办结" in c.get("/documents").text
    post_form(c, f"/documents/{site.ids.other}/finish")
    after = c.get(f"/api/overview?as_of={PERIOD_OVER}").json()
    assert not after["proposed"] and after["finished"] == 1
    assert after["total"] == before["total"] - len(other_plan_tasks(site))
    assert c.get(f"/api/overview?doc={site.ids.other}").json()["total"] == len(other_plan_tasks(site))
    ranked = {u["name"] for u in c.get("/api/assessment?start=2024-01-01&end=2024-06-03").json()["units"]}
    plan_units = {u["name"] for u in c.get(f"/api/assessment?start=2024-01-01&end=2024-06-03&doc={site.ids.plan}")
                  .json()["units"]}
    assert ranked == plan_units
    [entry] = audited(site, "finish_plan")
    assert entry.actor == "admin" and entry.entity_id == str(site.ids.other)


def test_a_finished_plan_stays_in_the_ledger_under_its_own_filter(site):
    c = site.client("office_admin")
    tasks = other_plan_tasks(site)
    post_form(c, f"/documents/{site.ids.other}/finish")
    finished = c.get("/api/ledger?plans=已办结&per=200").json()
    running = c.get("/api/ledger?plans=执行中&per=200").json()
    everything = c.get("/api/ledger?per=200").json()
    assert {row["id"] for row in finished["rows"]} == tasks
    assert finished["total"] + running["total"] == everything["total"]
    assert "（已办结）" in c.get("/ledger").text


def test_a_finished_plan_leaves_the_unit_page_and_sheet_and_reopening_brings_it_back(site):
    c, liaison = site.client("office_admin"), site.client("unit")
    unit = f"/units/{quote(site.ids.unit, safe='')}"

    def unit_tasks() -> set[int]:
        data = liaison.get(f"/api{unit}").json()
        return {x["task"]["id"] for x in data["to_report"]} | {x["id"] for x in data["others"]}

    def sheet_tasks() -> int:
        book = load_workbook(BytesIO(liaison.get(f"{unit}/sheet.xlsx").content))
        return sum(ws.max_row for ws in book.worksheets)

    shown, rows, finished = unit_tasks(), sheet_tasks(), plan_tasks(site, site.ids.plan)
    assert shown & finished
    post_form(c, f"/documents/{site.ids.plan}/finish")
    assert unit_tasks() == shown - finished and sheet_tasks() < rows
    post_form(c, f"/documents/{site.ids.plan}/reopen")
    assert unit_tasks() == shown and sheet_tasks() == rows


def test_finishing_twice_is_refused_in_chinese(site):
    c = site.client("office_admin")
    post_form(c, f"/documents/{site.ids.other}/finish")
    data = c.post(f"/api/documents/{site.ids.other}/finish", headers={"X-CSRF-Token": c.cookies.get("duban_csrf")})
    assert data.status_code == 400 and "已于" in data.json()["error"] and "办结" in data.json()["error"]


def test_only_the_office_finishes_a_plan(site):
    liaison = site.client("unit")
    r = liaison.post(f"/api/documents/{site.ids.other}/finish", headers={"X-CSRF-Token": liaison.cookies.get(
        "duban_csrf") or ""})
    assert r.status_code == 403


def test_a_demo_names_its_day_on_every_page(site, monkeypatch):
    assert "演示数据" not in site.client().get("/public").text
    monkeypatch.setenv("DUBAN_TODAY", "2024-10-15")
    page = site.client().get("/public").text
    assert "演示数据" in page and "2024年10月15日" in page
    assert site.client("office_staff").get("/api/overview").json()["as_of"] == "2024-10-15"
