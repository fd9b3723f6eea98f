from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from duban.layout import read as normalize
from duban.records import Source
from duban.store import connect

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
GOLD = ROOT / "tests" / "data" / "gold"
CASES = ROOT / "tests" / "cases"
# one audit key for the whole run: the web tests copy a ledger built under another DUBAN_DATA_DIR
os.environ["DUBAN_AUDIT_KEY"] = "duban-tests"
CASE_FILES = sorted(p for p in CASES.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx"))


def text_of(s: str, path: str = "snippet.txt"):
    """Normalized Text of a snippet, as the pipeline would see a file with that content."""
    return normalize(Source(path=path, text=s, format="txt"))


@pytest.fixture
def write(tmp_path):
    """Write bytes or text to a file in tmp_path and return its path."""

    def _write(name: str, content: bytes | str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path

    return _write


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test has its own DUBAN_DATA_DIR: a registry edited by hand never changes a result."""
    monkeypatch.setenv("DUBAN_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


PG_SERVER = os.environ.get("DUBAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@cache
def pg_reachable() -> str | None:
    """None if the test PostgreSQL answers, else why not."""
    engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as c:
            c.execute(text("select 1"))
    except OperationalError as e:
        return str(e.orig).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database: a SQLite file in `folder`, or a PostgreSQL schema of its own, dropped
    after. Without a server the PostgreSQL case is skipped, except in CI, where it fails."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'duban.sqlite3'}"
        return
    if why := pg_reachable():
        message = f"PostgreSQL at {PG_SERVER} unreachable: {why}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER)
    with admin.begin() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch):
    """Each store test runs on SQLite and on PostgreSQL."""
    with empty_database(request.param, tmp_path) as url:
        monkeypatch.setenv("DUBAN_DATABASE_URL", url)
        yield url


@pytest.fixture
def db(database_url):
    """An engine on a fresh, migrated database."""
    engine = connect(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def web_template(tmp_path_factory):
    """The seeded web ledger, built once (see tests/web.py)."""
    from .web import build
    folder = tmp_path_factory.mktemp("web")
    os.environ.setdefault("DUBAN_DATA_DIR", str(folder / "data"))
    engine = connect(f"sqlite:///{folder / 'template.sqlite3'}")
    ids = build(engine, [p for p in SEEDS if p.name[:3] in ("000", "003")])
    engine.dispose()
    return folder / "template.sqlite3", ids


@pytest.fixture
def site(web_template, tmp_path):
    """The web app on a fresh copy of the seeded ledger; `site.client(role)` is a signed-in browser."""
    from .web import copy_site
    template, ids = web_template
    made = copy_site(template, tmp_path, ids)
    yield made
    made.engine.dispose()
