"""Engines for the store: SQLite's pragmas and write lock, and one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from briefs.errors import StoreError

# Execution option that makes the SQLite begin hook take the write lock up front.
_WRITE_OPTION: Final = "briefbot_write"
_SQLITE_PRAGMAS: Final = (
    "foreign_keys=ON",
    "journal_mode=WAL",
    "busy_timeout=5000",
    "synchronous=NORMAL",
    # Reads go through the OS page cache instead of copying pages into
    # SQLite's own small cache: about a third off a 5,000-claim read.
    "mmap_size=268435456",
)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: on SQLite it takes the write lock when it begins.

    The begin hook issues BEGIN IMMEDIATE for this execution option, so a transaction
    that reads and then writes never fails at once as "database is locked" when another
    writer got in between; it waits (busy_timeout) like any writer.
    """
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn


def connected_engine(url: str, where: str) -> Engine:
    """An engine that has connected once: a bad URL or server fails here, clearly."""
    try:
        engine = _create_engine(url)
    except SQLAlchemyError as exc:
        raise StoreError(f"Cannot open the database at {where}: {reason(exc)}.") from exc
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"Cannot open the database at {where}: {reason(exc)}.") from exc
    return engine


def _create_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: object) -> None:
    # The driver's own transaction handling skips BEGIN before SELECT and DDL;
    # switching it off lets `_begin_sqlite_transaction` emit BEGIN for everything.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _begin_sqlite_transaction(conn: Connection) -> None:
    # A deferred transaction that reads and then writes fails at once with
    # "database is locked" if another writer got in between (busy_timeout does
    # not retry that), so writers take the lock when they begin.
    writing = conn.get_execution_options().get(_WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def describe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return repr(url)


def reason(exc: SQLAlchemyError) -> str:
    """The first line of the driver's message: SQLAlchemy appends SQL and links."""
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    lines = str(cause).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(cause).__name__
