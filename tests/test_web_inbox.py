"""工作台 and the 批示 loop through the web: a leader writes, the lead unit answers, the office marks it
已落实, the leader reads the answer; the office's counts (on the 工作台 and in the menu) move with each step."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from duban import clock
from duban.store import transaction, users
from duban.store.models import AuditEntry, Instruction, TaskRole
from duban.supervise import extensions, problems

from .web import PASSWORD, csrf


def counts(site) -> dict:
    return site.client("office_staff").get("/api/inbox").json()["counts"]


def menu_count(html: str, href: str) -> int:
    found = re.search(rf'data-menu-count="{re.escape(href)}">(\d+)<', html)
    return int(found.group(1)) if found else 0


def write(site, role: str = "leader", text: str = "请加快进度，年底前见到实效") -> dict:
    c = site.client(role)
    r = c.post(f"/api/tasks/{site.ids.own_task}/instruction", data={"text": text}, headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 200, r.text
    return r.json()["instruction"]


def step(site, role: str, instruction: dict, what: str, **form):
    c = site.client(role)
    return c.post(f"/api/tasks/{instruction['task_id']}/instructions/{instruction['id']}/{what}", data=form,
                  headers={"X-CSRF-Token": csrf(c)})


def actions(site) -> list[str]:
    with transaction(site.engine) as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity.in_(["instruction", "task"]))
                              .order_by(AuditEntry.id)))


def test_the_instruction_loop_across_three_roles(site):
    i = write(site)
    assert i["state"] == "待办理" and counts(site)["unanswered"] == 1
    unit_page = site.client("unit").get(f"/units/{site.ids.unit}").text
    assert "请加快进度" in unit_page and "填写办理情况" in unit_page
    assert menu_count(unit_page, "/unit") == 1

    r = step(site, "unit", i, "answer", text="已召开专题推进会，落实资金300万元")
    assert r.status_code == 200 and r.json()["instruction"]["state"] == "已答复"
    assert counts(site)["answered"] == 1 and counts(site)["unanswered"] == 0
    inbox = site.client("office_staff").get("/inbox").text
    assert "已召开专题推进会" in inbox and menu_count(inbox, "/inbox") == 1

    assert step(site, "office_staff", i, "close").json()["instruction"]["state"] == "已落实"
    assert counts(site)["answered"] == 0
    leader_task = site.client("leader").get(f"/tasks/{site.ids.own_task}").text
    assert "已召开专题推进会" in leader_task and "已落实" in leader_task
    assert "已召开专题推进会" in site.client("leader").get("/leader").text
    assert actions(site)[-3:] == ["instruct", "answer_instruction", "close_instruction"]


@pytest.mark.parametrize("role, what, form, expected", [
    ("office_staff", "close", {}, "须先有单位的办理情况"),  # not answered yet
    ("unit", "answer", {"text": "  "}, "请填写办理情况"),
    ("leader", "answer", {"text": "代答"}, None),  # a leader does not answer: 403
    ("unit", "close", {}, None),  # nor does a unit close
])
def test_refused_steps(site, role, what, form, expected):
    r = step(site, role, write(site), what, **form)
    assert r.status_code == (400 if expected else 403), r.text
    if expected:
        assert expected in r.json()["error"]


def test_a_closed_instruction_takes_no_new_answer(site):
    i = write(site)
    step(site, "unit", i, "answer", text="已办")
    step(site, "office_admin", i, "close")
    r = step(site, "unit", i, "answer", text="再改")
    assert r.status_code == 400 and "已落实" in r.json()["error"]


def test_only_a_lead_unit_answers(site):
    """A liaison of a unit that shares the task (配合) reads the 批示 but does not answer it."""
    with transaction(site.engine) as s:
        helper = s.scalars(select(TaskRole.unit_id).where(
            TaskRole.task_id == site.ids.own_task, TaskRole.role.in_(["co_units", "resp_units"]),
            TaskRole.unit_id.is_not(None))).first()
        if helper is None:
            pytest.skip("the task names no unit besides its lead units")
        users.add(s, "helper", "配合单位联络员", "unit", PASSWORD, "tests", units=[helper])
    i = write(site)
    c = site.client("public")
    c.post("/login", data={"login": "helper", "password": PASSWORD, "csrf": csrf(c)})
    r = c.post(f"/api/tasks/{site.ids.own_task}/instructions/{i['id']}/answer", data={"text": "代答"},
               headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 403


def test_an_instruction_on_another_task_is_not_found(site):
    i = write(site)
    c = site.client("office_staff")
    r = c.post(f"/api/tasks/{site.ids.foreign_task}/instructions/{i['id']}/close", headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 404


def test_inbox_counts_extensions_problems_and_rounds(site):
    before = counts(site)
    with transaction(site.engine) as s:
        extensions.request(s, site.ids.own_task, date(2027, 6, 30), "工期顺延", "tests", unit=site.ids.unit)
        with clock.set_to(date(2024, 3, 1)):
            problems.raise_problem(s, site.ids.own_task, "资金未到位", "tests", unit=site.ids.unit)
    after = counts(site)
    assert after["extensions"] == before["extensions"] + 1
    assert after["problems_open"] == before["problems_open"] + 1
    assert after["problems_overdue"] == before["problems_overdue"] + 1  # raised long ago, never 销号
    page = site.client("office_admin").get("/inbox").text
    assert "工期顺延" in page and "资金未到位" in page
    assert menu_count(page, "/extensions") == after["extensions"] and menu_count(page, "/problems") >= 1


def test_the_inbox_lists_units_not_yet_reported_in_an_open_round(site):
    """On a day inside one of the plan's monthly rounds, the round is listed with the units still to report."""
    with clock.set_to(date(2024, 5, 2)):
        data = site.client("office_staff").get("/api/inbox").json()
    assert data["rounds"], data
    r = data["rounds"][0]
    assert r["state"] in ("进行中", "补报期") and r["pending"]
    assert all(u["url"].startswith("/units/") and u["tasks"] >= 1 for u in r["pending"])


def test_the_office_lands_on_the_inbox_and_a_liaison_on_its_unit(site):
    assert site.client("office_staff").get("/", follow_redirects=False).headers["location"] == "/inbox"
    assert site.client("unit").get("/", follow_redirects=False).headers["location"].startswith("/units/")


def test_instructions_are_kept_per_task(site):
    write(site, text="第一条")
    write(site, "office_staff", text="第二条")
    with transaction(site.engine) as s:
        assert [i.text for i in s.scalars(select(Instruction).order_by(Instruction.id))][-2:] == ["第一条", "第二条"]


def test_the_inbox_warns_while_the_year_s_holidays_are_unknown(site, monkeypatch):
    monkeypatch.setenv("DUBAN_TODAY", "2027-01-04")  # chinesecalendar 1.11 stops at 2026
    page = site.client("office_staff").get("/inbox").text
    assert 'id="calendar-warning"' in page and "节假日日历不含 2027 年" in page
    assert "2027" in site.client("office_staff").get("/api/inbox").json()["calendar_warning"]
    monkeypatch.setenv("DUBAN_TODAY", "2026-06-01")
    assert 'id="calendar-warning"' not in site.client("office_staff").get("/inbox").text
