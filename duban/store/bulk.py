"""Rows inserted in bulk: PostgreSQL receives them through COPY, one stream for all of them, where an
INSERT of many VALUES is parsed and planned a thousand rows at a time; other databases get an
executemany. The session's own connection is used, so the rows belong to its transaction. COPY bypasses
the ORM's events: use it for rows whose task, or document, the session already knows it touched."""

from __future__ import annotations

import json

from sqlalchemy import JSON, delete, insert, or_, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from .among import among


def insert_rows(session: Session, model: type, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys, every column without a server default among them)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(model), rows)
        return
    table, names = model.__table__, list(rows[0])
    as_json = {n for n in names if isinstance(table.c[n].type, JSON)}
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n]) if n in as_json and row[n] is not None else row[n] for n in names])


def delete_among(session: Session, model: type, column: str, ids: list) -> None:
    """Delete the rows whose `column` is one of `ids`. PostgreSQL plans it for these ids each time: a
    statement prepared while the table was nearly empty kept that plan (read the whole table) as it grew."""
    if session.get_bind().dialect.name != "postgresql":
        session.connection().execute(delete(model).where(among(model.__table__.c[column], ids)))
        return
    with session.connection().connection.driver_connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model.__tablename__} WHERE {column} = ANY(%s)", [list(ids)], prepare=False)


def delete_zeros(session: Session, model: type, rows: list[dict], keys: tuple[str, ...], column: str = "n") -> None:
    """Delete those of `rows` (found by their `keys`) whose `column` now holds 0: counts that fell to nothing
    are dropped, not kept to be read. Only rows this transaction has just written are named, so it waits
    for no lock it does not hold already."""
    if not rows:
        return
    table = model.__tablename__
    if session.get_bind().dialect.name == "postgresql":
        on = " AND ".join(f"{table}.{k} = r.{k}" for k in keys)
        session.execute(text(f"DELETE FROM {table} USING json_populate_recordset(NULL::{table}, :rows) r "
                             f"WHERE {on} AND {table}.{column} = 0"), {"rows": json.dumps(rows, default=str)})
        return
    where = " AND ".join(f"{k} = :{k}" for k in keys)
    session.execute(text(f"DELETE FROM {table} WHERE {where} AND {column} = 0"), [{k: r[k] for k in keys} for r in rows])


def insert_returning_ids(session: Session, model: type, rows: list[dict]) -> list[int]:
    """Insert `rows` (as `insert_rows`) and give their new ids in order. PostgreSQL reserves the ids from the
    table's sequence and receives the rows through COPY: an INSERT of a thousand rows' VALUES RETURNING ids
    was parsed on the client and planned on the server, a third of storing a plan."""
    if session.get_bind().dialect.name != "postgresql":
        return list(session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True), rows))
    table = model.__table__.name
    ids = list(session.scalars(text(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
                                    "FROM generate_series(1, :n)"), {"n": len(rows)}))
    insert_rows(session, model, [{"id": i, **row} for i, row in zip(ids, rows, strict=True)])
    return ids


def upsert(session: Session, model: type, rows: list[dict], keys: tuple[str, ...], stamp: str | None = None,
           adding: str | None = None) -> None:
    """Insert the rows, or update those already there (another process may have stored them meanwhile).
    With a `stamp` column, a row whose other values are unchanged is left alone, stamp included: a day's
    refresh rewrites only the tasks whose state moved. With an `adding` column, a row already there has
    the new value added to its own (counts). PostgreSQL gets the rows as one JSON document, in their
    order: a statement per row was a quarter of a refresh."""
    if not rows:
        return
    names, table = list(rows[0]), model.__tablename__
    compared = [n for n in names if n not in (*keys, stamp)]
    if session.get_bind().dialect.name == "postgresql":
        updates = ", ".join(f"{n} = {table}.{n} + excluded.{n}" if n == adding else f"{n} = excluded.{n}"
                            for n in names if n not in keys)
        moved = (f" WHERE ({', '.join(f'{table}.{n}' for n in compared)}) IS DISTINCT FROM "
                 f"({', '.join(f'excluded.{n}' for n in compared)})") if stamp else ""
        session.execute(text(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(names)} FROM json_populate_recordset("
            f"NULL::{table}, :rows) ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}{moved}"),
            {"rows": json.dumps(rows, default=str)})
        return
    statement, columns = sqlite.insert(model), model.__table__.c
    changed = {n: columns[n] + statement.excluded[n] if n == adding else statement.excluded[n]
               for n in names if n not in keys}
    moved = or_(*(columns[n].is_distinct_from(statement.excluded[n]) for n in compared)) if stamp else None
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed, where=moved), rows)
