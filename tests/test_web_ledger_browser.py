"""任务台账 in a real browser (see tests/test_web_browser.py): readable on the office's 1366×768 screen,
no sideways scrolling on a phone for any role, and a printout that says status and warning in words."""

from __future__ import annotations

import pytest

from .test_web_browser import PHONE, chromium, server, signed_in  # noqa: F401 - fixtures pytest must find

OFFICE_SCREEN = {"width": 1366, "height": 768}
EARLY = "2024-02-01"  # the 2023 plan's tasks are red then, the 2024 plan's have no colour
SCROLLS_SIDEWAYS = "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"


def ledger(browser, base: str, role: str, query: str = "", **context):
    page = signed_in(browser, base, role, **context)
    page.goto(f"{base}/ledger?{query}")
    page.locator("h1").wait_for()
    return page


def test_the_office_screen_shows_the_task_text_wide_and_each_plan_once(chromium, server):  # noqa: F811
    page = ledger(chromium, server, "office_staff", f"per=200&as_of={EARLY}", viewport=OFFICE_SCREEN)
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    share = page.evaluate("""() => document.querySelector("th.c-task").getBoundingClientRect().width
                                   / document.querySelector("table.ledger-table").getBoundingClientRect().width""")
    assert share > 0.4
    plans = page.locator("tr.plan-row")
    titles = [t.strip() for t in plans.all_inner_texts()]
    assert len(titles) == len(set(titles)) == 2 and all(t.startswith("《") for t in titles)
    rows = page.locator("tr.task-row")
    assert rows.count() == 200
    texts = rows.all_inner_texts()
    assert not any(t.strip("《》") in row for t in titles for row in texts)  # not repeated in every row
    # a screenful of rows once the table is scrolled to: the page is read, not scrolled through
    page.locator("table.ledger-table thead").evaluate("(el) => el.scrollIntoView()")
    seen = page.evaluate("""() => Array.from(document.querySelectorAll("tr.task-row")).filter((r) => {
        const box = r.getBoundingClientRect(); return box.top >= 0 && box.bottom <= window.innerHeight; }).length""")
    assert seen >= 6


@pytest.mark.parametrize("role", ["unit", "leader", "office_staff"])
@pytest.mark.parametrize("query", ["", f"as_of={EARLY}"])  # with "更多条件" folded, and open
def test_the_ledger_never_scrolls_sideways_on_a_phone(chromium, server, role, query):  # noqa: F811
    page = ledger(chromium, server, role, query, viewport=PHONE, is_mobile=True, has_touch=True)
    assert page.locator("tr.task-row").count() > 0
    assert page.locator("select[name=doc]").bounding_box()["width"] <= PHONE["width"]
    assert not page.evaluate(SCROLLS_SIDEWAYS)


def test_the_print_button_prints(chromium, server):  # noqa: F811
    page = ledger(chromium, server, "office_staff", viewport=OFFICE_SCREEN)
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("() => window.printed") == 1


def style(locator, *names: str) -> list[str]:
    return locator.evaluate("(el, names) => names.map((n) => getComputedStyle(el)[n])", list(names))


def test_paper_has_no_menu_and_says_red_in_words(chromium, server):  # noqa: F811
    page = ledger(chromium, server, "office_staff", f"as_of={EARLY}&colour=red", viewport=OFFICE_SCREEN)
    page.emulate_media(media="print")
    for hidden in ("header.top", "form.filters", "[data-print]", "footer"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.get_by_text("筛选条件：预警：红色预警").is_visible()
    assert not page.evaluate(SCROLLS_SIDEWAYS)
    table, main = (page.locator(s).bounding_box()["width"] for s in ("table.ledger-table", "main"))
    assert table >= main - 1  # the table takes the paper's width
    first = page.locator("tr.task-row.red").first
    warning = first.locator(".warn.red")
    assert warning.is_visible() and warning.inner_text() == "红色预警"
    weight, colour, background, border = style(warning, "fontWeight", "color", "backgroundColor", "borderTopWidth")
    assert int(weight) >= 700 and colour == "rgb(0, 0, 0)" and background == "rgba(0, 0, 0, 0)"
    assert float(border.removesuffix("px")) >= 2
    assert "逾期" in first.locator(".why").inner_text() and first.locator(".why").is_visible()
    status = first.locator(".badge")
    assert status.inner_text() == "滞后" and style(status, "color", "borderTopStyle") == ["rgb(0, 0, 0)", "solid"]
