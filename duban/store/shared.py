"""Work shared among processes: items (batches of tasks, chunks of states) each done in a transaction of
its own — on PostgreSQL by a process per core, elsewhere one after the other."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from itertools import chain, islice, repeat

from sqlalchemy import Engine, NullPool, create_engine

from .. import collector
from . import transaction


@contextmanager
def processes(engine: Engine, workers: int) -> Iterator[Callable]:
    """`spread(work, *args, items)`: `work(engine, *args, item)` for each item (a module's function; it
    gets the engine's URL in a worker process), what each gives, in order. On PostgreSQL, where there are
    two items or more, in `workers` processes started at the first such call, the items handed out while
    they are still being read; elsewhere the items read before the first is done (SQLite: no reading
    while writing)."""
    pool = None

    def spread(work: Callable, *args) -> Iterator:
        nonlocal pool
        *fixed, items = args
        items = iter(items)
        first = list(islice(items, 2))
        if engine.dialect.name != "postgresql" or len(first) < 2 or workers < 2:
            return (work(engine, *fixed, item) for item in [*first, *items])
        pool = pool or ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        return pool.map(work, repeat(engine.url.render_as_string(hide_password=False)), *map(repeat, fixed),
                        chain(first, items))
    try:
        yield spread
    finally:
        if pool:
            pool.shutdown()


def in_transaction(engine: Engine | str, work: Callable, *args):
    """`work(session, *args)` in a transaction of its own, Python's cycle collector put off; in a worker
    process, an engine's URL: its engine is made once and kept for the process's next items."""
    global _worker_engine
    if isinstance(engine, str):
        _worker_engine = _worker_engine or create_engine(engine, poolclass=NullPool)
        engine = _worker_engine
    with collector.put_off(), transaction(engine) as s:
        return work(s, *args)


_worker_engine: Engine | None = None
