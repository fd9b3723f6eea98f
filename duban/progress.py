"""How far a long reading has got (OCR of a scan, page by page), told to whoever shows it: a worker
passes it on to the process that started it, the CLI draws a bar. Per thread and task (a ContextVar), so
two requests of the web server never hear each other's pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[int, int], None]  # (pages done, pages in all)
listener: ContextVar[Listener | None] = ContextVar("listener", default=None)


def report(done: int, total: int) -> None:
    if (hear := listener.get()) is not None:
        hear(done, total)


@contextmanager
def listening(hear: Listener) -> Iterator[None]:
    token = listener.set(hear)
    try:
        yield
    finally:
        listener.reset(token)
