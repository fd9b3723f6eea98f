from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from duban.store import transaction
from duban.store.ledger import parse_task_key, task_key
from duban.store.models import AuditEntry, Extension, Problem, ProblemStep, ProgressReport
from duban.supervise import notes
from duban.supervise.rounds import open_round

from . import bombs
from .web import csrf


def unit_path(site, unit: str | None = None) -> str:
    return f"/units/{quote(unit or site.ids.unit, safe='')}"


def report_path(site, task: int | None = None, unit: str | None = None) -> str:
    return f"{unit_path(site, unit)}/tasks/{task or site.ids.own_task}/report"


def open_ad_hoc_round(site) -> int:
    with transaction(site.engine) as s:
        return open_round(s, site.ids.plan, "专项调度", date.today() + timedelta(days=30), "tests").id


def count(site, model) -> int:
    with transaction(site.engine) as s:
        return s.scalar(select(func.count(model.id)))


def reports_of(site, task: int) -> list[ProgressReport]:
    with transaction(site.engine) as s:
        found = list(s.scalars(select(ProgressReport).where(ProgressReport.task_id == task)
                               .order_by(ProgressReport.id)))
        s.expunge_all()
        return found


def audit_actions(site, action: str) -> list[AuditEntry]:
    with transaction(site.engine) as s:
        found = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        s.expunge_all()
        return found


def card(data: dict, task: int) -> dict:
    return next(x for x in data["to_report"] if x["task"]["id"] == task)


# --- who reaches what ------------------------------------------------------------------------------

def test_liaison_lists_only_its_unit(site):
    c = site.client("unit")
    data = c.get("/api/unit").json()
    assert [u["id"] for u in data["units"]] == [site.ids.unit] and data["units"][0]["lead"] > 0
    page = c.get("/unit")
    assert page.status_code == 200 and f"进入{site.ids.unit}填报页面" in page.text


def test_office_lists_every_unit_and_searches(site):
    c = site.client("office_staff")
    everyone = c.get("/api/unit").json()["units"]
    found = c.get("/api/unit", params={"q": "发展和改革"}).json()["units"]
    assert len(everyone) > 10 and [u["id"] for u in found] == [site.ids.unit]
    assert site.ids.unit in c.get("/unit", params={"q": "发展和改革"}).text


@pytest.mark.parametrize("role, status", [("leader", 403), ("public", 401)])
def test_only_units_and_office_report(site, role, status):
    c = site.client(role)
    assert c.get("/api/unit").status_code == status
    assert c.get(f"/api{unit_path(site)}").status_code == status


def test_liaison_cannot_reach_another_unit(site):
    other = "冠县财政局"
    c = site.client("unit")
    assert c.get(f"/api{unit_path(site, other)}").json()["status"] == 403
    assert c.get(unit_path(site, other)).status_code == 403
    assert c.get(f"{unit_path(site, other)}/sheet.xlsx").status_code == 403
    assert site.client("office_staff").get(f"/api{unit_path(site, other)}").status_code == 200


def test_liaison_cannot_report_on_a_foreign_task(site):
    c = site.client("unit")
    r = c.post(f"/api{report_path(site, site.ids.foreign_task)}", data={"progress": "越权"},
               headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 403 and r.json()["ok"] is False
    assert reports_of(site, site.ids.foreign_task) == []


def test_unknown_unit_is_404(site):
    assert site.client("office_staff").get("/api/units/没有这个单位").status_code == 404


# --- the unit's page -------------------------------------------------------------------------------

def test_page_without_an_open_round(site):
    c = site.client("unit")
    data = c.get(f"/api{unit_path(site)}").json()
    assert data["rounds"] == [] and data["pending"] == 0
    own = card(data, site.ids.own_task)
    assert own["round"] is None and not own["asked"] and own["draft"]["progress"] == ""
    assert all(site.ids.unit not in x["lead_units"] for x in data["others"])
    page = c.get(unit_path(site))
    assert page.status_code == 200 and "当前没有进行中的调度轮次" in page.text
    assert f'id="task-{site.ids.own_task}"' in page.text and 'name="progress"' in page.text
    assert f'name="csrf" value="{csrf(c)}"' in page.text  # the forms carry the token the guard wants


def test_open_round_lists_the_tasks_asked_first_and_the_draft(site):
    open_ad_hoc_round(site)
    c = site.client("unit")
    data = c.get(f"/api{unit_path(site)}").json()
    assert [r["name"] for r in data["rounds"]] == ["专项调度"]
    asked = [x["asked"] for x in data["to_report"]]
    assert asked[0] and asked == sorted(asked, reverse=True) and data["pending"] == sum(asked)
    own = card(data, site.ids.own_task)
    assert own["asked"] and not own["reported"] and own["round"] == "专项调度"

    r = c.post(report_path(site), data={"progress": "完成项目前期手续", "percent": "40", "status": "序时推进",
                                        "csrf": csrf(c)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"{unit_path(site)}?task={site.ids.own_task}&msg=")
    assert "已报送" in c.get(r.headers["location"]).text
    after = c.get(f"/api{unit_path(site)}").json()
    own = card(after, site.ids.own_task)
    assert own["reported"] and after["pending"] == data["pending"] - 1
    assert own["draft"]["progress"] == "完成项目前期手续" and own["draft"]["percent"] == 40
    page = c.get(unit_path(site))
    assert "本轮已报送" in page.text and "完成项目前期手续</textarea>" in page.text and 'value="40"' in page.text


# --- reporting -------------------------------------------------------------------------------------

def test_form_report_answers_the_open_round_and_is_audited(site):
    round_id = open_ad_hoc_round(site)
    c = site.client("unit")
    r = c.post(report_path(site), data={"progress": "已完成可研编制", "percent": "55", "csrf": csrf(c)},
               follow_redirects=False)
    assert r.status_code == 303
    [stored] = reports_of(site, site.ids.own_task)
    assert (stored.round_id, stored.unit_id, stored.reported_by, stored.percent, stored.source) == (
        round_id, site.ids.unit, "liaison", 55, "direct")
    [entry] = audit_actions(site, "report")
    assert entry.actor == "liaison" and entry.entity_id == str(site.ids.own_task)
    assert entry.detail["round"] == "专项调度"


def test_json_report_with_header_token(site):
    c = site.client("unit")
    r = c.post(f"/api{report_path(site)}", data={"progress": "推进中", "status": "进行中"},
               headers={"X-CSRF-Token": csrf(c)})
    data = r.json()
    assert r.status_code == 200 and data["ok"] and data["round"] is None and "已报送" in data["message"]
    [stored] = reports_of(site, site.ids.own_task)
    assert stored.id == data["report_id"] and stored.status == "序时推进" and stored.round_id is None


def test_report_without_the_token_is_refused(site):
    c = site.client("unit")
    assert c.post(f"/api{report_path(site)}", data={"progress": "x"}).status_code == 403
    assert reports_of(site, site.ids.own_task) == []


@pytest.mark.parametrize("form, says", [
    ({"progress": "推进中", "percent": "150"}, "0–100"),
    ({"progress": "   "}, "进展情况"),
    ({"progress": "推进中", "status": "差不多"}, "无法识别的状态"),
    ({"progress": "推进中", "value": "inf"}, "有限的数"),  # once stored, the task's JSON failed for good
    ({"progress": "推进中", "value": "-Infinity"}, "有限的数"),
    ({"progress": "推进中", "value": "nan"}, "有限的数"),
])
def test_refused_report_writes_nothing(site, form, says):
    c = site.client("unit")
    r = c.post(f"/api{report_path(site)}", data=form, headers={"X-CSRF-Token": csrf(c)})
    body = r.json()
    assert r.status_code == 400 and body["ok"] is False and body["status"] == 400 and says in body["error"]
    page = c.post(report_path(site), data={**form, "csrf": csrf(c)}, follow_redirects=False)
    assert page.status_code == 400 and says in page.text
    assert reports_of(site, site.ids.own_task) == [] and audit_actions(site, "report") == []


def test_problem_in_a_report_is_raised_as_the_library_does(site):
    c = site.client("unit")
    data = c.post(f"/api{report_path(site)}", data={"progress": "推进中", "problem": "资金未到位"},
                  headers={"X-CSRF-Token": csrf(c)}).json()
    assert "问题已登记" in data["message"]
    with transaction(site.engine) as s:
        [problem] = s.scalars(select(Problem)).all()
        assert (problem.report_id, problem.text, problem.unit_id) == (data["report_id"], "资金未到位", site.ids.unit)
    draft = card(c.get(f"/api{unit_path(site)}").json(), site.ids.own_task)["draft"]
    assert draft["problem"] == "资金未到位"
    assert 'placeholder="上次所填：资金未到位"' in c.get(unit_path(site)).text


def test_office_reports_for_any_unit(site):
    c = site.client("office_admin")
    token = {"X-CSRF-Token": csrf(c)}
    other = "冠县财政局"
    task = c.get(f"/api{unit_path(site, other)}").json()["to_report"][0]["task"]["id"]
    for unit, on in ((other, task), (site.ids.unit, site.ids.own_task)):
        r = c.post(f"/api{report_path(site, on, unit)}", data={"progress": "督查室代报"}, headers=token)
        assert r.status_code == 200
        assert [(x.unit_id, x.reported_by) for x in reports_of(site, on)] == [(unit, "admin")]
    # the library refuses a unit with no role on the task, for the office too
    r = c.post(f"/api{report_path(site, site.ids.foreign_task)}", data={"progress": "督查室代报"}, headers=token)
    assert r.status_code == 400 and "不是任务" in r.json()["error"]


# --- problems and extensions -----------------------------------------------------------------------

def test_raise_a_problem(site):
    c = site.client("unit")
    r = c.post(f"{unit_path(site)}/tasks/{site.ids.own_task}/problem",
               data={"text": "用地指标不足", "csrf": csrf(c)}, follow_redirects=False)
    assert r.status_code == 303 and "已登记" in c.get(r.headers["location"]).text
    with transaction(site.engine) as s:
        [problem] = s.scalars(select(Problem)).all()
        assert (problem.task_id, problem.unit_id, problem.raised_by, problem.state) == (
            site.ids.own_task, site.ids.unit, "liaison", "发现")
        assert s.scalar(select(func.count(ProblemStep.id))) == 1
    assert [e.actor for e in audit_actions(site, "raise_problem")] == ["liaison"]
    empty = c.post(f"/api{unit_path(site)}/tasks/{site.ids.own_task}/problem", data={"text": " "},
                   headers={"X-CSRF-Token": csrf(c)})
    assert empty.status_code == 400 and count(site, Problem) == 1


def test_request_an_extension_once(site):
    c = site.client("unit")
    path, token = f"/api{unit_path(site)}/tasks/{site.ids.own_task}/extension", {"X-CSRF-Token": csrf(c)}
    form = {"new_due": "2027-06-30", "reason": "项目审批延后"}
    data = c.post(path, data=form, headers=token).json()
    assert data["ok"] and data["new_due"] == "2027-06-30"
    with transaction(site.engine) as s:
        [e] = s.scalars(select(Extension)).all()
        assert (e.task_id, e.unit_id, e.requested_by, e.state) == (site.ids.own_task, site.ids.unit, "liaison", "待审批")
    again = c.post(path, data=form, headers=token)
    assert again.status_code == 400 and "待审批" in again.json()["error"] and count(site, Extension) == 1
    assert [e.actor for e in audit_actions(site, "request_extension")] == ["liaison"]


def test_extension_form_posts_back_to_the_task(site):
    c = site.client("unit")
    r = c.post(f"{unit_path(site)}/tasks/{site.ids.own_task}/extension",
               data={"new_due": "2027-06-30", "reason": "项目审批延后", "csrf": csrf(c)}, follow_redirects=False)
    assert r.status_code == 303 and f"task={site.ids.own_task}" in r.headers["location"]
    assert "待督查室审批" in c.get(r.headers["location"]).text


# --- the sheet -------------------------------------------------------------------------------------

def filled_sheet(content: bytes, edits: dict[str, str]) -> tuple[bytes, int]:
    """The downloaded sheet with the first task row's cells (by header) changed, a column added for a header
    it lacks; and that task's id."""
    book = load_workbook(BytesIO(content))
    ws = book.worksheets[0]
    header = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "任务ID" for c in r))
    columns = {c.value: c.column for c in header}
    row = next(r[0].row for r in ws.iter_rows(min_row=header[0].row + 1)
               if str(r[columns["任务ID"] - 1].value or "").startswith("T"))
    task = int(str(ws.cell(row, columns["任务ID"]).value)[1:].split("-")[0])
    for name, value in edits.items():
        if name not in columns:
            columns[name] = ws.cell(header[0].row, ws.max_column + 1, name).column
        ws.cell(row, columns[name]).value = value
    out = BytesIO()
    book.save(out)
    return out.getvalue(), task


def download(c, site) -> bytes:
    r = c.get(f"{unit_path(site)}/sheet.xlsx")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in r.headers["content-disposition"]
    return r.content


def test_download_fill_and_upload_the_sheet(site):
    c = site.client("unit")
    content, task = filled_sheet(download(c, site), {"进展情况": "表格填报：已开工", "状态": "序时推进"})
    files = {"file": ("本单位填报表.xlsx", content, "application/octet-stream")}
    r = c.post(f"{unit_path(site)}/returns", data={"csrf": csrf(c)}, files=files, follow_redirects=False)
    assert r.status_code == 303 and "已导入 1 条进展" in c.get(r.headers["location"]).text
    [stored] = reports_of(site, task)
    assert (stored.progress, stored.status, stored.unit_id, stored.reported_by) == (
        "表格填报：已开工", "序时推进", site.ids.unit, "liaison")
    assert stored.source.startswith("本单位填报表.xlsx:")
    data = c.post(f"/api{unit_path(site)}/returns", files=files, headers={"X-CSRF-Token": csrf(c)}).json()
    assert data["ok"] and (data["applied"], data["unchanged"]) == (0, 1)  # the same report is not stored twice


@pytest.mark.parametrize("cells, column", [({"完成值": "inf"}, "完成值"), ({"完成值": "nan"}, "完成值"),
                                            ({"完成比例": "inf"}, "完成比例")])
def test_sheet_with_an_infinite_number_stores_nothing(site, cells, column):
    c = site.client("unit")
    content, _ = filled_sheet(download(c, site), {"进展情况": "已开工", **cells})
    r = c.post(f"/api{unit_path(site)}/returns", files={"file": ("填报表.xlsx", content)},
               headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 400 and [e["column"] for e in r.json()["errors"]] == [column]
    assert count(site, ProgressReport) == 0
    assert c.get(f"/api/tasks/{site.ids.own_task}").status_code == 200


@pytest.mark.parametrize("key", ["T999999-abcd", "foreign"])
def test_bad_sheet_stores_nothing(site, key):
    c = site.client("unit")
    content, _ = filled_sheet(download(c, site), {"进展情况": "已开工"})
    content, _ = filled_sheet(content, {"任务ID": task_key(site.ids.foreign_task) if key == "foreign" else key})
    files = {"file": ("填报表.xlsx", content, "application/octet-stream")}
    r = c.post(f"/api{unit_path(site)}/returns", files=files, headers={"X-CSRF-Token": csrf(c)})
    body = r.json()
    assert r.status_code == 400 and body["ok"] is False and "未导入" in body["error"]
    [row] = body["errors"]
    # another unit's task id: its 具体内容 no longer matches the task the id names
    assert row["sheet"] and row["row"] > 3 and row["reason"]
    assert row["column"] == ("具体内容" if key == "foreign" else "任务ID")
    page = c.post(f"{unit_path(site)}/returns", data={"csrf": csrf(c)}, files=files)
    assert page.status_code == 400 and row["reason"].split(" (")[0] in page.text  # the Chinese part, unescaped
    assert count(site, ProgressReport) == 0 and audit_actions(site, "import_progress") == []


def test_upload_of_something_else_is_refused(site):
    c = site.client("unit")
    r = c.post(f"/api{unit_path(site)}/returns", files={"file": ("进展.xls", b"not a workbook", "application/vnd.ms-excel")},
               headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 400 and ".xlsx" in r.json()["error"] and count(site, ProgressReport) == 0


@pytest.mark.parametrize("name", ["..", ".", "../../etc/passwd", "a/.."])
def test_a_sheet_named_like_a_folder_is_read_as_any_other(site, name):
    c = site.client("unit")
    content, _ = filled_sheet(download(c, site), {"进展情况": "已开工"})
    r = c.post(f"/api{unit_path(site)}/returns", files={"file": (name, content)}, headers={"X-CSRF-Token": csrf(c)})
    assert r.status_code == 200 and r.json()["applied"] == 1, r.text


def test_a_sheet_refused_row_by_row_lists_the_first_rows_and_counts_all(site):
    c = site.client("unit")
    sheet = bombs.xlsx(["任务ID", "进展情况", "T999999-abcd", "已开工"], rows=300)
    r = c.post(f"/api{unit_path(site)}/returns", files={"file": ("填报表.xlsx", sheet)}, headers={"X-CSRF-Token": csrf(c)})
    body = r.json()
    assert r.status_code == 400 and "300 处错误" in body["error"] and "前 200 处" in body["error"]
    assert len(body["errors"]) == 200 and count(site, ProgressReport) == 0


# --- what the liaison sees first, and why a status differs ------------------------------------------

def test_the_round_s_tasks_come_first_and_the_rest_is_folded(site):
    open_ad_hoc_round(site)
    c = site.client("unit")
    data = c.get(f"/api{unit_path(site)}").json()
    due_now = [x["task"]["id"] for x in data["to_report"] if x["asked"] and not x["reported"]]
    assert due_now and len(due_now) == data["pending"]
    page = c.get(unit_path(site)).text
    folded = page.index('<details class="rest"') if '<details class="rest"' in page else len(page)
    assert all(page.index(f'id="task-{t}"') < folded for t in due_now)
    assert f"本轮须报送（{len(due_now)}）" in page


def test_a_chosen_status_the_ledger_reads_otherwise_is_explained(site):
    """Reported 序时推进 with little done, long after the time limit: the ledger says 滞后, and why."""
    c = site.client("unit")
    r = c.post(f"/api{report_path(site)}", data={"progress": "正在推进", "status": "序时推进", "percent": "5"},
               headers={"X-CSRF-Token": csrf(c)})
    note = r.json()["status_note"]
    assert "所报状态为“序时推进”，台账认定为“滞后”" in note and "：" in note
    assert note in r.json()["message"]
    assert card(c.get(f"/api{unit_path(site)}").json(), site.ids.own_task)["status_note"] == note


def test_a_status_the_ledger_agrees_with_needs_no_note(site):
    c = site.client("unit")
    r = c.post(f"/api{report_path(site)}", data={"progress": "已全部完成", "status": "已完成", "percent": "100"},
               headers={"X-CSRF-Token": csrf(c)})
    assert r.json()["status_note"] == ""


def sheet_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_the_unit_s_sheet_puts_the_round_s_tasks_first_and_carries_the_instructions(site):
    open_ad_hoc_round(site)
    with transaction(site.engine) as s:
        notes.instruct(s, site.ids.own_task, "王县长", "抓紧推进，月底前见成效", "leader")
    c = site.client("unit")
    asked = {x["task"]["id"] for x in c.get(f"/api{unit_path(site)}").json()["to_report"] if x["asked"]}
    rows = sheet_rows(download(c, site))
    header = next(i for i, r in enumerate(rows) if "任务ID" in r)
    key, said = rows[header].index("任务ID"), rows[header].index("领导批示")
    banners = [i for i, r in enumerate(rows) if str(r[1] or "").startswith(("本轮须报送的任务", "其他任务"))]
    assert banners[0] == header + 1 and rows[banners[0]][1] == f"本轮须报送的任务（{len(asked)}项）"
    first_part = rows[banners[0]:banners[1]] if len(banners) > 1 else rows[banners[0]:]
    assert {parse_task_key(r[key]) for r in first_part if r[key]} == asked
    own = next(r for r in rows if r[key] == task_key(site.ids.own_task))
    assert "王县长" in own[said] and "抓紧推进，月底前见成效【待办理】" in own[said]

    content, task = filled_sheet(download(c, site), {"进展情况": "按批示推进：已开工"})
    assert task in asked  # the first task row is one the round asks about
    files = {"file": ("本单位填报表.xlsx", content, "application/octet-stream")}
    r = c.post(f"{unit_path(site)}/returns", data={"csrf": csrf(c)}, files=files, follow_redirects=False)
    assert r.status_code == 303 and "已导入 1 条进展" in c.get(r.headers["location"]).text
