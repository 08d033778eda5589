"""SourceStore: live sources and the items they brought, in the Store's database.

Two tables with their own MetaData on the Store's engine (its SQLite pragmas and write
locking), as the subscriptions have:

- `sources`: what to poll, how often, and how the last polls went (validators for a
  conditional GET, the backoff schedule, health). A poll claims its source for a while
  (`claimed_by`, `claimed_until`, one conditional UPDATE), so the scheduler and a
  `sources fetch` typed meanwhile, in this process or another, never poll it at once.
- `source_items`: every entry or page seen, by its URL key (UNIQUE) and its content key
  (indexed), with the document it became, and its story: a MinHash fingerprint and the
  cluster id it was given. `StoryClusterer.restore` rebuilds the clusters from these
  rows after a restart; a cluster is simply the items sharing a `cluster_id`.

Removing a source keeps its items (and their documents): they stay in briefs and
digests, and the same URLs are never ingested twice if the source comes back.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Executable,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Row,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from briefs.errors import StoreError
from briefs.sources.models import ITEM_RETRIES, Source, SourceDraft, SourceItem
from briefs.store.schema import UtcDateTime
from briefs.store.tables import TablesBeside

TEXT_MAX: Final = 500  # errors and results keep their start: enough for `sources list`
_IN_CHUNK: Final = 500  # keeps IN (...) lists well below SQLite's parameter limit

metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("kind", String(8), nullable=False),
    Column("title", Text),
    Column("interval_s", Integer, nullable=False),
    Column("etag", Text),
    Column("last_modified", String(64)),
    Column("last_polled_at", UtcDateTime),
    Column("next_poll_at", UtcDateTime),
    Column("last_error", Text),
    Column("last_result", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("healthy", Boolean, nullable=False, default=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("item_count", Integer, nullable=False, default=0),
    Column("created_by", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(255)),
    Column("claimed_until", UtcDateTime),
)

source_items = Table(
    "source_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url_key", String(32), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("content_key", String(32)),
    Column("document_id", String(64)),
    Column("source_id", Integer),  # NULL once its source is removed
    Column("status", String(10), nullable=False),
    Column("origin", String(16)),
    Column("site", String(255)),
    Column("cluster_id", String(64)),
    Column("fingerprint", LargeBinary),
    Column("note", Text),
    Column("attempts", Integer, nullable=False, default=1),
    Column("seen_at", UtcDateTime, nullable=False),
    Index("ix_source_items_content_key", "content_key"),
    Index("ix_source_items_source_id", "source_id"),
    Index("ix_source_items_cluster_id", "cluster_id"),
    Index("ix_source_items_document_id", "document_id"),
)


class DuplicateSource(StoreError):
    """`add` of a URL that is a source already; `existing` is that source."""

    def __init__(self, existing: Source) -> None:
        super().__init__(f"{existing.url} is source #{existing.id} already")
        self.existing = existing


class SourceStore(TablesBeside):
    """Sources and source items over a SQLAlchemy engine (SQLite or PostgreSQL)."""

    metadata = metadata
    tables_name = "the source tables"

    # --- sources --------------------------------------------------------------------

    def add(self, draft: SourceDraft, *, now: dt.datetime) -> Source:
        """Store a new source, due at once; DuplicateSource if its URL is one already."""
        values = draft.model_dump() | {
            "created_at": now,
            "next_poll_at": now,
            "consecutive_failures": 0,
            "healthy": True,
            "disabled": False,
            "item_count": 0,
        }
        try:
            with self._writing("add a source") as conn:
                new_id = conn.execute(
                    insert(sources).values(values).returning(sources.c.id)
                ).scalar_one()
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                existing = self.find_url(draft.url)
                if existing is not None:
                    raise DuplicateSource(existing) from exc
            raise
        found = self.get(new_id)
        assert found is not None  # just inserted in a committed transaction
        return found

    def get(self, source_id: int) -> Source | None:
        with self._reading(f"read source {source_id}") as conn:
            row = conn.execute(select(sources).where(sources.c.id == source_id)).first()
        return None if row is None else _source(row)

    def find_url(self, url: str) -> Source | None:
        with self._reading("find a source by URL") as conn:
            row = conn.execute(select(sources).where(sources.c.url == url)).first()
        return None if row is None else _source(row)

    # `list` is the name the grammar uses; later annotations say builtins.list.
    def list(self) -> list[Source]:
        """Every source, oldest first."""
        with self._reading("list sources") as conn:
            return [_source(row) for row in conn.execute(select(sources).order_by(sources.c.id))]

    def remove(self, source_id: int) -> bool:
        """Delete a source; its items (and documents) stay. False when there was none."""
        with self._writing(f"remove source {source_id}") as conn:
            conn.execute(
                update(source_items)
                .where(source_items.c.source_id == source_id)
                .values(source_id=None)
            )
            gone = conn.execute(delete(sources).where(sources.c.id == source_id))
        return gone.rowcount > 0

    def due(self, now: dt.datetime) -> builtins.list[Source]:
        """Enabled sources whose next poll is due at `now`, the most overdue first."""
        query = (
            select(sources)
            .where(
                sources.c.disabled.is_(False),
                or_(sources.c.next_poll_at.is_(None), sources.c.next_poll_at <= now),
            )
            .order_by(sources.c.next_poll_at.asc().nulls_first(), sources.c.id)
        )
        with self._reading("read due sources") as conn:
            return [_source(row) for row in conn.execute(query)]

    # --- polling --------------------------------------------------------------------

    def claim(self, source_id: int, owner: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        """Take the right to poll a source; False while another poll's claim is live.

        One conditional UPDATE, atomic on both engines. A claim of the same owner counts
        as live too, so two tasks of one process never poll one source at once.
        """
        statement = (
            update(sources)
            .where(
                sources.c.id == source_id,
                or_(sources.c.claimed_by.is_(None), sources.c.claimed_until < now),
            )
            .values(claimed_by=owner, claimed_until=until)
        )
        with self._writing("claim a source") as conn:
            return conn.execute(statement).rowcount == 1

    def release(self, source_id: int, owner: str) -> None:
        """Give up our claim (a poll that ended without recording, e.g. cancelled)."""
        statement = (
            update(sources)
            .where(sources.c.id == source_id, sources.c.claimed_by == owner)
            .values(claimed_by=None, claimed_until=None)
        )
        with self._writing("release a source") as conn:
            conn.execute(statement)

    def record_success(
        self,
        source_id: int,
        *,
        now: dt.datetime,
        next_poll_at: dt.datetime,
        etag: str | None,
        last_modified: str | None,
        result: str,
        title: str | None = None,
    ) -> None:
        """A poll that worked: healthy and enabled again, validators kept, claim released."""
        changes: dict[str, Any] = {
            "etag": etag,
            "last_modified": last_modified,
            "last_polled_at": now,
            "next_poll_at": next_poll_at,
            "last_error": None,
            "last_result": result[:TEXT_MAX],
            "consecutive_failures": 0,
            "healthy": True,
            "disabled": False,
            "item_count": _item_count(source_id),
            "claimed_by": None,
            "claimed_until": None,
        }
        if title:
            changes["title"] = title
        with self._writing(f"record a poll of source {source_id}") as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(**changes))

    def record_failure(
        self,
        source_id: int,
        *,
        now: dt.datetime,
        next_poll_at: dt.datetime,
        error: str,
        failures: int,
        healthy: bool,
        disabled: bool = False,
    ) -> None:
        """A poll that failed: the error, the failure count, the retry time, the health.

        Nothing else changes: validators, items and documents stay as they were.
        """
        changes = {
            "last_polled_at": now,
            "next_poll_at": next_poll_at,
            "last_error": error[:TEXT_MAX],
            "consecutive_failures": failures,
            "healthy": healthy,
            "disabled": disabled,
            "claimed_by": None,
            "claimed_until": None,
        }
        with self._writing(f"record a failed poll of source {source_id}") as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(**changes))

    def reschedule(self, source_id: int, next_poll_at: dt.datetime) -> None:
        """Move a source's next poll (a poll skipped as not due yet keeps its time)."""
        with self._writing(f"reschedule source {source_id}") as conn:
            conn.execute(
                update(sources).where(sources.c.id == source_id).values(next_poll_at=next_poll_at)
            )

    # --- items ----------------------------------------------------------------------

    def known_url_keys(self, keys: Collection[str]) -> set[str]:
        """The keys among `keys` already seen (items still being retried are not "seen")."""
        found: set[str] = set()
        retrying = and_(source_items.c.status == "retry", source_items.c.attempts < ITEM_RETRIES)
        with self._reading("read known items") as conn:
            for chunk in _chunks(sorted(set(keys))):
                query = select(source_items.c.url_key).where(
                    source_items.c.url_key.in_(chunk), not_(retrying)
                )
                found.update(conn.scalars(query))
        return found

    def content_matches(
        self, content_keys: Collection[str], *, source_id: int, sites: Collection[str]
    ) -> builtins.list[SourceItem]:
        """Stored items with one of these content keys, from this source or these sites.

        The same text under a new URL of the same source or site is the same article
        (a changed slug, a migrated CMS). Another site's identical copy is a syndicated
        story, which briefs should credit to that outlet too, so it is not matched.
        """
        wanted = sorted(set(content_keys))
        found: builtins.list[SourceItem] = []
        with self._reading("read items by content") as conn:
            for chunk in _chunks(wanted):
                query = select(source_items).where(
                    source_items.c.content_key.in_(chunk),
                    source_items.c.document_id.is_not(None),
                    or_(
                        source_items.c.source_id == source_id,
                        source_items.c.site.in_(sorted(set(sites))),
                    ),
                )
                found.extend(_item(row) for row in conn.execute(query))
        return found

    def record_items(self, items: Iterable[SourceItem]) -> None:
        """Insert items, or update the row of a URL key already there.

        A stored document's row is never overwritten by a later row without one (a
        page that fails to read after it once worked keeps its document); a retried
        item counts its attempts.
        """
        rows = [item.model_dump() for item in _one_per_key(items)]
        if not rows:
            return
        with self._writing("record source items") as conn:
            conn.execute(_upsert_items(conn), rows)

    def items(self, source_id: int | None = None) -> builtins.list[SourceItem]:
        """Every item, or a source's, in the order they were first seen."""
        query = select(source_items).order_by(source_items.c.id)
        if source_id is not None:
            query = query.where(source_items.c.source_id == source_id)
        with self._reading("read source items") as conn:
            return [_item(row) for row in conn.execute(query)]

    def cluster_rows(self, after: int = 0) -> builtins.list[tuple[int, str, bytes, str]]:
        """(row id, document id, fingerprint, cluster id) of stored items after row `after`.

        What `StoryClusterer.restore` takes (without the row id), read incrementally.
        """
        query = (
            select(
                source_items.c.id,
                source_items.c.document_id,
                source_items.c.fingerprint,
                source_items.c.cluster_id,
            )
            .where(
                source_items.c.id > after,
                source_items.c.status == "ingested",
                source_items.c.fingerprint.is_not(None),
                source_items.c.cluster_id.is_not(None),
                source_items.c.document_id.is_not(None),
            )
            .order_by(source_items.c.id)
        )
        with self._reading("read story fingerprints") as conn:
            return [
                (r.id, r.document_id, bytes(r.fingerprint), r.cluster_id)
                for r in conn.execute(query)
            ]

    def cluster_members(self, cluster_id: str) -> builtins.list[SourceItem]:
        """The stored items of one story, in the order they were seen."""
        query = (
            select(source_items)
            .where(source_items.c.cluster_id == cluster_id, source_items.c.status == "ingested")
            .order_by(source_items.c.id)
        )
        with self._reading("read a story") as conn:
            return [_item(row) for row in conn.execute(query)]


def _item_count(source_id: int) -> Any:
    """The source's stored items, counted in the same UPDATE: never drifts."""
    return (
        select(func.count())
        .select_from(source_items)
        .where(source_items.c.source_id == source_id, source_items.c.status == "ingested")
        .scalar_subquery()
    )


def _upsert_items(conn: Connection) -> Executable:
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(source_items)
    new = statement.excluded
    kept_columns = ("id", "url_key", "attempts")
    changes: dict[str, Any] = {
        c.name: new[c.name] for c in source_items.columns if c.name not in kept_columns
    }
    changes["attempts"] = source_items.c.attempts + 1
    upsert: Executable = statement.on_conflict_do_update(
        index_elements=[source_items.c.url_key],
        set_=changes,
        where=or_(source_items.c.status != "ingested", new.status == "ingested"),
    )
    return upsert


def _one_per_key(items: Iterable[SourceItem]) -> list[SourceItem]:
    """One row per URL key (an upsert may not touch a row twice): the stored document's
    row wins over a duplicate or skip naming the same URL, else the last one given."""
    kept: dict[str, SourceItem] = {}
    for item in items:
        held = kept.get(item.url_key)
        if held is None or held.status != "ingested" or item.status == "ingested":
            kept[item.url_key] = item
    return list(kept.values())


def _chunks(items: Sequence[str], size: int = _IN_CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _source(row: Row[Any]) -> Source:
    return Source(
        id=row.id,
        url=row.url,
        kind=row.kind,
        title=row.title,
        interval_s=row.interval_s,
        created_by=row.created_by,
        created_at=row.created_at,
        etag=row.etag,
        last_modified=row.last_modified,
        last_polled_at=row.last_polled_at,
        next_poll_at=row.next_poll_at,
        last_error=row.last_error,
        last_result=row.last_result,
        consecutive_failures=row.consecutive_failures,
        healthy=bool(row.healthy),
        disabled=bool(row.disabled),
        item_count=row.item_count,
    )


def _item(row: Row[Any]) -> SourceItem:
    return SourceItem(
        url_key=row.url_key,
        url=row.url,
        source_id=row.source_id,
        status=row.status,
        content_key=row.content_key,
        document_id=row.document_id,
        origin=row.origin,
        site=row.site,
        cluster_id=row.cluster_id,
        fingerprint=None if row.fingerprint is None else bytes(row.fingerprint),
        note=row.note,
        attempts=row.attempts,
        seen_at=row.seen_at,
    )
