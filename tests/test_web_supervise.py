"""The office's supervision pages: 调度 (rounds), 问题 (problems), 延期 (extensions), 考核 (assessment),
通报 (bulletins). Data is made through the library on the seeded ledger; each page is read as HTML
and as JSON, each write is checked in the database with its audit entry naming the signed-in user."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from docx import Document as Docx
from sqlalchemy import func, select

from duban.store import transaction
from duban.store.models import AuditEntry, Cycle, Extension, Problem, ProblemStep, Round
from duban.supervise import extensions, problems, reports, rounds, scoring

from .web import ROLE_LOGINS, csrf

OFFICE = ["office_admin", "office_staff"]
TODAY = date.today()


# --- helpers -----------------------------------------------------------------------------------


def post_form(c, path: str, **data):
    """What the browser does: the form posted with its CSRF field, answered by a 303."""
    r = c.post(path, data={"csrf": csrf(c), **data}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def post_api(c, path: str, **data):
    return c.post(f"/api{path}", data=data, headers={"X-CSRF-Token": csrf(c)})


def audited(site, action: str) -> list[AuditEntry]:
    with transaction(site.engine) as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def round_named(site, name: str) -> Round:
    with transaction(site.engine) as s:
        return s.scalar(select(Round).where(Round.document_id == site.ids.plan, Round.name == name))


def unit_tasks(site, r: Round) -> list[int]:
    """The tasks the round asks the liaison's unit about."""
    with transaction(site.engine) as s:
        return [task for task, unit in rounds.expected(s, s.get(Round, r.id)) if unit == site.ids.unit]


def raise_problem(site, at: datetime | None = None) -> int:
    with transaction(site.engine) as s:
        return problems.raise_problem(s, site.ids.own_task, "配套资金未到位", "liaison", site.ids.unit, at=at).id


def request_extension(site) -> int:
    with transaction(site.engine) as s:
        return extensions.request(s, site.ids.own_task, date(TODAY.year + 1, 6, 30), "项目审批手续尚未办结",
                                  "liaison", site.ids.unit).id


# --- 调度 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", OFFICE)
def test_rounds_page_shows_each_document_with_its_cycle_and_rounds(site, role):
    c = site.client(role)
    data = c.get("/api/rounds").json()
    plans = {p["id"]: p for p in data["plans"]}
    assert data["ok"] and set(plans) == {site.ids.plan, site.ids.other}
    plan = plans[site.ids.plan]
    assert [x["every"] for x in plan["cycles"]] == ["month"] and plan["cycles"][0]["day"] == 5
    assert len(plan["rounds"]) == 11 and plans[site.ids.other]["rounds"] == []
    for r in plan["rounds"]:  # closed long ago, nobody reported: every expected report is missed
        assert r["shut"] and not r["adhoc"] and r["expected"] == r["missed"] > 0 and r["pending"] == 0
    page = c.get("/rounds")
    assert page.status_code == 200 and "2024年3月" in page.text and "设定报送周期" in page.text
    assert f'action="/documents/{site.ids.other}/cycle"' in page.text and 'name="csrf"' in page.text


def test_round_detail_names_the_units_that_have_not_reported(site):
    r = round_named(site, "2024年3月")
    on_time, late = unit_tasks(site, r)[:2]
    with transaction(site.engine) as s:
        reports.report(s, on_time, site.ids.unit, "liaison", percent=50, at=datetime(2024, 3, 1, 9))
        after_due = datetime.combine(r.due + timedelta(days=1), time(9))  # within the grace days
        reports.report(s, late, site.ids.unit, "liaison", percent=30, at=after_due)
    c = site.client("office_staff")
    data = c.get(f"/api/rounds/{r.id}").json()
    assert [(x["unit_id"], x["task"]["id"]) for x in data["on_time"]] == [(site.ids.unit, on_time)]
    assert [(x["unit_id"], x["task"]["id"]) for x in data["late"]] == [(site.ids.unit, late)]
    missing = {u["unit_id"]: [t["id"] for t in u["tasks"]] for u in data["missing"]}
    assert on_time not in missing[site.ids.unit] and late not in missing[site.ids.unit]
    assert sum(map(len, missing.values())) == data["round"]["missed"] == data["round"]["expected"] - 2
    counts = [len(u["tasks"]) for u in data["missing"]]
    assert counts == sorted(counts, reverse=True)  # the worst first
    page = c.get(f"/rounds/{r.id}")
    assert page.status_code == 200 and "未报送的单位" in page.text and "催办" in page.text
    assert data["missing"][0]["unit"] in page.text and "下载通报（Word）" in page.text


@pytest.mark.parametrize("role", OFFICE)
def test_open_an_ad_hoc_round_then_lock_it(site, role):
    c = site.client(role)
    due = date(TODAY.year + 1, 1, 15)
    r = post_form(c, f"/documents/{site.ids.plan}/rounds", name="专项调度", due=due.isoformat())
    with transaction(site.engine) as s:
        made = s.scalar(select(Round).where(Round.name == "专项调度"))
    assert r.headers["location"].startswith(f"/rounds/{made.id}?msg=")
    assert made.due == due and made.cycle_id is None and made.opens == TODAY
    before = c.get(f"/api/rounds/{made.id}").json()["round"]
    assert not before["shut"] and before["adhoc"] and before["pending"] == before["expected"] > 0
    post_form(c, f"/rounds/{made.id}/lock")
    after = c.get(f"/api/rounds/{made.id}").json()["round"]
    assert after["shut"] and after["locked_at"] and after["missed"] == after["expected"] and after["pending"] == 0
    assert [x.actor for x in audited(site, "open_round")] == [ROLE_LOGINS[role]]
    assert [(x.actor, x.entity_id) for x in audited(site, "lock_round")] == [(ROLE_LOGINS[role], str(made.id))]
    assert "锁定本轮调度" not in c.get(f"/rounds/{made.id}").text


def test_a_cycle_planned_without_a_start_has_no_round_in_the_past(site):
    """Planned today with no start date: no round already shut (units would have missed it before it existed)."""
    c = site.client("office_admin")
    end = date.today() + timedelta(days=120)
    made = post_api(c, f"/documents/{site.ids.other}/cycle", every="month", day="25", end=end.isoformat()).json()
    assert made["ok"] and made["rounds"] and all(date.fromisoformat(r["opens"]) >= date.today() for r in made["rounds"])


def test_plan_a_cycle_for_a_document_once(site):
    c = site.client("office_admin")
    answer = post_api(c, f"/documents/{site.ids.other}/cycle", every="quarter", day="10", grace="3",
                      start="2023-01-01", end="2023-12-31")
    made = answer.json()
    assert answer.status_code == 200 and made["ok"] and len(made["rounds"]) == 4
    assert [x["name"] for x in made["rounds"]] == [f"2023年第{n}季度" for n in "一二三四"]
    plan = next(p for p in c.get(f"/api/rounds?doc={site.ids.other}").json()["plans"])
    assert plan["cycles"][0]["every"] == "quarter" and plan["cycles"][0]["grace"] == 3
    assert [x["name"] for x in plan["rounds"]] == [x["name"] for x in made["rounds"]]
    assert [x.actor for x in audited(site, "plan_cycle")] == ["tests", "admin"]  # the seed's, then this one
    again = post_api(c, f"/documents/{site.ids.other}/cycle", every="quarter", day="10", start="2023-01-01",
                     end="2023-12-31")
    assert again.status_code == 400 and again.json()["ok"] is False and "已有调度轮次" in again.json()["error"]
    with transaction(site.engine) as s:  # the refused write left nothing behind
        assert s.scalar(select(func.count()).select_from(Cycle).where(Cycle.document_id == site.ids.other)) == 1


@pytest.mark.parametrize(("form", "says"), [
    ({"name": "专项调度", "due": "2026-01-10", "opens": "2026-02-01"}, "早于开始日"),
    ({"name": "2024年3月", "due": "2026-12-10"}, "已有调度轮次"),
    ({"name": "  ", "due": "2026-12-10"}, "轮次名称"),
])
def test_a_refused_round_is_a_400_and_writes_nothing(site, form, says):
    c = site.client("office_staff")
    r = post_api(c, f"/documents/{site.ids.plan}/rounds", **form)
    assert r.status_code == 400 and r.json()["status"] == 400 and says in r.json()["error"]
    assert audited(site, "open_round") == []
    html = c.post(f"/documents/{site.ids.plan}/rounds", data={"csrf": csrf(c), **form})
    assert html.status_code == 400 and says in html.text


def test_a_missing_round_is_a_404(site):
    c = site.client("office_staff")
    assert c.get("/api/rounds/99999").json()["status"] == 404
    assert c.get("/rounds/99999/bulletin.docx").status_code == 404


# --- 问题 ----------------------------------------------------------------------------------------


def board(c, query: str = "") -> dict[int, dict]:
    """The problems on the board, by id, each with the state group it is under."""
    data = c.get(f"/api/problems{query}").json()
    return {p["id"]: {**p, "group": g["state"]} for g in data["groups"] for p in g["problems"]}


@pytest.mark.parametrize("role", OFFICE)
def test_move_a_problem_through_its_states_to_closed(site, role):
    pid = raise_problem(site)
    c = site.client(role)
    shown = board(c)[pid]
    assert shown["group"] == "发现" and shown["moves"] == ["协调"] and shown["unit"] and not shown["overdue"]
    assert shown["task"]["id"] == site.ids.own_task and shown["raised_by"] == "liaison"
    for state, assignee in (("协调", "冠县发展和改革局"), ("解决", ""), ("反馈", ""), ("销号", "")):
        r = post_form(c, f"/problems/{pid}/move", state=state, note=f"{state}说明", assignee=assignee)
        assert r.headers["location"].startswith("/problems")
        shown = board(c)[pid]
        assert shown["group"] == shown["state"] == state and shown["steps"][-1]["note"] == f"{state}说明"
    assert shown["assignee"] == "冠县发展和改革局" and shown["moves"] == []
    assert [x["state"] for x in shown["steps"]] == list(problems.STATES)
    moves = audited(site, "problem_协调") + audited(site, "problem_销号")
    assert [x.actor for x in moves] == [ROLE_LOGINS[role]] * 2
    page = c.get("/problems")
    assert page.status_code == 200 and "配套资金未到位" in page.text and f"/tasks/{site.ids.own_task}" in page.text


@pytest.mark.parametrize(("state", "assignee", "says"), [
    ("解决", "", "下一步只能是：协调"),  # a step skipped
    ("销号", "", "下一步只能是：协调"),
    ("协调", "", "须指定负责"),  # 协调 with nobody to do it
])
def test_an_illegal_move_is_refused_and_writes_nothing(site, state, assignee, says):
    pid = raise_problem(site)
    c = site.client("office_staff")
    r = post_api(c, f"/problems/{pid}/move", state=state, assignee=assignee)
    assert r.status_code == 400
    body = r.json()
    assert body["ok"] is False and body["status"] == 400 and body["errors"] == [] and says in body["error"]
    with transaction(site.engine) as s:
        assert s.get(Problem, pid).state == "发现"
        assert s.scalar(select(func.count()).select_from(ProblemStep).where(ProblemStep.problem_id == pid)) == 1
    assert audited(site, f"problem_{state}") == []
    page = c.post(f"/problems/{pid}/move", data={"csrf": csrf(c), "state": state})
    assert page.status_code == 400 and says in page.text


def test_an_overdue_problem_is_flagged_with_its_days_and_can_be_filtered(site):
    old, new = raise_problem(site, datetime(TODAY.year, 1, 5, 10)), raise_problem(site)
    c = site.client("office_admin")
    shown = board(c)
    with transaction(site.engine) as s:
        due = s.get(Problem, old).due
    assert shown[old]["overdue"] and shown[old]["overdue_days"] == (TODAY - due).days > 0
    assert not shown[new]["overdue"] and shown[new]["overdue_days"] == 0
    assert set(board(c, "?overdue=true")) == {old}
    assert set(board(c, "?state=协调")) == set() and set(board(c, "?state=发现")) == {old, new}
    assert set(board(c, f"?doc={site.ids.other}")) == set() and set(board(c, f"?doc={site.ids.plan}")) == {old, new}
    assert set(board(c, f"?as_of={TODAY.year}-01-04")) == set()  # not yet raised that day
    data = c.get("/api/problems").json()
    assert data["total"] == 2 and data["overdue"] == 1
    assert f"逾期 {(TODAY - due).days} 天" in c.get("/problems").text


# --- 延期 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "decision", "state"), [("office_admin", "approve", "已批准"),
                                                         ("office_staff", "refuse", "已驳回")])
def test_decide_an_extension_request(site, role, decision, state):
    eid = request_extension(site)
    c = site.client(role)
    data = c.get("/api/extensions").json()
    assert [x["id"] for x in data["pending"]] == [eid] and data["decided"] == []
    assert data["pending"][0]["task"]["id"] == site.ids.own_task and data["pending"][0]["reason"] == "项目审批手续尚未办结"
    assert "批准" in c.get("/extensions").text
    post_form(c, f"/extensions/{eid}/decide", decision=decision, note="同意" if decision == "approve" else "理由不充分")
    data = c.get("/api/extensions").json()
    assert data["pending"] == [] and [(x["id"], x["state"], x["decided_by"]) for x in data["decided"]] == [
        (eid, state, ROLE_LOGINS[role])]
    assert [(x.actor, x.detail["state"]) for x in audited(site, "decide_extension")] == [(ROLE_LOGINS[role], state)]
    again = post_api(c, f"/extensions/{eid}/decide", decision="approve")
    assert again.status_code == 400 and "已" in again.json()["error"]
    with transaction(site.engine) as s:
        assert s.get(Extension, eid).state == state


def test_an_unknown_decision_is_invalid(site):
    eid = request_extension(site)
    r = post_api(site.client("office_staff"), f"/extensions/{eid}/decide", decision="maybe")
    assert r.status_code == 422 and r.json()["errors"][0]["where"].endswith("decision")


# --- 考核 ----------------------------------------------------------------------------------------


def test_assessment_ranks_units_and_leaders_with_their_explanation(site):
    c = site.client("office_staff")
    query = f"start=2024-01-01&end=2024-12-31&doc={site.ids.plan}"
    data = c.get(f"/api/assessment?{query}").json()
    with transaction(site.engine) as s:
        units, leaders = scoring.assess(s, date(2024, 1, 1), date(2024, 12, 31), [site.ids.plan], summary=True)
    for shown, expected in ((data["units"], units), (data["leaders"], leaders)):
        assert [(x["rank"], x["name"], x["score"], x["summary"]) for x in shown] == [
            (r.rank, r.name, r.score, r.explanation) for r in expected]
    missed = next(u for u in data["units"] if any("未报送" in x for x in u["summary"]))
    assert missed["explanation"][0] == "基础分 100" and any("2024年3月" in x for x in missed["explanation"])
    assert {r["key"] for r in data["rules"]} >= {"missed_report", "overdue"} and data["base"] == 100
    page = c.get(f"/assessment?{query}")
    assert page.status_code == 200 and "<details" in page.text and data["units"][0]["name"] in page.text
    assert "领导排名" in page.text and data["leaders"][0]["name"] in page.text


def test_assessment_defaults_to_this_year_and_refuses_a_reversed_period(site):
    c = site.client("office_admin")
    data = c.get("/api/assessment").json()
    assert (data["start"], data["end"]) == (f"{TODAY.year}-01-01", TODAY.isoformat())
    r = c.get("/api/assessment?start=2024-12-31&end=2024-01-01")
    assert r.status_code == 400 and "晚于" in r.json()["error"]


# --- 通报 ----------------------------------------------------------------------------------------


def test_bulletins_list_every_round_newest_first_with_its_download(site):
    c = site.client("office_staff")
    data = c.get("/api/bulletins").json()
    dues = [r["due"] for r in data["rounds"]]
    assert len(dues) == 11 and dues == sorted(dues, reverse=True)
    page = c.get("/bulletins")
    assert page.status_code == 200
    for r in data["rounds"]:
        assert f'href="/rounds/{r["id"]}/bulletin.docx"' in page.text
    assert page.text.count("下载通报（Word）") == 11


def test_a_rounds_bulletin_as_a_page_and_as_json(site):
    r = round_named(site, "2024年3月")
    c = site.client("office_admin")
    data = c.get(f"/api/rounds/{r.id}/bulletin").json()
    b = data["bulletin"]
    assert b["round_name"] == "2024年3月" and b["issuer"] == "冠县人民政府督查室" and b["as_of"] == r.closes.isoformat()
    assert b["expected"] == b["missed"] > 0 and data["reported"] == 0 and data["rate"] == "0.0%"
    assert sum(b["counts"].values()) == b["tasks"] and b["ranking"]
    assert {x["kind"] for x in data["blocks"]} >= {"issuer", "title", "h1", "table", "sign"}
    page = c.get(f"/rounds/{r.id}/bulletin")
    assert page.status_code == 200 and b["title"] in page.text and "四、未按时报送单位" in page.text
    assert b["missing"][0]["unit"] in page.text and "下载通报（Word）" in page.text


def test_download_a_rounds_bulletin_as_word(site):
    r = round_named(site, "2024年3月")
    answer = site.client("office_staff").get(f"/rounds/{r.id}/bulletin.docx")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    title = "关于2024年3月重点任务推进情况的通报"
    disposition = answer.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(title + '.docx')}" in disposition
    text = "\n".join(p.text for p in Docx(io.BytesIO(answer.content)).paragraphs)
    assert "2024年3月" in text and "冠县人民政府督查室" in text


# --- who may ----------------------------------------------------------------------------------


PAGES = ["/rounds", "/rounds/{round}", "/problems", "/extensions", "/assessment", "/bulletins",
         "/rounds/{round}/bulletin"]
ACTIONS = ["/documents/{plan}/cycle", "/documents/{plan}/rounds", "/rounds/{round}/lock", "/problems/{problem}/move",
           "/extensions/{extension}/decide"]


@pytest.mark.parametrize("role", ["unit", "leader"])
def test_only_the_office_reaches_these_pages(site, role):
    ids = {"round": round_named(site, "2024年3月").id, "plan": site.ids.plan, "problem": raise_problem(site),
           "extension": request_extension(site)}
    c = site.client(role)
    for path in [p.format(**ids) for p in PAGES]:
        assert c.get(f"/api{path}").status_code == 403, path
        assert c.get(path).status_code == 403, path
    assert c.get(f"/rounds/{ids['round']}/bulletin.docx").status_code == 403
    form = {"state": "协调", "assignee": "x", "decision": "approve", "name": "专项", "due": "2026-12-30", "day": "5"}
    for path in [p.format(**ids) for p in ACTIONS]:
        assert post_api(c, path, **form).status_code == 403, path
        assert c.post(path, data={"csrf": csrf(c), **form}, follow_redirects=False).status_code == 403, path
    with transaction(site.engine) as s:
        assert s.get(Problem, ids["problem"]).state == "发现" and s.get(Extension, ids["extension"]).state == "待审批"
        assert s.get(Round, ids["round"]).locked_at is None
