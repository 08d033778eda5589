"""Every answer a store gives, as JSON: what a migrated database must keep giving.

`python -m tests.store_answers DB OUT` writes the answers of the store at DB; the fixture
tests/data/before_text_once.json.gz was written so from tests/data/before_text_once.db.gz,
a store of tests/data/mixed_news ingested by briefbot before each text was stored once
(commit 9ed34e4).
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from bot.settings import load_settings
from bot.wiring import build_service
from briefs.models import BriefRequest
from briefs.quotes import QuotesRequest

SEARCHES = ("said", "minister said", "government", "council vote", "nothing-matches-this")


def answers(db: Path | str) -> dict[str, Any]:
    """The answers of the SQLite file at `db`, or of the database at the URL `db`."""
    settings = load_settings(env_file=None)
    if isinstance(db, str):
        settings = settings.model_copy(update={"database_url": db})
    service = build_service(settings, None if isinstance(db, str) else db)
    try:
        store = service.store
        actors = service.actors()
        issues = service.issues(limit=0)
        speakers = [s.id for s in service.quote_store.speakers(limit=10)]
        found: dict[str, Any] = {
            "actors": [a.model_dump(mode="json") for a in actors],
            "issues": [i.model_dump(mode="json") for i in issues],
            "briefs": [
                service.brief(BriefRequest(actor=a.actor.name, quotes_per_point=q)).model_dump(
                    mode="json"
                )
                for a in actors
                for q in (2, 50)
            ],
            "matrices": [service.matrix(i.label).model_dump(mode="json") for i in issues],
            "quotes": [
                service.quotes(QuotesRequest(speaker=s, limit=0)).model_dump(mode="json")
                for s in [None, *speakers]
            ],
            "quotes_about": service.quotes(QuotesRequest(about="council", limit=0)).model_dump(
                mode="json"
            ),
            "context": [
                c.model_dump(mode="json")
                for a in actors
                for c in store.cited_claims(a.actor.id, include_context=True)
            ],
            "search": {q: store.search(q) for q in SEARCHES},
            "documents": store.document_count(),
        }
    finally:
        service.store.close()
    return found


if __name__ == "__main__":
    with gzip.open(sys.argv[2], "wt", encoding="utf-8") as out:
        json.dump(answers(Path(sys.argv[1])), out, sort_keys=True)
