from __future__ import annotations

import pytest

from duban import clock
from duban.store import transaction
from duban.supervise import state
from duban.web.views import overview


def test_health(site):
    assert site.client().get("/api/health").json() == {"ok": True}


@pytest.mark.parametrize("role", ["office_admin", "office_staff"])
def test_overview_counts_every_current_task(site, role):
    c = site.client(role)
    data = c.get("/api/overview").json()
    assert data["ok"] and data["total"] == sum(data["statuses"].values()) > 100
    assert sum(g["total"] for p in data["plans"] for g in p["chapters"]) == data["total"]
    assert all(x["overdue"] > 0 for x in data["overdue"])
    page = c.get("/overview")
    assert page.status_code == 200 and "总览" in page.text and "<svg" in page.text


def test_due_soon_lists_every_open_task_near_its_limit_whatever_its_colour(site):
    """Ten working days before the year's end: the tasks due then are listed, the yellow and red ones too."""
    data = site.client("office_staff").get("/api/overview?as_of=2024-12-17").json()
    soon = data["due_soon"]
    assert soon and all(x["status"] != "已完成" and not x["overdue"] and x["due"] <= "2024-12-31" for x in soon)
    assert {x["colour"] for x in soon} - {"blue"}  # a task behind schedule is due soon too


def test_overview_of_one_document(site):
    data = site.client("office_staff").get(f"/api/overview?doc={site.ids.other}").json()
    assert 0 < data["total"] < site.client("office_staff").get("/api/overview").json()["total"]


def test_signed_out_browser_is_sent_to_sign_in(site):
    r = site.client().get("/overview", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/overview"
    assert site.client().get("/api/overview").json() == {
        "ok": False, "error": "请先登录 (sign in first)", "errors": [], "status": 401}


@pytest.mark.parametrize("doc", [None, "other"])
def test_each_figure_opens_the_ledger_of_the_tasks_it_counts(site, doc):
    c = site.client("office_staff")
    query = f"?doc={site.ids.other}&as_of=2024-12-17" if doc else "?as_of=2024-12-17"
    data = c.get(f"/api/overview{query}").json()
    figures = {"total": data["total"], **data["statuses"], **data["colours"]}
    for name, link in data["links"].items():
        assert c.get(f"/api{link}").json()["total"] == figures[name], (name, link)
    assert 'href="/ledger?' in c.get(f"/overview{query}").text


def test_chapters_are_grouped_under_their_plan_and_late_units_come_first(site):
    data = site.client("office_staff").get("/api/overview?as_of=2024-12-17").json()
    assert len({p["id"] for p in data["plans"]}) == len(data["plans"]) >= 2
    for p in data["plans"]:
        assert p["title"] and len({g["name"] for g in p["chapters"]}) == len(p["chapters"])
    page = site.client("office_staff").get("/overview?as_of=2024-12-17").text
    assert page.index("各牵头单位预警情况") < page.index("逾期任务") < page.index("按文件和章节")


@pytest.mark.parametrize("today", ["2024-12-17", None])  # ten working days before the year's end; the real today
@pytest.mark.parametrize("doc", [None, "other"])
def test_the_stored_states_give_the_overview_derivation_gives(site, monkeypatch, today, doc):
    if today:
        monkeypatch.setenv("DUBAN_TODAY", today)
    c = site.client("office_staff")
    query = f"?doc={site.ids.other}" if doc else ""
    derived = c.get(f"/api/overview{query}").json()
    state.refresh_all(site.engine, clock.today())
    with transaction(site.engine) as s:
        assert state.fresh(s, clock.today())
    assert c.get(f"/api/overview{query}").json() == derived and derived["total"] > 0
    if today and not doc:
        assert derived["due_soon"] and derived["units"] and len(derived["plans"]) >= 2


def test_long_lists_show_the_first_tasks_and_say_how_many_in_all(site, monkeypatch):
    monkeypatch.setenv("DUBAN_TODAY", "2024-12-17")
    monkeypatch.setattr(overview, "LISTED", 3)
    c = site.client("office_staff")
    derived = c.get("/api/overview").json()
    state.refresh_all(site.engine, clock.today())
    stored = c.get("/api/overview").json()
    assert stored == derived and derived["overdue_count"] > 3 and derived["due_soon_count"] > 3
    assert len(derived["overdue"]) == len(derived["due_soon"]) == 3
    assert [x["overdue"] for x in derived["overdue"]] == sorted((x["overdue"] for x in derived["overdue"]), reverse=True)
    assert "列出逾期最久的 3 项" in c.get("/overview").text


def test_many_plans_count_every_task_and_list_the_chapters_of_the_first(site, monkeypatch):
    """A province's thousands of plans: the totals count every task, the chapters only the first plans',
    and the page says how many there are; stored or derived alike."""
    monkeypatch.setenv("DUBAN_TODAY", "2024-12-17")
    c = site.client("office_staff")
    every = c.get("/api/overview").json()
    monkeypatch.setattr(overview, "PLANS_BY_CHAPTER", 1)
    derived = c.get("/api/overview").json()
    state.refresh_all(site.engine, clock.today())
    assert c.get("/api/overview").json() == derived
    assert (derived["total"], derived["statuses"], derived["colours"]) == (
        every["total"], every["statuses"], every["colours"])
    assert [p["id"] for p in derived["plans"]] == [every["plans"][0]["id"]] and len(every["plans"]) >= 2
    assert derived["plans_counted"] == len(every["plans"])
    assert f"共{len(every['plans'])}份文件" in c.get("/overview").text
