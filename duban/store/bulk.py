"""Rows inserted in bulk: PostgreSQL receives them through COPY, one stream for all of them, where an
INSERT of many VALUES is parsed and planned a thousand rows at a time; other databases get an
executemany. The session's own connection is used, so the rows belong to its transaction. COPY bypasses
the ORM's events: use it for rows whose task, or document, the session already knows it touched."""

from __future__ import annotations

import json

from sqlalchemy import JSON, insert, text
from sqlalchemy.orm import Session


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
