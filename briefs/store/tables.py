"""Stores of our own tables beside the main Store, in the same database.

Subscriptions and sources keep their tables next to the documents, on the Store's
engine, so one database (one file, one PostgreSQL schema) holds everything. Each such
store is shared per Store: chat answers run in worker threads and must not create the
tables once per message.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar, Self
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, MetaData
from sqlalchemy.exc import SQLAlchemyError

from briefs.errors import StoreError
from briefs.store.repository import Store, write_transaction


class TablesBeside:
    """Base for a store whose tables live in the main Store's database."""

    metadata: ClassVar[MetaData]  # the subclass's tables
    tables_name: ClassVar[str]  # for messages: "the digest tables"
    _shared: ClassVar[WeakKeyDictionary[Store, TablesBeside]]
    _shared_lock: ClassVar[threading.Lock]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._shared = WeakKeyDictionary()  # one cache per kind of store
        cls._shared_lock = threading.Lock()

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def for_store(cls, store: Store) -> Self:
        """The one instance over `store`'s engine, its tables created on first use."""
        with cls._shared_lock:
            shared = cls._shared.get(store)
            if not isinstance(shared, cls):
                shared = cls(store.engine)
                shared.create_schema()
                cls._shared[store] = shared
            return shared

    @property
    def engine(self) -> Engine:
        return self._engine

    def create_schema(self) -> None:
        """Create the tables if missing; safe to repeat."""
        action = f"create {self.tables_name}"
        try:
            with self._writing(action) as conn:
                self.metadata.create_all(conn)
        except StoreError:
            # Two processes starting together on PostgreSQL can both see a table
            # missing; the loser's CREATE fails, and on a second look it exists.
            with self._writing(action) as conn:
                self.metadata.create_all(conn)

    @contextmanager
    def _reading(self, action: str) -> Iterator[Connection]:
        with database_errors(action, self._engine), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self, action: str) -> Iterator[Connection]:
        with database_errors(action, self._engine), write_transaction(self._engine) as conn:
            yield conn


@contextmanager
def database_errors(action: str, engine: Engine) -> Iterator[None]:
    """Any database failure becomes a StoreError in one sentence, cause kept."""
    try:
        yield
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise StoreError(
            f"Cannot {action} in the database at {where}: "
            f"{reason[0].rstrip('.') if reason else type(exc).__name__}."
        ) from exc
