"""搜索: one box finds tasks, progress reports, problems and 批示, each hit a link to its task with the
words marked; scoped as the ledger is; LIKE wildcards typed by the user are plain characters."""

from __future__ import annotations

from datetime import datetime

import pytest

from duban.store import transaction
from duban.store.ledger import task_key
from duban.store.models import Task
from duban.supervise import notes, problems, reports

REPORTED = "泵站主体已完成封顶浇筑"
PROBLEM = "征地拆迁补偿款迟迟未到位"
STEP_NOTE = "已请县自然资源局牵头协调"
INSTRUCTION = "务必在汛期前完成全部设备调试"
ANSWER = "已组织三轮联合调试"
FOREIGN = "外单位独有的填报措辞"


@pytest.fixture
def written(site):
    """A report, a problem with a step and a 批示 with its answer on the liaison's task; a report on a task
    that is not theirs."""
    ids = site.ids
    with transaction(site.engine) as s:
        reports.report(s, ids.own_task, ids.unit, "liaison", progress=f"本月{REPORTED}，进度正常",
                       problem="同比增长6个百分点", at=datetime(2024, 3, 1, 9))
        reports.report(s, ids.foreign_task, None, "staff", progress=FOREIGN, at=datetime(2024, 3, 1, 10))
        p = problems.raise_problem(s, ids.own_task, PROBLEM, "liaison", ids.unit, at=datetime(2024, 3, 2, 9))
        problems.move(s, p.id, "协调", "staff", STEP_NOTE, "县自然资源局", at=datetime(2024, 3, 3, 9))
        i = notes.instruct(s, ids.own_task, "张县长", INSTRUCTION, "staff", at=datetime(2024, 3, 4, 9))
        s.flush()
        notes.answer(s, i.id, ANSWER, "liaison", at=datetime(2024, 3, 5, 9))
    return site


def search(client, q: str, **more) -> dict:
    r = client.get("/api/search", params={"q": q, **more})
    assert r.status_code == 200, r.text
    return r.json()


def hits(data: dict, kind: str) -> list[dict]:
    return next(g for g in data["groups"] if g["kind"] == kind)["hits"]


def marks(hit: dict) -> list[str]:
    return [p["text"] for line in hit["lines"] for p in line["parts"] if p["hit"]]


@pytest.mark.parametrize(("phrase", "kind"), [
    (REPORTED, "reports"),  # a phrase from a progress report
    (PROBLEM, "problems"),  # a problem's text
    (STEP_NOTE, "problems"),  # a note on one of its steps
    (INSTRUCTION, "instructions"),  # a 批示
    (ANSWER, "instructions"),  # the unit's answer to it
    (f"{REPORTED[:4]} {REPORTED[-4:]}", "reports"),  # every word, wherever it is
])
@pytest.mark.parametrize("role", ["office_staff", "unit", "leader"])
def test_a_phrase_written_on_a_task_finds_that_task_marked(written, phrase, kind, role):
    data = search(written.client(role), phrase)
    found = hits(data, kind)
    assert [h["task"]["id"] for h in found] == [written.ids.own_task]
    assert found[0]["link"].startswith(f"/tasks/{written.ids.own_task}")
    assert set(marks(found[0])) == set(phrase.split())
    assert data["total"] == sum(g["total"] for g in data["groups"]) >= 1


def test_a_task_id_and_a_task_number_find_the_task(written):
    office = written.client("office_staff")
    with transaction(written.engine) as s:
        number = s.get(Task, written.ids.own_task).number
    by_key = hits(search(office, task_key(written.ids.own_task)), "tasks")
    assert [h["task"]["id"] for h in by_key] == [written.ids.own_task]
    assert marks(by_key[0]) == [task_key(written.ids.own_task)]
    by_number = search(office, number, kind="tasks")
    assert written.ids.own_task in [h["task"]["id"] for h in hits(by_number, "tasks")]


def test_a_unit_name_finds_the_tasks_it_has_a_role_on(written):
    with transaction(written.engine) as s:
        t = s.get(Task, written.ids.own_task)
        name = next(r.label for r in t.roles if r.unit_id == written.ids.unit)
    found = hits(search(written.client("office_staff"), name, kind="tasks"), "tasks")
    assert written.ids.own_task in [h["task"]["id"] for h in found]
    assert all(name in marks(h) for h in found)


@pytest.mark.parametrize(("role", "finds"), [("office_admin", True), ("unit", False), ("leader", False)])
def test_a_liaison_or_leader_does_not_find_another_units_task(written, role, finds):
    client = written.client(role)
    found = hits(search(client, FOREIGN), "reports")
    assert [h["task"]["id"] for h in found] == ([written.ids.foreign_task] if finds else [])
    key = task_key(written.ids.foreign_task)
    assert [h["task"]["id"] for h in hits(search(client, key), "tasks")] == (
        [written.ids.foreign_task] if finds else [])


def test_like_wildcards_are_plain_characters(written):
    office = written.client("office_staff")
    assert hits(search(office, "6%"), "reports") == []  # not "增长6个百分点"
    assert hits(search(office, "6_"), "reports") == []
    assert [h["task"]["id"] for h in hits(search(office, "6个"), "reports")] == [written.ids.own_task]
    with transaction(written.engine) as s:
        reports.report(s, written.ids.own_task, written.ids.unit, "liaison", progress="利用率提高到6%以上",
                       at=datetime(2024, 3, 6, 9))
    found = hits(search(office, "6%"), "reports")
    assert len(found) == 1 and marks(found[0]) == ["6%"]


def test_the_page_marks_the_words_and_counts_each_kind(written):
    page = written.client("unit").get("/search", params={"q": PROBLEM})
    assert page.status_code == 200
    assert f"<mark>{PROBLEM}</mark>" in page.text
    assert "问题（1）" in page.text and "填报（0）" in page.text and "批示（0）" in page.text
    assert f'href="/tasks/{written.ids.own_task}"' in page.text


def test_the_search_box_is_in_the_header_of_signed_in_pages_only(site):
    assert 'action="/search" role="search"' in site.client("unit").get("/ledger").text
    assert 'action="/search"' not in site.client("public").get("/public").text
    r = site.client("public").get("/api/search", params={"q": "任务"})
    assert r.status_code == 401


def test_a_broad_search_shows_a_few_of_each_kind_then_pages_one_kind(site):
    office = site.client("office_staff")
    first = search(office, "的")
    tasks = next(g for g in first["groups"] if g["kind"] == "tasks")
    assert tasks["total"] > len(tasks["hits"]) == first["per"]
    assert f"查看全部任务（{tasks['total']}" in office.get("/search", params={"q": "的"}).text
    one = search(office, "的", kind="tasks", page=2, per=5)
    assert [g["kind"] for g in one["groups"]] == ["tasks"] and len(hits(one, "tasks")) == 5
    ids_page_1 = [h["task"]["id"] for h in hits(search(office, "的", kind="tasks", per=5), "tasks")]
    assert len(ids_page_1) == 5 and set(ids_page_1).isdisjoint(h["task"]["id"] for h in hits(one, "tasks"))
    assert "第 2 / " in office.get("/search", params={"q": "的", "kind": "tasks", "page": 2, "per": 5}).text


def test_an_empty_search_finds_nothing_and_explains(site):
    data = search(site.client("office_staff"), "   ")
    assert data["groups"] == [] and data["total"] == 0
    assert "可按任务标题和内容" in site.client("office_staff").get("/search").text
