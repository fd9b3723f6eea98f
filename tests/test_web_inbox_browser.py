"""The 批示 loop in a real browser across three roles, the office's menu count moving with it, and every
page a liaison sees fitting a phone (no sideways scrolling)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .test_web_browser import PHONE, chromium, server, signed_in  # noqa: F401 - fixtures

LIAISON_PAGES = ["/units/{unit}", "/ledger", "/tasks/{task}", "/search?q=推进", "/account", "/public"]


def menu_count(page, href: str) -> int:
    badge = page.locator(f'[data-menu-count="{href}"]')
    return int(badge.inner_text()) if badge.count() else 0


def test_instruction_loop_across_three_roles(chromium, server, site):  # noqa: F811
    task = site.ids.own_task
    leader = signed_in(chromium, server, "leader", viewport={"width": 820, "height": 1180})
    leader.goto(f"{server}/tasks/{task}")
    leader.get_by_label("批示内容").fill("请加快进度，月底前报结果")
    leader.get_by_role("button", name="提交批示").click()
    leader.wait_for_url(f"{server}/tasks/{task}*")
    assert "待办理" in leader.content()

    office = signed_in(chromium, server, "office_staff", viewport={"width": 1366, "height": 768})
    office.wait_for_url(f"{server}/inbox")
    assert menu_count(office, "/inbox") == 0

    liaison = signed_in(chromium, server, "unit", viewport=PHONE, is_mobile=True, has_touch=True)
    liaison.wait_for_url(f"{server}/units/*")
    assert menu_count(liaison, "/unit") == 1
    liaison.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    card = liaison.locator(f"#task-{task}")
    card.get_by_label("办理情况").fill("已召开专题会，资金已拨付")
    card.get_by_role("button", name="提交办理情况").click()
    liaison.wait_for_url(f"{server}/units/*")
    assert "办理情况已提交" in liaison.content() and menu_count(liaison, "/unit") == 0

    office.reload()
    assert menu_count(office, "/inbox") == 1 and "已召开专题会" in office.content()
    office.locator('a[href*="#instruction-"]').first.click()  # the inbox line leads to the 批示 on its task
    office.wait_for_url(f"{server}/tasks/{task}*")
    office.get_by_role("button", name="确认已落实").click()
    office.wait_for_url(f"{server}/tasks/{task}*")
    assert "已标记为已落实" in office.content() and menu_count(office, "/inbox") == 0

    leader.reload()
    text = leader.locator(".instruction").first.inner_text()
    assert "已落实" in text and "已召开专题会，资金已拨付" in text


@pytest.mark.parametrize("path", LIAISON_PAGES)
def test_liaison_pages_fit_a_phone(chromium, server, site, path):  # noqa: F811
    page = signed_in(chromium, server, "unit", viewport=PHONE, is_mobile=True, has_touch=True)
    page.wait_for_url(f"{server}/units/*")
    page.goto(server + path.format(unit=quote(site.ids.unit, safe=""), task=site.ids.own_task))
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")  # folded too
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], (path, width)
