"""对照 in a real browser (see tests/test_web_browser.py): the office opens the comparison of the seeded
ledger's two plans (冠县 2023 and 2024), rejects one link and confirms another; the page and the .xlsx
export both say so, and the office's word is in the audit log."""

from __future__ import annotations

from openpyxl import load_workbook
from sqlalchemy import select

from duban.store import transaction
from duban.store.models import AuditEntry

from .test_web_browser import chromium, server, signed_in  # noqa: F401 - fixtures pytest must find


def link_rows(page) -> list[tuple[str, str]]:
    rows = page.locator("#links tbody tr[data-upper]")
    return [(r.get_attribute("data-upper"), r.get_attribute("data-lower")) for r in rows.all()]


def test_the_office_rejects_one_link_confirms_another_and_the_export_says_both(chromium, server, site, tmp_path):  # noqa: F811
    page = signed_in(chromium, server, "office_staff")
    page.goto(f"{server}/compare")
    page.get_by_label("上级文件").select_option(str(site.ids.other))
    page.get_by_label("下级文件").select_option(str(site.ids.plan))
    page.get_by_label("前后两年").check()
    page.get_by_role("button", name="对照").click()
    before = link_rows(page)
    assert len(before) >= 2
    rejected, confirmed = before[0], before[1]
    row = page.locator(f'#links tr[data-upper="{rejected[0]}"][data-lower="{rejected[1]}"]')
    rejected_text = row.locator("td").nth(1).inner_text()
    row.get_by_role("button", name="否决").click()
    assert rejected not in link_rows(page) and rejected_text in page.locator("#rejected").inner_text()
    row = page.locator(f'#links tr[data-upper="{confirmed[0]}"][data-lower="{confirmed[1]}"]')
    row.get_by_role("button", name="确认").click()
    row = page.locator(f'#links tr[data-upper="{confirmed[0]}"][data-lower="{confirmed[1]}"]')
    assert "已确认" in row.inner_text() and page.get_by_label("前后两年").is_checked()  # still two years
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    saved = tmp_path / "对照.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved)
    links = [[c for c in r] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    refused = [[c for c in r] for r in book["已否决的关系"].iter_rows(min_row=2, values_only=True)]
    assert sum(1 for r in links if r[-1] == "已确认") == 1
    assert len(links) == len(before) - 1 and len(refused) == 1 and rejected_text.split(" ", 1)[1] in refused[0][1]
    with transaction(site.engine) as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity == "link_decision")))
    assert sorted(actions) == ["link_confirmed", "link_rejected"]
