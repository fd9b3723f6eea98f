"""Each task's status and warning colour kept in the database (task_states), so that the ledger filters
and sorts by them in SQL instead of deriving every task on every request. They are written in the same
transaction as every change that can move them: the session is watched, and what it flushed (a report,
an override, an extension, a round, a task or document ingested, revised or finished) is derived again
before it commits. The passage of days moves them too (a limit passes, a round shuts), so once a day
every task whose stored state is not sure to hold that day (steady.py) is derived again: `duban refresh`,
and `duban serve` at its start and on each new day. The stored values are trusted only on a day whose
refresh ran (a `state_days` row); on any other day the ledger derives."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    Engine,
    Select,
    and_,
    delete,
    event,
    false,
    or_,
    select,
)
from sqlalchemy.orm import ORMExecuteState, Session

from .. import clock
from ..store import transaction
from ..store.among import among
from ..store.bulk import upsert
from ..store.ledger import BATCH, STREAMED
from ..store.models import (
    Deadline,
    Document,
    Extension,
    ProgressReport,
    Round,
    StateDay,
    StatusOverride,
    Target,
    Task,
    TaskRole,
    TaskState,
)
from ..store.shared import in_transaction, processes
from . import steady, steps, tallies
from .facts import current, documents
from .records import colour_rank, status_rank
from .warnings import Entry, entries, lateness

BY_TASK = (ProgressReport, StatusOverride, Extension, Deadline, Target, TaskRole)  # rows naming their task
BY_DOCUMENT = (Round,)  # rows that move every task of their document
# a state row's columns but the day it was derived on (rows whose other columns are unchanged are not written)
KEPT = tuple(c.name for c in TaskState.__table__.columns if c.name != "day")
HELD = tuple(n for n in KEPT if n != "until")  # what the state is; `until`, how long it holds
TOUCHED = "duban.state.touched"  # session.info key: (task ids, document ids, everything?)
log = logging.getLogger("duban.state")


def state_row(e: Entry, day: date, rounds: list[Round]) -> dict:
    """What is stored of a task on `day`; `rounds`: its plan's."""
    colour, s, f = e.warning.colour or "none", e.status, e.facts
    return {"task_id": f.id, "day": day, "status": s.status, "status_rank": status_rank(s.status),
            "colour": colour, "colour_rank": colour_rank(colour), "due": s.due, "late": lateness(s, day),
            "until": steady.until(e, day, rounds), "standing": f.standing, "document_id": f.document_id,
            "position": f.position, "chapter": f.chapter, "lead_units": as_json(tuple(sorted(f.lead_units))),
            "running": f.running}


@lru_cache(maxsize=4096)
def as_json(units: tuple[str, ...]) -> str:
    """A task's lead units as stored: the same few sets recur across a ledger's tasks."""
    return json.dumps(list(units))


def current_query() -> Select:
    return current().order_by(Task.id)


def current_tasks(session: Session) -> list[int]:
    return list(session.connection().execution_options(yield_per=STREAMED).execute(current_query()).scalars())


def refresh(session: Session, day: date, tasks: Iterable[int]) -> int:
    """Derive and store the state on `day` of these tasks, in this transaction, and move their tallies;
    how many were derived. Only the rows that changed are written (a day later, most did not)."""
    ids, derived, moves, known = sorted(set(tasks)), 0, tallies.Moves(), {}
    steps.wait_for_moves(session, ids)
    for i in range(0, len(ids), BATCH):
        batch = ids[i:i + BATCH]
        current, old = locked(session, batch)
        rows, ahead = [], []
        for e in entries(session, day, current, known=known):
            rows.append(state_row(e, day, known[e.facts.document_id]))
            ahead += steps.rows(e.facts.id, steady.ahead(e, day, rows[-1]["until"], known[e.facts.document_id]))
        if gone := set(batch) - set(current):  # no longer current: nothing to keep
            session.execute(delete(TaskState).where(among(TaskState.task_id, gone)))
        changed = [r for r in rows if r["task_id"] not in old or not still(old[r["task_id"]], r, day)]
        moved = [r for r in changed if r["task_id"] not in old or counted(old[r["task_id"]]) != counted(r)]
        moves.add([counted(old[t]) for t in [*gone, *(r["task_id"] for r in moved)] if t in old], moved)
        upsert(session, TaskState, changed, ("task_id",), stamp="day")
        steps.replace(session, batch, ahead)
        derived += len(rows)
    moves.store(session)  # last: the tallies every transaction adds to are held until it commits
    return derived


def still(stored: tuple, row: dict, day: date) -> bool:
    """Whether a stored row (as KEPT) may stay as it is: the same state, held as long — or held until
    before `day` where the new row holds only through `day` (it moves tomorrow, again: rewriting it each day
    would gain nothing, the refresh derives it anyway)."""
    was = dict(zip(KEPT, stored, strict=True))
    if any(was[n] != row[n] for n in HELD):
        return False
    old, new = was["until"], row["until"]
    return old == new or (old is not None and old < day and new is not None and new <= day)


def counted(row: dict | tuple) -> dict:
    """What a state row (a dict, or a stored row as KEPT) is counted under."""
    row = row if isinstance(row, dict) else dict(zip(KEPT, row, strict=True))
    return {n: row[n] for n in tallies.COUNTED}


def locked(session: Session, batch: list[int]) -> tuple[list[int], dict[int, tuple]]:
    """(the current tasks of the batch, the stored state of each task, as KEPT), their rows locked first
    on PostgreSQL, so a concurrent refresh never stores what it read before a report committed. NO KEY
    UPDATE: refreshers of a task wait for each other, not for writers of its reports."""
    q = (select(Task.id, Task.active, Task.document_id, *(TaskState.__table__.c[n] for n in KEPT))
         .outerjoin(TaskState, TaskState.task_id == Task.id)
         .where(among(Task.id, batch)).order_by(Task.id).with_for_update(key_share=True, of=Task))
    rows = session.connection().execute(q).all()
    plans = documents(session, {r.document_id for r in rows}, Document.current)
    current = [r.id for r in rows if r.active and plans[r.document_id].current]
    return current, {r.id: tuple(r[3:]) for r in rows if r.task_id is not None}


class Refreshed(NamedTuple):
    derived: int  # tasks whose state was derived again
    held: int  # tasks whose stored state was sure to hold on the day (not derived)
    moved: int  # tasks whose state moved to the one worked out ahead for the day (steps.py)


def refresh_all(engine: Engine, day: date, tick: Callable[[int], None] | None = None,
                workers: int | None = None) -> Refreshed:
    """Every current task's state on `day`, then the day marked: from now on the ledger trusts the stored
    states. A stored state sure to hold on `day` (steady.py) is left as it is; one whose day has come moves
    to the state worked out ahead for the day, if there is one (steps.py); the others are derived. Each
    chunk of states moved and each batch of tasks derived in a transaction of its own (writers wait for
    one at most, memory stays flat), shared on PostgreSQL among `workers` processes (one per core by
    default; store/shared.py)."""
    held, mark = [], steady.mark()
    with transaction(engine) as s:  # states derived under other rules are not sure to hold under these
        trusted = s.scalar(select(StateDay.rules).order_by(StateDay.at.desc()).limit(1)) == mark
    with processes(engine, workers or os.cpu_count() or 1) as spread:
        moved = added(spread(advance_chunk, day, steps.chunks(engine, day) if trusted else []), tick)
        derived = added(spread(refresh_batch, day, stale_batches(engine, day, held, trusted)), tick)
    with transaction(engine) as s:
        upsert(s, StateDay, [{"day": day, "at": clock.now(), "rules": mark}], ("day",))
    with engine.begin() as c:  # the planner must know the states as they are now, or the ledger's pages scan them
        c.exec_driver_sql("ANALYZE task_states")
    return Refreshed(derived, sum(held) - moved, moved)  # (the states moved hold now)


def added(counts: Iterable[int], tick: Callable[[int], None] | None) -> int:
    total = 0
    for n in counts:
        total += n
        if tick:
            tick(n)
    return total


def stale_batches(engine: Engine, day: date, held: list[int], trusted: bool) -> Iterator[list[int]]:
    """The ids of the current tasks whose state must be derived on `day` (every one unless the stored
    states are `trusted`), a BATCH at a time, read as they are asked for: the workers start on the first
    batches while the rest are read, a page per short transaction (no snapshot is held open while they
    write). How many held is added to `held`."""
    holds = and_(TaskState.day <= day, or_(TaskState.until.is_(None), TaskState.until >= day)) if trusted else false()
    last = 0
    while page := rows_of(engine, current_query().add_columns(holds).where(Task.id > last).limit(STREAMED)
                          .outerjoin(TaskState, and_(TaskState.task_id == Task.id, TaskState.task_id > last))):
        # (the page's start repeated for the states: else PostgreSQL reads them from the first each page)
        last, ids = page[-1][0], [task for task, holding in page if not holding]
        held.append(len(page) - len(ids))
        yield from (ids[i:i + BATCH] for i in range(0, len(ids), BATCH))


def rows_of(engine: Engine, query: Select) -> list:
    with engine.connect() as c:
        return list(c.execute(query))


def refresh_batch(engine: Engine | str, day: date, batch: list[int]) -> int:
    return in_transaction(engine, refresh, day, batch)


def advance_chunk(engine: Engine | str, day: date, lo: int) -> int:
    return in_transaction(engine, steps.advance, day, lo)


def fresh(session: Session, day: date) -> bool:
    """Whether the stored states are the derived ones on `day`."""
    return day == clock.today() and session.get(StateDay, day) is not None


def keep_fresh(engine: Engine, every: float, stop: threading.Event) -> None:
    """Until `stop`: each `every` seconds, if today's states are not stored yet (a server that crossed
    midnight), derive them. Run in a thread beside `duban serve`; a failure is logged and tried again."""
    while not stop.wait(every):
        try:
            with transaction(engine) as s:
                stale = not fresh(s, clock.today())
            if stale:
                refresh_all(engine, clock.today())
        except Exception:  # noqa: BLE001 - the server goes on deriving per request; next round tries again
            log.exception("refreshing today's task states failed")


# --- watching the session: what a transaction changed is derived again before it commits -------------

def touched(session: Session) -> tuple[set[int], set[int], list[bool]]:
    return session.info.setdefault(TOUCHED, (set(), set(), [False]))


@event.listens_for(Session, "after_flush")
def note_flushed(session: Session, _context) -> None:
    tasks, documents, _ = touched(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, BY_TASK):
            tasks.add(obj.task_id)
        elif isinstance(obj, Task):
            tasks.add(obj.id)
        elif isinstance(obj, BY_DOCUMENT):
            documents.add(obj.document_id)
        elif isinstance(obj, Document):
            documents.add(obj.id)


@event.listens_for(Session, "do_orm_execute")
def note_statement(state: ORMExecuteState) -> None:
    """A bulk insert names its rows' tasks or document; a bulk update or delete does not: then every task."""
    model = state.bind_mapper.class_ if state.bind_mapper else None
    if model not in (*BY_TASK, *BY_DOCUMENT, Task, Document) or state.is_select:
        return
    tasks, documents, everything = touched(state.session)
    params = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
    if state.is_insert and model in BY_TASK:
        tasks.update(p["task_id"] for p in params)
    elif state.is_insert and model is Task:
        documents.update(p["document_id"] for p in params)
    elif state.is_update or state.is_delete or state.is_insert:
        everything[0] = True


@event.listens_for(Session, "before_commit")
def store_before_commit(session: Session) -> None:
    tasks, documents, everything = session.info.pop(TOUCHED, (set(), set(), [False]))
    if not (tasks or documents or everything[0]):
        return
    day = clock.today()
    if everything[0]:
        refresh(session, day, current_tasks(session))
        return
    if documents:
        tasks |= set(session.scalars(select(Task.id).where(Task.document_id.in_(documents))))
    refresh(session, day, tasks)
