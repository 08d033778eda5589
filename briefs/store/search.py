"""Full-text search over the stored sentences, on each engine's own index.

SQLite ranks by FTS5's bm25 over its contentless index (schema.py), whose rowids are
sentence ids. PostgreSQL finds the documents holding every word through the GIN index
on their text, then keeps the sentences of those documents that hold them all, ranked
by ts_rank: a sentence holds a word only if its document does, so the index loses none.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Select, func, select, text

from briefs.store.schema import (
    document_tsvector,
    documents,
    plain_tsquery,
    sentence_tsvector,
    sentences,
)
from briefs.store.sql import is_sqlite

_FTS5_SEARCH = text(
    "SELECT s.doc_id, s.idx FROM sentences_fts AS f JOIN sentences AS s ON s.id = f.rowid "
    "WHERE sentences_fts MATCH :match "
    "ORDER BY bm25(sentences_fts), s.doc_id, s.idx LIMIT :limit"
)


def search(conn: Connection, query: str, limit: int) -> list[tuple[str, int]]:
    """(doc_id, sentence index) of sentences matching every word, best first."""
    if is_sqlite(conn):
        match = fts5_query(query)
        if not match:
            return []
        rows = conn.execute(_FTS5_SEARCH, {"match": match, "limit": limit}).all()
    else:
        rows = conn.execute(_postgres_search_query(query, limit)).all()
    return [(doc_id, int(idx)) for doc_id, idx in rows]


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
        .join_from(sentences, documents, sentences.c.doc_id == documents.c.id)
        .where(document_tsvector().op("@@")(tsquery), vector.op("@@")(tsquery))
        .order_by(func.ts_rank(vector, tsquery).desc(), sentences.c.doc_id, sentences.c.idx)
        .limit(limit)
    )
