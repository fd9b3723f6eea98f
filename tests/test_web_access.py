"""Accounts, sessions, CSRF, throttling, the public pages and the account pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from duban.store import transaction, users
from duban.store.models import AuditEntry, Document, Person, User, WebSession

from .web import PASSWORD, csrf


def sign_in(client, login, password):
    return client.post("/login", data={"login": login, "password": password, "csrf": csrf(client)},
                       follow_redirects=False)


def test_session_cookie_is_httponly_and_samesite(site):
    c = site.client()
    r = sign_in(c, "admin", PASSWORD)
    cookie = r.headers["set-cookie"].lower()
    assert r.status_code == 303 and r.headers["location"] == "/overview"
    assert "httponly" in cookie and "samesite=lax" in cookie
    token = c.cookies.get("duban_session")
    with transaction(site.engine) as s:  # only the token's hash is stored
        assert s.get(WebSession, token) is None and s.get(WebSession, users.token_hash(token)) is not None
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "sign_in")) == 1


@pytest.mark.parametrize("role, home", [("office_admin", "/overview"), ("office_staff", "/overview"),
                                        ("unit", "/unit"), ("leader", "/leader"), ("public", "/public")])
def test_home_is_each_roles_first_page(site, role, home):
    r = site.client(role).get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == home


def test_wrong_password_then_throttled_even_with_the_right_one(site):
    c = site.client()
    for _ in range(users.THROTTLE_FAILURES):
        r = sign_in(c, "staff", "wrong-password")
        assert r.status_code == 401 and "登录名或密码不正确" in r.text
    r = sign_in(c, "staff", PASSWORD)
    assert r.status_code == 429 and "登录失败次数过多" in r.text
    assert sign_in(site.client(), "admin", PASSWORD).status_code == 303  # other logins are not locked


def test_next_is_only_followed_within_the_site(site):
    c = site.client()
    r = c.post("/login", data={"login": "admin", "password": PASSWORD, "csrf": csrf(c), "next": "//evil.example/x"},
               follow_redirects=False)
    assert r.headers["location"] == "/overview"


def test_write_without_csrf_token_is_refused(site):
    c = site.client("office_admin")
    r = c.post(f"/api/documents/{site.ids.other}/public", data={"public": "false"})
    assert r.status_code == 403 and r.json()["error"].startswith("表单已过期")
    r = c.post(f"/api/documents/{site.ids.other}/public", data={"public": "false"},
               headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403


def test_sign_out_ends_the_session(site):
    c = site.client("office_staff")
    assert c.post("/logout", data={"csrf": csrf(c)}, follow_redirects=False).status_code == 303
    assert c.get("/api/overview").status_code == 401


def test_new_password_signs_the_account_out(site):
    c = site.client("office_staff")
    with transaction(site.engine) as s:
        users.set_password(s, "staff", "another-pass-2", "tests")
    assert c.get("/api/overview").status_code == 401
    assert sign_in(site.client(), "staff", "another-pass-2").status_code == 303


@pytest.mark.parametrize("bad, message", [("short", "至少"), ("", "至少")])
def test_weak_password_refused(site, bad, message):
    with pytest.raises(Exception, match=message), transaction(site.engine) as s:
        users.set_password(s, "staff", bad, "tests")


def test_public_pages_show_progress_without_personal_data(site):
    c = site.client()
    data = c.get("/api/public").json()
    ids = [d["id"] for d in data["documents"]]
    assert site.ids.plan in ids
    plan = c.get(f"/api/public/documents/{site.ids.plan}").json()
    assert plan["tasks"] and sum(plan["statuses"].values()) == len(plan["tasks"])
    page = c.get(f"/public/documents/{site.ids.plan}").text
    with transaction(site.engine) as s:
        leader = s.get(User, s.scalar(select(User.id).where(User.login == "leader")))
        name = s.get(Person, leader.person_id).name
    assert name not in page and name not in str(plan)  # the 牵头领导 is a person: not published
    assert "leaders" not in plan["tasks"][0] and "progress" not in plan["tasks"][0]


def test_office_unpublishes_a_document(site):
    c = site.client("office_staff")
    r = c.post(f"/documents/{site.ids.plan}/public", data={"public": "false", "csrf": csrf(c)},
               follow_redirects=False)
    assert r.status_code == 303
    assert site.client().get(f"/api/public/documents/{site.ids.plan}").status_code == 404
    with transaction(site.engine) as s:
        assert s.get(Document, site.ids.plan).public is False
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "set_public")).one()
        assert entry.actor == "staff"


def test_admin_adds_a_liaison_who_then_signs_in(site):
    c = site.client("office_admin")
    assert "新增账号" in c.get("/users").text
    r = c.post("/api/users", data={"login": "new", "role": "unit", "password": "long-enough", "units": [site.ids.unit],
                                   "csrf": csrf(c)})
    assert r.json()["ok"]
    assert sign_in(site.client(), "new", "long-enough").headers["location"] == "/unit"
    listed = {u["login"]: u for u in c.get("/api/users").json()["users"]}
    assert listed["new"]["role"] == "unit" and len(listed["new"]["units"]) == 1


@pytest.mark.parametrize("form, message", [
    ({"login": "x", "role": "unit", "password": "long-enough"}, "至少一个单位"),
    ({"login": "x", "role": "king", "password": "long-enough"}, "未知角色"),
    ({"login": "admin", "role": "office_staff", "password": "long-enough"}, "已存在"),
    ({"login": "x", "role": "leader", "password": "long-enough", "person": "nobody"}, "没有这位领导"),
])
def test_bad_account_refused_with_the_error_shape(site, form, message):
    c = site.client("office_admin")
    r = c.post("/api/users", data={**form, "csrf": csrf(c)})
    assert r.status_code == 400 and message in r.json()["error"] and r.json()["ok"] is False
    with transaction(site.engine) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 4


def test_admin_resets_a_password(site):
    c = site.client("office_admin")
    with transaction(site.engine) as s:
        staff = s.scalar(select(User.id).where(User.login == "staff"))
    assert c.post(f"/api/users/{staff}/password", data={"password": "reset-pass-9", "csrf": csrf(c)}).json()["ok"]
    assert sign_in(site.client(), "staff", "reset-pass-9").status_code == 303


def test_documents_page_offers_the_public_switch(site):
    page = site.client("office_staff").get("/documents").text
    assert f'action="/documents/{site.ids.plan}/public"' in page and "取消公开" in page
