"""Python's cycle collector put off during a bulk pass (a refresh batch, an export): such a pass makes
millions of short-lived objects, freed by reference counting as soon as they are dropped, and every so
often the collector walked every long-lived object too (the ORM's, the modules'): a tenth to a fifth
of the pass, measured. Collected again as usual once the pass ends."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def put_off() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
