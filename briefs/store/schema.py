"""The store's tables, in one MetaData that runs on SQLite and PostgreSQL.

Full-text search differs per engine: SQLite gets an FTS5 table that the
repository fills and empties itself; PostgreSQL gets a GIN expression index on
the sentences, which the server maintains.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    event,
    func,
    literal_column,
    table,
)
from sqlalchemy.sql.elements import ColumnClause, ColumnElement
from sqlalchemy.sql.functions import Function

metadata = MetaData()

# The text search configuration as a SQL literal, not a bound parameter, so that
# queries repeat the indexed expression exactly and PostgreSQL uses the index.
TS_CONFIG: ColumnClause[Any] = literal_column("'english'")

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
    Column("text", Text, nullable=False),
    Column("body_start", Integer, nullable=False),
    Column("checksum", String, nullable=False),
    Index("ix_documents_checksum", "checksum"),
)

# The text column is built first so the GIN index below can sit in the Table:
# a standalone Index cannot find its table through the literal 'english'.
_sentence_text: Column[str] = Column("text", Text, nullable=False)

sentences = Table(
    "sentences",
    metadata,
    Column("doc_id", String, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("paragraph", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    _sentence_text,
    PrimaryKeyConstraint("doc_id", "idx"),
    Index(
        "ix_sentences_text_tsv",
        func.to_tsvector(TS_CONFIG, _sentence_text),
        postgresql_using="gin",
    ).ddl_if(dialect="postgresql"),
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
    Column("text", Text, nullable=False),
    Index("ix_mentions_actor_id", "actor_id"),
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
    Column("quote", Text, nullable=False),
    Column("date", Date),
    Index("ix_claims_actor_id", "actor_id"),
    Index("ix_claims_proposition", "proposition"),
    Index("ix_claims_doc_id", "doc_id"),  # same reason as ix_mentions_doc_id
)


# --- full-text search ------------------------------------------------------------


def sentence_tsvector() -> Function[Any]:
    """A sentence's PostgreSQL text vector, the expression ix_sentences_text_tsv indexes."""
    return func.to_tsvector(TS_CONFIG, sentences.c.text)


def plain_tsquery(query: str) -> ColumnElement[Any]:
    """PostgreSQL's query for user text; plainto_tsquery accepts any string."""
    return func.plainto_tsquery(TS_CONFIG, query)


# FTS5 virtual table: not a regular Table, so create_all does not know it; it is
# created by the DDL hook below and written through this lightweight clause.
sentences_fts = table(
    "sentences_fts",
    column("text", Text),
    column("doc_id", String),
    column("idx", Integer),
)

CREATE_SENTENCES_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS sentences_fts USING fts5("
    "text, doc_id UNINDEXED, idx UNINDEXED, "
    "tokenize='unicode61 remove_diacritics 2')"
)


@event.listens_for(metadata, "after_create")
def _create_sentences_fts(_target: MetaData, connection: Connection, **_kw: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(CREATE_SENTENCES_FTS)
