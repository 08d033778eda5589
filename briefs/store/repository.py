"""The store: analyses in, cited claims out, on SQLite or PostgreSQL.

Every write runs in one transaction, and keeps the read model (briefs/store/read_model.py)
in step with the claims in that same transaction. Claims are checked against their
document before anything is written, so rows read back were validated once on the way
in and are rebuilt without validation on the hot read paths.

Answers come off the read model (briefs/store/summaries.py), a few rows each; what it
does not keep (a `since` date, more quotes per point than it picks) is read by
scanning the claims (briefs/store/scans.py), which gives the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Final

from sqlalchemy import Connection, Engine, Row, func, inspect, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from briefs.errors import StoreError
from briefs.models import (
    Actor,
    ActorRef,
    ActorSummary,
    Analysis,
    CitedClaim,
    ClaimGroup,
    DigestReads,
    Document,
    IssueSummary,
)
from briefs.store import read_model, scans, search, summaries
from briefs.store.analysis_rows import AnalysisRows, check_spans, latest_per_document
from briefs.store.cited import actor_claims
from briefs.store.cited import trusted as _trusted  # noqa: F401  (tests build models with it)
from briefs.store.digest_reads import (
    DigestFilter,
    earlier_claims_query,
    optional_set,
    sources_of,
    window_claims_query,
)
from briefs.store.engine import connected_engine, describe, reason, write_transaction
from briefs.store.read_model import BRIEF_PICKS, NEWEST_PICKS
from briefs.store.schema import (
    actor_aliases,
    actors,
    add_missing_columns,
    claims,
    documents,
    mentions,
    metadata,
    sentences,
    stance_summaries,
)
from briefs.store.search import fts5_query
from briefs.store.sql import chunks, is_sqlite
from briefs.store.text_once import store_texts_once
from briefs.store.writing import (
    clone_documents,
    delete_documents,
    index_sentences,
    insert_rows,
    merge_actors,
    stored_ids,
    upsert_actor_rows,
    upsert_documents,
)

__all__ = ["Store", "fts5_query", "write_transaction"]

# Keeps IN (...) lists well below SQLite's bound-parameter limit.
_IN_CHUNK: Final = 500
# Documents cloned per transaction (the bench grows stores so).
_CLONE_BATCH: Final = 200


class Store:
    """Documents, actors, mentions and claims in one SQL database."""

    def __init__(self, url: str) -> None:
        self._where = describe(url)
        self._engine = connected_engine(url, self._where)

    @classmethod
    def open_sqlite(cls, path: Path) -> Store:
        """Open (creating if needed) a SQLite store at `path`, schema included."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder {path.parent}: {exc}.") from exc
        store = cls(URL.create("sqlite", database=str(path)).render_as_string())
        try:
            store.create_schema()
        except StoreError:
            store.close()
            raise
        return store

    def create_schema(self) -> None:
        """Create missing tables, indexes and the full-text table, and add the columns
        a database made by an older briefbot lacks; safe to repeat. A database from
        before the read model gets it built from its claims, once; one from before each
        text was stored once loses its copies (briefs/store/text_once.py)."""
        with self._writing("create the schema") as conn:
            had_read_model = inspect(conn).has_table(stance_summaries.name)
            metadata.create_all(conn)
            add_missing_columns(conn)
            store_texts_once(conn)
            if not had_read_model:
                read_model.rebuild(conn)

    def optimize(self) -> None:
        """Refresh the planner's statistics after a bulk load: SQLite's `PRAGMA optimize`
        analyses the tables that need it; PostgreSQL's ANALYZE samples every table."""
        with self._errors("refresh the statistics"), self._engine.connect() as conn:
            if is_sqlite(conn):
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("PRAGMA optimize")
            else:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- documents -----------------------------------------------------------------

    def checksum_of(self, doc_id: str) -> str | None:
        with self._reading("read a checksum") as conn:
            return conn.scalar(select(documents.c.checksum).where(documents.c.id == doc_id))

    def get_document(self, doc_id: str) -> Document | None:
        with self._reading("read a document") as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
        return None if row is None else _document_from_row(row)

    def document_count(self) -> int:
        with self._reading("count documents") as conn:
            return conn.scalar(select(func.count()).select_from(documents)) or 0

    def save_analysis(self, analysis: Analysis) -> None:
        """Replace everything stored for the analysis's document, in one transaction."""
        self.save_analyses([analysis])

    def save_analyses(self, analyses: Sequence[Analysis]) -> None:
        """Replace everything stored for each document, all in one transaction.

        Raises StoreError, writing nothing, when a claim, sentence or mention span
        does not index its document's text.
        """
        latest = latest_per_document(analyses)
        for analysis in latest:
            check_spans(analysis)
        rows = AnalysisRows.of(latest)
        if not rows.documents:
            return
        with self._writing(f"save {len(rows.documents)} document(s)") as conn:
            doc_ids = [row["id"] for row in rows.documents]
            delete_documents(conn, stored_ids(conn, doc_ids), keep_documents=True)
            conn.execute(upsert_documents(conn), rows.documents)
            seen_actors = (actor for analysis in latest for actor in analysis.actors)
            upsert_actor_rows(conn, merge_actors(seen_actors))
            insert_rows(conn, sentences, rows.sentences)
            insert_rows(conn, mentions, rows.mentions)
            insert_rows(conn, claims, rows.claims)
            index_sentences(conn, doc_ids)
            read_model.add_documents(conn, doc_ids)

    def delete_document(self, doc_id: str) -> None:
        with self._writing(f"delete document {doc_id!r}") as conn:
            delete_documents(conn, stored_ids(conn, [doc_id]), keep_documents=False)

    def clone_document(self, doc_id: str, new_id: str, new_name: str) -> None:
        """Copy a document and all its rows under a new id and name (replacing new_id)."""
        self.clone_documents([(doc_id, new_id, new_name)])

    def clone_documents(self, copies: Sequence[tuple[str, str, str]]) -> None:
        """Copy each (document id, new id, new name) with all its rows, replacing new id;
        a batch per transaction (the bench grows stores so)."""
        for copy in copies:
            if copy[1] == copy[0]:
                raise StoreError(f"Cannot clone document {copy[0]!r} onto itself.")
        for batch in chunks(copies, _CLONE_BATCH):
            with self._writing(f"clone {len(batch)} document(s)") as conn:
                sources = stored_ids(conn, sorted({old for old, _, _ in batch}))
                for old, _, _ in batch:
                    if old not in sources:
                        raise StoreError(f"Cannot clone document {old!r}: it is not in the store.")
                replaced = stored_ids(conn, [new for _, new, _ in batch])
                delete_documents(conn, replaced, keep_documents=False)
                clone_documents(conn, batch)

    # --- actors --------------------------------------------------------------------

    def upsert_actors(self, actors_: Iterable[Actor]) -> None:
        """Add new actors; known ones keep their row, gaining non-None details and aliases."""
        merged = merge_actors(actors_)
        with self._writing(f"save {len(merged)} actor(s)") as conn:
            upsert_actor_rows(conn, merged)

    def get_actor(self, actor_id: str) -> Actor | None:
        with self._reading(f"read actor {actor_id!r}") as conn:
            row = conn.execute(select(actors).where(actors.c.id == actor_id)).first()
            if row is None:
                return None
            aliases = conn.scalars(
                select(actor_aliases.c.alias)
                .where(actor_aliases.c.actor_id == actor_id)
                .order_by(actor_aliases.c.alias)
            ).all()
        return _actor_from_row(row, tuple(aliases))

    def list_actors(self) -> list[Actor]:
        """Every actor, by name; aliases come back sorted."""
        with self._reading("list actors") as conn:
            alias_rows = conn.execute(
                select(actor_aliases.c.actor_id, actor_aliases.c.alias).order_by(
                    actor_aliases.c.actor_id, actor_aliases.c.alias
                )
            ).all()
            actor_rows = conn.execute(select(actors).order_by(actors.c.name, actors.c.id)).all()
        aliases: dict[str, list[str]] = {}
        for actor_id, alias in alias_rows:
            aliases.setdefault(actor_id, []).append(alias)
        return [_actor_from_row(row, tuple(aliases.get(row.id, ()))) for row in actor_rows]

    def actor_summaries(self) -> list[ActorSummary]:
        """Actors with at least one claim: stance claims and documents citing them."""
        with self._reading("summarise actors") as conn:
            return summaries.actor_summaries(conn)

    def proposition_summaries(self, *, since: dt.date | None = None) -> list[IssueSummary]:
        """Per proposition: actors and stance claims, and the latest claim date."""
        with self._reading("summarise issues") as conn:
            if since is None:
                return summaries.proposition_summaries(conn)
            return scans.proposition_summaries(conn, since=since)

    # --- claims --------------------------------------------------------------------

    def cited_claims(
        self,
        actor_id: str,
        *,
        since: dt.date | None = None,
        include_context: bool = False,
        per_group: int | None = None,
    ) -> list[CitedClaim]:
        """An actor's claims with their evidence, newest first (unknown dates last).

        `per_group` keeps only the first claims of each (proposition, stance), one
        article at a time: a brief shows a few quotes per point, and on a big store an
        actor has thousands.
        """
        with self._reading(f"read the claims of {actor_id!r}") as conn:
            picked = per_group is not None and per_group <= BRIEF_PICKS
            if picked and since is None and not include_context and per_group is not None:
                return summaries.brief_claims(conn, actor_id, per_group)
            return scans.cited_claims(
                conn, actor_id, since=since, include_context=include_context, per_group=per_group
            )

    def claim_groups(self, actor_id: str, *, since: dt.date | None = None) -> list[ClaimGroup]:
        """Counts, dates and outlets of an actor's stance claims per (proposition, stance)."""
        with self._reading(f"count the claims of {actor_id!r}") as conn:
            if since is None:
                return summaries.claim_groups(conn, actor_id)
            return scans.claim_groups(conn, actor_id, since=since)

    def cited_claims_for_propositions(
        self,
        propositions: Collection[str],
        *,
        since: dt.date | None = None,
        per_actor: int | None = None,
        collectives_only: bool = False,
    ) -> list[tuple[ActorRef, CitedClaim]]:
        """Stance claims on any of these propositions, by any known actor.

        `per_actor` keeps each actor's newest claims only, and `collectives_only` leaves
        people out: the stance matrix needs no more, and reads far less on a big store.
        """
        if not propositions:
            return []
        with self._reading("read claims on propositions") as conn:
            if since is None and per_actor is not None and per_actor <= NEWEST_PICKS:
                found = summaries.newest_claims_on(
                    conn, propositions, per_actor, collectives_only=collectives_only
                )
            else:
                found = scans.claims_on_propositions(
                    conn,
                    propositions,
                    since=since,
                    per_actor=per_actor,
                    collectives_only=collectives_only,
                )
        return list(found)

    def digest_claims(
        self,
        actor_ids: Collection[str] = (),
        *,
        propositions: Collection[str] | None = None,
        since: dt.datetime,
        until: dt.datetime,
        before_per_pair: int = 3,
    ) -> DigestReads:
        """Stance claims for a digest of the ingestion window (since, until].

        Claims of `actor_ids` (every country and organisation when empty) on
        `propositions` (all when None): those whose documents were ingested in the
        window, and for each (actor, proposition) they touch, the `before_per_pair`
        newest ones ingested earlier (unstamped documents count as earlier), which
        is all a digest needs to tell the stance before the window.
        """
        if propositions is not None and not propositions:
            return DigestReads()
        wanted = DigestFilter(frozenset(actor_ids), optional_set(propositions))
        with self._reading("read the claims of a digest") as conn:
            rows = conn.execute(window_claims_query(since, until))
            after = actor_claims(row for row in rows if wanted.keeps(row))
            if not after:
                return DigestReads()
            pairs = sorted({(actor.id, cited.claim.proposition) for actor, cited in after})
            before = tuple(
                found
                for chunk in chunks(pairs, _IN_CHUNK // 2)  # two parameters per pair
                for found in actor_claims(
                    conn.execute(earlier_claims_query(chunk, since, before_per_pair))
                )
            )
        return DigestReads(before=before, after=after, new_documents=sources_of(after))

    # --- search --------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 50) -> list[tuple[str, int]]:
        """(doc_id, sentence index) of sentences matching every word, best first."""
        if limit <= 0:
            return []
        with self._reading("search sentences") as conn:
            return search.search(conn, query, limit)

    # --- plumbing ------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Cannot {action} in the database at {self._where}: {reason(exc)}."
            ) from exc

    @contextmanager
    def _reading(self, action: str) -> Iterator[Connection]:
        with self._errors(action), self._engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self, action: str) -> Iterator[Connection]:
        with self._errors(action), write_transaction(self._engine) as conn:
            yield conn

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for stores of other tables in the same database."""
        return self._engine


def _document_from_row(row: Row[Any]) -> Document:
    return Document.model_validate(row._asdict())


def _actor_from_row(row: Row[Any], aliases: tuple[str, ...]) -> Actor:
    return Actor(
        id=row.id,
        name=row.name,
        kind=row.kind,
        aliases=aliases,
        affiliation=row.affiliation,
        title=row.title,
    )
