"""The in-place migration that stores each text once.

Databases made before it kept a copy of their words in every sentence row, mention row
and claim row (and in SQLite's FTS5 table); now only `documents.text` holds words and
the others keep offsets into it (schema.py). Every copy was written as a slice of its
document, so the migration checks that each one still equals its slice and drops the
copies only then: answers read back from the slices are the ones the copies gave. A
copy that differs stops the migration before anything changes, and the store does not
open, rather than answer differently.

The freed pages stay in the file (SQLite reuses them for new rows); `VACUUM`, which
cannot run inside the schema transaction and rewrites the whole file, gives them back
to the disk when the operator chooses to.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

from briefs.errors import StoreError
from briefs.store.schema import CREATE_SENTENCES_FTS, sentences

# (table, its copy of the words, what the migration calls the rows)
_COPIES = (
    ("sentences", "text", "sentence"),
    ("mentions", "text", "mention"),
    ("claims", "quote", "claim quote"),
)
# One migration at a time on PostgreSQL, where two processes may open a store together.
_LOCK_KEY = 0x7E47_0CE


def has_column(conn: Connection, table: str, name: str) -> bool:
    return name in {c["name"] for c in inspect(conn).get_columns(table)}


def check_copies(conn: Connection, table: str, column: str, start: str, end: str) -> int:
    """How many rows of `table` hold a `column` unlike their document's text at start:end."""
    return int(
        conn.execute(
            text(
                f"SELECT count(*) FROM {table} AS t JOIN documents AS d ON d.id = t.doc_id "
                f'WHERE t.{column} <> substr(d.text, t."{start}" + 1, t."{end}" - t."{start}")'
            )
        ).scalar_one()
    )


def refuse_if_differs(conn: Connection, table: str, column: str, noun: str) -> None:
    differing = check_copies(conn, table, column, "start", "end")
    if differing:
        raise StoreError(
            f"Cannot store each text once: {differing} {noun} row(s) hold words that differ "
            "from their document's text at their offsets; nothing was changed."
        )


def store_texts_once(conn: Connection) -> None:
    """Drop the copies of the words from a database made before each text was stored once;
    nothing to do on a newer one. Runs inside the caller's schema transaction."""
    if conn.dialect.name == "postgresql":
        # the loser waits here, then finds the work done
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    if not has_column(conn, "sentences", "text"):
        return
    for table, column, noun in _COPIES:
        if has_column(conn, table, column):
            refuse_if_differs(conn, table, column, noun)
    if conn.dialect.name == "sqlite":
        _rebuild_sqlite_sentences(conn)
    else:
        _rekey_postgres_sentences(conn)
    for table, column, _ in _COPIES[1:]:
        if has_column(conn, table, column):
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")


def _rebuild_sqlite_sentences(conn: Connection) -> None:
    """SQLite cannot change a table's primary key, so the sentences move to a new table
    (in their old key order, so ids follow it), and the FTS5 index is rebuilt on their ids."""
    conn.exec_driver_sql("ALTER TABLE sentences RENAME TO sentences_before_text_once")
    sentences.create(conn)
    conn.exec_driver_sql(
        'INSERT INTO sentences (doc_id, idx, paragraph, start, "end") '
        'SELECT doc_id, idx, paragraph, start, "end" FROM sentences_before_text_once '
        "ORDER BY doc_id, idx"
    )
    conn.exec_driver_sql("DROP TABLE sentences_before_text_once")
    conn.exec_driver_sql("DROP TABLE IF EXISTS sentences_fts")
    conn.exec_driver_sql(CREATE_SENTENCES_FTS)
    conn.exec_driver_sql(
        "INSERT INTO sentences_fts (rowid, text) "
        'SELECT s.id, substr(d.text, s.start + 1, s."end" - s.start) '
        "FROM sentences AS s JOIN documents AS d ON d.id = s.doc_id"
    )


def _rekey_postgres_sentences(conn: Connection) -> None:
    """PostgreSQL alters the table in place; dropping the column drops its GIN index,
    and the documents' index (created with the schema) replaces it."""
    for statement in (
        "ALTER TABLE sentences DROP COLUMN text",
        "ALTER TABLE sentences ADD COLUMN id SERIAL",
        "ALTER TABLE sentences DROP CONSTRAINT sentences_pkey",
        "ALTER TABLE sentences ADD PRIMARY KEY (id)",
        "ALTER TABLE sentences ADD CONSTRAINT uq_sentences_doc_idx UNIQUE (doc_id, idx)",
    ):
        conn.exec_driver_sql(statement)


def store_quote_texts_once(conn: Connection) -> None:
    """The quote tables' migration: each statement kept its words and its sentence's; it
    now keeps the sentence's offsets. Those were not stored, so each is found again as
    the place of the stored sentence in the document: the last one starting at or
    before the statement and reaching its end, else the first anywhere."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY + 1})
    if not has_column(conn, "quotes", "sentence"):
        return
    refuse_if_differs(conn, "quotes", "quote", "quote")
    rows = conn.execute(
        text(
            'SELECT q.id, q.start, q."end", q.sentence, d.text FROM quotes AS q '
            "JOIN documents AS d ON d.id = q.doc_id"
        )
    ).all()
    offsets = [
        {"id": quote_id, "sentence_start": found, "sentence_end": found + len(sentence)}
        for quote_id, start, end, sentence, words in rows
        for found in [_sentence_at(words, sentence, start, end)]
    ]
    guard = "IF NOT EXISTS " if conn.dialect.name == "postgresql" else ""
    for name in ("sentence_start", "sentence_end"):
        conn.exec_driver_sql(
            f"ALTER TABLE quotes ADD COLUMN {guard}{name} INTEGER NOT NULL DEFAULT 0"
        )
    if offsets:
        conn.execute(
            text(
                "UPDATE quotes SET sentence_start = :sentence_start, "
                "sentence_end = :sentence_end WHERE id = :id"
            ),
            offsets,
        )
    # Rows of documents no longer stored are never read (every read joins the
    # documents); they keep offsets 0:0.
    for column in ("quote", "sentence"):
        conn.exec_driver_sql(f"ALTER TABLE quotes DROP COLUMN {column}")


def _sentence_at(words: str, sentence: str, start: int, end: int) -> int:
    found = words.rfind(sentence, 0, start + len(sentence))
    if found < 0 or found + len(sentence) < end:
        found = words.find(sentence)
    if found < 0:
        raise StoreError(
            "Cannot store each text once: a quote's sentence is not in its document's "
            "text; nothing was changed."
        )
    return found
