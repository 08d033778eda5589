"""The read model answers exactly as a scan of the claims does, on SQLite and PostgreSQL.

A real corpus goes through the real service, then is cloned until groups hold more
claims than the read model picks (ties on every date, several outlets); every answer
read off the read model is compared with the same answer scanned from the claims,
after ingest, after re-saves and deletes, and after an old database is migrated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from conftest import make_service

from briefs.analyzer import Analyzer
from briefs.models import BriefRequest, DigestRequest
from briefs.service import BriefingService
from briefs.store import Store, repository, scans
from briefs.store.read_model import BRIEF_PICKS, NEWEST_PICKS
from briefs.store.schema import READ_MODEL_TABLES

DATA = Path(__file__).resolve().parent / "data" / "mixed_news"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
NOW = dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC)
COPIES = 6  # clones of each document: groups of more than BRIEF_PICKS claims


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def service(
    request: pytest.FixtureRequest, tmp_path: Path, analyzer: Analyzer
) -> Iterator[BriefingService]:
    base = make_service(tmp_path / "read-model.db")
    if request.param == "postgres":
        base.store.close()
        store = Store(request.getfixturevalue("postgres_url"))
        store.create_schema()
        base = BriefingService(store, base.catalog, base.topics, lambda: analyzer, clock=base.clock)
    else:
        base = BriefingService(
            base.store, base.catalog, base.topics, lambda: analyzer, clock=base.clock
        )
    report = base.ingest([DATA, SEEDS], now=NOW)
    assert report.ingested
    yield base
    base.store.close()


def _clone_everything(store: Store, copies: int) -> None:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, name FROM documents ORDER BY id")).all()
    store.clone_documents(
        [
            (doc_id, f"{doc_id}-copy{k}", f"copy{k}-{name}")
            for k in range(copies)
            for doc_id, name in rows
        ]
    )


def _assert_same_as_scans(store: Store) -> None:
    with store.engine.connect() as conn:
        actor_ids = [s.actor.id for s in scans.actor_summaries(conn)]
        propositions = sorted({s.label for s in scans.proposition_summaries(conn, since=None)})
        assert store.actor_summaries() == scans.actor_summaries(conn)
        assert _by_label(store.proposition_summaries()) == _by_label(
            scans.proposition_summaries(conn, since=None)
        )
        for actor_id in actor_ids:
            for per_group in (1, 2, BRIEF_PICKS):
                assert store.cited_claims(actor_id, per_group=per_group) == scans.cited_claims(
                    conn, actor_id, since=None, include_context=False, per_group=per_group
                ), (actor_id, per_group)
            assert _by_key(store.claim_groups(actor_id)) == _by_key(
                scans.claim_groups(conn, actor_id, since=None)
            )
        for chosen in [propositions, *([p] for p in propositions)]:
            for per_actor in (1, NEWEST_PICKS):
                for collectives_only in (True, False):
                    assert store.cited_claims_for_propositions(
                        chosen, per_actor=per_actor, collectives_only=collectives_only
                    ) == list(
                        scans.claims_on_propositions(
                            conn,
                            chosen,
                            since=None,
                            per_actor=per_actor,
                            collectives_only=collectives_only,
                        )
                    ), (chosen, per_actor)


def _by_label(items: list) -> dict:  # type: ignore[type-arg]
    return {item.label: item for item in items}


def _by_key(groups: list) -> dict:  # type: ignore[type-arg]
    return {(g.proposition, g.stance): g for g in groups}


def test_answers_equal_the_scans_after_ingest_and_clones(service: BriefingService) -> None:
    _clone_everything(service.store, COPIES)
    _assert_same_as_scans(service.store)
    largest = max(g.total for s in service.actors() for g in service.store.claim_groups(s.actor.id))
    assert largest > BRIEF_PICKS  # the picks were cut, not merely copied


def test_answers_equal_the_scans_after_resaves_and_deletes(service: BriefingService) -> None:
    store = service.store
    _clone_everything(store, COPIES)
    with store.engine.connect() as conn:
        ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM documents ORDER BY id"))]
    for doc_id in ids[::7]:
        store.delete_document(doc_id)
    # a clone onto a stored id replaces that document: its old claims leave the groups
    store.clone_documents([(ids[1], ids[2], "replaced.txt"), (ids[3], ids[-1], "last.txt")])
    _assert_same_as_scans(store)


def test_an_old_database_gets_its_read_model_built(service: BriefingService) -> None:
    store = service.store
    _clone_everything(store, 1)
    expected = (store.actor_summaries(), store.claim_groups("poland"), store.cited_claims("poland"))
    with store.engine.begin() as conn:
        for table in READ_MODEL_TABLES:
            conn.execute(sa.text(f"DROP TABLE {table.name}"))
    store.create_schema()  # what opening the store does
    _assert_same_as_scans(store)
    assert (
        store.actor_summaries(),
        store.claim_groups("poland"),
        store.cited_claims("poland"),
    ) == expected


def test_briefs_matrices_issues_and_digests_equal_the_old_path(
    service: BriefingService, monkeypatch: pytest.MonkeyPatch
) -> None:
    _clone_everything(service.store, COPIES)
    labels = [issue.label for issue in service.issues(limit=0)]
    actor_names = [s.actor.name for s in service.actors()]

    def answers() -> tuple[object, ...]:
        digest = DigestRequest(since=NOW - dt.timedelta(days=1), until=NOW + dt.timedelta(hours=1))
        return (
            [service.brief(BriefRequest(actor=name)) for name in actor_names],
            [service.brief(BriefRequest(actor=name, quotes_per_point=2)) for name in actor_names],
            [service.matrix(label) for label in labels],
            service.matrix("troops"),
            service.issues(limit=0),
            service.actors(),
            service.digest(digest),
        )

    new = answers()
    # The old path: every answer scanned from the claims.
    monkeypatch.setattr(repository, "BRIEF_PICKS", 0)
    monkeypatch.setattr(repository, "NEWEST_PICKS", 0)
    monkeypatch.setattr(
        repository,
        "summaries",
        SimpleNamespace(
            claim_groups=lambda conn, actor_id: scans.claim_groups(conn, actor_id, since=None),
            proposition_summaries=lambda conn: scans.proposition_summaries(conn, since=None),
            actor_summaries=scans.actor_summaries,
        ),
    )
    assert answers() == new


def test_quotes_and_search_read_the_documents_words_after_clones_resaves_and_deletes(
    service: BriefingService,
) -> None:
    """Each text is stored once: quotes are sliced from their document, and the search
    index follows clones, re-saves and deletes (it keeps no words of its own)."""
    store = service.store
    _clone_everything(store, 2)
    with store.engine.connect() as conn:
        ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM documents ORDER BY id"))]
    for doc_id in ids[::5]:
        store.delete_document(doc_id)
    store.clone_documents([(ids[1], ids[2], "replaced.txt")])
    with store.engine.connect() as conn:
        texts: dict[str, str] = dict(
            conn.execute(sa.text("SELECT name, text FROM documents")).all()
        )
        kept = {row[0] for row in conn.execute(sa.text("SELECT id FROM documents"))}
        sentences = {tuple(r) for r in conn.execute(sa.text("SELECT doc_id, idx FROM sentences"))}
    quoted = 0
    for summary in service.actors():
        for cited in store.cited_claims(summary.actor.id, include_context=True):
            evidence = cited.evidence
            assert texts[evidence.document][evidence.start : evidence.end] == evidence.quote
            quoted += 1
    assert quoted
    hits = store.search("said", limit=100_000)
    assert hits and {doc for doc, _ in hits} <= kept and set(hits) <= sentences
    assert len(hits) == len(set(hits))  # a re-saved sentence is found once
    if store.engine.dialect.name == "sqlite":
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO sentences_fts(sentences_fts) VALUES('integrity-check')"
            )
