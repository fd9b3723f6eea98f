"""Every route × every role, in one table: who is let in and who is turned away (401 signed out, 403 signed
in without the right). A route missing from the table fails `test_every_route_is_in_the_table`. Routes
are called with records of the signed-in user (their unit, their task, their own leader page); reaching
other users' records is `test_foreign_records_are_refused`."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from duban.store import transaction
from duban.store.models import Person, Round, TaskRole, Unit, User
from duban.supervise import extensions, notes, problems
from duban.web.views import routers

from .builders import make_pdf
from .conftest import CASES
from .web import copy_site, csrf

ROLES = ("office_admin", "office_staff", "unit", "leader", "public")
ALL = dict.fromkeys(ROLES, "in")
SIGNED_IN = {**ALL, "public": 401}
OFFICE = {"office_admin": "in", "office_staff": "in", "unit": 403, "leader": 403, "public": 401}
ADMIN = {**OFFICE, "office_staff": 403}
LEDGER = {**SIGNED_IN}
REPORT = {**OFFICE, "unit": "in"}
INSTRUCT = {**OFFICE, "leader": "in"}

TABLE = {
    ("GET", "/api/health"): ALL, ("GET", "/"): ALL, ("GET", "/login"): ALL, ("POST", "/login"): ALL,
    ("GET", "/api/csrf"): ALL, ("POST", "/api/login"): ALL, ("POST", "/logout"): SIGNED_IN,
    ("GET", "/account"): SIGNED_IN, ("POST", "/account/password"): SIGNED_IN,
    ("GET", "/overview"): OFFICE,
    ("GET", "/ledger"): LEDGER, ("GET", "/ledger.xlsx"): LEDGER, ("GET", "/tasks/{task_id}"): LEDGER,
    ("POST", "/tasks/{task_id}/instruction"): INSTRUCT, ("POST", "/tasks/{task_id}/override"): OFFICE,
    ("POST", "/tasks/{task_id}/instructions/{instruction_id}/answer"): REPORT,
    ("POST", "/tasks/{task_id}/instructions/{instruction_id}/close"): OFFICE, ("GET", "/inbox"): OFFICE,
    ("GET", "/documents"): OFFICE, ("POST", "/documents/upload"): OFFICE,
    ("POST", "/documents/{document_id}/review"): OFFICE, ("GET", "/documents/uploads/{upload_id}"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/tasks/{n}"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/tasks/{n}/split"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/tasks/{n}/merge"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/tasks/{n}/drop"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/tasks/{n}/heading"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/add"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/columns"): OFFICE,
    ("POST", "/documents/uploads/{upload_id}/confirm"): OFFICE,
    ("GET", "/documents/uploads/{upload_id}/answer-key"): OFFICE,
    ("GET", "/documents/uploads/{upload_id}/pages/{number}.png"): OFFICE,
    ("GET", "/api/documents/upload-progress/{ticket}"): OFFICE,
    ("GET", "/unit"): REPORT, ("GET", "/units/{unit_id}"): REPORT,
    ("POST", "/units/{unit_id}/tasks/{task_id}/report"): REPORT,
    ("POST", "/units/{unit_id}/tasks/{task_id}/problem"): REPORT,
    ("POST", "/units/{unit_id}/tasks/{task_id}/extension"): REPORT,
    ("GET", "/units/{unit_id}/sheet.xlsx"): REPORT, ("POST", "/units/{unit_id}/returns"): REPORT,
    ("GET", "/leader"): INSTRUCT, ("GET", "/leaders/{person_id}"): INSTRUCT,
    ("GET", "/rounds"): OFFICE, ("POST", "/documents/{document_id}/cycle"): OFFICE,
    ("POST", "/documents/{document_id}/rounds"): OFFICE, ("GET", "/rounds/{round_id}"): OFFICE,
    ("POST", "/rounds/{round_id}/lock"): OFFICE,
    ("GET", "/problems"): OFFICE, ("POST", "/problems/{problem_id}/move"): OFFICE,
    ("GET", "/extensions"): OFFICE, ("POST", "/extensions/{extension_id}/decide"): OFFICE,
    ("POST", "/extensions/approve"): OFFICE, ("GET", "/reminders"): OFFICE, ("GET", "/reminders.xlsx"): OFFICE,
    ("GET", "/search"): LEDGER,
    ("GET", "/assessment"): OFFICE, ("GET", "/bulletins"): OFFICE, ("GET", "/rounds/{round_id}/bulletin"): OFFICE,
    ("GET", "/rounds/{round_id}/bulletin.docx"): OFFICE,
    ("GET", "/public"): ALL, ("GET", "/public/documents/{document_id}"): ALL,
    ("POST", "/documents/{document_id}/public"): OFFICE,
    ("POST", "/documents/{document_id}/finish"): OFFICE, ("POST", "/documents/{document_id}/reopen"): OFFICE,
    ("GET", "/audit"): OFFICE, ("GET", "/compare"): OFFICE, ("POST", "/compare/decide"): OFFICE,
    ("GET", "/compare/{upper}/{lower}.xlsx"): OFFICE, ("GET", "/compare/{upper}/{lower}/key.json"): OFFICE,
    ("GET", "/users"): ADMIN, ("POST", "/users"): ADMIN, ("POST", "/users/{user_id}/password"): ADMIN,
    ("POST", "/users/{user_id}/disabled"): ADMIN,
    ("GET", "/registry"): OFFICE, ("GET", "/registry/units/{unit_id}"): OFFICE, ("POST", "/registry/merge"): OFFICE,
    ("POST", "/registry/alias"): OFFICE, ("POST", "/registry/split"): OFFICE,
}


def routes() -> list[tuple[str, str]]:
    """(method, path) of every route the app serves."""
    return sorted({(m, r.path) for router in routers for r in router.routes if isinstance(r, APIRoute)
                   for m in r.methods if m != "HEAD"})


def entry(method: str, path: str) -> dict | None:
    """A route's row: its own, or its HTML twin's for /api/PATH."""
    return TABLE.get((method, path)) or TABLE.get((method, path.removeprefix("/api")))


def test_every_route_is_in_the_table():
    assert [r for r in routes() if entry(*r) is None] == []
    assert {(m, p) for m, p in TABLE} <= {(m, p) for m, p in routes()}


@pytest.fixture(scope="module")
def world(web_template, tmp_path_factory):
    """One site for the whole table, with a record of every kind a path can name."""
    template, ids = web_template
    site = copy_site(template, tmp_path_factory.mktemp("routes"), ids)
    admin = site.client("office_admin")
    upload = admin.post("/api/documents/upload", headers={"X-CSRF-Token": csrf(admin)},
                        files={"file": ("plan.txt", (CASES / "b4_zhengding_ledger.txt").read_bytes())}).json()
    printed = make_pdf(tmp_path_factory.mktemp("printed") / "plan.pdf", ["县2025年重点工作任务", "1.推进园区建设。（牵头单位：县发展和改革局）"])
    pdf = admin.post("/api/documents/upload", headers={"X-CSRF-Token": csrf(admin)},
                     files={"file": ("plan.pdf", printed.read_bytes())}).json()
    with transaction(site.engine) as s:
        problem = problems.raise_problem(s, ids.own_task, "资金未到位", "tests", unit=ids.unit)
        extension = extensions.request(s, ids.own_task, date(2027, 6, 30), "工期顺延", "tests", unit=ids.unit)
        instruction = notes.instruct(s, ids.own_task, "张县长", "抓紧推进", "tests")
        s.flush()
        values = {"task_id": ids.own_task, "unit_id": ids.unit, "person_id": ids.person, "document_id": ids.plan,
                  "upload_id": upload["upload_id"], "n": 0, "problem_id": problem.id, "extension_id": extension.id,
                  "instruction_id": instruction.id,
                  "round_id": s.scalars(select(Round.id).where(Round.document_id == ids.plan)).first(),
                  "user_id": s.scalar(select(User.id).where(User.login == "staff")),
                  "number": 0, "ticket": "a1b2c3", "paged_upload_id": pdf["upload_id"],
                  "upper": ids.other, "lower": ids.plan}
    clients = {role: site.client(role) for role in ROLES}
    yield site, values, clients
    site.engine.dispose()


def call(client, method: str, path: str, values: dict):
    if path.endswith(".png"):  # a page to show needs an upload with pages
        values = {**values, "upload_id": values["paged_upload_id"]}
    url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
    if method == "GET":
        return client.get(url, follow_redirects=False)
    return client.post(url, data={"csrf": csrf(client)}, follow_redirects=False)


def refused(status: int, path: str, method: str) -> int:
    """What a refusal looks like: a page asked for while signed out goes to the sign-in form."""
    if status == 401 and method == "GET" and not path.startswith("/api/"):
        return 303
    return status


@pytest.mark.parametrize("method, path", routes())
def test_route_by_role(world, method, path):
    site, values, clients = world
    expected = entry(method, path)
    for role in ROLES:
        client = site.client(role) if path == "/logout" else clients[role]
        r = call(client, method, path, values)
        if expected[role] == "in":
            assert r.status_code not in (401, 403, 500), (role, r.status_code, r.text[:300])
            if method == "GET" and r.status_code != 303:
                assert r.status_code == 200, (role, r.status_code, r.text[:300])
        else:
            assert r.status_code == refused(expected[role], path, method), (role, r.status_code, r.text[:300])
            if r.status_code == 303:
                assert r.headers["location"].startswith("/login")


PAGES = [p for m, p in routes() if m == "GET" and not p.startswith("/api") and "." not in p and "answer-key" not in p]


@pytest.mark.parametrize("path", PAGES)
def test_every_form_carries_the_csrf_token(world, path):
    site, values, clients = world
    r = call(clients["office_admin"], "GET", path, values)
    assert 'name="csrf" value=""' not in r.text


def foreign(site) -> dict:
    """Records that are not the liaison's or the leader's."""
    with transaction(site.engine) as s:
        unit = s.scalars(select(Unit.id).where(Unit.id != site.ids.unit, Unit.kind != "group")).first()
        person = s.scalars(select(Person.id).where(Person.id != site.ids.person)).first()
        assert not s.scalars(select(TaskRole).where(TaskRole.task_id == site.ids.foreign_task,
                                                    TaskRole.unit_id == site.ids.unit)).first()
    return {"task_id": site.ids.foreign_task, "unit_id": unit, "person_id": person}


SCOPED = [(m, p) for m, p in routes() if re.search(r"\{(task_id|unit_id|person_id)\}", p)]


@pytest.mark.parametrize("method, path", SCOPED)
@pytest.mark.parametrize("role", ["unit", "leader"])
def test_foreign_records_are_refused(world, method, path, role):
    site, values, clients = world
    r = call(clients[role], method, path, {**values, **foreign(site)})
    assert r.status_code == 403, (r.status_code, r.text[:300])


# how an id may be written, and the id FastAPI turns it into
DISGUISES = {"{}.0": int, "+{}": int, " {}": int, "{}.00": int, "{}_0": lambda v: v * 10}
NUMBERED = [(m, p) for m, p in routes() if re.search(r"\{(task_id|document_id|round_id|problem_id|extension_id|instruction_id|"
                                                     r"upload_id|user_id|n|number)\}", p)]


def disguised(values: dict, form: str) -> tuple[dict, dict]:
    """The path values with every number written another way, and the plain values it converts to."""
    numbers = {k: v for k, v in values.items() if isinstance(v, int)}
    return ({**values, **{k: form.format(v) for k, v in numbers.items()}},
            {**values, **{k: DISGUISES[form](v) for k, v in numbers.items()}})


@pytest.mark.parametrize("method, path", NUMBERED)
@pytest.mark.parametrize("records", ["own", "foreign"])
def test_a_disguised_id_answers_as_the_plain_one(world, method, path, records):
    """`1.0`, `+1`, ` 1` reach a view as task 1: the guard must judge the same task (liaisons and leaders
    read and wrote other units' tasks this way)."""
    site, values, clients = world
    values = {**values, **foreign(site)} if records == "foreign" else values
    for role in ROLES:
        for form in DISGUISES:
            written, meant = disguised(values, form)
            plain = call(clients[role], method, path, meant).status_code
            r = call(clients[role], method, path, written)
            if method == "POST" and plain < 400:  # the plain write already happened: a repeat may be refused
                assert r.status_code not in (401, 403, 404, 422), (role, form, r.status_code, r.text[:300])
            else:
                assert r.status_code == plain, (role, form, r.status_code, plain, r.text[:300])


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_inline_script_framing_and_caching(world, path):
    site, values, clients = world
    r = call(clients["office_admin"], "GET", path, values)
    policy = r.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
    assert r.headers["cache-control"] == "no-store"
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text) and not re.search(r"\son[a-z]+=", r.text)


def test_hsts_only_over_https(world):
    site, _, _ = world
    assert "strict-transport-security" not in site.client().get("/public").headers
    secure = TestClient(site.app, base_url="https://testserver")
    assert secure.get("/public").headers["strict-transport-security"].startswith("max-age=")
    assert site.client().get("/static/duban.css").headers.get("cache-control") != "no-store"
