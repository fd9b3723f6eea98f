"""Reviewed extraction: corrections applied to extracted records (each field, split, merge, drop, after
a reworded new version), kept through `store.documents.ingest` of the same file and of a new version,
and written as an answer key that `duban.evaluate` reads back and scores the corrected extraction 1.0."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from duban import answer_key, review
from duban.evaluate import SCORED_ROLES, load_gold, score_file
from duban.extract import extract
from duban.ingest import read
from duban.review import Edit
from duban.store import corrections, transaction
from duban.store.documents import ingest, series_of
from duban.store.models import AuditEntry, Document, ProgressReport, Task
from duban.units.registry import Registry

PLAN = """冠县人民政府办公室
冠政办字〔2025〕3号
冠县人民政府办公室关于印发冠县2025年城乡建设重点工作方案的通知

各乡镇人民政府、街道办事处，县政府各部门：
现将《冠县2025年城乡建设重点工作方案》印发给你们，请认真贯彻落实。

冠县人民政府办公室
2025年1月10日

冠县2025年城乡建设重点工作方案

一、重点任务
1.推进老旧小区改造。改造老旧小区20个，2025年6月底前完成。（牵头单位：县住房和城乡建设局；责任单位：县财政局、县自然资源局）
2.加强河道治理。完成河道清淤30公里，2025年10月底前完成。（牵头单位：县水利局；责任单位：县农业农村局）
3.建设城市书房。新建城市书房3处，年底前建成投用。（牵头单位：县文化和旅游局；配合单位：县财政局）
"""
FIRST = "推进老旧小区改造。改造老旧小区20个，2025年6月底前完成。"
SECOND = "加强河道治理。完成河道清淤30公里，2025年10月底前完成。"
REWORDED = PLAN.replace("改造老旧小区20个", "全面改造老旧小区20个")  # a new version words task 1 differently


def extracted(text: str = PLAN):
    from duban.records import Source
    source = Source("plan.txt", text, "txt")
    return extract(source)[0], text


def corrected(edits: list[Edit], text: str = PLAN):
    doc, source = extracted(text)
    missed = review.apply(doc, edits, source)
    return doc, source, missed


@pytest.mark.parametrize("field, value, check", [
    ("lead_units", ["县城市管理局"], lambda t: t.role("lead_units") == ["县城市管理局"]),
    ("resp_units", "县财政局、县审计局\n县自然资源局", lambda t: t.role("resp_units") == ["县财政局", "县审计局", "县自然资源局"]),
    ("co_units", ["县财政局"], lambda t: t.role("co_units") == ["县财政局"] and t.role("resp_units") == ["县财政局", "县自然资源局"]),
    ("lead_leaders", ["张三"], lambda t: t.role("lead_leaders") == ["张三"]),
    ("unattributed_units", [], lambda t: t.role("unattributed_units") == []),
    ("deadlines", [{"text": "2025年9月底前", "due": "2025-09-30"}],
     lambda t: [(d.text, d.due, d.kind) for d in t.deadlines] == [("2025年9月底前", date(2025, 9, 30), "date")]),
    ("deadlines", [{"text": "2025年6月底前", "due": "2025-07-31"}],
     lambda t: [(d.text, d.due, d.kind) for d in t.deadlines] == [("2025年6月底前", date(2025, 7, 31), "date")]),
    ("targets", [{"text": "改造老旧小区20个", "metric": "老旧小区", "value": "25", "unit": "个", "comparator": ">="}],
     lambda t: [(x["value"], x["comparator"], x["kind"]) for x in t.targets] == [(25.0, ">=", "other")]),
    ("number", "1A", lambda t: t.number == "1A"),
    ("title", "老旧小区改造", lambda t: t.title == "老旧小区改造"),
])
def test_each_field_is_corrected(field, value, check):
    doc, source, missed = corrected([Edit(FIRST, field, value)])
    assert not missed and check(doc.tasks[0])
    assert [t.text for t in doc.tasks] == [t.text for t in extracted()[0].tasks]  # no other task touched


def test_a_corrected_unit_is_found_where_it_is_printed():
    doc, source, _ = corrected([Edit(FIRST, "lead_units", ["县财政局", "县城市管理局"])])
    task = doc.tasks[0]
    printed, elsewhere = [m for m in task.mentions if m.role == "lead_units"]
    assert source[printed.span.start:printed.span.end] == "县财政局"
    assert elsewhere.span == task.span  # not printed in the task: the whole task is where it came from


def test_the_newest_correction_of_a_field_wins():
    doc, _, _ = corrected([Edit(FIRST, "lead_units", ["县城市管理局"]), Edit(FIRST, "lead_units", ["县水利局"])])
    assert doc.tasks[0].role("lead_units") == ["县水利局"]


def test_split_cuts_the_task_where_the_text_starts():
    doc, source, missed = corrected([Edit(SECOND, "split", "完成河道清淤30公里")])
    assert not missed and len(doc.tasks) == 4
    first, second = doc.tasks[1:3]
    assert (first.text, first.title, first.number) == ("加强河道治理。", "加强河道治理", "2")
    assert second.text.startswith("完成河道清淤") and second.number == "2-2"
    assert first.role("lead_units") == [] and second.role("lead_units") == ["县水利局"]  # printed after the cut
    assert [x["text"] for x in second.targets] == ["完成河道清淤30公里"] and first.targets == []
    assert source[second.span.start:].startswith("完成河道清淤")


def test_a_part_split_off_can_be_corrected_in_turn():
    doc, _, missed = corrected([Edit(SECOND, "split", "完成河道清淤"), Edit("加强河道治理。", "lead_units", ["县水利局"])])
    assert not missed and doc.tasks[1].role("lead_units") == ["县水利局"]


def test_merge_joins_a_task_with_the_next_and_drop_removes_one():
    doc, _, missed = corrected([Edit(FIRST, "merge", True), Edit(extracted()[0].tasks[2].text, "drop", True)])
    assert not missed and len(doc.tasks) == 1
    merged = doc.tasks[0]
    assert merged.text == FIRST + SECOND and merged.number == "1"
    assert merged.role("lead_units") == ["县住房和城乡建设局", "县水利局"]
    assert len(merged.deadlines) == 2 and len(merged.targets) == 2


def test_a_lifted_structural_edit_does_nothing():
    doc, _, _ = corrected([Edit(FIRST, "drop", True), Edit(FIRST, "drop", None)])
    assert len(doc.tasks) == 3


def test_a_correction_lands_on_a_reworded_new_version():
    doc, _, missed = corrected([Edit(FIRST, "lead_units", ["县城市管理局"])], REWORDED)
    assert not missed and "全面改造" in doc.tasks[0].text
    assert doc.tasks[0].role("lead_units") == ["县城市管理局"]


def test_a_correction_of_a_task_no_longer_there_is_reported():
    edit = Edit("新建污水处理厂1座，年底前投入运行。", "lead_units", ["县水利局"])
    doc, _, missed = corrected([edit])
    assert missed == [edit] and [t.role("lead_units") for t in doc.tasks] == [
        t.role("lead_units") for t in extracted()[0].tasks]


# In the ledger

def lead_units_of(engine, text_part: str) -> tuple[int, list[str]]:
    with transaction(engine) as s:
        task = s.scalars(select(Task).join(Document).where(Document.current, Task.active,
                                                            Task.text.contains(text_part))).one()
        return task.id, [r.printed for r in task.roles if r.role == "lead_units"]


def correct_first(engine, units: list[str]) -> None:
    doc, _ = extracted()
    with transaction(engine) as s:
        corrections.add(s, series_of(doc), FIRST, "lead_units", units, "reviewer")


def test_corrections_survive_ingesting_the_same_file_again(db, write):
    path = write("plan.txt", PLAN)
    ingest(db, path, Registry(None), "tester")
    task_id, units = lead_units_of(db, "老旧小区")
    assert units == ["县住房和城乡建设局"]
    with transaction(db) as s:
        s.add(ProgressReport(task_id=task_id, status="序时推进", progress="已开工", reported_by="tester",
                             reported_at=datetime(2025, 3, 1)))
    correct_first(db, ["县城市管理局"])
    result = ingest(db, path, Registry(None), "tester").documents
    assert [(d.status, d.version) for d in result] == [("corrected", 1)]
    assert lead_units_of(db, "老旧小区") == (task_id, ["县城市管理局"])  # revised in place: the report stays
    again = ingest(db, path, Registry(None), "tester").documents
    assert [d.status for d in again] == ["unchanged"]
    with transaction(db) as s:
        assert s.scalars(select(ProgressReport.task_id)).all() == [task_id]
        assert len(s.scalars(select(Document)).all()) == 1
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "correct")).one()
        assert entry.actor == "reviewer" and entry.detail["field"] == "lead_units"


def test_corrections_apply_to_a_first_ingest_and_to_a_new_version(db, write):
    correct_first(db, ["县城市管理局"])
    ingest(db, write("plan.txt", PLAN), Registry(None), "tester")
    task_id, units = lead_units_of(db, "老旧小区")
    assert units == ["县城市管理局"]
    result = ingest(db, write("plan-v2.txt", REWORDED), Registry(None), "tester").documents
    assert [(d.status, d.version, d.changed) for d in result] == [("version", 2, [task_id])]
    assert lead_units_of(db, "全面改造") == (task_id, ["县城市管理局"])


# The way out when the reader is wrong: add a task from selected text, a task that is a heading, columns mapped

CLOSING = PLAN + "另外，新建社区食堂5个，县民政局牵头，县财政局配合。\n"


def test_a_task_is_added_from_selected_text_with_the_roles_printed_in_it():
    doc, source, missed = corrected([Edit("新建社区食堂5个，县民政局牵头，县财政局配合。", review.ADD, {"number": "4"})],
                                    CLOSING)
    assert missed == []
    added = doc.tasks[-1]
    assert (added.number, added.role("lead_units"), added.role("co_units")) == ("4", ["县民政局"], ["县财政局"])
    assert source[added.span.start:added.span.end] == "新建社区食堂5个，县民政局牵头，县财政局配合。"


def test_added_text_not_in_the_document_is_reported_and_a_heading_is_no_task():
    doc, _, missed = corrected([Edit("这段文字不在原文中。", review.ADD, {}), Edit(SECOND, "heading", True)])
    assert [e.field for e in missed] == [review.ADD]
    assert [t.number for t in doc.tasks] == ["1", "3"]


def test_mapped_columns_make_an_unknown_table_readable_on_every_ingest(db, write):
    table = "某县2025年为民办实事安排\n条目 | 要办的事 | 谁来抓\n1 | 新建口袋公园2个。 | 县住建局\n2 | 改造小区。 | 县城管局\n"
    path = write("table.txt", table)
    assert ingest(db, path, Registry(None), "tester").documents == []
    doc = extract(read(path))[0]
    with transaction(db) as s:
        corrections.add(s, series_of(doc), "", review.COLUMNS,
                        {"条目": "number", "要办的事": "text", "谁来抓": "lead_units"}, "reviewer")
    assert [d.status for d in ingest(db, path, Registry(None), "tester").documents] == ["new"]
    with transaction(db) as s:
        tasks = s.scalars(select(Task).order_by(Task.position)).all()
        assert [(t.number, [r.printed for r in t.roles]) for t in tasks] == [("1", ["县住建局"]), ("2", ["县城管局"])]


# The answer key

def test_the_answer_key_scores_the_corrected_extraction_perfectly(tmp_path):
    edits = [Edit(FIRST, "lead_units", ["县城市管理局"]), Edit(SECOND, "split", "完成河道清淤"),
             Edit(FIRST, "deadlines", [{"text": "2025年6月底前", "due": "2025-07-31"}])]
    doc, _, _ = corrected(edits)
    key = answer_key.answer_key([doc], "reviewed/plan.txt")
    for name, content in key.files().items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    gold = load_gold(tmp_path, "plan.txt")
    assert gold is not None and len(gold.tasks) == 4 and gold.docs[0]["task_count"] == 4
    assert gold.tasks[0]["lead_units"] == ["县城市管理局"]
    score = score_file(gold, [doc])
    assert score.tasks.f1 == 1.0 and all(score.roles[r].f1 == 1.0 for r in SCORED_ROLES)
    assert score.targets.f1 == score.deadlines.f1 == 1.0 and score.header_accuracy == 1.0
    assert score.scored == {"targets", "deadlines"} and not score.misses
    raw = score_file(gold, [extracted()[0]])  # the uncorrected extraction falls short of the key
    assert raw.roles["lead_units"].f1 < 1.0 and raw.tasks.f1 < 1.0


def test_the_answer_key_of_a_file_read_from_disk(write, tmp_path):
    path = write("plan.txt", PLAN)
    docs = extract(read(path))
    files = answer_key.answer_key(docs, path.name).files()
    assert sorted(files) == [f"plan.txt.{k}" for k in ("deadlines.jsonl", "docs.json", "targets.jsonl", "tasks.jsonl")]
