"""任务详情 (the task page, 批示 and status override) and 领导 (a leader's portfolio)."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

import pytest
from sqlalchemy import select

from duban.store import transaction
from duban.store.models import AuditEntry, Document, Instruction, Person, StatusOverride, Task, TaskRole
from duban.supervise import extensions, problems, reports
from duban.web.views.tasks import Span, marked

from .web import csrf


def task_facts(site, task_id: int) -> dict:
    with transaction(site.engine) as s:
        t = s.get(Task, task_id)
        return {"source": t.document.source_text[t.span_start:t.span_end],
                "units": [r.printed for r in t.roles if r.role == "lead_units"],
                "leaders": [r.person.name for r in t.roles if r.role == "lead_leaders" and r.person]}


def last_audit(site, action: str) -> AuditEntry:
    with transaction(site.engine) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())).first()
        s.expunge(entry)
        return entry


@pytest.mark.parametrize("spans, expected", [
    ([], [("abcdef", "")]),
    ([Span(12, 14, "unit")], [("ab", ""), ("cd", "unit"), ("ef", "")]),
    ([Span(10, 16, "deadline"), Span(12, 14, "target")], [("ab", "deadline"), ("cd", "target"), ("ef", "deadline")]),
    ([Span(11, 14, "unit"), Span(13, 15, "leader")], [("a", ""), ("bc", "unit"), ("de", "leader"), ("f", "")]),
    ([Span(8, 12, "unit"), Span(15, 30, "target"), Span(13, 13, "leader")], [("ab", "unit"), ("cde", ""),
                                                                             ("f", "target")]),
])
def test_marked_segments(spans, expected):
    """The text starts at offset 10 of its source; overlaps go to the innermost span, outside ones are clipped."""
    segments = marked("abcdef", 10, spans)
    assert "".join(text for text, _ in segments) == "abcdef"
    assert segments == expected


def test_task_page_marks_units_leaders_and_targets(site):
    c, task = site.client("office_staff"), task_facts(site, site.ids.own_task)
    data = c.get(f"/api/tasks/{site.ids.own_task}").json()
    assert "".join(text for text, _ in data["segments"]) == task["source"]
    assert {kind for _, kind in data["segments"]} >= {"unit", "leader", ""}
    html = c.get(f"/tasks/{site.ids.own_task}").text
    assert f'<mark class="unit">{task["units"][0]}</mark>' in html
    assert f'<mark class="leader">{task["leaders"][0]}</mark>' in html
    assert data["board"]["status"] and data["task"]["key"].startswith(f"T{site.ids.own_task}-")
    assert any(r["role"] == "lead_units" for r in data["roles"])
    assert data["report_units"] and f'href="/units/{data["report_units"][0]["id"]}"' in html


def test_source_text_is_escaped(site):
    c = site.client("office_staff")
    plain = next(text for text, kind in c.get(f"/api/tasks/{site.ids.own_task}").json()["segments"]
                 if not kind and len(text) >= 3)
    with transaction(site.engine) as s:
        t = s.get(Task, site.ids.own_task)
        at = t.document.source_text.index(plain, t.span_start)
        t.document.source_text = t.document.source_text[:at] + "<i>" + t.document.source_text[at + 3:]
    html = c.get(f"/tasks/{site.ids.own_task}").text
    assert "&lt;i&gt;" in html and "<i>" not in html


def write_history(site, task_id: int) -> None:
    with transaction(site.engine) as s:
        reports.report(s, task_id, site.ids.unit, "liaison", status="序时推进", progress="第一次进展", percent=30,
                       at=datetime(2024, 3, 1, 9))
        reports.report(s, task_id, site.ids.unit, "liaison", progress="第二次进展", percent=60,
                       at=datetime(2024, 6, 3, 9))
        p = problems.raise_problem(s, task_id, "资金缺口待协调", "liaison", site.ids.unit, at=datetime(2024, 6, 3, 10))
        problems.move(s, p.id, "协调", "staff", "请财政局协调", "冠县财政局", at=datetime(2024, 6, 4, 10))
        extensions.request(s, task_id, date(2025, 6, 30), "受项目审批影响", "liaison", site.ids.unit,
                           at=datetime(2024, 6, 5, 10))


def test_task_page_shows_the_history(site):
    write_history(site, site.ids.own_task)
    c = site.client("leader")
    data = c.get(f"/api/tasks/{site.ids.own_task}").json()
    assert [r["progress"] for r in data["reports"]] == ["第二次进展", "第一次进展"]  # newest first
    assert data["reports"][0]["percent"] == 60 and data["reports"][0]["by"] == "liaison"
    assert data["reports"][1]["round"]  # answered the round open on 2024-03-01
    [p] = data["problems"]
    assert p["text"] == "资金缺口待协调" and [x["state"] for x in p["steps"]] == ["发现", "协调"]
    assert data["extensions"][0]["state"] == "待审批" and data["extensions"][0]["new_due"] == "2025-06-30"
    html = c.get(f"/tasks/{site.ids.own_task}").text
    for shown in ("第二次进展", "资金缺口待协调", "请财政局协调", "受项目审批影响", "进展报送（2）"):
        assert shown in html


@pytest.mark.parametrize("role, task, status", [
    ("office_staff", "foreign_task", 200), ("unit", "own_task", 200), ("unit", "foreign_task", 403),
    ("leader", "own_task", 200), ("leader", "foreign_task", 403), ("public", "own_task", 401),
])
def test_who_may_open_a_task(site, role, task, status):
    assert site.client(role).get(f"/api/tasks/{getattr(site.ids, task)}").status_code == status


def test_unknown_task(site):
    assert site.client("office_admin").get("/api/tasks/999999").status_code == 404


def instruct(client, task_id: int, as_json: bool = False, **form):
    if as_json:
        return client.post(f"/api/tasks/{task_id}/instruction", data=form, headers={"X-CSRF-Token": csrf(client)})
    return client.post(f"/tasks/{task_id}/instruction", data={**form, "csrf": csrf(client)}, follow_redirects=False)


@pytest.mark.parametrize("role, form, leader", [
    ("leader", {"text": "抓紧推进"}, "张怀恒"),
    ("leader", {"text": "抓紧推进", "leader": "何宁"}, "张怀恒"),  # a leader writes only as themself
    ("office_staff", {"text": "抓紧推进"}, "张怀恒"),  # the office: by default the task's first 牵头领导
    ("office_admin", {"text": "抓紧推进", "leader": "何宁"}, "何宁"),
])
def test_instruction_is_recorded_and_audited(site, role, form, leader):
    c = site.client(role)
    r = instruct(c, site.ids.own_task, **form)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/tasks/{site.ids.own_task}?msg=")
    with transaction(site.engine) as s:
        i = s.scalars(select(Instruction).where(Instruction.task_id == site.ids.own_task)).one()
        person = s.scalar(select(Person.id).where(Person.name == leader))
        assert (i.leader, i.text, i.person_id) == (leader, "抓紧推进", person)
    login = {"leader": "leader", "office_staff": "staff", "office_admin": "admin"}[role]
    entry = last_audit(site, "instruct")
    assert entry.actor == login == i.recorded_by and entry.entity_id == str(site.ids.own_task)
    assert "抓紧推进" in c.get(f"/tasks/{site.ids.own_task}").text


def test_instruction_as_json_and_back_to_the_leader_page(site):
    c = site.client("leader")
    data = instruct(c, site.ids.own_task, as_json=True, text="请按月报送").json()
    assert data["ok"] and data["instruction"]["person_id"] == site.ids.person
    assert c.get(f"/api/tasks/{site.ids.own_task}").json()["instructions"][0]["text"] == "请按月报送"
    r = instruct(c, site.ids.own_task, text="再次督促", back="/leader")
    assert r.headers["location"].startswith("/leader?msg=")
    assert instruct(c, site.ids.own_task, text="x", back="//evil.example").headers["location"].startswith("/tasks/")


@pytest.mark.parametrize("role, task, form, status", [
    ("unit", "own_task", {"text": "抓紧"}, 403),
    ("leader", "foreign_task", {"text": "抓紧"}, 403),
    ("leader", "own_task", {"text": "   "}, 400),
    ("office_staff", "foreign_task", {"text": "抓紧"}, 400),  # the task names no 牵头领导 and none was given
])
def test_instruction_refused(site, role, task, form, status):
    r = instruct(site.client(role), getattr(site.ids, task), as_json=True, **form)
    assert r.status_code == status and not r.json()["ok"]


def test_instruction_needs_the_csrf_token(site):
    r = site.client("leader").post(f"/api/tasks/{site.ids.own_task}/instruction", data={"text": "抓紧"})
    assert r.status_code == 403


def override(client, task_id: int, **form):
    return client.post(f"/tasks/{task_id}/override", data={**form, "csrf": csrf(client)}, follow_redirects=False)


def test_override_and_lift(site):
    c, task = site.client("office_staff"), site.ids.own_task
    assert override(c, task, status="已完成", reason="现场核查已完成").status_code == 303
    data = c.get(f"/api/tasks/{task}").json()
    assert data["board"]["status"] == "已完成" and "现场核查已完成" in data["board"]["reasons"][0]
    assert data["overrides"][0]["status"] == "已完成" and data["overrides"][0]["by"] == "staff"
    entry = last_audit(site, "override_status")
    assert entry.actor == "staff" and entry.detail["status"] == "已完成"
    assert override(c, task, status="", reason="按规则认定").status_code == 303
    data = c.get(f"/api/tasks/{task}").json()
    assert data["board"]["status"] != "已完成" and data["overrides"][0]["status"] is None
    with transaction(site.engine) as s:
        assert len(s.scalars(select(StatusOverride).where(StatusOverride.task_id == task)).all()) == 2
    assert "按规则认定" in c.get(f"/tasks/{task}").text


@pytest.mark.parametrize("role, form, status", [
    ("office_staff", {"status": "差不多", "reason": "x"}, 400),
    ("office_staff", {"status": "已完成", "reason": "  "}, 400),
    ("unit", {"status": "已完成", "reason": "x"}, 403),
    ("leader", {"status": "已完成", "reason": "x"}, 403),
])
def test_override_refused(site, role, form, status):
    c = site.client(role)
    r = c.post(f"/api/tasks/{site.ids.own_task}/override", data=form, headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == status


def led_by(site, person: str) -> int:
    with transaction(site.engine) as s:
        return len(set(s.scalars(select(Task.id).join(Document).join(TaskRole).where(
            Document.current, Task.active, TaskRole.role == "lead_leaders", TaskRole.person_id == person))))


def test_leader_portfolio(site):
    c = site.client("leader")
    data = c.get("/api/leader?as_of=2024-02-01").json()
    assert data["person"]["id"] == site.ids.person
    assert data["total"] == led_by(site, site.ids.person) == sum(data["statuses"].values())
    assert sum(data["colours"].values()) == data["total"] == sum(len(g["tasks"]) for g in data["groups"])
    assert [g["colour"] for g in data["groups"]] == ["red", "yellow", "blue", None]
    assert all(x["colour"] == g["colour"] for g in data["groups"] for x in g["tasks"])
    assert c.get(f"/api/leaders/{site.ids.person}?as_of=2024-02-01").json() == data
    html = c.get("/leader").text
    assert "<svg" in html and f'action="/tasks/{site.ids.own_task}/instruction"' in html and "红色预警" in html


def test_office_sees_every_leader(site):
    c = site.client("office_staff")
    data = c.get("/api/leader").json()
    assert data["person"] is None and data["leaders"]
    assert all(p["tasks"] == led_by(site, p["id"]) for p in data["leaders"])
    one = data["leaders"][0]
    assert c.get(f"/api/leaders/{one['id']}").json()["total"] == one["tasks"]
    assert "/leaders/" in c.get("/leader").text
    assert c.get("/api/leaders/nobody").status_code == 404


@pytest.mark.parametrize("role, path, status", [
    ("leader", "/api/leaders/冠县:何宁", 403), ("unit", "/api/leader", 403), ("public", "/api/leader", 401),
    ("unit", "/api/leaders/冠县:张怀恒", 403),
])
def test_who_may_open_a_portfolio(site, role, path, status):
    assert site.client(role).get(path).status_code == status


def test_page_text_is_escaped_in_history(site):
    c = site.client("leader")
    instruct(c, site.ids.own_task, text="<script>alert(1)</script>")
    assert escape("<script>alert(1)</script>") in c.get(f"/tasks/{site.ids.own_task}").text


def test_the_task_page_says_why_its_limit_is_the_one_in_force(site):
    page = site.client("office_staff").get(f"/tasks/{site.ids.own_task}").text
    assert "依据：按“" in page or "依据：条目" in page
