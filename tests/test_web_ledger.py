"""任务台账 page, its JSON and its .xlsx export, on the seeded ledger (tests/web.py)."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from duban.sheets.ledger import HEADER_ROW
from duban.store import transaction
from duban.store.ledger import UNIT_ROLES
from duban.store.models import Deadline, Document, StateDay, Task, TaskRole
from duban.supervise import state
from duban.supervise.records import STATUSES

EARLY = "2024-02-01"  # the 2023 plan's tasks are overdue (red), the 2024 plan's not started, no colour


def all_rows(client, **query) -> list[dict]:
    """Every row the ledger lists for this query, page after page."""
    rows, page = [], 1
    while True:
        data = client.get(f"/api/ledger?{urlencode({**query, 'page': page, 'per': 40})}").json()
        assert data["ok"], data
        rows += data["rows"]
        if page >= data["pages"]:
            assert len(rows) == data["total"]
            return rows
        page += 1


def ids_of(rows: list[dict]) -> list[int]:
    return [r["id"] for r in rows]


def current_tasks(site, *where) -> set[int]:
    with transaction(site.engine) as s:
        return set(s.scalars(select(Task.id).join(Document).where(Document.current, Task.active, *where)))


def a_chapter_word(site) -> str:
    with transaction(site.engine) as s:
        return s.scalar(select(Task.chapter).where(Task.document_id == site.ids.plan, Task.chapter != "")
                        .order_by(Task.position))[2:8]


FILTERS = {  # query -> what every row it lists must satisfy
    "doc": (lambda site: {"doc": site.ids.other}, lambda r, site, q: r["document_id"] == site.ids.other),
    "chapter": (lambda site: {"chapter": a_chapter_word(site)}, lambda r, site, q: q["chapter"] in r["chapter"]),
    "unit": (lambda site: {"unit": site.ids.unit},
             lambda r, site, q: "发展和改革局" in r["lead_units"] + r["co_units"] + r["resp_units"]),
    "unit by part of its name": (lambda site: {"unit": "发展和改革"},
                                 lambda r, site, q: "发展和改革" in r["lead_units"] + r["co_units"] + r["resp_units"]),
    "leader": (lambda site: {"leader": "张怀恒"}, lambda r, site, q: "张怀恒" in r["leaders"]),
    "status": (lambda site: {"status": "未启动", "as_of": EARLY}, lambda r, site, q: r["status"] == "未启动"),
    "colour red": (lambda site: {"colour": "red", "as_of": EARLY}, lambda r, site, q: r["colour"] == "red"),
    "no colour": (lambda site: {"colour": "none", "as_of": EARLY}, lambda r, site, q: r["colour"] is None),
    "search": (lambda site: {"q": "建设"}, lambda r, site, q: "建设" in r["title"] + text_of(site, r["id"])),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_narrows_the_ledger(site, name):
    make, holds = FILTERS[name]
    c, query = site.client("office_staff"), make(site)
    everything = c.get("/api/ledger").json()["total"]
    rows = all_rows(c, **query)
    assert 0 < len(rows) < everything
    assert all(holds(r, site, query) for r in rows), name


def test_the_whole_ledger_is_every_current_task(site):
    c = site.client("office_admin")
    data = c.get("/api/ledger").json()
    assert data["total"] == len(current_tasks(site)) and len(data["rows"]) == 50 and data["pages"] == 5
    assert set(ids_of(all_rows(c))) == current_tasks(site)
    row = data["rows"][0]
    assert row["key"].startswith(f"T{row['id']}-") and row["status"] in STATUSES


def test_status_and_colour_filters_split_the_ledger(site):
    c = site.client("office_staff")
    by_status = {k: set(ids_of(all_rows(c, status=k, as_of=EARLY))) for k in STATUSES}
    assert sum(map(len, by_status.values())) == len(current_tasks(site))
    red, none = (set(ids_of(all_rows(c, colour=k, as_of=EARLY))) for k in ("red", "none"))
    assert red and none and not red & none and red | none == current_tasks(site)
    assert red == current_tasks(site, Task.document_id == site.ids.other)


def test_search_needs_every_word(site):
    c = site.client("office_staff")
    with transaction(site.engine) as s:
        text = s.scalar(select(Task.text).where(Task.id == site.ids.own_task))
    first, second = text[3:6], text[-8:-5]
    both = all_rows(c, q=f"{first} {second}")
    assert site.ids.own_task in ids_of(both)
    assert all(first in r["title"] + text_of(site, r["id"]) and second in r["title"] + text_of(site, r["id"])
               for r in both)
    assert set(ids_of(both)) <= set(ids_of(all_rows(c, q=first))) & set(ids_of(all_rows(c, q=second)))
    assert c.get("/api/ledger", params={"q": f"{first} 绝无此词"}).json()["total"] == 0


def text_of(site, task_id: int) -> str:
    with transaction(site.engine) as s:
        return s.get(Task, task_id).text


@pytest.mark.parametrize("due_from, due_to", [("2024-01-01", "2024-12-31"), ("2023-12-31", "2023-12-31"),
                                              ("2024-06-01", None), (None, "2023-12-31")])
def test_deadline_range(site, due_from, due_to):
    wanted = [Deadline.task_id == Task.id]
    wanted += [Deadline.due >= date.fromisoformat(due_from)] if due_from else []
    wanted += [Deadline.due <= date.fromisoformat(due_to)] if due_to else []
    expected = current_tasks(site, select(Deadline.id).where(*wanted).exists())
    query = {k: v for k, v in {"due_from": due_from, "due_to": due_to}.items() if v}
    assert set(ids_of(all_rows(site.client("office_staff"), **query))) == expected


def due_key(r: dict):
    return (r["due"] is None, r["due"] or "")


@pytest.mark.parametrize("sort, key", [
    ("due", due_key),
    ("number", lambda r: (len(r["number"]), r["number"])),
    ("chapter", lambda r: r["chapter"]),
    ("status", lambda r: STATUSES.index(r["status"])),
    ("colour", lambda r: ["red", "yellow", "blue", None].index(r["colour"])),
])
def test_sorting_both_ways(site, sort, key):
    c = site.client("office_staff")
    up = all_rows(c, sort=sort, as_of=EARLY)
    down = all_rows(c, sort=f"-{sort}", as_of=EARLY)
    assert [key(r) for r in up] == sorted(key(r) for r in up)
    keys_down = [key(r) for r in down if r["due"] is not None or sort != "due"]  # missing limits stay last
    assert keys_down == sorted(keys_down, reverse=True)
    assert set(ids_of(up)) == set(ids_of(down)) == current_tasks(site)


def test_equals_stay_in_document_order(site):
    c = site.client("office_staff")
    plan, other = (sorted(current_tasks(site, Task.document_id == d)) for d in (site.ids.plan, site.ids.other))
    assert ids_of(all_rows(c, sort="colour", as_of=EARLY)) == other + plan  # red first
    assert ids_of(all_rows(c, sort="-colour", as_of=EARLY)) == plan + other


def test_document_order_reversed(site):
    c = site.client("office_staff")
    assert ids_of(all_rows(c, sort="-")) == ids_of(all_rows(c))[::-1] == sorted(current_tasks(site), reverse=True)


def test_pagination(site):
    c = site.client("office_staff")
    one, two = (c.get(f"/api/ledger?per=30&page={n}").json() for n in (1, 2))
    assert one["pages"] == two["pages"] == -(-one["total"] // 30)
    assert not set(ids_of(one["rows"])) & set(ids_of(two["rows"]))
    last = c.get(f"/api/ledger?per=30&page={one['pages']}").json()
    assert 30 * (one["pages"] - 1) + len(last["rows"]) == one["total"]
    assert c.get("/api/ledger?per=500").status_code == 422
    assert c.get("/api/ledger?page=0").status_code == 422


def unit_tasks(site) -> set[int]:
    return current_tasks(site, Task.id.in_(select(TaskRole.task_id).where(
        TaskRole.unit_id == site.ids.unit, TaskRole.role.in_(UNIT_ROLES))))


def trust_stored_states(site, trusted: bool) -> None:
    """Today's refresh run (the ledger filters by the stored states), or its mark removed (it derives)."""
    if trusted:
        state.refresh_all(site.engine, date.today())
    else:
        with transaction(site.engine) as s:
            s.execute(delete(StateDay))


STORED_QUERIES = [*({"status": k} for k in STATUSES), *({"colour": k} for k in ("red", "yellow", "blue", "none")),
                  {"sort": "status"}, {"sort": "-status"}, {"sort": "colour"}, {"sort": "-colour"},
                  {"colour": "red", "sort": "-status", "doc": "plan"}]


@pytest.mark.parametrize("role", ["office_staff", "unit"])
def test_the_stored_states_list_what_derivation_lists(site, role):
    c = site.client(role)
    asked = [{k: site.ids.plan if v == "plan" else v for k, v in q.items()} for q in STORED_QUERIES]
    trust_stored_states(site, True)
    stored = [[(r["id"], r["status"], r["colour"]) for r in all_rows(c, **q)] for q in asked]
    trust_stored_states(site, False)
    derived = [[(r["id"], r["status"], r["colour"]) for r in all_rows(c, **q)] for q in asked]
    assert stored == derived and any(stored)


def leader_tasks(site) -> set[int]:
    return current_tasks(site, Task.id.in_(select(TaskRole.task_id).where(
        TaskRole.person_id == site.ids.person, TaskRole.role == "lead_leaders")))


@pytest.mark.parametrize("role, theirs", [("unit", unit_tasks), ("leader", leader_tasks)])
@pytest.mark.parametrize("query", [{}, {"doc": "other"}, {"unit": "冠县工业和信息化局"}, {"leader": "何宁"},
                                   {"colour": "red"}, {"sort": "-status"}])
def test_units_and_leaders_see_only_their_own_tasks(site, role, theirs, query):
    query = {k: site.ids.other if v == "other" else v for k, v in query.items()}
    own = theirs(site)
    rows = all_rows(site.client(role), **query)
    assert set(ids_of(rows)) <= own and site.ids.foreign_task not in ids_of(rows)
    if not query:
        assert set(ids_of(rows)) == own and site.ids.own_task in own


def exported_keys(client, **query) -> list[str]:
    r = client.get(f"/ledger.xlsx?{urlencode(query)}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    sheet = load_workbook(BytesIO(r.content), read_only=True).active
    return [row[0] for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if row[0]]


@pytest.mark.parametrize("role, query", [
    ("office_staff", {}),
    ("office_staff", {"doc": "plan", "chapter": "一"}),
    ("office_staff", {"colour": "red", "as_of": EARLY}),
    ("office_admin", {"q": "建设", "due_to": "2023-12-31"}),
    ("unit", {}),
    ("leader", {"status": "滞后"}),
])
def test_export_is_exactly_the_filtered_rows(site, role, query):
    query = {k: site.ids.plan if v == "plan" else v for k, v in query.items()}
    c = site.client(role)
    rows = all_rows(c, **query)
    assert rows and exported_keys(c, **query) == [r["key"] for r in rows]


def test_export_needs_signing_in(site):
    assert site.client().get("/ledger.xlsx", follow_redirects=False).status_code in (303, 401)


def test_ledger_page_keeps_filters_and_sorts(site):
    c = site.client("office_staff")
    page = c.get("/ledger", params={"chapter": "一", "q": "建设", "status": "", "colour": "", "doc": "",
                                    "due_from": "", "sort": "due"})
    assert page.status_code == 200
    html = page.text
    assert 'name="chapter" value="一"' in html and 'name="q" value="建设"' in html
    assert "sort=-due" in html and "/ledger.xlsx?chapter=" in html and "/tasks/" in html
    assert "下一页" in c.get("/ledger?per=20").text
    assert c.get("/ledger?status=不存在").status_code == 422


def test_signed_out_user_is_sent_to_sign_in(site):
    r = site.client().get("/ledger", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert site.client().get("/api/ledger").status_code == 401


def test_count_stops_at_the_cap_and_the_pager_goes_on(site, monkeypatch):
    from duban.web.views import ledger as view
    monkeypatch.setattr(view, "COUNT_CAP", 30)
    c = site.client("office_staff")
    first = c.get("/api/ledger?per=20").json()
    assert (first["total"], first["more"], first["pages"]) == (30, True, 2)
    third = c.get("/api/ledger?per=20&page=3").json()
    assert len(third["rows"]) == 20 and third["pages"] == 4  # still full: there is a next page
    assert "30+" in c.get("/ledger?per=20").text


def exported_sheet(client, **query) -> dict[str, dict[str, str]]:
    """The export's task rows by task key: header -> value."""
    r = client.get(f"/ledger.xlsx?{urlencode(query)}")
    assert r.status_code == 200
    sheet = load_workbook(BytesIO(r.content), read_only=True).active
    rows = list(sheet.iter_rows(min_row=HEADER_ROW, values_only=True))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0]}


@pytest.mark.parametrize("role, query", [
    ("office_staff", {"colour": "red", "as_of": EARLY}),  # the printed red list
    ("office_staff", {"doc": "plan", "as_of": EARLY}),  # no warning: said as 无
    ("office_admin", {"q": "建设"}),
    ("unit", {"colour": "red"}),
])
def test_export_says_the_status_and_warning_the_page_shows(site, role, query):
    query = {k: site.ids.plan if v == "plan" else v for k, v in query.items()}
    c = site.client(role)
    rows, sheet = all_rows(c, **query), exported_sheet(c, **query)
    assert rows and list(sheet) == [r["key"] for r in rows]
    for r in rows:
        cells = sheet[r["key"]]
        assert cells["状态"] == r["status"] and cells["状态"] in STATUSES
        assert cells["预警"] == {"red": "红色", "yellow": "黄色", "blue": "蓝色", None: "无"}[r["colour"]]
        assert (cells["预警原因"] or "") == "；".join(r["why"])
        assert bool(r["why"]) == bool(r["colour"])  # a colour always has its reason, no colour none
    if query.get("colour") == "red":
        assert all("逾期" in sheet[r["key"]]["预警原因"] for r in rows)


def test_the_plan_title_is_a_group_row_not_in_every_row(site):
    html = site.client("office_staff").get("/ledger", params={"per": 200, "as_of": EARLY}).text
    data = site.client("office_staff").get("/api/ledger", params={"per": 200, "as_of": EARLY}).json()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    plans = list(dict.fromkeys(r["plan"] for r in data["rows"]))
    assert len(plans) == 2 and body.count('class="plan-row"') == 2
    assert all(body.count(f">《{p}》<") == 1 for p in plans)
    assert all(body.count(r["document"]) <= 2 for r in data["rows"])  # in its group row (and hint) alone
    assert "2024年县政府工作报告重点工作任务责任分工方案" in plans  # the plan, not the notice issuing it
    assert html.count('class="warn red"') == sum(r["colour"] == "red" for r in data["rows"]) > 0
    assert html.count(">红色预警<") == html.count('class="warn red"')


def test_the_printed_page_names_its_filters(site):
    html = site.client("office_staff").get("/ledger", params={"colour": "red", "as_of": EARLY, "q": "建设"}).text
    assert "筛选条件：预警：红色预警；搜索：建设" in html and 'data-print' in html


@pytest.mark.parametrize("path", ["/ledger", "/overview", "/reminders", "/problems", "/assessment", "/rounds"])
def test_past_the_choices_a_document_is_asked_for_by_number(site, monkeypatch, path):
    """A province's thousands of plans are not listed (nor read) on every page: the filter takes a number,
    and the printed filters still name the chosen plan."""
    from duban.web.views import common

    c = site.client("office_staff")
    assert f'<option value="{site.ids.plan}"' in c.get(path).text
    monkeypatch.setattr(common, "CHOICES", 1)
    html = c.get(path, params={"doc": site.ids.plan}).text
    assert f'<option value="{site.ids.plan}"' not in html
    assert f'name="doc" min="1" value="{site.ids.plan}"' in html and "编号见“文件”页" in html
    if path == "/ledger":
        with transaction(site.engine) as s:
            title = s.get(Document, site.ids.plan).title
        assert f"文件：{title}" in html
