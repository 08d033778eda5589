"""The store: analyses in, cited claims out, on SQLite or PostgreSQL.

Every write runs in one transaction. Claims are checked against their document
before anything is written, so rows read back were validated once on the way in
and are rebuilt without validation on the hot read paths.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Any, Final, TypeAlias, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    Connection,
    Engine,
    Executable,
    Row,
    Select,
    Table,
    Text,
    bindparam,
    case,
    cast,
    create_engine,
    delete,
    distinct,
    event,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import ColumnElement, KeyedColumnElement
from sqlalchemy.sql.expression import TableClause

from briefs.errors import StoreError
from briefs.models import (
    Actor,
    ActorRef,
    ActorSummary,
    Analysis,
    CitedClaim,
    Claim,
    ClaimGroup,
    DigestReads,
    Document,
    Evidence,
    IssueSummary,
    Mention,
    Sentence,
    SourceRef,
)
from briefs.store.schema import (
    actor_aliases,
    actors,
    add_missing_columns,
    claims,
    documents,
    mentions,
    metadata,
    plain_tsquery,
    sentence_tsvector,
    sentences,
    sentences_fts,
)

_Rows: TypeAlias = list[dict[str, Any]]
_AnyRow: TypeAlias = Row[*tuple[Any, ...]]
_Model = TypeVar("_Model", bound=BaseModel)
_Item = TypeVar("_Item")
_Excluded: TypeAlias = ReadOnlyColumnCollection[str, KeyedColumnElement[Any]]

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
# Keeps IN (...) lists well below SQLite's bound-parameter limit.
_IN_CHUNK: Final = 500

_FTS5_SEARCH = text(
    "SELECT doc_id, idx FROM sentences_fts WHERE sentences_fts MATCH :match "
    "ORDER BY bm25(sentences_fts), doc_id, idx LIMIT :limit"
)


class Store:
    """Documents, actors, mentions and claims in one SQL database."""

    def __init__(self, url: str) -> None:
        self._where = _describe(url)
        self._engine = _connected_engine(url, self._where)

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
        a database made by an older briefbot lacks; safe to repeat."""
        with self._writing("create the schema") as conn:
            metadata.create_all(conn)
            add_missing_columns(conn)

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
        latest = _latest_per_document(analyses)
        for analysis in latest:
            _check_spans(analysis)
        rows = _AnalysisRows.of(latest)
        if not rows.documents:
            return
        with self._writing(f"save {len(rows.documents)} document(s)") as conn:
            stored = _stored_ids(conn, [row["id"] for row in rows.documents])
            _delete_documents(conn, stored, keep_documents=True)
            conn.execute(_upsert_documents(conn), rows.documents)
            seen_actors = (actor for analysis in latest for actor in analysis.actors)
            _upsert_actor_rows(conn, _merge_actors(seen_actors))
            _insert(conn, sentences, rows.sentences)
            _insert(conn, mentions, rows.mentions)
            _insert(conn, claims, rows.claims)
            if _is_sqlite(conn):
                _insert(conn, sentences_fts, rows.fts)

    def delete_document(self, doc_id: str) -> None:
        with self._writing(f"delete document {doc_id!r}") as conn:
            _delete_documents(conn, _stored_ids(conn, [doc_id]), keep_documents=False)

    def clone_document(self, doc_id: str, new_id: str, new_name: str) -> None:
        """Copy a document and all its rows under a new id and name (replacing new_id)."""
        if new_id == doc_id:
            raise StoreError(f"Cannot clone document {doc_id!r} onto itself.")
        with self._writing(f"clone document {doc_id!r}") as conn:
            stored = _stored_ids(conn, [doc_id, new_id])
            if doc_id not in stored:
                raise StoreError(f"Cannot clone document {doc_id!r}: it is not in the store.")
            _delete_documents(conn, stored - {doc_id}, keep_documents=False)
            ids = {"old_id": doc_id, "new_id": new_id, "new_name": new_name}
            for statement in _copy_statements(conn):
                conn.execute(statement, ids)

    # --- actors --------------------------------------------------------------------

    def upsert_actors(self, actors_: Iterable[Actor]) -> None:
        """Add new actors; known ones keep their row, gaining non-None details and aliases."""
        merged = _merge_actors(actors_)
        with self._writing(f"save {len(merged)} actor(s)") as conn:
            _upsert_actor_rows(conn, merged)

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
            rows = conn.execute(_actor_summaries_query()).all()
        return [
            ActorSummary.model_construct(
                actor=ActorRef.model_construct(id=actor_id, name=name, kind=kind),
                claims=claim_count,
                documents=document_count,
            )
            for actor_id, name, kind, claim_count, document_count in rows
        ]

    def proposition_summaries(self, *, since: dt.date | None = None) -> list[IssueSummary]:
        """Per proposition: actors and stance claims, and the latest claim date."""
        query = (
            select(
                claims.c.proposition,
                func.count(func.distinct(claims.c.actor_id)),
                func.count(),
                func.max(claims.c.date),
            )
            .where(claims.c.kind == "stance")
            .group_by(claims.c.proposition)
        )
        if since is not None:
            query = query.where(claims.c.date >= since)
        with self._reading("summarise issues") as conn:
            rows = conn.execute(query).all()
        return [
            IssueSummary(label=label, actors=actors, claims=count, last_seen=last)
            for label, actors, count, last in rows
        ]

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

        `per_group` keeps only the newest claims of each (proposition, stance): a brief
        shows a few quotes per point, and on a big store an actor has thousands.
        """
        query = _cited_claims_query(since).where(claims.c.actor_id == actor_id)
        if not include_context:
            query = query.where(claims.c.kind == "stance")
        if per_group is not None:
            kept = _first_per_group_by_document(query, per_group)
            query = query.where(claims.c.id.in_(kept))
        with self._reading(f"read the claims of {actor_id!r}") as conn:
            # Built while streaming: each row is freed as soon as it is used.
            return [_cited_claim_from_row(row) for row in conn.execute(query)]

    def claim_groups(self, actor_id: str, *, since: dt.date | None = None) -> list[ClaimGroup]:
        """Counts, dates and outlets of an actor's stance claims per (proposition, stance).

        One query, grouped by outlet too (a document has one outlet, so its distinct
        documents add up), folded per (proposition, stance) here.
        """
        query = (
            select(
                claims.c.proposition,
                claims.c.stance,
                documents.c.source,
                func.count(),
                func.count(distinct(claims.c.doc_id)),
                func.min(claims.c.date),
                func.max(claims.c.date),
            )
            .join_from(claims, documents, claims.c.doc_id == documents.c.id)
            .where(claims.c.actor_id == actor_id, claims.c.kind == "stance")
            .group_by(claims.c.proposition, claims.c.stance, documents.c.source)
        )
        if since is not None:
            query = query.where(claims.c.date >= since)
        with self._reading(f"count the claims of {actor_id!r}") as conn:
            rows = conn.execute(query).all()
        return _claim_groups(rows)

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
        query = (
            _cited_claims_query(since)
            .add_columns(
                actors.c.id.label("actor_ref_id"),
                actors.c.name.label("actor_name"),
                actors.c.kind.label("actor_kind"),
            )
            .join(actors, actors.c.id == claims.c.actor_id)
            .where(claims.c.kind == "stance", claims.c.proposition.in_(list(propositions)))
        )
        if collectives_only:
            query = query.where(actors.c.kind != "person")
        if per_actor is not None:
            query = _newest_per_partition(query, (claims.c.actor_id,), per_actor)
        refs: dict[str, ActorRef] = {}  # one shared (immutable) ref per actor
        found: list[tuple[ActorRef, CitedClaim]] = []
        with self._reading("read claims on propositions") as conn:
            for row in conn.execute(query):
                actor_id, name, kind = row[-3:]
                if actor_id not in refs:
                    refs[actor_id] = _trusted(
                        ActorRef, {"id": actor_id, "name": name, "kind": kind}
                    )
                found.append((refs[actor_id], _cited_claim_from_row(row)))
        return found

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
        wanted = _DigestFilter(frozenset(actor_ids), _optional_set(propositions))
        with self._reading("read the claims of a digest") as conn:
            rows = conn.execute(_window_claims_query(since, until))
            after = _actor_claims(row for row in rows if wanted.keeps(row))
            if not after:
                return DigestReads()
            pairs = sorted({(actor.id, cited.claim.proposition) for actor, cited in after})
            before = tuple(
                found
                for chunk in _chunks(pairs, _IN_CHUNK // 2)  # two parameters per pair
                for found in _actor_claims(
                    conn.execute(_earlier_claims_query(chunk, since, before_per_pair))
                )
            )
        return DigestReads(before=before, after=after, new_documents=_sources_of(after))

    # --- search --------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 50) -> list[tuple[str, int]]:
        """(doc_id, sentence index) of sentences matching every word, best first."""
        if limit <= 0:
            return []
        with self._reading("search sentences") as conn:
            if _is_sqlite(conn):
                match = fts5_query(query)
                if not match:
                    return []
                rows = conn.execute(_FTS5_SEARCH, {"match": match, "limit": limit}).all()
            else:
                rows = conn.execute(_postgres_search_query(query, limit)).all()
        return [(doc_id, int(idx)) for doc_id, idx in rows]

    # --- plumbing ------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            raise StoreError(
                f"Cannot {action} in the database at {self._where}: {_reason(exc)}."
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


# --- engine --------------------------------------------------------------------------


def _connected_engine(url: str, where: str) -> Engine:
    """An engine that has connected once: a bad URL or server fails here, clearly."""
    try:
        engine = _create_engine(url)
    except SQLAlchemyError as exc:
        raise StoreError(f"Cannot open the database at {where}: {_reason(exc)}.") from exc
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"Cannot open the database at {where}: {_reason(exc)}.") from exc
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


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _describe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except SQLAlchemyError:
        return repr(url)


def _reason(exc: SQLAlchemyError) -> str:
    """The first line of the driver's message: SQLAlchemy appends SQL and links."""
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    lines = str(cause).strip().splitlines()
    return lines[0].rstrip(".") if lines else type(cause).__name__


# --- checking and flattening analyses ---------------------------------------------------


def _latest_per_document(analyses: Sequence[Analysis]) -> list[Analysis]:
    """One analysis per document id, the last one given winning."""
    return list({analysis.document.id: analysis for analysis in analyses}.values())


def _check_spans(analysis: Analysis) -> None:
    document = analysis.document
    for claim in analysis.claims:
        if not 0 <= claim.start < claim.end <= len(document.text):
            raise StoreError(
                f"A claim of {claim.actor_id!r} in {document.name!r} cites the span "
                f"{claim.start}:{claim.end}, which is empty or outside its "
                f"{len(document.text)} characters."
            )
    located: list[Sentence | Mention] = [*analysis.sentences, *analysis.mentions]
    for item in located:
        if not _slice_matches(document.text, item.start, item.end, item.text):
            raise StoreError(
                f"A {type(item).__name__.lower()} of {document.name!r} at "
                f"{item.start}:{item.end} does not match the document text there."
            )


def _slice_matches(text_: str, start: int, end: int, expected: str) -> bool:
    return 0 <= start <= end <= len(text_) and text_[start:end] == expected


@dataclass
class _AnalysisRows:
    """Analyses flattened into executemany parameter lists, one per table."""

    documents: _Rows = field(default_factory=list)
    sentences: _Rows = field(default_factory=list)
    mentions: _Rows = field(default_factory=list)
    claims: _Rows = field(default_factory=list)
    fts: _Rows = field(default_factory=list)

    @classmethod
    def of(cls, analyses: Iterable[Analysis]) -> _AnalysisRows:
        rows = cls()
        for analysis in analyses:
            rows.add(analysis)
        return rows

    def add(self, analysis: Analysis) -> None:
        document = analysis.document
        doc_id = document.id
        self.documents.append(_document_row(document))
        for sentence in analysis.sentences:
            self.sentences.append(
                {
                    "doc_id": doc_id,
                    "idx": sentence.index,
                    "paragraph": sentence.paragraph,
                    "start": sentence.start,
                    "end": sentence.end,
                    "text": sentence.text,
                }
            )
            self.fts.append({"text": sentence.text, "doc_id": doc_id, "idx": sentence.index})
        self.mentions.extend(
            {
                "doc_id": doc_id,
                "sentence_index": mention.sentence_index,
                "actor_id": mention.actor_id,
                "start": mention.start,
                "end": mention.end,
                "text": mention.text,
            }
            for mention in analysis.mentions
        )
        self.claims.extend(_claim_row(doc_id, document.text, claim) for claim in analysis.claims)


def _document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "name": document.name,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": document.published,
        "date_from_text": document.date_from_text,
        "text": document.text,
        "body_start": document.body_start,
        "checksum": document.checksum,
        "ingested_at": document.ingested_at,
    }


def _claim_row(doc_id: str, document_text: str, claim: Claim) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "actor_id": claim.actor_id,
        "kind": claim.kind,
        "stance": claim.stance,
        "proposition": claim.proposition,
        "conditions": list(claim.conditions),
        "modality": claim.modality,
        "negated": claim.negated,
        "speaker_id": claim.speaker_id,
        "speaker": claim.speaker,
        "sentence_index": claim.sentence_index,
        "start": claim.start,
        "end": claim.end,
        "quote": document_text[claim.start : claim.end],
        "date": claim.date,
        "phrase": claim.phrase,
        "phrase_start": claim.phrase_start,
        "phrase_end": claim.phrase_end,
        "confidence": claim.confidence,
    }


# --- writing -------------------------------------------------------------------------


def _insert(conn: Connection, table_: TableClause, rows: _Rows) -> None:
    if rows:  # an empty executemany would insert one row of defaults
        conn.execute(insert(table_), rows)


def _chunks(items: Sequence[_Item], size: int = _IN_CHUNK) -> Iterator[Sequence[_Item]]:
    for offset in range(0, len(items), size):
        yield items[offset : offset + size]


def _in_doc_ids(column: ColumnElement[str]) -> ColumnElement[bool]:
    """`column IN :doc_ids`, one statement built once for any number of ids."""
    return column.in_(bindparam("doc_ids", expanding=True))


_SELECT_STORED_IDS = select(documents.c.id).where(_in_doc_ids(documents.c.id))
# FTS5 cannot index doc_id, so this delete scans the whole table; it only runs
# for documents already stored, which keeps first-time ingest linear.
_DELETE_FTS_ROWS = delete(sentences_fts).where(_in_doc_ids(sentences_fts.c.doc_id))
_DELETE_CHILD_ROWS = tuple(
    delete(child).where(_in_doc_ids(child.c.doc_id)) for child in (claims, mentions, sentences)
)
_DELETE_DOCUMENTS = delete(documents).where(_in_doc_ids(documents.c.id))


def _stored_ids(conn: Connection, doc_ids: Sequence[str]) -> set[str]:
    """Which of these document ids are in the store."""
    stored: set[str] = set()
    for chunk in _chunks(doc_ids):
        stored.update(conn.scalars(_SELECT_STORED_IDS, {"doc_ids": list(chunk)}))
    return stored


def _delete_documents(conn: Connection, stored: Collection[str], *, keep_documents: bool) -> None:
    """Delete stored documents' sentences, mentions, claims and FTS rows (and themselves)."""
    statements = [*_DELETE_CHILD_ROWS]
    if _is_sqlite(conn):
        statements.insert(0, _DELETE_FTS_ROWS)
    if not keep_documents:
        statements.append(_DELETE_DOCUMENTS)
    for chunk in _chunks(sorted(stored)):
        for statement in statements:
            conn.execute(statement, {"doc_ids": list(chunk)})


def _upsert(
    conn: Connection,
    table_: Table,
    keys: list[str],
    updates: Callable[[_Excluded], Mapping[str, ColumnElement[Any]]] | None,
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


def _upsert_documents(conn: Connection) -> Executable:
    replaced = [column.key for column in documents.c if column.key != "id"]
    return _upsert(
        conn, documents, ["id"], lambda excluded: {key: excluded[key] for key in replaced}
    )


def _merge_actors(actors_: Iterable[Actor]) -> list[Actor]:
    """One actor per id, merged the way the database merges into a stored row.

    PostgreSQL refuses an upsert that touches the same row twice in one statement;
    sorting by id makes concurrent writers lock actor rows in the same order.
    """
    merged: dict[str, Actor] = {}
    for actor in actors_:
        known = merged.get(actor.id)
        merged[actor.id] = actor if known is None else _merge_actor(known, actor)
    return [merged[actor_id] for actor_id in sorted(merged)]


def _merge_actor(known: Actor, new: Actor) -> Actor:
    return known.model_copy(
        update={
            "affiliation": new.affiliation if new.affiliation is not None else known.affiliation,
            "title": new.title if new.title is not None else known.title,
            "aliases": known.aliases + tuple(a for a in new.aliases if a not in known.aliases),
        }
    )


def _upsert_actor_rows(conn: Connection, actors_: Sequence[Actor]) -> None:
    if not actors_:
        return
    keep_known_details = _upsert(
        conn,
        actors,
        ["id"],
        lambda excluded: {
            "affiliation": func.coalesce(excluded.affiliation, actors.c.affiliation),
            "title": func.coalesce(excluded.title, actors.c.title),
        },
    )
    conn.execute(
        keep_known_details,
        [
            {
                "id": actor.id,
                "name": actor.name,
                "kind": actor.kind,
                "affiliation": actor.affiliation,
                "title": actor.title,
            }
            for actor in actors_
        ],
    )
    alias_rows = [
        {"actor_id": actor.id, "alias": alias}
        for actor in actors_
        for alias in dict.fromkeys(actor.aliases)
    ]
    if alias_rows:
        conn.execute(_upsert(conn, actor_aliases, ["actor_id", "alias"], None), alias_rows)


def _copy_statement(table_: Table, key: str, replaced: Mapping[str, str]) -> Executable:
    """INSERT ... SELECT of the rows of document :old_id in `table_`.

    `replaced` maps a column to the bound parameter that replaces its value;
    the autoincrement key (claims.id) is left to the database.
    """
    copied = [column for column in table_.c if column is not table_.autoincrement_column]
    values = [
        bindparam(replaced[column.key], type_=column.type) if column.key in replaced else column
        for column in copied
    ]
    return insert(table_).from_select(
        [column.key for column in copied],
        select(*values).where(table_.c[key] == bindparam("old_id")),
    )


_COPY_ROWS = (
    _copy_statement(documents, "id", {"id": "new_id", "name": "new_name"}),
    *(
        _copy_statement(child, "doc_id", {"doc_id": "new_id"})
        for child in (sentences, mentions, claims)
    ),
)
_COPY_FTS_ROWS = insert(sentences_fts).from_select(
    ["text", "doc_id", "idx"],
    select(sentences.c.text, sentences.c.doc_id, sentences.c.idx).where(
        sentences.c.doc_id == bindparam("new_id")
    ),
)


def _copy_statements(conn: Connection) -> tuple[Executable, ...]:
    """The statements that clone a document, for the connection's engine."""
    return (*_COPY_ROWS, _COPY_FTS_ROWS) if _is_sqlite(conn) else _COPY_ROWS


# --- reading -------------------------------------------------------------------------

# Column order is what `_cited_claim_from_row` unpacks.
_CITED_CLAIM_COLUMNS = (
    claims.c.actor_id,
    claims.c.kind,
    claims.c.stance,
    claims.c.proposition,
    # As text: most lists are empty, and spotting "[]" beats a JSON decode per row.
    cast(claims.c.conditions, Text).label("conditions"),
    claims.c.modality,
    claims.c.negated,
    claims.c.speaker_id,
    claims.c.speaker,
    claims.c.sentence_index,
    claims.c.start,
    claims.c.end,
    claims.c.date,
    claims.c.quote,
    documents.c.name,
    documents.c.title,
    documents.c.source,
    documents.c.url,
    documents.c.published,
    claims.c.phrase,
    claims.c.phrase_start,
    claims.c.phrase_end,
    claims.c.confidence,
)


def _cited_claims_query(since: dt.date | None) -> Select[Any]:
    query = (
        select(*_CITED_CLAIM_COLUMNS)
        .join_from(claims, documents, claims.c.doc_id == documents.c.id)
        .order_by(
            claims.c.date.desc().nulls_last(),
            documents.c.name,
            claims.c.start,
            claims.c.id,
        )
    )
    if since is not None:
        query = query.where(claims.c.date >= since)  # NULL dates drop out here
    return query


def _claim_groups(rows: Sequence[_AnyRow]) -> list[ClaimGroup]:
    """(proposition, stance, outlet, claims, documents, first, last) rows, per outlet, folded
    into one group each; outlets most documents first, then the most recent, then by name."""
    folded: dict[tuple[str, str], list[_AnyRow]] = {}
    for row in rows:
        folded.setdefault((row[0], row[1]), []).append(row)
    groups = []
    for (proposition, stance), parts in folded.items():
        named = [p for p in parts if p[2] is not None and p[2].strip()]
        named.sort(key=lambda p: (-p[4], *_newest_date_first(p[6]), p[2]))
        firsts = [p[5] for p in parts if p[5] is not None]
        lasts = [p[6] for p in parts if p[6] is not None]
        groups.append(
            ClaimGroup(
                proposition=proposition,
                stance=stance,
                total=sum(p[3] for p in parts),
                documents=sum(p[4] for p in parts),
                first_seen=min(firsts, default=None),
                last_seen=max(lasts, default=None),
                outlets=tuple(p[2] for p in named),
            )
        )
    return groups


def _newest_date_first(day: dt.date | None) -> tuple[bool, int]:
    return (day is None, -day.toordinal() if day else 0)


def _newest_first(columns: ReadOnlyColumnCollection[str, Any]) -> tuple[Any, ...]:
    """The evidence order: newest first, unknown dates last, then document and position."""
    return (columns.date.desc().nulls_last(), columns.name, columns.start)


def _newest_per_partition(
    query: Select[Any], partition: Sequence[ColumnElement[Any]], limit: int
) -> Select[Any]:
    """The same rows and order, keeping the `limit` newest of each partition (SQL window)."""
    rank = (
        func.row_number()
        .over(
            partition_by=list(partition),
            order_by=(
                claims.c.date.desc().nulls_last(),
                documents.c.name,
                claims.c.start,
                claims.c.id,
            ),
        )
        .label("newest_rank")
    )
    ranked = query.add_columns(rank).order_by(None).subquery()
    kept = [c for c in ranked.c if c.key != "newest_rank"]
    return select(*kept).where(ranked.c.newest_rank <= limit).order_by(*_newest_first(ranked.c))


def _first_per_group_by_document(query: Select[Any], limit: int) -> Select[Any]:
    """The ids of the first `limit` claims of each (proposition, stance) among `query`'s,
    taken one article at a time: every document's newest claim (newest first), then every
    document's second newest, and so on. A point's few quotes so cite as many outlets as
    stated it (three outlets' copies of one story: three quotes, three outlets) rather
    than one outlet's every sentence; `briefs.brief.evidence_newest_first` orders them
    the same way.

    Two windows, one per subquery (a window cannot read another in the same SELECT),
    over narrow rows: only the kept ids go back to the full query.
    """
    group = (claims.c.proposition, claims.c.stance)
    in_document = (
        func.row_number()
        .over(
            partition_by=[*group, claims.c.doc_id],
            order_by=(claims.c.date.desc().nulls_last(), claims.c.start, claims.c.id),
        )
        .label("document_round")
    )
    narrow = (
        query.with_only_columns(
            claims.c.id, *group, claims.c.date, documents.c.name, claims.c.start, in_document
        )
        .order_by(None)
        .subquery()
    )
    rank = (
        func.row_number()
        .over(
            partition_by=[narrow.c.proposition, narrow.c.stance],
            order_by=(
                narrow.c.document_round,
                narrow.c.date.desc().nulls_last(),
                narrow.c.name,
                narrow.c.start,
                narrow.c.id,
            ),
        )
        .label("group_rank")
    )
    ranked = select(narrow.c.id, rank).subquery()
    return select(ranked.c.id).where(ranked.c.group_rank <= limit)


def _stance_claims_with_actors() -> Select[Any]:
    """Stance claims with their evidence and their actor's three columns last."""
    return (
        _cited_claims_query(None)
        .add_columns(
            actors.c.id.label("actor_ref_id"),
            actors.c.name.label("actor_name"),
            actors.c.kind.label("actor_kind"),
        )
        .join(actors, actors.c.id == claims.c.actor_id)
        .where(claims.c.kind == "stance")
    )


def _window_claims_query(since: dt.datetime, until: dt.datetime) -> Select[Any]:
    """Every stance claim of the documents ingested in (since, until].

    Actors and propositions are left to `_DigestFilter`: given a condition on either,
    SQLite (which keeps no statistics unless ANALYZE ran) reads every claim of that
    actor or proposition instead of the window's few documents by their index.
    """
    return _stance_claims_with_actors().where(
        documents.c.ingested_at > since, documents.c.ingested_at <= until
    )


def _earlier_claims_query(
    pairs: Sequence[tuple[str, str]], since: dt.datetime, per_pair: int
) -> Select[Any]:
    """The `per_pair` newest claims of each (actor, proposition) ingested up to `since`."""
    query = _stance_claims_with_actors().where(
        or_(documents.c.ingested_at <= since, documents.c.ingested_at.is_(None)),
        # the single-column conditions let the planner use the actor and proposition
        # indexes; the pair condition then drops the other combinations
        claims.c.actor_id.in_(sorted({actor_id for actor_id, _ in pairs})),
        claims.c.proposition.in_(sorted({proposition for _, proposition in pairs})),
        tuple_(claims.c.actor_id, claims.c.proposition).in_(list(pairs)),
    )
    return _newest_per_partition(query, (claims.c.actor_id, claims.c.proposition), per_pair)


@dataclass(frozen=True)
class _DigestFilter:
    """Which window claims a digest wants, tested on the raw rows."""

    actor_ids: frozenset[str]  # none: every country and organisation
    propositions: frozenset[str] | None  # None: all

    def keeps(self, row: _AnyRow) -> bool:
        if self.actor_ids:
            if row.actor_id not in self.actor_ids:
                return False
        elif row.actor_kind == "person":
            return False
        return self.propositions is None or row.proposition in self.propositions


def _optional_set(items: Collection[str] | None) -> frozenset[str] | None:
    return None if items is None else frozenset(items)


def _actor_claims(rows: Iterable[_AnyRow]) -> tuple[tuple[ActorRef, CitedClaim], ...]:
    """Rows of a query with the three actor columns last, as (actor, cited claim) pairs."""
    refs: dict[str, ActorRef] = {}  # one shared (immutable) ref per actor
    found: list[tuple[ActorRef, CitedClaim]] = []
    for row in rows:
        actor_id, name, kind = row[-3:]
        if actor_id not in refs:
            refs[actor_id] = _trusted(ActorRef, {"id": actor_id, "name": name, "kind": kind})
        found.append((refs[actor_id], _cited_claim_from_row(row)))
    return tuple(found)


def _sources_of(found: Iterable[tuple[ActorRef, CitedClaim]]) -> tuple[SourceRef, ...]:
    """The distinct documents citing these claims, in the order the claims come."""
    by_document: dict[str, SourceRef] = {}
    for _, cited in found:
        evidence = cited.evidence
        if evidence.document not in by_document:
            by_document[evidence.document] = _trusted(
                SourceRef,
                {
                    "document": evidence.document,
                    "title": evidence.title,
                    "source": evidence.source,
                    "url": evidence.url,
                    "published": evidence.published,
                },
            )
    return tuple(by_document.values())


def _cited_claim_from_row(row: Row[Any]) -> CitedClaim:
    (
        actor_id,
        kind,
        stance,
        proposition,
        conditions,
        modality,
        negated,
        speaker_id,
        speaker,
        sentence_index,
        start,
        end,
        date,
        quote,
        document,
        title,
        source,
        url,
        published,
        phrase,
        phrase_start,
        phrase_end,
        confidence,
    ) = row[: len(_CITED_CLAIM_COLUMNS)]
    claim = {
        "actor_id": actor_id,
        "kind": kind,
        "stance": stance,
        "proposition": proposition,
        "conditions": _conditions(conditions),
        "modality": modality,
        "negated": bool(negated),
        "speaker_id": speaker_id,
        "speaker": speaker,
        "sentence_index": sentence_index,
        "start": start,
        "end": end,
        "date": date,
        "phrase": phrase,
        "phrase_start": phrase_start,
        "phrase_end": phrase_end,
        "key_words": (),
        "phrase_head": None,
        "anaphoric": False,
        "confidence": 1.0 if confidence is None else confidence,
    }
    evidence = {
        "document": document,
        "title": title,
        "source": source,
        "url": url,
        "published": published,
        "quote": quote,
        "start": start,
        "end": end,
        "speaker": speaker,
    }
    return _trusted(
        CitedClaim,
        {"claim": _trusted(Claim, claim), "evidence": _trusted(Evidence, evidence)},
    )


def _conditions(stored: str) -> tuple[str, ...]:
    return () if stored == "[]" else tuple(json.loads(stored))


def _trusted(model: type[_Model], values: dict[str, Any]) -> _Model:
    """`model.model_construct(**values)` for a dict holding every field, minus its cost.

    model_construct loops over the fields looking up aliases and defaults, which
    is most of the time of a 5,000-claim read; these rows were validated when they
    were saved and name every field, so the loop has nothing to add. This sets
    exactly the attributes model_construct sets.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", _every_field(model))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


@cache
def _every_field(model: type[BaseModel]) -> set[str]:
    """One fields-set shared by all trusted instances of a model.

    Sharing is safe for frozen models, which never add to it (model_copy copies it
    first), and it spares the garbage collector a tracked set per instance.
    """
    return set(model.model_fields)


def _actor_summaries_query() -> Select[Any]:
    stance_counts = (
        select(
            claims.c.actor_id,
            func.count(case((claims.c.kind == "stance", 1))).label("claims"),
        )
        .group_by(claims.c.actor_id)
        .subquery()
    )
    # UNION (not UNION ALL) leaves one row per actor and document.
    cited_in = union(
        select(claims.c.actor_id, claims.c.doc_id),
        select(mentions.c.actor_id, mentions.c.doc_id),
    ).subquery()
    document_counts = (
        select(cited_in.c.actor_id, func.count().label("documents"))
        .group_by(cited_in.c.actor_id)
        .subquery()
    )
    return (
        select(
            actors.c.id,
            actors.c.name,
            actors.c.kind,
            stance_counts.c.claims,
            document_counts.c.documents,
        )
        .join_from(actors, stance_counts, stance_counts.c.actor_id == actors.c.id)
        .join(document_counts, document_counts.c.actor_id == actors.c.id)
        .order_by(stance_counts.c.claims.desc(), actors.c.name, actors.c.id)
    )


def fts5_query(query: str) -> str:
    """User text as an FTS5 query of quoted terms, all required.

    Quoting makes operators and punctuation plain text (AND, NEAR, *, ", -, :);
    terms with no letter or digit would be empty phrases and are dropped.
    """
    terms = [term for term in query.split() if any(char.isalnum() for char in term)]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _postgres_search_query(query: str, limit: int) -> Select[Any]:
    vector = sentence_tsvector()
    tsquery = plain_tsquery(query)
    return (
        select(sentences.c.doc_id, sentences.c.idx)
        .where(vector.op("@@")(tsquery))
        .order_by(func.ts_rank(vector, tsquery).desc(), sentences.c.doc_id, sentences.c.idx)
        .limit(limit)
    )


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
