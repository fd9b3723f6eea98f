"""The audit log as evidence (duban/store/audit.py): the hash chain finds an edited, deleted, inserted or
back-dated entry on SQLite and PostgreSQL, `duban audit verify` says so, CLI writes are marked as CLI,
and on PostgreSQL the documented app role cannot empty, delete from or alter the log."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from duban.cli import app
from duban.store import audit, connect, transaction
from duban.store.models import AuditEntry

from .conftest import ROOT, SEEDS

runner = CliRunner()
ROLES_SQL = ROOT / "docs" / "postgresql-roles.sql"


def write_some(engine, n: int = 5) -> None:
    for i in range(n):
        with transaction(engine) as s:
            audit.record(s, "admin", "set_public", "document", i, public=bool(i % 2), task=i)


def unprotected(engine, sql: str, **params) -> None:
    """What someone with the database in hand can do: switch the append-only triggers off and write."""
    with engine.begin() as c:
        if engine.dialect.name == "postgresql":
            c.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        else:
            c.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
            c.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        c.execute(text(sql), params)
        if engine.dialect.name == "postgresql":
            c.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


def problems(engine) -> list[str]:
    with transaction(engine) as s:
        return [f.problem for f in audit.verify(s)[2]]


def test_an_untouched_log_verifies(db):
    write_some(db)
    with transaction(db) as s:
        chained, before, findings = audit.verify(s)
    assert (chained, before, findings) == (5, 0, [])
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "完好" in result.output


TAMPERING = {
    "edited": ("UPDATE audit_log SET detail = :detail WHERE seq = 3", {"detail": '{"public": true, "task": 99}'},
               "校验值不符"),
    "deleted": ("DELETE FROM audit_log WHERE seq = 3", {}, "序号跳过"),
    "last deleted": ("DELETE FROM audit_log WHERE seq = 5", {}, "链尾"),
    "inserted": ("INSERT INTO audit_log (at, actor, action, entity, entity_id, detail) "
                 "VALUES (:at, 'admin', 'report', 'task', '1', '{}')", {"at": datetime.now()}, "不在链中"),
    "forged": ("INSERT INTO audit_log (at, actor, action, entity, entity_id, detail, seq, prev_hash, hash) "
               "VALUES (:at, 'admin', 'report', 'task', '1', '{}', 6, :h, :h)", {"at": datetime.now(), "h": "f" * 64},
               "校验值不符"),
    "back-dated": ("UPDATE audit_log SET at = :at WHERE seq = 4", {"at": datetime.now() - timedelta(days=30)},
                   "早于前一条"),
}


@pytest.mark.parametrize("how", TAMPERING)
def test_tampering_is_found(db, how):
    write_some(db)
    sql, params, says = TAMPERING[how]
    unprotected(db, sql, **params)
    found = problems(db)
    assert any(says in p for p in found), found
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1 and says in result.output


def test_a_different_key_fails_every_seal(db, monkeypatch):
    write_some(db, 2)
    monkeypatch.setenv("DUBAN_AUDIT_KEY", "not-the-key")
    assert sum("校验值不符" in p for p in problems(db)) == 2


def test_cli_writes_are_marked_as_cli_with_the_system_user(db, monkeypatch):
    monkeypatch.setenv("DUBAN_USER", "office")
    assert runner.invoke(app, ["ingest", str(SEEDS[0])]).exit_code == 0
    with transaction(db) as s:
        actors = set(s.scalars(select(AuditEntry.actor)))
    assert actors and all(re.fullmatch(r"cli:[^/]+/office", a) for a in actors)


def test_the_log_lists_by_user_task_and_day(db):
    write_some(db)
    with transaction(db) as s:
        audit.record(s, "cli:root", "report", "task", 7)
    listed = runner.invoke(app, ["audit", "list", "--user", "admin", "--format", "json"]).stdout
    assert listed.count('"actor": "admin"') == 5 and "cli:root" not in listed
    with transaction(db) as s:
        assert [e.entity_id for e in audit.entries(s, task=3)] == ["3"]  # named in the detail
        assert [e.entity_id for e in audit.entries(s, task=7)] == ["7"]  # the entity itself
        today = datetime.now().date()
        assert len(audit.entries(s, since=today, until=today)) == 6
        assert audit.entries(s, since=today + timedelta(days=1)) == []


def statements(schema: str, role: str) -> list[str]:
    sql = "\n".join(line for line in ROLES_SQL.read_text().splitlines() if not line.startswith("--"))
    return [s.strip().replace("public", schema).replace("duban_app", role) for s in sql.split(";") if s.strip()]


def test_the_postgresql_app_role_cannot_empty_or_alter_the_log(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    owner = connect(database_url)
    write_some(owner, 2)
    schema = re.search(r"search_path%3D(\w+)", database_url).group(1)
    role = f"app_{uuid.uuid4().hex[:10]}"
    with owner.begin() as c:
        c.exec_driver_sql(f"CREATE ROLE {role} LOGIN")
        for statement in statements(schema, role):
            c.exec_driver_sql(statement)
    as_app = connect(database_url.replace("postgresql+psycopg://postgres@", f"postgresql+psycopg://{role}@"))
    try:
        write_some(as_app, 1)  # the app writes, and its entries join the chain
        for refused in ("TRUNCATE audit_log", "DELETE FROM audit_log", "UPDATE audit_log SET actor = 'x'",
                        "ALTER TABLE audit_log DISABLE TRIGGER USER", "DROP TRIGGER audit_log_append_only ON audit_log"):
            with pytest.raises(DBAPIError, match="permission denied|must be owner"), as_app.begin() as c:
                c.exec_driver_sql(refused)
        assert problems(owner) == []
    finally:
        as_app.dispose()
        with owner.begin() as c:
            c.exec_driver_sql(f"DROP OWNED BY {role}")
            c.exec_driver_sql(f"DROP ROLE {role}")
        owner.dispose()



def test_without_a_configured_key_one_is_made_beside_the_data_and_kept(db, data_dir, monkeypatch):
    monkeypatch.delenv("DUBAN_AUDIT_KEY")
    write_some(db, 2)
    key = data_dir / "audit.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text().strip()) == 64
    assert problems(db) == []
    key.write_text("0" * 64)
    audit.key_of.cache_clear()
    assert len(problems(db)) == 2
