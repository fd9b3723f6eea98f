"""Counts kept beside the stored task states: whenever a state row is written or dropped, the counts it
was under lose one and those it is under now gain one, in the same transaction. 总览 then reads a few
rows instead of counting a million states. Each state row says under which chapter, lead units and
lifecycle it was counted (a plan revised, two units merged or a plan finished moves it), so the old
counts are known without deriving anything again."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from sqlalchemy.orm import Session

from ..store.bulk import delete_zeros, upsert
from ..store.models import ChapterTally, RunningTally, RunningUnitTally, UnitTally

COUNTED = ("task_id", "document_id", "chapter", "lead_units", "running", "status", "colour", "late")
NO_LEAD = ""  # the unit id under which the tasks naming no lead unit are counted


def leads(row: dict) -> tuple[str, ...]:
    return units_of(row["lead_units"])


@lru_cache(maxsize=4096)
def units_of(stored: str) -> tuple[str, ...]:
    """A state row's lead units (a JSON list): the same few lists recur across a ledger's tasks."""
    return tuple(json.loads(stored)) or (NO_LEAD,)


# each table: its key columns, and the keys a state row is counted under
TABLES: dict[type, tuple[tuple[str, ...], Callable[[dict], list[tuple]]]] = {
    ChapterTally: (("document_id", "chapter", "status", "colour", "late"),
                   lambda r: [(r["document_id"], r["chapter"], r["status"], r["colour"], r["late"])]),
    UnitTally: (("document_id", "unit_id", "status", "colour"),
                lambda r: [(r["document_id"], u, r["status"], r["colour"]) for u in leads(r)]),
    RunningTally: (("status", "colour", "late"),
                   lambda r: [(r["status"], r["colour"], r["late"])] if r["running"] else []),
    RunningUnitTally: (("unit_id", "status", "colour"),
                       lambda r: [(u, r["status"], r["colour"]) for u in leads(r)] if r["running"] else []),
}

class Moves:
    """Counts to move, gathered over a transaction's batches and stored at its end."""

    def __init__(self) -> None:
        self.delta = {model: Counter() for model in TABLES}

    def add(self, old: Iterable[dict], new: Iterable[dict], n: int = 1) -> None:
        """The counts of the `old` rows (as they were counted) taken away, those of the `new` rows added,
        each `n` times."""
        for sign, rows in ((-n, old), (n, new)):
            for row in rows:
                for model, (_, keys) in TABLES.items():
                    for key in keys(row):
                        self.delta[model][key] += sign

    def store(self, session: Session) -> None:
        """Each count raised by its delta, table by table, in key order: two transactions adding to the
        same counts lock them in the same order, so one waits for the other instead of deadlocking. A count
        fallen to 0 is dropped: kept, a year of days moving states back and forth doubled what 总览 read."""
        for model, (names, _) in TABLES.items():
            rows = [{**dict(zip(names, k, strict=True)), "n": n} for k, n in sorted(self.delta[model].items()) if n]
            upsert(session, model, rows, names, adding="n")
            delete_zeros(session, model, [r for r in rows if r["n"] < 0], names)
        self.delta = {model: Counter() for model in TABLES}
