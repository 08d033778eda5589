"""Everything a store answers, as JSON: what a migrated database must keep answering.

Only the store's own reads (briefs/store), so that the answers change only when what is
stored does, not when the service above words or groups them differently.

`python -m tests.store_answers DB OUT` writes the answers of the store at DB; the fixture
tests/data/before_text_once.json.gz was written so from tests/data/before_text_once.db.gz,
a store of tests/data/mixed_news ingested by briefbot before each text was stored once
(commit 9ed34e4), by the briefbot of that commit.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from briefs.store import Store
from briefs.store.quotes import QuoteStore

SEARCHES = ("said", "minister said", "government", "council vote", "nothing-matches-this")


def _dumped(items: Any) -> Any:
    if isinstance(items, BaseModel):
        return items.model_dump(mode="json")
    if isinstance(items, list | tuple):
        return [_dumped(item) for item in items]
    return items


def answers(db: Path | str) -> dict[str, Any]:
    """The answers of the SQLite file at `db`, or of the database at the URL `db`."""
    store = Store(db) if isinstance(db, str) else Store.open_sqlite(db)
    try:
        if isinstance(db, str):
            store.create_schema()
        quotes = QuoteStore.for_store(store)
        actors = [s.actor.id for s in store.actor_summaries()]
        issues = store.proposition_summaries()
        labels = sorted(i.label for i in issues)
        speakers = [s.id for s in quotes.speakers(limit=10)]
        found: dict[str, Any] = {
            "actors": _dumped(store.actor_summaries()),
            "issues": _dumped(issues),
            "claims": {
                a: _dumped(
                    [
                        store.cited_claims(a),
                        store.cited_claims(a, include_context=True),
                        store.cited_claims(a, per_group=2),
                        store.claim_groups(a),
                    ]
                )
                for a in actors
            },
            "on_issues": [
                _dumped(store.cited_claims_for_propositions([label], per_actor=per_actor))
                for label in labels
                for per_actor in (1, 12, None)
            ],
            "quotes": [_dumped(quotes.find(s)) for s in [None, *speakers]],
            "quotes_about": _dumped(quotes.find(None, about=["council"])),
            "search": {q: store.search(q) for q in SEARCHES},
            "documents": store.document_count(),
        }
    finally:
        store.close()
    normal: dict[str, Any] = json.loads(json.dumps(found))  # tuples as lists, as stored
    return normal


if __name__ == "__main__":
    with gzip.open(sys.argv[2], "wt", encoding="utf-8") as out:
        json.dump(answers(Path(sys.argv[1])), out, sort_keys=True)
