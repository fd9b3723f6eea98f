"""文件: upload a document, review its extraction beside the source, correct it, confirm it into the
ledger; bad uploads refused with nothing stored; the answer key; who may do it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from duban.evaluate import SCORED_ROLES, Gold, score_file
from duban.extract import extract
from duban.ingest import read
from duban.review import Edit, apply
from duban.store import transaction
from duban.store.models import AuditEntry, Correction, Document, Task, Upload

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
])
def test_a_bad_upload_is_refused_and_nothing_is_stored(site, office, data_dir, name, content, error):
    r = upload(office, name, content)
    body = r.json()
    assert r.status_code == 400 and body["ok"] is False and body["status"] == 400
    assert error in body["error"] and name in body["error"]
    assert rows(site, Upload) == 0 and not (data_dir / "uploads").exists()
    page = upload(office, name, content, api=False)
    assert page.status_code == 400 and name in page.text


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
