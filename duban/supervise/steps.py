"""The daily refresh's first pass: a stored state whose last sure day has passed moves, in SQL, to the state
worked out for that day when the task was last derived (steady.ahead), without reading the task's facts.
On the days most limits move (临期 opens, a year's end, the day after) most of a province's states move
so. The states with no step for the day (none worked out that far, a round shut, a fact recorded after
the day) are left to the refresh to derive."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Date, Engine, bindparam, select, text
from sqlalchemy.orm import Session

from ..store.bulk import delete_among, insert_rows
from ..store.models import StateAhead, TaskState
from . import tallies
from .records import colour_rank, status_rank
from .steady import Step

CHUNK = 50_000  # task ids per transaction: an event waits for one chunk at most
OLD = ("document_id", "chapter", "lead_units", "running", "status", "colour", "late")  # what the counts are under
STALE = """a.task_id = s.task_id AND s.task_id >= :lo AND s.task_id < :hi AND s.until < :day AND s.day <= :day
           AND a.day <= :day AND (a.until IS NULL OR a.until >= :day)"""  # a stale state, and its step for the day
MOVED = ("status", "status_rank", "colour", "colour_rank", "late", "until")  # what a step sets
SET = ", ".join(f"{c} = {{0}}.{c}" for c in MOVED) + ", day = :day"
WAS = ", ".join(f"s.{n} AS was_{n}" for n in OLD)
COUNTED = f"{', '.join(f'was_{n}' for n in OLD)}, status, colour, late"  # the moves, summed
# PostgreSQL, in one statement: the stale states and their steps read, the states moved, the moves summed.
# A state another transaction holds (a plan revised, its tasks dropped) is skipped, not waited for: the
# refresh derives it after
POSTGRESQL = f"""
WITH moving AS MATERIALIZED (
    SELECT s.task_id, {WAS}, {', '.join(f'a.{c}' for c in MOVED)}
    FROM task_states s, state_ahead a WHERE {STALE} FOR UPDATE OF s SKIP LOCKED),
moved AS (UPDATE task_states t SET {SET.format('m')} FROM moving m WHERE t.task_id = m.task_id)
SELECT {COUNTED}, count(*) FROM moving GROUP BY {COUNTED}"""
# SQLite (one writer at a time): the moves summed, then the states moved
SQLITE = (f"""SELECT {WAS}, a.status, a.colour, a.late, count(*)
              FROM task_states s, state_ahead a WHERE {STALE}
              GROUP BY {', '.join(f's.{n}' for n in OLD)}, a.status, a.colour, a.late""",
          f"UPDATE task_states AS s SET {SET.format('a')} FROM state_ahead AS a WHERE {STALE}")
# PostgreSQL: a transaction deriving tasks (an event's, a refresh batch's) waits while the chunks of its
# tasks are being moved, and a chunk waits for it: else the first could count a task's move from a state
# the second has just replaced. Two numbers: this one, and the chunk's
MOVES_LOCK = 0x6475_6261  # any fixed number: "duba"
DATES = (bindparam("day", type_=Date),)


def rows(task_id: int, steps: list[Step]) -> list[dict]:
    return [{"task_id": task_id, "day": s.day, "until": s.until, "status": s.status,
             "status_rank": status_rank(s.status), "colour": s.colour, "colour_rank": colour_rank(s.colour),
             "late": s.late} for s in steps]


def replace(session: Session, tasks: Iterable[int], steps: list[dict]) -> None:
    """The steps ahead of these tasks, just derived: the old ones dropped."""
    delete_among(session, StateAhead, "task_id", list(tasks))
    insert_rows(session, StateAhead, steps)


def wait_for_moves(session: Session, tasks: Iterable[int]) -> None:
    """Before deriving these tasks: wait while their chunks' states are being moved (PostgreSQL; SQLite
    has one writer at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        for chunk in sorted({task // CHUNK for task in tasks}):
            session.execute(text("SELECT pg_advisory_xact_lock_shared(:key, :chunk)"),
                            {"key": MOVES_LOCK, "chunk": chunk})


def chunks(engine: Engine, day: date) -> list[int]:
    """The first task id of each chunk holding states that stopped holding before `day`."""
    stale = (TaskState.task_id // CHUNK).label("chunk")
    with engine.connect() as c:
        found = c.execute(select(stale).where(TaskState.until < day, TaskState.day <= day).group_by(stale))
        return sorted(chunk * CHUNK for chunk in found.scalars())


def advance(session: Session, day: date, lo: int) -> int:
    """The stale states of the chunk from task `lo` with a step for `day` moved to it, in this transaction,
    their counts with them; how many moved."""
    bounds = {"day": day, "lo": lo, "hi": lo + CHUNK}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key, :chunk)"), {"key": MOVES_LOCK, "chunk": lo // CHUNK})
        for setting in ("enable_hashjoin", "enable_mergejoin", "jit"):  # a chunk's rows by their keys, a
            session.execute(text(f"SET LOCAL {setting} = off"))  # hash join read every state; no compiling
        groups = session.execute(text(POSTGRESQL).bindparams(*DATES), bounds).all()
    else:
        counting, moving = (text(statement).bindparams(*DATES) for statement in SQLITE)
        groups = session.execute(counting, bounds).all()
        session.execute(moving, bounds)
    moves = tallies.Moves()
    for *counted, n in groups:
        old = dict(zip(OLD, counted[:len(OLD)], strict=True))
        moves.add([old], [{**old, **dict(zip(("status", "colour", "late"), counted[len(OLD):], strict=True))}], n)
    moves.store(session)
    return sum(n for *_, n in groups)
