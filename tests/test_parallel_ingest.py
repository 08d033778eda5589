"""Ingest on two workers stores exactly what one worker stores: every row of every table."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from briefs.isolation import ANALYSIS_CHUNK

ROOT = Path(__file__).resolve().parents[1]
CORPUS = (ROOT / "tests" / "data" / "mixed_news", ROOT / "seeds")
# The ingest clock differs between the two runs; nothing else may.
CLOCK_COLUMNS = {("documents", "ingested_at")}


def _ingest(db: Path, workers: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(db), "ingest", "--workers", str(workers)]
        + [str(path) for path in CORPUS],
        check=True,
        capture_output=True,
        cwd=db.parent,
        env={**env, "PYTHONPATH": str(ROOT)},
    )


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [
            name
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith(("sqlite_", "sentences_fts_"))
        ]
        dump = {}
        for table in tables:
            columns = [
                row[1]
                for row in conn.execute(f"PRAGMA table_info({table})")
                if (table, row[1]) not in CLOCK_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(f"SELECT {listed} FROM {table} ORDER BY {listed}")
            dump[table] = [tuple(map(_as_compared, row)) for row in rows]
    return dump


def _as_compared(value: object) -> object:
    """JSON objects (an issue's word counts) compare as objects: their key order follows
    set iteration, which differs between any two processes (string hashing is seeded)."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            return sorted(json.loads(value).items())
        except ValueError:  # text that merely starts with a brace
            return value
    return value


def test_two_workers_store_what_one_worker_stores(tmp_path: Path) -> None:
    documents = sum(1 for folder in CORPUS for p in folder.iterdir() if p.suffix == ".txt")
    assert documents > ANALYSIS_CHUNK  # more than one chunk: the work is shared out
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    _ingest(one, 1)
    _ingest(two, 2)
    first, second = _dump(one), _dump(two)
    assert first["claims"] and first["stance_picks"] and first["quotes"]
    assert first == second
    # The search index is left out of the dump (its segments follow the write batches),
    # but what it finds may not differ: the same sentence ids, in the same bm25 order.
    for words in ("said", "government", "minister said"):
        assert _search(one, words) == _search(two, words) != [], words


def _search(db: Path, words: str) -> list[tuple[object, ...]]:
    match = " ".join(f'"{word}"' for word in words.split())
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT rowid, bm25(sentences_fts) FROM sentences_fts WHERE sentences_fts MATCH ? "
            "ORDER BY bm25(sentences_fts), rowid",
            (match,),
        ).fetchall()
