"""Stage `store`: the ledger in a database. SQLite in DUBAN_DATA_DIR by default, any SQLAlchemy URL
(PostgreSQL for an office that shares one) through DUBAN_DATABASE_URL. `connect` gives a new, empty
database the schema of the Alembic migrations shipped in the package, and refuses one made by an older
(or newer) duban: upgrading is `duban db upgrade`, which backs up first, never a side effect of
connecting. `transaction` is the only way code writes, so a failure leaves nothing half-written."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from ..errors import DubanError
from ..limits import limit
from .models import Base

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url() -> str:
    if url := os.environ.get("DUBAN_DATABASE_URL"):
        return url
    data = Path(os.environ.get("DUBAN_DATA_DIR", "data"))
    data.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data / 'duban.sqlite3'}"


def sqlite_pragmas(dbapi_connection, _record) -> None:
    # foreign keys are off by default in SQLite; WAL and a busy timeout let two processes import at once
    cursor = dbapi_connection.cursor()
    busy = limit("database_busy_seconds") * 1000
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", f"busy_timeout={busy}", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def engine_for(url: str | None = None, pooled: bool = True) -> Engine:
    """An engine on `url` (else the configured database), its schema unchecked: `connect` checks it."""
    url = url or database_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, **({} if pooled else {"poolclass": NullPool}))
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", sqlite_pragmas)
    return engine


def connect(url: str | None = None, pooled: bool = True) -> Engine:
    """An engine on a schema as new as the code: an empty database is given it, an older or newer one
    is a DubanError saying what to run; so is a database that cannot be reached. A command that runs
    once and exits asks for no pool: its connections close when it is done."""
    engine = engine_for(url, pooled)
    try:
        found = revision_of(engine)
        if found is None and not has_tables(engine):
            migrate(engine)
        elif found != head():
            raise DubanError(schema_mismatch(found))
    except OperationalError as e:
        engine.dispose()
        raise DubanError(f"无法连接数据库 (cannot reach the database) {engine.url!r}: {e.orig}") from None
    except DubanError:
        engine.dispose()
        raise
    return engine


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine, revision: str = "head", down: bool = False) -> None:
    """Upgrade to `revision` (or, with `down`, downgrade to it: "base" empties the database)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


@cache
def head() -> str:
    """The schema revision this code expects."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def revision_of(engine: Engine) -> str | None:
    """The database's schema revision (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def pending(engine: Engine) -> list[str]:
    """The migrations `duban db upgrade` would run, oldest first, each as "revision: what it does"."""
    scripts = ScriptDirectory.from_config(alembic_config())
    found = revision_of(engine)
    steps = list(scripts.iterate_revisions(head(), found))
    return [f"{s.revision}: {s.doc.splitlines()[0]}" for s in reversed(steps)]


def has_tables(engine: Engine) -> bool:
    return bool(set(inspect(engine).get_table_names()) & set(Base.metadata.tables))


def schema_mismatch(found: str | None) -> str:
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if found in known or found is None:
        return (f"数据库结构版本 {found or '（无）'} 旧于本程序的 {head()}：请先运行 duban db upgrade（会先备份）"
                f" (the database is older than this duban: run `duban db upgrade`)")
    return (f"数据库结构版本 {found} 来自更新版本的 duban，本程序只认识到 {head()}：请升级 duban"
            f" (the database was made by a newer duban)")


def analyze(engine: Engine) -> None:
    """Refresh the query planner's statistics: after a bulk load, PostgreSQL would otherwise plan the
    ledger's queries for empty tables (a page 5x slower) until autovacuum gets round to it."""
    with engine.begin() as connection:
        connection.exec_driver_sql(f"ANALYZE {own_tables()}" if engine.dialect.name == "postgresql" else "ANALYZE")


def own_tables() -> str:
    """The ledger's tables, not every schema's in the database as a bare ANALYZE would; the tasks by their
    columns, so the search index's expression is not computed again for 30,000 sampled tasks (3 s)."""
    return ", ".join(f"{name} ({', '.join(t.columns.keys())})" if name == "tasks" else name
                     for name, t in Base.metadata.tables.items())


BUSY_STATES = {"40001", "40P01", "55P03"}  # PostgreSQL: serialization failure, deadlock, lock not available


def busy(e: OperationalError) -> bool:
    """Whether the database refused because another writer holds it (worth a retry, then "busy")."""
    return getattr(e.orig, "sqlstate", None) in BUSY_STATES or "database is locked" in str(e.orig)


def disk_full(e: Exception) -> bool:
    text = str(getattr(e, "orig", e))
    return getattr(getattr(e, "orig", None), "sqlstate", None) == "53100" or "disk is full" in text or (
        isinstance(e, OSError) and e.errno == errno.ENOSPC)


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session whose work is committed at the end of the block, or not at all."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session
