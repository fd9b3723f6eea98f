"""The ledger store on SQLite and PostgreSQL: migrations, idempotent ingest, versions with matched
tasks, failed files, the first-listed unit leading, the append-only audit log."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError

from duban.errors import DubanError
from duban.extract import extract, extract_file
from duban.ingest import read
from duban.store import ledger, transaction
from duban.store.ahead import ingest_files
from duban.store.among import among
from duban.store.documents import ingest, match_tasks
from duban.store.models import AuditEntry, Document, ProgressReport, Task, TaskRole
from duban.store.search import mentions
from duban.units.registry import Registry

from .conftest import SEEDS

PLAN = SEEDS[3]  # the 2024 county plan: leaders, lead and responsible units on every task


def counts(engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m))
                for m in (Document, Task, TaskRole, ProgressReport)}


def ingest_one(engine, path, first_leads=True):
    return ingest(engine, path, Registry(None), "tester", first_leads)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_every_extracted_task_is_stored_with_its_roles(db, seed):
    docs = [d for d in extract(read(seed)) if d.tasks]
    result = ingest_one(db, seed)
    assert [d.status for d in result.documents] == ["new"] * len(docs)
    with transaction(db) as s:
        stored = s.scalars(select(Task).order_by(Task.document_id, Task.position)).all()
        assert [t.text for t in stored] == [t.text for d in docs for t in d.tasks]
        for task, extracted in zip(stored, [t for d in docs for t in d.tasks], strict=True):
            assert [r.printed for r in task.roles if r.role == "lead_leaders"] == extracted.role("lead_leaders")
            assert len(task.targets) == len(extracted.targets)
            assert [d.due for d in task.deadlines] == [d.due for d in extracted.deadlines]


def test_the_same_file_twice_changes_nothing(db, tmp_path):
    ingest_one(db, PLAN)
    before = counts(db)
    again = ingest_one(db, PLAN)
    copy = tmp_path / "renamed copy.txt"
    copy.write_bytes(PLAN.read_bytes() + b"\n\n")  # other bytes, the same tasks
    retyped = ingest_one(db, copy)
    assert [d.status for d in again.documents + retyped.documents] == ["unchanged", "unchanged"]
    assert counts(db) == before


def revised(source: str, tasks, changed: int, replaced: int) -> str:
    """The plan re-issued: one task gets an extra sentence, another is a different task under the
    same number (its text replaced, its attribution kept)."""
    def attribution_at(span):
        return source.rindex("（牵头", span.start, span.end)

    edits = []
    a = tasks[changed].span
    edits.append((attribution_at(a), attribution_at(a), "确保年底前全面完成。"))
    b = tasks[replaced].span
    marker = re.match(r"\s*\S+?[.．、]\s*", source[b.start:b.end]).end()
    edits.append((b.start + marker, attribution_at(b), "新建城市书房3处，常态化开展全民阅读活动。"))
    for start, end, new in sorted(edits, reverse=True):
        source = source[:start] + new + source[end:]
    return source


def test_a_revised_document_is_a_new_version_whose_tasks_keep_their_reports(db, tmp_path):
    ingest_one(db, PLAN)
    source = read(PLAN)
    tasks = extract(source)[0].tasks
    attributed = [i for i, t in enumerate(tasks) if "（牵头" in source.text[t.span.start:t.span.end]]
    changed, replaced = attributed[5], attributed[40]
    with transaction(db) as s:
        ids = s.scalars(select(Task.id).order_by(Task.position)).all()
        s.add(ProgressReport(task_id=ids[changed], status="序时推进", progress="已开工", reported_by="tester",
                             reported_at=datetime(2024, 3, 1)))
    new = tmp_path / "revised.txt"
    new.write_text(revised(source.text, tasks, changed, replaced), encoding="utf-8")
    result = ingest_one(db, new).documents[0]
    assert (result.status, result.version) == ("version", 2)
    assert result.changed == [ids[changed]]
    assert result.vanished == [ids[replaced]]
    assert len(result.new) == 1 and result.new[0] not in ids
    assert result.matched == len(tasks) - 1
    with transaction(db) as s:
        current = s.scalars(select(Document).where(Document.current)).all()
        assert [d.version for d in current] == [2]
        task = s.get(Task, ids[changed])
        assert task.document_id == current[0].id and "确保年底前全面完成" in task.text
        assert s.scalars(select(ProgressReport.task_id)).all() == [ids[changed]]
        assert s.get(Task, ids[replaced]).active is False
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "new_version")).one()
        assert entry.detail["vanished"] == [ids[replaced]]


def test_matching_prefers_identical_then_most_similar_text():
    old = [Task(id=1, text="推进老旧小区改造20个。"), Task(id=2, text="建成城市书房3处。"), Task(id=3, text="完成河道清淤。")]
    new = [SimpleNamespace(text=t) for t in ("建成城市书房5处。", "推进老旧小区改造 20 个。", "新建污水处理厂1座。")]
    pairs = match_tasks(old, new)
    assert {i: t.id for i, t in pairs.items()} == {0: 2, 1: 1}


@pytest.mark.parametrize("name, content", [
    ("empty.txt", b""),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("binary.txt", bytes(range(256)) * 20),
])
def test_a_file_that_fails_leaves_the_database_as_it_was(db, write, name, content):
    ingest_one(db, PLAN)
    before = counts(db)
    with pytest.raises(DubanError):
        ingest_one(db, write(name, content))
    assert counts(db) == before


def test_the_first_listed_unit_leads_where_no_role_is_printed(db, write):
    plan = write("plan.txt", "冠县人民政府办公室关于印发某某工作方案的通知\n一、主要任务\n"
                 "1.开展农村人居环境整治，年底前完成。（县农业农村局、县住房和城乡建设局、县水利局）\n"
                 "2.推进河道治理。（牵头单位：县水利局；责任单位：县财政局）\n")
    ingest_one(db, plan)
    with transaction(db) as s:
        first = s.scalars(select(Task).order_by(Task.position)).first()
        assert [(r.role, r.printed) for r in first.roles] == [
            ("lead_units", "县农业农村局"), ("resp_units", "县住房和城乡建设局"), ("resp_units", "县水利局")]
        assert {r.printed_role for r in first.roles} == {"unattributed_units"}


def test_the_first_listed_rule_can_be_switched_off(db, write):
    plan = write("plan.txt", "关于印发某某工作方案的通知\n一、主要任务\n1.开展农村人居环境整治。（县农业农村局、县水利局）\n")
    ingest_one(db, plan, first_leads=False)
    with transaction(db) as s:
        assert {r.role for r in s.scalars(select(TaskRole))} == {"resp_units"}


def test_the_audit_log_refuses_changes(db):
    ingest_one(db, PLAN)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), db.begin() as c:
            c.execute(text(statement))
    with transaction(db) as s:
        assert s.scalars(select(AuditEntry.actor)).all() == ["tester"]


@pytest.mark.parametrize("field, typed", [("text", "6%"), ("text", "_"), ("chapter", "%")])
def test_a_percent_or_underscore_typed_is_searched_as_such(db, field, typed):
    """"6%" finds a task that says 6%, not every task with a 6 in it; "_" is not any one character."""
    ingest_one(db, PLAN)
    with transaction(db) as s:
        found = ledger.task_ids(s, ledger.Filter(**{field: typed}))
        literally = [t.id for t in s.scalars(select(Task).order_by(Task.id)) if typed in getattr(t, field)]
        everything = s.scalar(select(func.count(Task.id)))
    assert sorted(found) == literally and len(found) < everything


@pytest.mark.parametrize("words", [["推进"], ["高标准农田"], ["县"], ["6%"], ["推进", "建设"], ["绝无此词"], ["A"],
                                   ["到2025年"], ['"推进"'], ["推进 OR 建设"]])
def test_the_word_search_finds_exactly_the_tasks_holding_every_word(db, words):
    """The index (character pairs on PostgreSQL, trigrams on SQLite) picks the candidates and LIKE checks
    them: the same tasks as a plain substring test, for one character, two, five, several words, and
    words holding what the index's own query language would read as syntax."""
    ingest_one(db, PLAN)
    with transaction(db) as s:
        found = ledger.task_ids(s, ledger.Filter(words=words))
        holding = [t.id for t in s.scalars(select(Task).order_by(Task.document_id, Task.position))
                   if all(w in t.title or w in t.text for w in words)]
    assert found == holding


def test_the_word_search_is_answered_by_an_index(db):
    ingest_one(db, PLAN)
    with db.begin() as c:
        if db.dialect.name == "postgresql":
            c.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a small table would be scanned anyway
        plan = plan_of(c, select(Task.id).where(mentions("高标准农田"), Task.active))
    assert ("ix_tasks_bigrams" if db.dialect.name == "postgresql" else "VIRTUAL TABLE INDEX") in plan
    assert "SCAN tasks" not in plan  # SQLite: the tasks the index names are fetched by rowid, not all read


def plan_of(connection, statement) -> str:
    """The database's plan for a statement, as SQLAlchemy renders and binds it."""
    explain = "EXPLAIN" if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN"

    def explained(_conn, _cursor, sql, params, _context, _many):
        return f"{explain} {sql}", params
    event.listen(connection, "before_cursor_execute", explained, retval=True)
    try:
        return "\n".join(str(r[-1]) for r in connection.execute(statement))
    finally:
        event.remove(connection, "before_cursor_execute", explained)


def test_a_list_of_ids_is_one_parameter_looked_up_by_index_and_compiled_once(db):
    """`among`: however many ids, the statement has one shape (compiled once, then cached) and the
    database looks each id up in the index instead of reading the whole table."""
    ingest_one(db, PLAN)
    with transaction(db) as s:
        ids = list(s.scalars(select(Task.id).order_by(Task.id)))
        unit = s.scalar(select(TaskRole.unit_id).where(TaskRole.unit_id.is_not(None)).limit(1))
    cache: dict = {}
    with db.connect() as c:
        c = c.execution_options(compiled_cache=cache)
        found = [sorted(c.execute(select(TaskRole.task_id).where(among(TaskRole.task_id, part))).scalars())
                 for part in (ids[:3], ids[3:40], [-1])]
        units = set(c.execute(select(TaskRole.unit_id).where(among(TaskRole.unit_id, [unit, '"引号', "反斜\\杠"]))).scalars())
        shapes = len(cache)
        if db.dialect.name == "postgresql":
            c.exec_driver_sql("SET enable_seqscan = off")  # a small table would be scanned anyway
        plan = plan_of(c, select(TaskRole.id).where(among(TaskRole.task_id, ids[:5])))
    assert [set(f) for f in found] == [set(ids[:3]), set(ids[3:40]), set()] and units == {unit}
    assert shapes == 2  # the three lists of numbers share one statement; the list of words has its own
    assert "ix_task_roles_task" in plan and "SCAN task_roles" not in plan


def test_the_word_search_follows_tasks_revised_and_deleted(db):
    """The SQLite index is kept by triggers: a task's new text is found, its old text no longer, and a
    deleted task is gone from the answers."""
    ingest_one(db, PLAN)
    with transaction(db) as s:
        first, second = s.scalars(select(Task).order_by(Task.id).limit(2))
        first.text, gone = "新写入的独特措辞", second.id
        s.delete(second)
    with transaction(db) as s:
        assert ledger.task_ids(s, ledger.Filter(words=["独特措辞"])) == [first.id]
        assert gone not in ledger.task_ids(s, ledger.Filter(words=[second.text[:4]]))


def test_files_read_ahead_are_stored_in_their_order_and_read_once(db, tmp_path):
    """Two files read at a time: each stored in its own transaction in the order given, a file that cannot
    be read named in its place, and a second run only hashes the files."""
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    paths = [*SEEDS[:2], broken, *SEEDS[2:]]
    first = list(ingest_files(db, paths, Registry(None), "tester", workers=2))
    assert [p for p, _ in first] == paths
    assert isinstance(first[2][1], DubanError) and not isinstance(first[0][1], Exception)
    with transaction(db) as s:
        stored = s.scalars(select(Document.path).order_by(Document.id)).all()
    assert list(dict.fromkeys(stored)) == [str(p) for p in paths if p != broken]
    read = []
    again = list(ingest_files(db, paths, Registry(None), "tester", read=lambda p: read.append(p) or extract_file(p),
                              workers=2))
    assert read == [broken]  # the only file not stored
    assert {d.status for _, r in again if not isinstance(r, Exception) for d in r.documents} == {"unchanged"}
