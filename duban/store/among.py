"""`among(column, ids)`: membership in a list of ids sent as one parameter, whatever its length:
PostgreSQL gets an array (`= ANY(...)`), SQLite a JSON list it reads with `json_each`. One parameter
keeps the statement's shape the same for every list, so it is compiled once and cached: rendering a
thousand placeholders per statement, and compiling every statement again, were each a tenth or more of
deriving a province's ledger."""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Boolean, String, TypeDecorator, bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class IdList(TypeDecorator):
    """A list of ids as one string: PostgreSQL's array literal, else JSON (psycopg would send a list
    item by item)."""

    impl = String
    cache_ok = True

    def __init__(self, numbers: bool) -> None:
        super().__init__()
        self.numbers = numbers

    def process_bind_param(self, value: list, dialect) -> str:
        if dialect.name != "postgresql":
            return json.dumps(value, ensure_ascii=False)
        if self.numbers:
            return "{" + ",".join(map(str, value)) + "}"
        return "{" + ",".join('"' + str(i).replace("\\", "\\\\").replace('"', '\\"') + '"' for i in value) + "}"


class Among(ColumnElement[bool]):
    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # else SQLite gets "(... IN ...) = 1", which its planner cannot look up by index
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement),
                           ("ids", InternalTraversal.dp_clauseelement),
                           ("numbers", InternalTraversal.dp_boolean)]

    def __init__(self, column: ColumnElement, ids: list) -> None:
        self.column, self.numbers = column, all(isinstance(i, int) for i in ids)
        self.ids = bindparam(None, ids, type_=IdList(self.numbers))


def among(column: ColumnElement, ids: Iterable) -> Among:
    return Among(column, list(ids))


@compiles(Among)
def _json_each(element: Among, compiler, **kw) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"({column} IN (SELECT value FROM json_each({ids})))"


@compiles(Among, "postgresql")
def _any(element: Among, compiler, **kw) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"({column} = ANY(CAST({ids} AS {'INTEGER' if element.numbers else 'TEXT'}[])))"
