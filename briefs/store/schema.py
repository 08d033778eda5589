"""The store's tables, in one MetaData that runs on SQLite and PostgreSQL.

Each text is stored once, in `documents.text`: sentences, mentions and claims keep
offsets into it, and their words are sliced out when read (`span_text`).

Full-text search differs per engine: SQLite gets a contentless FTS5 index of the
sentences (the index only, no copy of their words) that the store fills and empties
itself from the document text; PostgreSQL gets a GIN expression index on the
documents' text, and checks each sentence of a matching document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    column,
    event,
    func,
    inspect,
    literal_column,
    table,
)

# Registers PostgreSQL's to_tsvector types before the GIN index below is built.
from sqlalchemy.dialects import postgresql  # noqa: F401
from sqlalchemy.schema import CreateIndex
from sqlalchemy.sql.elements import ColumnClause, ColumnElement
from sqlalchemy.sql.functions import Function

metadata = MetaData()


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC datetime on every engine.

    SQLite keeps datetimes as text and drops the zone, so values are written in UTC
    (which also makes its text order the time order) and read back with UTC attached;
    PostgreSQL keeps them as timestamptz and returns them in the session's zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"{value.isoformat()} has no time zone; the store keeps UTC")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# The text search configuration as a SQL literal, not a bound parameter, so that
# queries repeat the indexed expression exactly and PostgreSQL uses the index.
TS_CONFIG: ColumnClause[Any] = literal_column("'english'")

# The text column is built first so the GIN index below can sit in the Table:
# a standalone Index cannot find its table through the literal 'english'.
_document_text: Column[str] = Column("text", Text, nullable=False)

documents = Table(
    "documents",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("title", String, nullable=False),
    Column("source", String),
    Column("url", String),
    Column("published", Date),
    Column("date_from_text", Boolean, nullable=False),
    _document_text,
    Column("body_start", Integer, nullable=False),
    Column("checksum", String, nullable=False),
    # NULL for rows from before the column existed: ingested before any digest window.
    Column("ingested_at", UtcDateTime),
    Index("ix_documents_checksum", "checksum"),
    # PostgreSQL's search index: the documents whose text has every word of a query
    Index(
        "ix_documents_text_tsv",
        func.to_tsvector(TS_CONFIG, _document_text),
        postgresql_using="gin",
    ).ddl_if(dialect="postgresql"),
)
# Digests read the documents of one window of ingestion times. Built on the column
# (which attaches it to the table) so the migration below can create it on its own.
ingested_at_index = Index("ix_documents_ingested_at", documents.c.ingested_at)

documents_tsv_index = next(i for i in documents.indexes if i.name == "ix_documents_text_tsv")

sentences = Table(
    "sentences",
    metadata,
    # An integer key of its own: on SQLite it is the rowid, which the FTS5 index
    # refers to, and only an INTEGER PRIMARY KEY keeps its rowids through a VACUUM.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("paragraph", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    UniqueConstraint("doc_id", "idx", name="uq_sentences_doc_idx"),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("affiliation", String),
    Column("title", String),
)

actor_aliases = Table(
    "actor_aliases",
    metadata,
    Column("actor_id", String, ForeignKey("actors.id", ondelete="CASCADE"), nullable=False),
    Column("alias", String, nullable=False),
    UniqueConstraint("actor_id", "alias", name="uq_actor_aliases_actor_alias"),
)

# mentions.actor_id and claims.actor_id carry no foreign key: an analysis may
# refer to catalogue actors that another step upserts, in any order.
mentions = Table(
    "mentions",
    metadata,
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("actor_id", String, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    # Re-saving a document deletes its rows by doc_id; without this index
    # every re-save would scan the whole table.
    Index("ix_mentions_doc_id", "doc_id"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("actor_id", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("stance", String),
    Column("proposition", String, nullable=False),
    Column("conditions", JSON, nullable=False),
    Column("modality", String),
    Column("negated", Boolean, nullable=False),
    Column("speaker_id", String),
    Column("speaker", String),
    Column("sentence_index", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("date", Date),
    # the open-world reading: the proposition as read, its span, how sure it is
    Column("phrase", Text),
    Column("phrase_start", Integer),
    Column("phrase_end", Integer),
    Column("confidence", Float),
    Index("ix_claims_actor_id", "actor_id"),
    Index("ix_claims_proposition", "proposition"),
    Index("ix_claims_doc_id", "doc_id"),  # same reason as ix_mentions_doc_id
)


# --- the read model -----------------------------------------------------------------
# Kept in step with the claims at every write (briefs/store/read_model.py), so that a
# brief, a stance matrix, the issue list and the actor list read a few rows each,
# whatever the number of documents. Stance claims with no stance are left out: no
# answer shows them.

# Counts per (actor, proposition, stance, outlet); '' is a document with no outlet.
stance_summaries = Table(
    "stance_summaries",
    metadata,
    Column("actor_id", String, nullable=False),
    Column("proposition", String, nullable=False),
    Column("stance", String, nullable=False),
    Column("outlet", String, nullable=False),
    Column("claims", Integer, nullable=False),
    Column("documents", Integer, nullable=False),
    Column("first_seen", Date),
    Column("last_seen", Date),
    PrimaryKeyConstraint("actor_id", "proposition", "stance", "outlet"),
    Index("ix_stance_summaries_proposition", "proposition"),
)

# The claims each (actor, proposition, stance) may show: its first BRIEF_PICKS in the
# brief's one-article-at-a-time order (brief_rank) and its NEWEST_PICKS newest
# (newest_rank); a rank is NULL past its cut. The answers rank these few again.
stance_picks = Table(
    "stance_picks",
    metadata,
    Column("claim_id", Integer, primary_key=True, autoincrement=False),
    Column("actor_id", String, nullable=False),
    Column("proposition", String, nullable=False),
    Column("stance", String, nullable=False),
    Column("brief_rank", Integer),
    Column("newest_rank", Integer),
    Index("ix_stance_picks_group", "actor_id", "proposition", "stance"),
    Index("ix_stance_picks_proposition", "proposition", "newest_rank"),
)

# Per actor: claims of any kind, stance claims, and documents that cite or mention it.
actor_counts = Table(
    "actor_counts",
    metadata,
    Column("actor_id", String, primary_key=True),
    Column("claims", Integer, nullable=False),
    Column("stance_claims", Integer, nullable=False),
    Column("documents", Integer, nullable=False),
)

READ_MODEL_TABLES = (stance_summaries, stance_picks, actor_counts)


# --- text sliced from the documents ---------------------------------------------------


def span_text(start: ColumnElement[int], end: ColumnElement[int]) -> ColumnElement[str]:
    """The document text at [start, end), as Python slices it.

    Both engines count substr in characters (code points), as Python does; the caller
    joins the documents table.
    """
    return func.substr(documents.c.text, start + 1, end - start)


def sentence_text() -> ColumnElement[str]:
    return span_text(sentences.c.start, sentences.c.end)


# --- full-text search ------------------------------------------------------------


def sentence_tsvector() -> Function[Any]:
    """A sentence's PostgreSQL text vector, computed from its document's text."""
    return func.to_tsvector(TS_CONFIG, sentence_text())


def document_tsvector() -> Function[Any]:
    """A document's text vector: the expression ix_documents_text_tsv indexes."""
    return func.to_tsvector(TS_CONFIG, documents.c.text)


def plain_tsquery(query: str) -> ColumnElement[Any]:
    """PostgreSQL's query for user text; plainto_tsquery accepts any string."""
    return func.plainto_tsquery(TS_CONFIG, query)


# FTS5 virtual table: not a regular Table, so create_all does not know it; it is
# created by the DDL hook below. Contentless: it keeps the index, not the words, and
# its rowid is sentences.id. Without a content table FTS5 cannot find the words of a
# row it drops, so the store hands them back, sliced from the document (writing.py).
# Its hidden column named as the table takes FTS5's commands ('delete').
sentences_fts = table(
    "sentences_fts",
    column("rowid", Integer),
    column("text", Text),
    column("sentences_fts", Text),
)

CREATE_SENTENCES_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5("
    "text, content='', tokenize='unicode61 remove_diacritics 2')"
)


@event.listens_for(metadata, "after_create")
def _create_sentences_fts(_target: MetaData, connection: Connection, **_kw: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(CREATE_SENTENCES_FTS)


# --- migrations ---------------------------------------------------------------------


def add_missing_columns(connection: Connection) -> None:
    """Bring tables made by an older briefbot up to this schema, in place.

    create_all only creates missing tables, never a column of an existing one, so a
    database from before `documents.ingested_at` would fail every read of documents.
    The column is nullable, so adding it keeps every row, and NULL already means
    "ingested before any digest window".
    """
    present = {c["name"] for c in inspect(connection).get_columns(documents.name)}
    if "ingested_at" not in present:
        column_type = documents.c.ingested_at.type.compile(dialect=connection.dialect)
        # PostgreSQL lets two processes read the columns before either alters the table,
        # so both may get here; SQLite writers hold the database lock from the start.
        guard = "IF NOT EXISTS " if connection.dialect.name == "postgresql" else ""
        connection.exec_driver_sql(
            f"ALTER TABLE {documents.name} ADD COLUMN {guard}ingested_at {column_type}"
        )
    _add_claim_reading_columns(connection)
    # create_all builds indexes only with their table, so an old table lacks these
    connection.execute(CreateIndex(ingested_at_index, if_not_exists=True))
    if connection.dialect.name == "postgresql":
        connection.execute(CreateIndex(documents_tsv_index, if_not_exists=True))
    # No read looks mentions up by actor (the read model counts them by document), so
    # the index older databases have on it was only weight: 0.5 MB per 1,000 documents.
    connection.exec_driver_sql("DROP INDEX IF EXISTS ix_mentions_actor_id")


def _add_claim_reading_columns(connection: Connection) -> None:
    """Claims stored before open-world readings lack their columns; all are nullable."""
    present = {c["name"] for c in inspect(connection).get_columns(claims.name)}
    guard = "IF NOT EXISTS " if connection.dialect.name == "postgresql" else ""
    for name in ("phrase", "phrase_start", "phrase_end", "confidence"):
        if name not in present:
            column_type = claims.c[name].type.compile(dialect=connection.dialect)
            connection.exec_driver_sql(
                f"ALTER TABLE {claims.name} ADD COLUMN {guard}{name} {column_type}"
            )
