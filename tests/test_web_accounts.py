"""账号 (/users): an admin disables (停用) and enables (启用) accounts; the new-account form starts on 单位联络员
and picks units with a search box (in a real browser: Chromium driven by Playwright)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from duban.store import transaction
from duban.store.models import AuditEntry, User, WebSession

from .test_web_browser import chromium, server, signed_in  # noqa: F401  (fixtures)
from .web import PASSWORD, csrf

DISABLED = "账号已停用，请联系督查室"


def user_id(site, login: str) -> int:
    with transaction(site.engine) as s:
        return s.scalar(select(User.id).where(User.login == login))


def sign_in(client, login: str, password: str = PASSWORD):
    return client.post("/login", data={"login": login, "password": password, "csrf": csrf(client)},
                       follow_redirects=False)


def set_disabled(admin, uid: int, disabled: bool):
    return admin.post(f"/users/{uid}/disabled", data={"disabled": str(disabled).lower(), "csrf": csrf(admin)},
                      follow_redirects=False)


def actions(site, uid: int) -> list[tuple[str, str]]:
    with transaction(site.engine) as s:
        return [(e.action, e.actor) for e in s.scalars(select(AuditEntry).where(
            AuditEntry.entity == "user", AuditEntry.entity_id == str(uid), AuditEntry.action.in_(
                ("user_disable", "user_enable", "sign_in_disabled"))).order_by(AuditEntry.seq))]


def test_a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled(site):
    admin, liaison = site.client("office_admin"), site.client("unit")
    uid = user_id(site, "liaison")
    assert liaison.get("/api/unit").status_code == 200
    r = set_disabled(admin, uid, True)
    assert r.status_code == 303 and "已停用账号 liaison" in admin.get(r.headers["location"]).text
    assert liaison.get("/api/unit").status_code == 401  # its open session ended
    assert liaison.get("/unit", follow_redirects=False).headers["location"].startswith("/login")
    with transaction(site.engine) as s:
        assert s.scalars(select(WebSession).where(WebSession.user_id == uid)).all() == []
    refused = sign_in(site.client(), "liaison")
    assert refused.status_code == 403 and DISABLED in refused.text and 'value="liaison"' in refused.text
    script = site.client()
    api = script.post("/api/login", data={"login": "liaison", "password": PASSWORD, "csrf": csrf(script)})
    assert api.status_code == 403 and api.json()["error"] == DISABLED
    wrong = sign_in(site.client(), "liaison", "not-the-password")  # a guess learns nothing about the account
    assert wrong.status_code == 401 and DISABLED not in wrong.text
    page = admin.get("/users").text
    assert "已停用" in page and "启用" in page
    assert set_disabled(admin, uid, False).status_code == 303
    assert sign_in(site.client(), "liaison").status_code == 303
    assert actions(site, uid) == [("user_disable", "admin"), ("sign_in_disabled", "public"),
                                  ("sign_in_disabled", "public"), ("user_enable", "admin")]


def test_the_admin_cannot_disable_themself(site):
    admin = site.client("office_admin")
    me = user_id(site, "admin")
    r = admin.post(f"/api/users/{me}/disabled", data={"disabled": "true", "csrf": csrf(admin)})
    assert r.status_code == 400 and r.json()["error"] == "不能停用本人的账号"
    page = set_disabled(admin, me, True)
    assert page.status_code == 400 and "不能停用本人的账号" in page.text
    assert admin.get("/api/users").status_code == 200 and actions(site, me) == []
    row = re.search(r"<td data-label=\"登录名\">admin</td>.*?</tr>", admin.get("/users").text, re.S).group(0)
    assert "本人账号" in row and "停用</button>" not in row


@pytest.mark.parametrize("role", ["office_staff", "unit"])
def test_only_an_admin_disables(site, role):
    c = site.client(role)
    assert c.post(f"/users/{user_id(site, 'leader')}/disabled", data={"disabled": "true", "csrf": csrf(c)},
                  follow_redirects=False).status_code == 403
    assert actions(site, user_id(site, "leader")) == []


def test_disabling_twice_is_refused(site):
    admin, uid = site.client("office_admin"), user_id(site, "staff")
    assert set_disabled(admin, uid, True).status_code == 303
    r = admin.post(f"/api/users/{uid}/disabled", data={"disabled": "true", "csrf": csrf(admin)})
    assert r.status_code == 400 and "已经是停用状态" in r.json()["error"]


def test_the_form_starts_on_unit_liaison(site):
    page = site.client("office_admin").get("/users").text
    assert re.search(r'<option value="unit" selected>单位联络员</option>', page)
    assert 'data-picker=' in page and "<select name=\"role\">" in page


def test_a_liaison_is_made_with_units_picked_by_typing(site, server, chromium):  # noqa: F811
    page = signed_in(chromium, server, "office_admin")
    page.goto(f"{server}/users")
    form = page.locator("form[action='/users']")
    assert form.get_by_label("角色").input_value() == "unit"  # 单位联络员 unless changed
    picker = form.get_by_label("查找单位")
    picker.fill("支行")
    matches = form.locator(".picker-matches button")
    assert sorted(matches.all_inner_texts()) == ["中国人民银行冠县支行", "人民银行冠县支行"]
    form.get_by_role("button", name="选择 中国人民银行冠县支行").click()
    picker.fill("住房和城乡")
    picker.press("Enter")  # the first match
    chosen = form.locator(".picker-chosen li")
    assert [t.split()[0] for t in chosen.all_inner_texts()] == ["中国人民银行冠县支行", "冠县住房和城乡建设局"]
    form.get_by_role("button", name="移除 冠县住房和城乡建设局").click()
    assert chosen.count() == 1
    form.get_by_label("登录名").fill("bank")
    form.get_by_label("姓名").fill("人行联络员")
    form.get_by_label("密码（至少 8 位）").fill("bank-pass-12")
    form.get_by_role("button", name="新增").click()
    page.wait_for_url(re.compile(r"/users\?msg="))
    assert "已新增账号 bank" in page.locator(".flash").inner_text()
    with transaction(site.engine) as s:
        bank = s.scalar(select(User).where(User.login == "bank"))
        assert (bank.role, bank.units) == ("unit", ["中国人民银行冠县支行"])
