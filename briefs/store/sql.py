"""Small SQL helpers every store module shares: engine checks, chunks, upserts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final, TypeAlias, TypeVar

from sqlalchemy import Connection, Executable, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import ColumnElement, KeyedColumnElement

Excluded: TypeAlias = ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]
_Item = TypeVar("_Item")

# Keeps IN (...) lists well below SQLite's bound-parameter limit.
IN_CHUNK: Final = 500


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def chunks(items: Sequence[_Item], size: int = IN_CHUNK) -> Iterator[Sequence[_Item]]:
    for offset in range(0, len(items), size):
        yield items[offset : offset + size]


def in_doc_ids(column: ColumnElement[str]) -> ColumnElement[bool]:
    """`column IN :doc_ids`, one statement built once for any number of ids."""
    return column.in_(bindparam("doc_ids", expanding=True))


def upsert(
    conn: Connection,
    table_: Table,
    keys: list[str],
    updates: Callable[[Excluded], Mapping[str, ColumnElement[Any]]] | None,
) -> Executable:
    """INSERT ... ON CONFLICT for the connection's engine (both spell it alike)."""
    if conn.dialect.name == "postgresql":
        pg_insert = postgresql.insert(table_)
        if updates is None:
            return pg_insert.on_conflict_do_nothing(index_elements=keys)
        return pg_insert.on_conflict_do_update(
            index_elements=keys, set_=updates(pg_insert.excluded)
        )
    lite_insert = sqlite.insert(table_)
    if updates is None:
        return lite_insert.on_conflict_do_nothing(index_elements=keys)
    return lite_insert.on_conflict_do_update(
        index_elements=keys, set_=updates(lite_insert.excluded)
    )
