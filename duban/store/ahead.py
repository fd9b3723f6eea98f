"""Many files ingested in order, each in its own transaction, while the next ones are read: extraction
runs in worker processes (one per core), so a folder of plans keeps both cores busy, one reading and
one storing. A file whose bytes are stored already is only hashed, never read again."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from os import cpu_count
from pathlib import Path

from sqlalchemy import Engine

from .. import collector
from ..errors import DubanError
from ..extract import extract_file
from ..units.registry import Registry
from . import transaction
from .documents import FileResult, ingest, sha256, stored_unchanged


def unchanged(engine: Engine, path: Path) -> bool:
    """Whether these bytes are stored already (a file that cannot be read is the ingest's to report)."""
    try:
        digest = sha256(path.read_bytes())
    except OSError:
        return False
    with transaction(engine) as s:
        return bool(stored_unchanged(s, digest))


def ingest_files(engine: Engine, paths: list[Path], registry: Registry, actor: str, first_leads: bool = True,
                 read: Callable[[Path], tuple] = extract_file,
                 workers: int | None = None) -> Iterator[tuple[Path, FileResult | Exception]]:
    """(path, what was stored, or the exception that refused the file) for each file in order. `read`
    extracts a file (in a worker process; called from a thread); at most `workers` files are read ahead."""
    workers = workers or cpu_count() or 1
    with ThreadPoolExecutor(workers) as pool:
        ahead: deque[tuple[Path, Future | None]] = deque()
        waiting = iter(paths)
        for path in waiting:
            ahead.append((path, None if unchanged(engine, path) else pool.submit(read, path)))
            if len(ahead) > workers:
                yield stored(engine, *ahead.popleft(), registry, actor, first_leads)
        while ahead:
            yield stored(engine, *ahead.popleft(), registry, actor, first_leads)


def stored(engine: Engine, path: Path, reading: Future | None, registry: Registry, actor: str,
           first_leads: bool) -> tuple[Path, FileResult | Exception]:
    try:
        read = (lambda _: reading.result()) if reading else extract_file
        with collector.put_off():  # a third of the storing process's time, else
            return path, ingest(engine, path, registry, actor, first_leads, read=read)
    except (DubanError, OSError) as e:  # the caller says which file failed and goes on with the next
        return path, e
