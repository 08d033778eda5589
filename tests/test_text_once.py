"""Each text stored once: a database from before keeps answering exactly as it did.

tests/data/before_text_once.db.gz is a store of tests/data/mixed_news written by the
briefbot before the change (copies of the words in sentences, mentions, claims, quotes
and a content FTS5 table); tests/data/before_text_once.json.gz holds every answer that
briefbot gave from it (tests/store_answers.py). Opening the file migrates it in place.
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from briefs.errors import StoreError
from briefs.store import Store
from tests.store_answers import answers

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
    assert expected["search"]["said"] and expected["quotes_about"]["quotes"]

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
