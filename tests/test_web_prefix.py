"""duban under a path prefix: what nginx's `location /duban/ { proxy_pass http://127.0.0.1:8000/; }` and
`duban serve --root-path /duban` make of a request (uvicorn puts the root path before the path it got;
TestClient is asked for the whole path, as uvicorn would pass it on)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .web import PASSWORD, ROLE_LOGINS


def addresses(html: str) -> list[str]:
    return re.findall(r"""\s(?:href|src|action|formaction|data-root)=["'](/[^"']*)""", html)


def test_sign_in_under_a_prefix_follows_every_redirect_within_it(site):
    c = TestClient(site.app, base_url="http://testserver", root_path="/duban")
    r = c.get("/duban/ledger", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/duban/login?next=/ledger"
    form = c.get(r.headers["location"])
    assert form.status_code == 200 and 'action="/duban/login"' in form.text
    assert addresses(form.text) and all(a.startswith("/duban/") for a in addresses(form.text))
    sent_on = re.search(r'name="next" value="([^"]*)"', form.text).group(1)
    r = c.post("/duban/login", data={"login": ROLE_LOGINS["office_admin"], "password": PASSWORD, "next": sent_on,
                                     "csrf": c.cookies.get("duban_csrf")}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/duban/ledger"
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and page.url.path == "/duban/ledger"
    shown = addresses(page.text)
    assert '<html lang="zh-CN" data-root="/duban/">' in page.text and "/duban/static/duban.css" in shown
    assert all(a.startswith("/duban/") for a in shown), [a for a in shown if not a.startswith("/duban/")]
    assert c.get("/duban/static/duban.css").status_code == 200
    assert c.get("/duban/api/csrf").json()["ok"] is True  # JSON keeps the app's own addresses


def test_a_refused_form_goes_back_to_its_page_under_the_prefix(site):
    """The page a form was sent from is known by the Referer, which the browser sends with the prefix."""
    c = TestClient(site.app, base_url="http://testserver", root_path="/duban")
    c.get("/duban/login")
    r = c.post("/duban/login", data={"login": "admin", "csrf": c.cookies.get("duban_csrf")},  # no password
               headers={"referer": "http://testserver/duban/public?q=1"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/duban/public?q=1&err=")


def test_without_a_root_path_nothing_changes(site):
    page = site.client("office_admin").get("/ledger")
    assert '<html lang="zh-CN" data-root="/">' in page.text and 'href="/static/duban.css"' in page.text
