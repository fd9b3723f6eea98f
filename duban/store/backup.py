"""A whole office in one file, and back: the database (SQLite's online backup API, so the server may keep
running; pg_dump's custom format for PostgreSQL) and everything in DUBAN_DATA_DIR beside it (uploaded
files, the unit registry, the audit key, duban.toml), with a manifest saying which duban and schema made
it. A restore is all or nothing: the archive is checked and unpacked aside first, then the database is
replaced in one step (a file moved into place; pg_restore in a single transaction) and the folder's files
after it."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import Engine

from ..config import data_dir
from ..errors import DubanError
from . import head, revision_of

MANIFEST = "manifest.json"
SQLITE = "database.sqlite3"
DUMP = "database.pgdump"
FILES = "files"
SKIP = ("duban.sqlite3", "duban.sqlite3-wal", "duban.sqlite3-shm", "backups")  # the database, older backups


def backup(engine: Engine, out: Path, folder: Path | None = None) -> dict:
    """Write the archive to `out` (made aside and moved there whole); its manifest."""
    folder = data_dir() if folder is None else folder
    manifest = {"duban": version("duban"), "schema": revision_of(engine), "dialect": engine.dialect.name,
                "made": datetime.now().isoformat(timespec="seconds")}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".backup-") as work:
        work = Path(work)
        if engine.dialect.name == "sqlite":
            copy_sqlite(engine, work / SQLITE)
        else:
            dump_postgres(engine, work / DUMP)
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            for name in (MANIFEST, SQLITE if engine.dialect.name == "sqlite" else DUMP):
                tar.add(work / name, arcname=name)
            for path in kept_files(folder):
                tar.add(path, arcname=f"{FILES}/{path.relative_to(folder).as_posix()}")
        os.replace(partial, out)
    return manifest


def kept_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and p.relative_to(folder).parts[0] not in SKIP and not p.name.startswith(".backup-"))


def copy_sqlite(engine: Engine, target: Path) -> None:
    with closing(sqlite3.connect(engine.url.database)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


def libpq(engine: Engine) -> tuple[str, list[str]]:
    """The database as pg_dump/pg_restore name it, and the schema of its search_path if the URL sets one
    (an office's ledger kept in a schema of a shared database): only that schema is dumped."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    options = parse_qs(urlsplit(url).query).get("options", [""])[0]
    schemas = [o.split("=", 1)[1] for o in options.split() if o.startswith("-csearch_path=")]
    return url, schemas


def dump_postgres(engine: Engine, target: Path) -> None:
    url, schemas = libpq(engine)
    run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *(f"--schema={s}" for s in schemas),
         f"--dbname={url}"])


def run(argv: list[str]) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, text=True)
    except FileNotFoundError:
        raise DubanError(f"找不到 {argv[0]}：请安装 PostgreSQL 客户端 (postgresql-client)") from None
    if done.returncode:
        raise DubanError(f"{argv[0]} 失败 (failed): {done.stderr.strip()}")


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            return json.load(tar.extractfile(MANIFEST))
    except (tarfile.TarError, KeyError, OSError, json.JSONDecodeError) as e:
        raise DubanError(f"{archive}：不是 duban 备份文件 (not a duban backup: {e})") from None


def restore(engine: Engine, archive: Path, folder: Path | None = None) -> dict:
    """Put the archive's database and files back; its manifest. Refused: an archive of another kind of
    database, or of a schema newer than this duban's."""
    folder = data_dir() if folder is None else folder
    manifest = read_manifest(archive)
    if manifest["dialect"] != engine.dialect.name:
        raise DubanError(f"{archive}：这是 {manifest['dialect']} 数据库的备份，不能恢复到 {engine.dialect.name}")
    if manifest["schema"] is not None and manifest["schema"] > head():
        raise DubanError(f"{archive}：备份来自更新版本的 duban（结构 {manifest['schema']}），请先升级 duban")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # the filter refuses absolute paths and ../ in a crafted archive
        engine.dispose()
        if engine.dialect.name == "sqlite":
            replace_sqlite(work / SQLITE, Path(engine.url.database))
        else:
            restore_postgres(engine, work / DUMP)
        put_back(work / FILES, folder)
    return manifest


def replace_sqlite(copy: Path, target: Path) -> None:
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)  # the old database's log would be replayed onto the restored one
    os.replace(copy, target)


def restore_postgres(engine: Engine, dump: Path) -> None:
    url, _ = libpq(engine)
    run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", f"--dbname={url}", str(dump)])


def put_back(files: Path, folder: Path) -> None:
    """The archive's files over the folder's: each file moved into place (uploads, registry, audit key)."""
    if not files.is_dir():
        return
    for path in sorted(p for p in files.rglob("*") if p.is_file()):
        target = folder / path.relative_to(files)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
