"""文件: upload a document, review its extraction beside the source, correct it, confirm it into the
ledger; bad uploads refused with nothing stored; the answer key; who may do it."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import pytest
from sqlalchemy import func, select

from duban.evaluate import SCORED_ROLES, Gold, score_file
from duban.extract import extract
from duban.extract.targets import LEX as TARGET_WORDS
from duban.ingest import read
from duban.review import Edit, apply, figure, figure_value
from duban.store import transaction
from duban.store.models import AuditEntry, Correction, Document, Task, Upload
from duban.web.views.documents import TARGET_KINDS

from .builders import CJK_FONT, make_scan
from .test_ocr import PLAN as SCAN_PLAN
from .test_review import FIRST, PLAN, SECOND
from .web import csrf

HTML = "<!doctype html><html><body><p>" + PLAN.replace("\n", "</p><p>") + "</p></body></html>"


def upload(client, name: str = "plan.txt", content: bytes | str = PLAN, api: bool = True):
    """Scripts send the CSRF token as a header, the browser's form as a field."""
    data = content.encode() if isinstance(content, str) else content
    token = {"headers": {"X-CSRF-Token": csrf(client)}} if api else {"data": {"csrf": csrf(client)}}
    return client.post(("/api" if api else "") + "/documents/upload", files={"file": (name, data)},
                       follow_redirects=False, **token)


def post(client, path: str, data: dict | None = None):
    """A form posted as the page posts it, with its CSRF field."""
    return client.post(path, data={**(data or {}), "csrf": csrf(client)}, follow_redirects=False)


def rows(site, model) -> int:
    with transaction(site.engine) as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def office(site):
    return site.client("office_staff")


@pytest.fixture
def uploaded(office) -> int:
    r = upload(office)
    assert r.status_code == 200, r.text
    return r.json()["upload_id"]


@pytest.mark.parametrize("role, status", [("office_admin", 200), ("office_staff", 200), ("unit", 403),
                                          ("leader", 403), ("public", 401)])
def test_only_the_office_reaches_documents(site, role, status):
    c = site.client(role)
    assert c.get("/api/documents").status_code == status
    if role != "public":
        assert upload(c).status_code == (200 if status == 200 else 403)


def test_the_documents_page_lists_the_ledger(site, office):
    data = office.get("/api/documents").json()
    ids = {d["id"] for d in data["documents"]}
    assert {site.ids.plan, site.ids.other} <= ids and data["awaiting"] == []
    plan = next(d for d in data["documents"] if d["id"] == site.ids.plan)
    assert plan["tasks"] > 50 and plan["version"] == 1
    page = office.get("/documents")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text and plan["title"] in page.text


def test_upload_review_correct_confirm(site, office, data_dir):
    r = upload(office, api=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/documents/uploads/")
    upload_id = int(r.headers["location"].split("/")[-1].split("?")[0])
    with transaction(site.engine) as s:
        stored = s.get(Upload, upload_id)
        assert stored.uploaded_by == "staff" and stored.path.startswith(str(data_dir / "uploads"))
    assert office.get("/api/documents").json()["awaiting"][0]["id"] == upload_id

    review = office.get(f"/api/documents/uploads/{upload_id}").json()
    assert [t["text"] for t in review["tasks"][:2]] == [FIRST, SECOND]
    assert ["县住房和城乡建设局", "unit"] in review["source"] and ["2025年6月底前", "deadline"] in review["source"]
    page = office.get(f"/documents/uploads/{upload_id}")
    assert page.status_code == 200
    assert f'name="csrf" value="{csrf(office)}"' in page.text
    assert 'id="task-0"' in page.text and '<mark class="unit">县住房和城乡建设局</mark>' in page.text
    assert all(f">{label}</label>" in page.text for label in ("牵头单位", "配合单位", "责任单位"))

    # the form posts every field; only the changed one is recorded
    form = {"task_text": FIRST, "number": "1", "title": "推进老旧小区改造", "lead_leaders": "",
            "lead_units": "县城市管理局", "co_units": "", "resp_units": "县财政局\n县自然资源局", "unattributed_units": "",
            "deadline_text": ["2025年6月底前", ""], "deadline_due": ["2025-06-30", ""],
            "target_text": ["改造老旧小区20个", ""], "target_metric": ["老旧小区", ""], "target_value": ["20", ""],
            "target_value_max": ["", ""], "target_unit": ["个", ""], "target_comparator": ["=", "="],
            "target_kind": ["count", "count"], "target_year": ["2025", ""]}
    saved = post(office, f"/documents/uploads/{upload_id}/tasks/0", form)
    assert saved.status_code == 303 and saved.headers["location"].startswith(f"/documents/uploads/{upload_id}?msg=")
    with transaction(site.engine) as s:
        assert [(c.field, c.value, c.by) for c in s.scalars(select(Correction))] == [
            ("lead_units", ["县城市管理局"], "staff")]
    assert office.get(f"/api/documents/uploads/{upload_id}").json()["tasks"][0]["lead_units"] == ["县城市管理局"]

    confirmed = post(office, f"/api/documents/uploads/{upload_id}/confirm").json()
    assert [(d["status"], d["version"]) for d in confirmed["documents"]] == [("new", 1)]
    with transaction(site.engine) as s:
        task = s.scalars(select(Task).where(Task.text == FIRST)).one()
        assert [r.printed for r in task.roles if r.role == "lead_units"] == ["县城市管理局"]
        assert s.get(Upload, upload_id).confirmed_by == "staff"
        actions = {e.action: e.actor for e in s.scalars(select(AuditEntry).where(AuditEntry.at >= stored.uploaded_at))}
        assert actions == {"upload": "staff", "correct": "staff", "ingest": "staff", "confirm_upload": "staff"}
    assert office.get("/api/documents").json()["awaiting"] == []


def test_a_correction_after_confirming_revises_the_ledger_in_place(site, office, uploaded):
    post(office, f"/api/documents/uploads/{uploaded}/confirm")
    with transaction(site.engine) as s:
        task_id = s.scalars(select(Task.id).where(Task.text == SECOND)).one()
    post(office, f"/api/documents/uploads/{uploaded}/tasks/1", {"task_text": SECOND, "co_units": "县财政局"})
    again = post(office, f"/api/documents/uploads/{uploaded}/confirm").json()
    assert [d["status"] for d in again["documents"]] == ["corrected"]
    with transaction(site.engine) as s:
        task = s.get(Task, task_id)
        assert task.active and [r.printed for r in task.roles if r.role == "co_units"] == ["县财政局"]


def test_split_merge_and_drop(site, office, uploaded):
    base = f"/api/documents/uploads/{uploaded}/tasks"
    assert post(office, f"{base}/1/split", {"at": "完成河道清淤", "task_text": SECOND}).status_code == 200
    tasks = office.get(f"/api/documents/uploads/{uploaded}").json()["tasks"]
    assert [t["text"] for t in tasks[1:3]] == ["加强河道治理。", SECOND.removeprefix("加强河道治理。")]
    assert post(office, f"{base}/1/merge", {"task_text": "加强河道治理。"}).status_code == 200
    assert office.get(f"/api/documents/uploads/{uploaded}").json()["tasks"][1]["text"] == SECOND
    assert post(office, f"{base}/0/drop", {"task_text": FIRST}).status_code == 200
    tasks = office.get(f"/api/documents/uploads/{uploaded}").json()["tasks"]
    assert [t["text"] for t in tasks] == [SECOND, tasks[1]["text"]] and len(tasks) == 2


@pytest.mark.parametrize("path, data, error", [
    ("tasks/0/split", {"at": "没有这段文字"}, "找不到"),
    ("tasks/2/merge", {}, "最后一项"),
    ("tasks/0", {"task_text": "另一项任务的文字", "lead_units": "县水利局"}, "刷新页面"),
    ("tasks/0", {"target_value": ["很多"], "target_text": ["x"]}, "数字"),
])
def test_a_refused_edit_records_nothing(site, office, uploaded, path, data, error):
    r = post(office, f"/api/documents/uploads/{uploaded}/{path}", data)
    assert r.status_code == 400 and error in r.json()["error"] and r.json()["ok"] is False
    assert rows(site, Correction) == 0


def test_a_missing_task_or_upload_is_404(office, uploaded):
    assert post(office, f"/api/documents/uploads/{uploaded}/tasks/99", {"lead_units": "x"}).status_code == 404
    assert office.get("/api/documents/uploads/9999").status_code == 404


@pytest.mark.parametrize("name, content, error", [
    ("empty.txt", b"", "文件为空"),
    ("binary.txt", bytes(range(256)) * 20, "二进制"),
    ("plan.odt", PLAN, "文件类型"),
    ("plan.exe", b"MZ\x90\x00", "文件类型"),
    ("坏.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n", "PDF 文件已损坏或无法解析"),
    ("坏.docx", b"PK\x03\x04 not a zip", "不是有效的 .docx 文件"),
    ("照片.png", b"\x89PNG\r\n\x1a\n broken", "图片文件已损坏或无法解析"),
])
def test_a_bad_upload_is_refused_and_nothing_is_stored(site, office, data_dir, name, content, error):
    r = upload(office, name, content)
    body = r.json()
    assert r.status_code == 400 and body["ok"] is False and body["status"] == 400
    assert error in body["error"] and name in body["error"]
    assert rows(site, Upload) == 0 and not (data_dir / "uploads").exists()
    page = upload(office, name, content, api=False)
    assert page.status_code == 400 and name in page.text
    said = refusal_of(page.text)
    assert said.startswith(f"未能上传「{name}」：") and error in said, said
    words = re.sub(r"\.[a-z]+\b", "", said.replace(name, ""))  # the file's name and suffixes (.docx) aside
    assert not re.search(r"/|[(（][A-Za-z]|\b(?!PDF\b)[A-Za-z]{3,}", words), said  # no path, no English
    assert 'id="upload-form"' in page.text and "请求有误" not in page.text  # the documents page, form and all


def refusal_of(html: str) -> str:
    """The words beside the upload form saying why a file was refused."""
    found = re.search(r'<p class="flash refused" role="alert" id="upload-refused"\s*>(.*?)</p>', html, re.S)
    assert found, "no refusal beside the upload form"
    return unescape(found.group(1)).strip()


def test_a_file_over_the_limit_is_refused_beside_the_form(site, office, monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_UPLOAD_MB", "1")
    page = upload(office, "大文件.txt", "一、任务\n".encode() * 200_000, api=False)
    assert page.status_code == 400 and refusal_of(page.text) == "未能上传「大文件.txt」：文件超过 1 MB，请压缩图片或拆分后再上传。请检查文件后重新选择。"
    assert 'data-max-mb="1"' in page.text  # the page refuses it too, before sending


def test_an_html_upload_and_the_same_file_twice(site, office):
    first = upload(office, "plan.html", HTML).json()["upload_id"]
    assert upload(office, "copy.html", HTML).json()["upload_id"] == first
    assert len(office.get(f"/api/documents/uploads/{first}").json()["tasks"]) == 3


def test_the_answer_key_scores_the_reviewed_extraction(site, office, uploaded, write):
    post(office, f"/api/documents/uploads/{uploaded}/tasks/0", {"task_text": FIRST, "lead_units": "县城市管理局"})
    r = office.get(f"/documents/uploads/{uploaded}/answer-key")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    files = {n: z for n, z in ((n, zipfile.ZipFile(io.BytesIO(r.content)).read(n).decode())
                               for n in zipfile.ZipFile(io.BytesIO(r.content)).namelist())}
    assert files == office.get(f"/api/documents/uploads/{uploaded}/answer-key").json()["files"]
    jsonl = [[json.loads(x) for x in files[f"plan.txt.{k}.jsonl"].splitlines()] for k in ("tasks", "targets", "deadlines")]
    gold = Gold(json.loads(files["plan.txt.docs.json"]), *jsonl)
    assert gold.tasks[0]["lead_units"] == ["县城市管理局"]
    docs = extract(read(write("plan.txt", PLAN)))
    apply(docs[0], [Edit(FIRST, "lead_units", ["县城市管理局"])])
    score = score_file(gold, docs)
    assert score.tasks.f1 == 1.0 and all(score.roles[r].f1 == 1.0 for r in SCORED_ROLES) and not score.misses


def test_a_ledger_document_can_be_reopened_for_review(site, office):
    with transaction(site.engine) as s:
        path = s.get(Document, site.ids.other).path
    r = post(office, f"/documents/{site.ids.other}/review")
    assert r.status_code == 303, r.text
    upload_id = int(r.headers["location"].split("/")[-1].split("?")[0])
    with transaction(site.engine) as s:
        assert s.get(Upload, upload_id).path == path
    assert len(office.get(f"/api/documents/uploads/{upload_id}").json()["tasks"]) > 10
    assert post(office, f"/documents/{site.ids.other}/review").headers["location"] == r.headers["location"]


def test_a_file_over_the_limit_is_refused(site, office, monkeypatch):
    monkeypatch.setenv("DUBAN_LIMIT_UPLOAD_MB", "1")
    r = upload(office, "plan.txt", "一、任务\n".encode() * 200_000)
    assert r.status_code == 400 and "plan.txt" in r.json()["error"] and rows(site, Upload) == 0


@pytest.mark.skipif(not CJK_FONT.exists(), reason="make test installs fonts-wqy-microhei")
def test_a_scan_is_reviewed_beside_its_pages(site, office, tmp_path):
    """An uploaded photo is read by OCR; the review page shows the page with each task's lines framed, each
    frame leading to its task, each task to its page; the page itself is a PNG for the office only."""
    scan = make_scan(tmp_path / "photo.jpg", [SCAN_PLAN], photo=True)
    r = upload(office, "照片.jpg", scan.read_bytes())
    assert r.status_code == 200, r.text
    at = f"/documents/uploads/{r.json()['upload_id']}"
    page = office.get(at).text
    assert f'src="{at}/pages/0.png"' in page and page.count('class="box"') >= 2
    assert 'href="#task-0-heading"' in page and 'href="#task-1-heading"' in page and 'href="#scan-0"' in page
    picture = office.get(f"{at}/pages/0.png")
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert office.get(f"{at}/pages/5.png").status_code == 400
    assert office.get("/documents/uploads/9999/pages/0.png").status_code == 404
    assert site.client("unit").get(f"{at}/pages/0.png").status_code == 403


def test_a_text_upload_shows_no_pages(office, uploaded):
    assert 'class="scan"' not in office.get(f"/documents/uploads/{uploaded}").text


# Figures and kinds of target as a Chinese reader expects them

ONE_TASK = "某县2025年重点工作任务\n一、重点任务\n1.{}。（牵头单位：县发展和改革局）\n2.优化营商环境。（牵头单位：县司法局）\n"


@pytest.mark.parametrize("printed, shown, label, kind, kind_name", [
    # as printed, in 亿 and 万
    ("2025年底前完成固定资产投资5亿元", "5亿", "5亿元", "money", "金额"),
    ("安排专项资金300万元", "300万", "300万元", "money", "金额"),
    ("新增城镇就业1.2万人以上", "1.2万", "城镇就业 1.2万人以上", "count", "数量"),
    ("建设标准厂房10万平方米", "10万", "10万平方米", "area", "面积"),
    ("粮食产量稳定在12.5万吨", "12.5万", "粮食产量 12.5万吨", "amount", "实物量"),
    ("新增蓄水能力2万立方米", "2万", "2万立方米", "volume", "体积"),
    # plain numbers and percentages
    ("完成造林1200亩", "1200", "1200亩", "area", "面积"),
    ("新建农村公路15公里", "15", "15公里", "length", "长度"),
    ("地区生产总值增长6%左右", "6", "地区生产总值 增长6%左右", "growth_pct", "增长率"),
    ("单位能耗下降3%", "3", "单位能耗 下降3%以上", "decline_pct", "下降率"),
    ("农村自来水普及率达到95%", "95", "农村自来水普及率 95%以上", "ratio_pct", "比率"),
])
def test_the_review_page_shows_figures_and_kinds_as_printed(office, printed, shown, label, kind, kind_name):
    at = upload(office, "一项.txt", ONE_TASK.format(printed)).json()["upload_id"]
    target = office.get(f"/api/documents/uploads/{at}").json()["tasks"][0]["targets"][0]
    assert (target["figure"], target["kind"], target["kind_name"]) == (shown, kind, kind_name)
    assert label in target["label"]
    page = office.get(f"/documents/uploads/{at}").text
    assert f'name="target_value" value="{shown}"' in page and re.search(r"\de[+-]\d", page) is None
    assert f'<option value="{kind}" selected>{kind_name}</option>' in page  # named in Chinese, posted as the key


def test_every_kind_the_extractor_emits_has_a_chinese_name():
    emitted = set(TARGET_WORDS["units"]) | {"growth_pct", "decline_pct", "ratio_pct"}
    assert set(TARGET_KINDS) == emitted
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", name) for name in TARGET_KINDS.values())


@pytest.mark.parametrize("value, printed, shown", [
    (500_000_000, "", "5亿"), (535_000, "", "53.5万"), (12_000, "新增就业1.2万人", "1.2万"), (12_000, "", "12000"),
    (1e12, "", "10000亿"), (20.0, "", "20"), (0.6358, "", "0.6358"), (125_000, "稳定在１２.５万吨", "12.5万"), (None, "", ""),
])
def test_a_figure_is_written_without_exponents_and_reads_back(value, printed, shown):
    assert figure(value, printed) == shown
    if value is not None:
        assert figure_value(shown) == value


@pytest.mark.parametrize("typed", ["很多", "5亿元", "1e5", "inf", "nan", "5..2", ""])
def test_a_figure_that_is_not_one_is_refused(typed):
    with pytest.raises(ValueError):
        figure_value(typed)


def target_form(target: dict, **changed) -> dict:
    """A target's row of the review form as the page fills it (figures as shown), and an empty row."""
    shown = {"target_text": target["text"], "target_metric": target["metric"], "target_value": target["figure"],
             "target_value_max": target["figure_max"], "target_unit": target["unit"] or "",
             "target_comparator": target["comparator"], "target_kind": target["kind"], "target_year": str(target["year"])}
    return {k: [changed.get(k, v), ""] for k, v in shown.items()}


def test_a_figure_posted_as_shown_is_no_change_and_a_new_one_is_kept_and_shown(site, office):
    at = upload(office, "一项.txt", ONE_TASK.format("2025年底前完成固定资产投资5亿元")).json()["upload_id"]
    task = office.get(f"/api/documents/uploads/{at}").json()["tasks"][0]
    form = {"task_text": task["text"], **target_form(task["targets"][0])}
    assert form["target_value"] == ["5亿", ""]
    assert post(office, f"/api/documents/uploads/{at}/tasks/0", form).json()["changed"] == {}
    assert rows(site, Correction) == 0
    more = {"task_text": task["text"], **target_form(task["targets"][0], target_value="6.5亿", target_comparator=">=")}
    saved = post(office, f"/documents/uploads/{at}/tasks/0", more)
    assert saved.status_code == 303 and saved.headers["location"].endswith("#task-0-heading")  # back to the item
    assert "?msg=" in saved.headers["location"]
    review = office.get(f"/api/documents/uploads/{at}").json()
    assert review["tasks"][0]["targets"][0]["value"] == 650_000_000
    assert review["corrections"][0]["shown"].endswith("固定资产投资 6.5亿元以上")


@pytest.mark.parametrize("data, said", [
    ({"target_value": ["很多"], "target_text": ["x"]}, "量化目标第 1 行的「数值」应为数字"),
    ({"target_value": ["", "5"], "target_text": ["", "x"], "target_year": ["", "明年"]}, "量化目标第 2 行的「年份」应为数字"),
    ({"target_value": ["5"], "target_value_max": ["许多"], "target_text": ["x"]}, "量化目标第 1 行的「上限」应为数字"),
    ({"deadline_text": ["年底", "六月"], "deadline_due": ["2025-12-31", "六月底"]}, "时限第 2 行的「日期」有误"),
])
def test_a_refused_edit_names_its_field_in_chinese(site, office, uploaded, data, said):
    r = post(office, f"/api/documents/uploads/{uploaded}/tasks/0", {"task_text": FIRST, **data})
    assert r.status_code == 400 and said in r.json()["error"] and not re.search(r"[A-Za-z]{3,}", r.json()["error"])
    assert rows(site, Correction) == 0


# A returned sheet's refused row names the column that is wrong (issue 19: an edited 具体内容 was
# reported against the 任务ID column)

def test_an_edited_task_text_in_a_returned_sheet_is_said_against_its_own_column(site):
    from .test_web_unit import download, filled_sheet, unit_path

    c = site.client("unit")
    content, _ = filled_sheet(download(c, site), {"进展情况": "已开工"})
    with_text = filled_sheet(content, {"具体内容": "改过的任务内容（已完成，不再考核）"})[0]
    r = c.post(f"/api{unit_path(site)}/returns", files={"file": ("填报表.xlsx", with_text)},
               headers={"X-CSRF-Token": csrf(c)})
    [row] = r.json()["errors"]
    assert r.status_code == 400 and row["column"] == "具体内容" and "具体内容" in row["reason"]
