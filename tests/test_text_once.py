"""Each text stored once: a database from before keeps answering exactly as it did.

tests/data/before_text_once.db.gz is a store of tests/data/mixed_news written by the
briefbot before the change (copies of the words in sentences, mentions, claims, quotes
and a content FTS5 table); tests/data/before_text_once.json.gz holds every answer that
briefbot's store gave from it (tests/store_answers.py). Opening the file migrates it in
place.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from store_answers import answers

from briefs.errors import StoreError
from briefs.store import Store
from briefs.store.quotes import metadata as quote_metadata
from briefs.store.schema import metadata

DATA = Path(__file__).resolve().parent / "data"
# (table, column) holding words before the change; none of them may be left after it
COPIES = {
    ("sentences", "text"),
    ("mentions", "text"),
    ("claims", "quote"),
    ("quotes", "quote"),
    ("quotes", "sentence"),
}


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    with gzip.open(DATA / "before_text_once.db.gz") as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    assert _columns(path) >= COPIES  # the fixture is the old layout
    return path


def _expected() -> dict[str, Any]:
    with gzip.open(DATA / "before_text_once.json.gz", "rt", encoding="utf-8") as packed:
        found: dict[str, Any] = json.load(packed)
    return found


def _columns(path: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {(t, row[1]) for t in tables for row in conn.execute(f"PRAGMA table_info({t})")}


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value, sort_keys=True))


def test_an_old_database_answers_as_it_did_and_keeps_no_copy(old_db: Path) -> None:
    expected = _expected()
    assert expected["search"]["said"] and expected["quotes_about"] and expected["on_issues"]

    migrated = answers(old_db)

    assert _as_json(migrated) == expected
    assert not COPIES & _columns(old_db)
    assert "sentences_fts_content" not in _tables(old_db)  # the index keeps no words
    assert _as_json(answers(old_db)) == expected  # a second opening changes nothing


def test_the_migrated_index_follows_saves_and_deletes(old_db: Path) -> None:
    answers(old_db)
    with Store.open_sqlite(old_db) as store:
        hits = store.search("said")
        gone = hits[0][0]
        store.delete_document(gone)
        assert gone not in {doc for doc, _ in store.search("said", limit=1000)}
        assert all(doc != gone for doc, _ in store.search("minister said"))
        with store.engine.begin() as conn:
            # FTS5 checks its index against itself; a 'delete' handed the wrong words
            # would leave terms behind and fail it
            check = "INSERT INTO sentences_fts(sentences_fts) VALUES('integrity-check')"
            conn.exec_driver_sql(check)


def test_a_copy_that_differs_stops_the_migration_before_any_change(old_db: Path) -> None:
    with sqlite3.connect(old_db) as conn:
        conn.execute("UPDATE claims SET quote = 'not what the text says' WHERE id = 1")
    before = _columns(old_db)

    with pytest.raises(StoreError, match="differ from their document's text"):
        Store.open_sqlite(old_db)

    assert _columns(old_db) == before


# --- PostgreSQL ---------------------------------------------------------------------------

# The old layout, made from the new one by putting each copy back (sliced from the
# documents, as the old briefbot wrote them) and the sentences' old key.
_OLD_POSTGRES_LAYOUT = (
    "ALTER TABLE sentences ADD COLUMN text TEXT",
    'UPDATE sentences AS s SET text = substr(d.text, s.start + 1, s."end" - s.start) '
    "FROM documents AS d WHERE d.id = s.doc_id",
    "ALTER TABLE sentences ALTER COLUMN text SET NOT NULL",
    "ALTER TABLE sentences DROP CONSTRAINT uq_sentences_doc_idx",
    "ALTER TABLE sentences DROP COLUMN id",
    "ALTER TABLE sentences ADD PRIMARY KEY (doc_id, idx)",
    "CREATE INDEX ix_sentences_text_tsv ON sentences USING gin (to_tsvector('english', text))",
    "DROP INDEX ix_documents_text_tsv",
    "ALTER TABLE mentions ADD COLUMN text TEXT",
    'UPDATE mentions AS m SET text = substr(d.text, m.start + 1, m."end" - m.start) '
    "FROM documents AS d WHERE d.id = m.doc_id",
    "CREATE INDEX ix_mentions_actor_id ON mentions (actor_id)",
    "ALTER TABLE claims ADD COLUMN quote TEXT",
    'UPDATE claims AS c SET quote = substr(d.text, c.start + 1, c."end" - c.start) '
    "FROM documents AS d WHERE d.id = c.doc_id",
    "ALTER TABLE quotes ADD COLUMN quote TEXT, ADD COLUMN sentence TEXT",
    'UPDATE quotes AS q SET quote = substr(d.text, q.start + 1, q."end" - q.start), '
    "sentence = substr(d.text, q.sentence_start + 1, q.sentence_end - q.sentence_start) "
    "FROM documents AS d WHERE d.id = q.doc_id",
    "ALTER TABLE quotes DROP COLUMN sentence_start, DROP COLUMN sentence_end",
)


@pytest.mark.postgres
def test_an_old_postgres_database_answers_as_it_did(old_db: Path, postgres_url: str) -> None:
    answers(old_db)  # the SQLite file migrated: its rows are the new layout's
    answers(postgres_url)  # every table created
    source, target = sa.create_engine(f"sqlite:///{old_db}"), sa.create_engine(postgres_url)
    try:
        with source.connect() as read, target.begin() as write:
            every = (metadata, quote_metadata)
            for table in [t for tables in every for t in tables.sorted_tables]:
                rows = [dict(r._mapping) for r in read.execute(sa.select(table))]
                if rows:
                    write.execute(sa.insert(table), rows)
            write.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('sentences', 'id'), max(id)) FROM sentences"
            )
        expected = answers(postgres_url)
        with target.begin() as conn:
            for statement in _OLD_POSTGRES_LAYOUT:
                conn.exec_driver_sql(statement)
    finally:
        source.dispose()
        target.dispose()

    assert answers(postgres_url) == expected
    assert answers(postgres_url)["search"]["said"]
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            found = sa.inspect(conn)
            columns = {
                (table, c["name"])
                for table in ("sentences", "mentions", "claims", "quotes")
                for c in found.get_columns(table)
            }
            indexes = {i["name"] for i in found.get_indexes("documents")}
            key = found.get_pk_constraint("sentences")["constrained_columns"]
    finally:
        engine.dispose()
    assert not COPIES & columns
    assert {("sentences", "id"), ("quotes", "sentence_start")} <= columns
    assert key == ["id"]
    assert "ix_documents_text_tsv" in indexes
