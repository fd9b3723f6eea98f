"""Accounts, sessions, CSRF, throttling, the public pages and the account pages."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from duban.store import transaction, users
from duban.store.models import AuditEntry, Document, LoginFailure, Person, User, WebSession
from duban.supervise.warnings import board

from .web import PASSWORD, csrf


def sign_in(client, login, password):
    return client.post("/login", data={"login": login, "password": password, "csrf": csrf(client)},
                       follow_redirects=False)


def test_session_cookie_is_httponly_and_samesite(site):
    c = site.client()
    r = sign_in(c, "admin", PASSWORD)
    cookie = r.headers["set-cookie"].lower()
    assert r.status_code == 303 and r.headers["location"] == "/inbox"
    assert "httponly" in cookie and "samesite=lax" in cookie
    token = c.cookies.get("duban_session")
    with transaction(site.engine) as s:  # only the token's hash is stored
        assert s.get(WebSession, token) is None and s.get(WebSession, users.token_hash(token)) is not None
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "sign_in")) == 1


@pytest.mark.parametrize("role, home", [("office_admin", "/inbox"), ("office_staff", "/inbox"),
                                        ("unit", "/units/{unit}"), ("leader", "/leader"), ("public", "/public")])
def test_home_is_each_roles_first_page(site, role, home):
    """A liaison of one unit lands on that unit's tasks; of several, on the list of its units."""
    r = site.client(role).get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == home.format(unit=quote(site.ids.unit, safe=""))


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
    assert r.headers["location"] == "/inbox"


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


def test_the_public_page_says_who_has_not_reported_and_explains_its_words(site):
    """A task no unit has reported on is 未报送 in public, never 滞后; the page explains every status word."""
    c = site.client()
    plan = c.get(f"/api/public/documents/{site.ids.plan}").json()
    with transaction(site.engine) as s:
        entries = {e.facts.number: e for e in board(s, date.fromisoformat(plan["as_of"]), [site.ids.plan])}
    for t in plan["tasks"]:
        e = entries[t["number"]]
        if not e.facts.reports:
            assert t["status"] != "滞后"
            assert t["status"] == "未报送" or e.status.status != "滞后"
    assert any(not e.facts.reports and e.status.status == "滞后" for e in entries.values())  # the case is there
    page = c.get(f"/public/documents/{site.ids.plan}").text
    assert 'aria-label="状态说明"' in page and "牵头单位尚未报送进展" in page and "低于序时进度" in page


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
    listed = {u["login"]: u for u in c.get("/api/users").json()["users"]}
    assert listed["new"]["role"] == "unit" and len(listed["new"]["units"]) == 1
    new = site.client()
    assert sign_in(new, "new", "long-enough").headers["location"] == "/account"  # set by the admin: change it first
    assert new.get("/unit", follow_redirects=False).headers["location"] == "/account"
    assert new.get("/api/unit").status_code == 403 and "修改密码" in new.get("/api/unit").json()["error"]
    change = {"current": "long-enough", "new": "my-own-pass-1", "again": "my-own-pass-1", "csrf": csrf(new)}
    assert new.post("/api/account/password", data={**change, "current": "wrong-pass"}).status_code == 400
    assert new.post("/api/account/password", data={**change, "again": "other-pass-1"}).status_code == 400
    assert new.post("/account/password", data=change, follow_redirects=False).headers["location"].startswith("/login")
    assert new.get("/api/unit").status_code == 401  # signed out everywhere
    assert sign_in(site.client(), "new", "my-own-pass-1").headers["location"] == f"/units/{quote(site.ids.unit, safe='')}"


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
    assert sign_in(site.client(), "staff", "reset-pass-9").headers["location"] == "/account"


def test_documents_page_offers_the_public_switch(site):
    page = site.client("office_staff").get("/documents").text
    assert f'action="/documents/{site.ids.plan}/public"' in page and "取消公开" in page


def test_every_user_changes_their_own_password_with_the_current_one(site):
    c = site.client("office_staff")
    page = c.get("/account").text
    assert 'name="current"' in page and 'name="new"' in page
    r = c.post("/api/account/password", data={"current": PASSWORD, "new": "fresh-pass-22", "again": "fresh-pass-22",
                                              "csrf": csrf(c)})
    assert r.json()["ok"]
    assert sign_in(site.client(), "staff", "fresh-pass-22").headers["location"] == "/inbox"
    with transaction(site.engine) as s:
        assert s.scalars(select(AuditEntry.actor).where(AuditEntry.action == "user_password")).all() == ["staff"]


class CountingHasher(PasswordHasher):
    """argon2, noting every password it is asked to check."""

    checked: list[str]

    def verify(self, hash, password):
        self.checked.append(password)
        return super().verify(hash, password)


def counted_checks(monkeypatch) -> list[str]:
    hasher = CountingHasher()
    hasher.checked = []
    monkeypatch.setattr(users, "hasher", hasher)
    return hasher.checked


def test_an_unknown_login_costs_one_hash_check_like_a_known_one(site, monkeypatch):
    checked = counted_checks(monkeypatch)
    assert users.sign_in(site.engine, "nobody", "some-password", "10.0.0.1") is None
    assert users.sign_in(site.engine, "staff", "some-password", "10.0.0.1") is None
    assert checked == ["some-password", "some-password"]


def test_simultaneous_guesses_never_check_more_than_the_limit(site, monkeypatch):
    checked = counted_checks(monkeypatch)
    guesses = [f"wrong-{i}" for i in range(30)] + [PASSWORD] + ["wrong-x"] * 29
    results = []

    def guess(password):
        try:
            results.append(users.sign_in(site.engine, "staff", password, "10.0.0.2"))
        except users.Throttled:
            results.append("throttled")
    threads = [threading.Thread(target=guess, args=(p,)) for p in guesses]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 60 and len(checked) <= users.THROTTLE_FAILURES + 1
    assert results.count("throttled") >= 60 - users.THROTTLE_FAILURES - 1
    with transaction(site.engine) as s:  # every attempt is kept, and audited
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 60
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(["sign_in_failed", "sign_in_throttled"]))) >= 59


def test_failures_from_one_address_never_lock_out_another(site):
    for _ in range(users.THROTTLE_FAILURES + 3):
        try:
            users.sign_in(site.engine, "staff", "wrong-password", "203.0.113.9")
        except users.Throttled:
            pass
    with pytest.raises(users.Throttled):
        users.sign_in(site.engine, "staff", PASSWORD, "203.0.113.9")
    assert users.sign_in(site.engine, "staff", PASSWORD, "198.51.100.7").login == "staff"


def test_the_back_off_doubles_and_ends(site):
    start = datetime(2026, 12, 3, 9, 0)
    for i in range(users.THROTTLE_FAILURES):
        assert users.sign_in(site.engine, "staff", "wrong", "10.0.0.3", start + timedelta(seconds=i)) is None
    with pytest.raises(users.Throttled, match="1 分钟"):
        users.sign_in(site.engine, "staff", PASSWORD, "10.0.0.3", start + timedelta(seconds=30))
    with pytest.raises(users.Throttled, match="2 分钟"):  # the refused try counted: twice as long now
        users.sign_in(site.engine, "staff", PASSWORD, "10.0.0.3", start + timedelta(seconds=40))
    with pytest.raises(users.Throttled, match="4 分钟"):
        users.sign_in(site.engine, "staff", PASSWORD, "10.0.0.3", start + timedelta(seconds=50))
    assert users.sign_in(site.engine, "staff", PASSWORD, "10.0.0.3", start + timedelta(minutes=10)).login == "staff"


def test_the_csrf_token_belongs_to_the_session(site):
    c = site.client()
    before = csrf(c)
    assert sign_in(c, "staff", PASSWORD).status_code == 303
    after = csrf(c)
    assert after != before  # renewed at sign-in
    c.cookies.set("duban_csrf", "planted-by-a-sibling-host")
    r = c.post(f"/api/documents/{site.ids.other}/public", data={"public": "false"},
               headers={"X-CSRF-Token": "planted-by-a-sibling-host"})
    assert r.status_code == 403
    r = c.post(f"/api/documents/{site.ids.other}/public", data={"public": "false"}, headers={"X-CSRF-Token": after})
    assert r.status_code == 200
    assert site.client("office_staff").get("/api/csrf").json()["csrf"] != after  # another session, another token


def test_a_session_ends_twelve_hours_after_sign_in_however_busy(site):
    c = site.client("office_staff")
    with transaction(site.engine) as s:
        row = s.get(WebSession, users.token_hash(c.cookies.get("duban_session")))
        row.created_at -= users.SESSION_LONGEST
    assert c.get("/api/overview").status_code == 401


def test_the_first_start_makes_one_admin_who_must_change_the_password(db):
    with transaction(db) as s:
        password = users.first_admin(s, "tests")
    with transaction(db) as s:
        assert users.first_admin(s, "tests") is None  # never again: a restart resets nothing
    user = users.sign_in(db, "admin", password, "127.0.0.1")
    assert user.role == "office_admin" and user.must_change


def test_the_office_reads_the_audit_log_and_checks_its_chain(site):
    liaison = site.client("unit")
    assert liaison.get(f"/api/tasks/{site.ids.foreign_task}").status_code == 403  # a security event
    assert sign_in(site.client(), "staff", "wrong-password").status_code == 401
    office = site.client("office_staff")
    data = office.get("/api/audit", params={"verify": "true"}).json()
    actions = {(e["actor"], e["action"]) for e in data["lines"]}
    assert {("liaison", "access_denied"), ("public", "sign_in_failed"), ("staff", "sign_in")} <= actions
    assert data["checked"]["findings"] == [] and data["checked"]["chained"] >= 3
    only = office.get("/api/audit", params={"user": "liaison", "action": "access_denied"}).json()["lines"]
    assert only and all(e["actor"] == "liaison" and e["via"] == "网页" for e in only)
    assert "审计日志" in office.get("/audit").text and liaison.get("/api/audit").status_code == 403
