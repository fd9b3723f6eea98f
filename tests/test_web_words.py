"""No page a browser reaches speaks English: for every role, every page's visible text (and the
placeholders, titles and button words a user reads) holds no ASCII word outside a short allow-list. Data
typed by people (their logins) is not page text and is left out."""

from __future__ import annotations

import getpass
import re

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from duban.store import transaction
from duban.store.models import Document

from .test_web_routes import ROLES, call, routes, world  # noqa: F401 - `world` is the fixture used here
from .web import ROLE_LOGINS

ALLOWED = {"PDF", "Excel", "Word", "ID", "WPS", "xlsx", "docx", "xls", "et", "ods", "csv", "doc", "txt", "wps", "png",
           "jpg", "OCR", "MB", "KB"}
# who did what (logins, the OS user of the CLI, the test client's address): data, not the page's words
PEOPLE = {*ROLE_LOGINS.values(), getpass.getuser(), "tests", "cli", "testclient"}
PAGES = [p for m, p in routes() if m == "GET" and not p.startswith("/api") and not re.search(r"\.\w+$", p)
         and "answer-key" not in p and "upload-progress" not in p]
WORD = re.compile(r"(?<![\w.@/:-])[A-Za-z]{2,}(?![\w.@/-])")  # a word, not part of a file name, address or key


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "lxml")
    for hidden in soup(["script", "style", "template", "noscript"]):
        hidden.decompose()
    said = [soup.get_text(" ")]
    for el in soup.find_all(True):
        said += [el.get(a, "") for a in ("placeholder", "title", "aria-label", "alt")]
        if el.name == "input" and el.get("type") in ("submit", "button"):
            said.append(el.get("value", ""))
    return "\n".join(said)


def quoted(site) -> set[str]:
    """Words the stored documents print themselves (GDP, RCEP): quoted from a plan, they are data."""
    with transaction(site.engine) as s:
        return {w for text in s.scalars(select(Document.source_text)) for w in WORD.findall(text)}


def english(text: str, data: set[str] = frozenset()) -> list[str]:
    return sorted({w for w in WORD.findall(text) if w not in ALLOWED | PEOPLE | data})


@pytest.mark.parametrize("role", ROLES)
def test_no_page_speaks_english(world, role):  # noqa: F811 - the fixture
    site, values, clients = world
    found, data = {}, quoted(site)
    for path in PAGES:
        r = call(clients[role], "GET", path, values)
        if r.status_code == 303:
            r = clients[role].get(r.headers["location"])
        if words := english(visible_text(r.text), data):
            found[path] = words
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())


@pytest.mark.parametrize("path", ["/no/such/page", "/tasks/999999", "/units/没有这个单位"])
def test_not_found_is_chinese(world, path):  # noqa: F811
    site, values, clients = world
    for role in ("office_admin", "public"):
        r = clients[role].get(path, follow_redirects=False)
        assert r.status_code in (404, 303), r.status_code  # signed out: a page behind sign-in asks for it first
        if r.status_code == 404:
            assert english(visible_text(r.text)) == [] and ("页面不存在" in r.text or "没有" in r.text)
