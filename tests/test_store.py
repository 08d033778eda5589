"""Contract tests for the store, on a SQLite file and (when configured) PostgreSQL.

Set BRIEFBOT_TEST_POSTGRES_URL (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test)
to run every `store` test against PostgreSQL too; each test gets its own schema,
dropped afterwards, so runs never see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from briefs.errors import StoreError
from briefs.models import (
    Actor,
    ActorRef,
    Analysis,
    CitedClaim,
    Claim,
    ClaimKind,
    DigestReads,
    Document,
    Evidence,
    Mention,
    Sentence,
    Stance,
)
from briefs.store import Store, repository
from briefs.store import search as search_module
from briefs.store.cited import trusted as _trusted
from briefs.store.repository import fts5_query
from briefs.store.schema import metadata

POLAND = Actor(id="poland", name="Poland", kind="country", aliases=("Polska",))
EU = Actor(id="european-union", name="European Union", kind="organisation", aliases=("EU",))
COSTA = Actor(
    id="antonio-costa",
    name="António Costa",
    kind="person",
    aliases=("Costa",),
    affiliation="european-union",
    title="President of the European Council",
)

TROOPS = "send troops to Ukraine"
TARIFFS = "raise tariffs"

# --- backends ------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    store: Store
    url: str


@pytest.fixture
def sqlite_backend(tmp_path: Path) -> Iterator[Backend]:
    path = tmp_path / "store" / "briefbot.db"
    store = Store.open_sqlite(path)
    yield Backend(store, f"sqlite:///{path}")
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_backend")
        return
    url = request.getfixturevalue("postgres_url")
    store = Store(url)
    store.create_schema()
    yield Backend(store, url)
    store.close()


@pytest.fixture
def store(backend: Backend) -> Store:
    return backend.store


def row_counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table.name: conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0
                for table in metadata.sorted_tables
            }
    finally:
        engine.dispose()


# --- hand-built analyses ---------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """A claim to build: `fragment` is located in the document text."""

    actor_id: str
    fragment: str
    stance: Stance | None = "supports"
    proposition: str = TROOPS
    kind: ClaimKind = "stance"
    date: dt.date | None = None


def analysis(
    doc_id: str,
    lines: Sequence[str],
    said: Sequence[Said] = (),
    *,
    mentioned: Sequence[tuple[str, str]] = (),
    actors: Sequence[Actor] = (POLAND, EU, COSTA),
    published: dt.date | None = dt.date(2024, 3, 1),
    checksum: str = "v1",
) -> Analysis:
    """A document made of `lines` (one sentence each) with its claims and mentions."""
    text = " ".join(lines)
    sentences = tuple(_sentences(lines))
    document = Document(
        id=doc_id,
        name=f"{doc_id}.txt",
        title=f"Title of {doc_id}",
        source="Example Times",
        url=f"https://example.org/{doc_id}",
        published=published,
        text=text,
        checksum=checksum,
    )
    return Analysis(
        document=document,
        sentences=sentences,
        actors=tuple(actors),
        mentions=tuple(_mention(text, sentences, actor_id, word) for actor_id, word in mentioned),
        claims=tuple(_claim(text, sentences, item) for item in said),
    )


def _sentences(lines: Sequence[str]) -> Iterator[Sentence]:
    start = 0
    for index, line in enumerate(lines):
        yield Sentence(index=index, paragraph=0, start=start, end=start + len(line), text=line)
        start += len(line) + 1


def _sentence_at(sentences: Sequence[Sentence], offset: int) -> int:
    return next(s.index for s in sentences if s.start <= offset < s.end)


def _mention(text: str, sentences: Sequence[Sentence], actor_id: str, word: str) -> Mention:
    start = text.index(word)
    return Mention(
        actor_id=actor_id,
        sentence_index=_sentence_at(sentences, start),
        start=start,
        end=start + len(word),
        text=word,
    )


def _claim(text: str, sentences: Sequence[Sentence], item: Said) -> Claim:
    start = text.index(item.fragment)
    return Claim(
        actor_id=item.actor_id,
        kind=item.kind,
        stance=item.stance,
        proposition=item.proposition,
        conditions=("if NATO agrees",) if "NATO" in item.fragment else (),
        modality="will",
        speaker_id="antonio-costa" if item.actor_id == "antonio-costa" else None,
        speaker="António Costa" if item.actor_id == "antonio-costa" else None,
        sentence_index=_sentence_at(sentences, start),
        start=start,
        end=start + len(item.fragment),
        date=item.date,
    )


POLAND_TROOPS = "Poland will send troops to Ukraine if NATO agrees."
EU_TARIFFS = "The EU opposes new tariffs."
COSTA_TROOPS = "António Costa said Europe should not send troops to Ukraine."


def sample() -> Analysis:
    return analysis(
        "doc-a",
        [POLAND_TROOPS, EU_TARIFFS, COSTA_TROOPS],
        [
            Said("poland", POLAND_TROOPS, date=dt.date(2024, 3, 1)),
            Said("european-union", EU_TARIFFS, "opposes", TARIFFS, date=dt.date(2024, 3, 1)),
            Said("antonio-costa", COSTA_TROOPS, "opposes", date=dt.date(2024, 3, 1)),
        ],
        mentioned=[("poland", "Poland"), ("european-union", "EU"), ("antonio-costa", "Costa")],
    )


# --- saving and reading back ---------------------------------------------------------------


def test_saved_claim_reads_back_with_its_evidence(store: Store) -> None:
    saved = sample()
    store.save_analysis(saved)

    [cited] = store.cited_claims("poland")

    assert cited.claim == saved.claims[0]
    assert cited.evidence == Evidence(
        document="doc-a.txt",
        title="Title of doc-a",
        source="Example Times",
        url="https://example.org/doc-a",
        published=dt.date(2024, 3, 1),
        quote=POLAND_TROOPS,
        start=0,
        end=len(POLAND_TROOPS),
        speaker=None,
    )
    assert cited.evidence.quote == saved.document.text[cited.claim.start : cited.claim.end]
    assert CitedClaim.model_validate(cited.model_dump()) == cited  # a well-formed model


def test_saved_document_reads_back(store: Store) -> None:
    saved = sample()
    store.save_analysis(saved)

    assert store.get_document("doc-a") == saved.document
    assert store.checksum_of("doc-a") == "v1"
    assert store.document_count() == 1
    assert store.get_document("missing") is None
    assert store.checksum_of("missing") is None


def test_speaker_and_conditions_survive_the_round_trip(store: Store) -> None:
    store.save_analysis(sample())

    [costa] = store.cited_claims("antonio-costa")
    [poland] = store.cited_claims("poland")

    assert costa.evidence.speaker == "António Costa"
    assert costa.claim.speaker_id == "antonio-costa"
    assert poland.claim.conditions == ("if NATO agrees",)


def test_resaving_a_document_leaves_one_copy_of_every_row(backend: Backend) -> None:
    backend.store.save_analysis(sample())
    before = row_counts(backend.url)

    backend.store.save_analysis(sample())

    assert row_counts(backend.url) == before
    assert before["claims"] == 3
    assert before["actor_aliases"] == 3
    assert len(backend.store.cited_claims("poland")) == 1
    assert backend.store.search("tariffs") == [("doc-a", 1)]  # the FTS row is not doubled


def test_changed_document_replaces_its_old_claims(store: Store) -> None:
    store.save_analysis(sample())
    changed_line = "Poland will not send troops to Ukraine."
    changed = analysis(
        "doc-a",
        [changed_line],
        [Said("poland", changed_line, "opposes")],
        checksum="v2",
    )

    store.save_analysis(changed)

    assert [c.claim.stance for c in store.cited_claims("poland")] == ["opposes"]
    assert store.cited_claims("european-union") == []
    assert store.search("tariffs") == []
    assert store.checksum_of("doc-a") == "v2"


def test_save_analyses_saves_a_batch(store: Store) -> None:
    other = analysis("doc-b", [EU_TARIFFS], [Said("european-union", EU_TARIFFS, "opposes")])

    store.save_analyses([sample(), other])

    assert store.document_count() == 2
    assert {c.evidence.document for c in store.cited_claims("european-union")} == {
        "doc-a.txt",
        "doc-b.txt",
    }


def _with_claim_span(base: Analysis, start: int, end: int) -> Analysis:
    claim = base.claims[0].model_copy(update={"start": start, "end": end})
    return base.model_copy(update={"claims": (claim, *base.claims[1:])})


@pytest.mark.parametrize(
    ("start", "end"),
    [(5, 5), (10, 4), (-5, 3), (0, 10_000)],
    ids=["empty", "reversed", "negative", "past-the-end"],
)
def test_bad_claim_span_raises_and_writes_nothing(backend: Backend, start: int, end: int) -> None:
    backend.store.save_analysis(sample())
    before = row_counts(backend.url)
    changed = _with_claim_span(sample(), start, end).model_copy(
        update={"document": sample().document.model_copy(update={"checksum": "v2"})}
    )
    fine = analysis("doc-b", [EU_TARIFFS], [Said("european-union", EU_TARIFFS, "opposes")])

    with pytest.raises(StoreError, match="claim"):
        backend.store.save_analyses([fine, changed])

    assert row_counts(backend.url) == before
    assert backend.store.checksum_of("doc-a") == "v1"
    assert backend.store.get_document("doc-b") is None


def test_mention_that_does_not_match_the_text_raises(store: Store) -> None:
    base = sample()
    wrong = base.mentions[0].model_copy(update={"text": "Hungary"})
    bad = base.model_copy(update={"mentions": (wrong, *base.mentions[1:])})

    with pytest.raises(StoreError, match="mention"):
        store.save_analysis(bad)

    assert store.document_count() == 0


def test_delete_document_removes_all_its_rows(backend: Backend) -> None:
    backend.store.save_analysis(sample())

    backend.store.delete_document("doc-a")

    counts = row_counts(backend.url)
    assert [counts[t] for t in ("documents", "sentences", "mentions", "claims")] == [0, 0, 0, 0]
    assert backend.store.search("tariffs") == []


# --- search ----------------------------------------------------------------------------


def test_search_finds_sentences_with_every_word(store: Store) -> None:
    store.save_analysis(sample())

    assert store.search("tariffs") == [("doc-a", 1)]
    assert sorted(store.search("troops Ukraine")) == [("doc-a", 0), ("doc-a", 2)]
    assert store.search("troops tariffs") == []
    assert store.search("troops", limit=1) in ([("doc-a", 0)], [("doc-a", 2)])


def test_search_ranks_the_more_relevant_sentence_first(store: Store) -> None:
    lines = ["Troops, troops and more troops for Ukraine.", "Ukraine asked for help and troops."]
    store.save_analysis(analysis("doc-r", lines))

    assert store.search("troops") == [("doc-r", 0), ("doc-r", 1)]


@pytest.mark.parametrize(
    "query", ['"tariffs', "tariffs AND", "tariffs*", "NEAR(tariffs", "-tariffs", "tariffs:"]
)
def test_search_treats_query_syntax_as_plain_words(store: Store, query: str) -> None:
    store.save_analysis(sample())

    found = store.search(query)  # must not raise a syntax error

    assert found in ([], [("doc-a", 1)])


def test_search_without_words_finds_nothing(store: Store) -> None:
    store.save_analysis(sample())

    assert store.search("  --  ") == []
    assert store.search("tariffs", limit=0) == []


def test_sqlite_search_folds_diacritics(sqlite_backend: Backend) -> None:
    # PostgreSQL's 'english' configuration keeps accents, so this is SQLite-only.
    sqlite_backend.store.save_analysis(sample())

    assert sqlite_backend.store.search("Antonio") == [("doc-a", 2)]
    assert sqlite_backend.store.search("ANTÓNIO costa") == [("doc-a", 2)]


def test_fts5_query_quotes_every_term() -> None:
    assert fts5_query('NEAR(a b) say "no" * -') == '"NEAR(a" "b)" "say" """no"""'


def test_trusted_models_carry_what_model_construct_sets() -> None:
    # Guards the read path's shortcut against pydantic changing its internals.
    values = dict(sample().claims[0])
    built = _trusted(Claim, dict(values))
    reference = Claim.model_construct(**values)

    for attribute in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__"):
        assert getattr(built, attribute) == getattr(reference, attribute)
    assert built.__pydantic_private__ == reference.__pydantic_private__


# --- claims ----------------------------------------------------------------------------


def _dated_claims() -> Analysis:
    lines = ["Poland agreed in January.", "Poland agreed in March.", "Poland agreed once."]
    return analysis(
        "doc-d",
        lines,
        [
            Said("poland", lines[0], date=dt.date(2024, 1, 10)),
            Said("poland", lines[1], date=dt.date(2024, 3, 1)),
            Said("poland", lines[2], date=None),
        ],
    )


def test_cited_claims_are_newest_first_with_unknown_dates_last(store: Store) -> None:
    store.save_analysis(_dated_claims())

    dates = [c.claim.date for c in store.cited_claims("poland")]

    assert dates == [dt.date(2024, 3, 1), dt.date(2024, 1, 10), None]


def test_since_keeps_claims_on_or_after_the_date(store: Store) -> None:
    store.save_analysis(_dated_claims())

    dates = [c.claim.date for c in store.cited_claims("poland", since=dt.date(2024, 1, 10))]

    assert dates == [dt.date(2024, 3, 1), dt.date(2024, 1, 10)]
    assert store.cited_claims("poland", since=dt.date(2024, 3, 2)) == []


def test_context_claims_only_when_asked(store: Store) -> None:
    line = "Poland hosted the summit on Ukraine."
    store.save_analysis(analysis("doc-c", [line], [Said("poland", line, None, kind="context")]))

    assert store.cited_claims("poland") == []
    assert [c.claim.kind for c in store.cited_claims("poland", include_context=True)] == ["context"]


def test_cited_claims_for_propositions_returns_stance_claims_of_any_actor(store: Store) -> None:
    context_line = "Poland debated troops for Ukraine."
    store.save_analysis(sample())
    store.save_analysis(
        analysis("doc-c", [context_line], [Said("poland", context_line, None, kind="context")])
    )

    found = store.cited_claims_for_propositions([TROOPS])

    assert sorted((ref.id, cited.claim.stance) for ref, cited in found) == [
        ("antonio-costa", "opposes"),
        ("poland", "supports"),
    ]
    assert ActorRef(id="poland", name="Poland", kind="country") in [ref for ref, _ in found]
    assert {cited.claim.proposition for _, cited in found} == {TROOPS}
    assert len(store.cited_claims_for_propositions([TROOPS, TARIFFS])) == 3
    assert store.cited_claims_for_propositions([]) == []
    assert store.cited_claims_for_propositions([TROOPS], since=dt.date(2024, 3, 2)) == []


def test_actor_summaries_count_stance_claims_and_documents(store: Store) -> None:
    poland_line = "Poland will send troops."
    context_line = "Poland hosted talks."
    store.save_analysis(sample())
    store.save_analysis(
        analysis(
            "doc-b",
            [poland_line, context_line],
            [Said("poland", poland_line), Said("poland", context_line, None, kind="context")],
        )
    )
    store.save_analysis(
        analysis("doc-c", ["Poland was mentioned."], mentioned=[("poland", "Poland")])
    )
    store.save_analysis(
        analysis("doc-e", ["The EU was mentioned."], mentioned=[("european-union", "EU")])
    )

    summaries = [(s.actor.id, s.claims, s.documents) for s in store.actor_summaries()]

    assert summaries == [
        ("poland", 2, 3),  # docs a and b by claim, c by mention
        ("antonio-costa", 1, 1),
        ("european-union", 1, 2),
    ]


# --- cloning ---------------------------------------------------------------------------


def test_clone_copies_every_row_under_the_new_name(backend: Backend) -> None:
    store = backend.store
    store.save_analysis(sample())

    store.clone_document("doc-a", "doc-a-2", "copy-2.txt")

    clone = store.get_document("doc-a-2")
    assert clone is not None
    assert clone.name == "copy-2.txt"
    assert clone.text == sample().document.text
    cited = store.cited_claims("poland")
    assert sorted(c.evidence.document for c in cited) == ["copy-2.txt", "doc-a.txt"]
    assert {c.evidence.quote for c in cited} == {POLAND_TROOPS}
    assert sorted(store.search("tariffs")) == [("doc-a", 1), ("doc-a-2", 1)]
    counts = row_counts(backend.url)
    assert [counts[t] for t in ("documents", "sentences", "mentions", "claims")] == [2, 6, 6, 6]


def test_clone_of_an_unknown_document_raises(store: Store) -> None:
    with pytest.raises(StoreError, match="not in the store"):
        store.clone_document("missing", "copy", "copy.txt")


def test_clone_onto_itself_raises(store: Store) -> None:
    store.save_analysis(sample())

    with pytest.raises(StoreError, match="onto itself"):
        store.clone_document("doc-a", "doc-a", "doc-a.txt")

    assert len(store.cited_claims("poland")) == 1


def test_clone_twice_to_the_same_id_replaces_the_copy(store: Store) -> None:
    store.save_analysis(sample())

    store.clone_document("doc-a", "doc-a-2", "copy-2.txt")
    store.clone_document("doc-a", "doc-a-2", "copy-2.txt")

    assert len(store.cited_claims("poland")) == 2
    assert len(store.search("tariffs")) == 2


# --- actors ----------------------------------------------------------------------------


def test_actor_upsert_keeps_known_details_and_merges_aliases(store: Store) -> None:
    store.upsert_actors([COSTA])
    renamed = Actor(
        id="antonio-costa",
        name="A. Costa",
        kind="person",
        aliases=("Costa", "Mr Costa"),
        affiliation=None,
        title="Former Prime Minister",
    )

    store.upsert_actors([renamed])

    assert store.get_actor("antonio-costa") == Actor(
        id="antonio-costa",
        name="António Costa",
        kind="person",
        aliases=("Costa", "Mr Costa"),
        affiliation="european-union",
        title="Former Prime Minister",
    )


def test_actors_saved_with_analyses_are_listed(store: Store) -> None:
    first = COSTA.model_copy(update={"title": None, "aliases": ("Costa", "A. Costa")})
    store.save_analyses(
        [analysis("doc-a", ["One."], actors=[COSTA]), analysis("doc-b", ["Two."], actors=[first])]
    )

    assert store.list_actors() == [
        COSTA.model_copy(update={"aliases": ("A. Costa", "Costa")}),
    ]
    assert store.get_actor("nobody") is None


def test_create_schema_is_idempotent(store: Store) -> None:
    store.save_analysis(sample())

    store.create_schema()
    store.create_schema()

    assert store.search("tariffs") == [("doc-a", 1)]


@pytest.mark.postgres
def test_postgres_search_uses_the_gin_index(postgres_url: str) -> None:
    with Store(postgres_url) as store:
        store.create_schema()
        store.save_analysis(sample())
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: force the choice
            # the query the store runs: documents found through the index on their text
            query = search_module._postgres_search_query("tariffs", 50)
            sql = query.compile(conn, compile_kwargs={"literal_binds": True})
            plan = conn.exec_driver_sql(f"EXPLAIN {sql}").scalars()
            assert "ix_documents_text_tsv" in "\n".join(plan)
    finally:
        engine.dispose()


# --- SQLite specifics ------------------------------------------------------------------


def test_open_sqlite_creates_the_folder_and_turns_on_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "briefbot.db"

    with Store.open_sqlite(path) as store:
        store.save_analysis(sample())

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with Store.open_sqlite(path) as reopened:
        assert reopened.document_count() == 1


def test_sqlite_connections_get_the_pragmas(sqlite_backend: Backend) -> None:
    pragmas = ("foreign_keys", "journal_mode", "busy_timeout", "synchronous")
    with sqlite_backend.store._engine.connect() as conn:
        values = [conn.exec_driver_sql(f"PRAGMA {name}").scalar() for name in pragmas]

    assert values == [1, "wal", 5000, 1]  # synchronous 1 is NORMAL


def test_unopenable_database_raises_store_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'briefbot.db'}"

    with pytest.raises(StoreError, match="Cannot open the database") as raised:
        Store(url)

    assert isinstance(raised.value.__cause__, SQLAlchemyError)


def test_reading_a_database_without_tables_raises_store_error(tmp_path: Path) -> None:
    with (
        Store(f"sqlite:///{tmp_path / 'empty.db'}") as store,
        pytest.raises(StoreError, match="Cannot read the claims") as raised,
    ):
        store.cited_claims("poland")

    assert isinstance(raised.value.__cause__, SQLAlchemyError)


# --- reading big stores: newest per group, group counts, matrix caps --------------------


def _opposing_and_supporting() -> Analysis:
    lines = [
        "Poland agreed in January.",
        "Poland agreed in March.",
        "Poland refused in May.",
        "Poland refused in June.",
        "Poland refused again.",
    ]
    dates = [dt.date(2024, 1, 10), dt.date(2024, 3, 1), dt.date(2024, 5, 2), dt.date(2024, 6, 3)]
    return analysis(
        "doc-g",
        lines,
        [
            Said("poland", lines[0], date=dates[0]),
            Said("poland", lines[1], date=dates[1]),
            Said("poland", lines[2], "opposes", date=dates[2]),
            Said("poland", lines[3], "opposes", date=dates[3]),
            Said("poland", lines[4], "opposes", date=None),
            Said("antonio-costa", lines[0], date=dates[0]),
        ],
    )


def test_per_group_keeps_the_newest_claims_of_each_stance(store: Store) -> None:
    """per_group=1 keeps one claim per (proposition, stance): the newest, in evidence order."""
    store.save_analysis(_opposing_and_supporting())

    kept = store.cited_claims("poland", per_group=1)

    assert [(c.claim.stance, c.claim.date) for c in kept] == [
        ("opposes", dt.date(2024, 6, 3)),
        ("supports", dt.date(2024, 3, 1)),
    ]
    assert len(store.cited_claims("poland", per_group=2)) == 4
    assert len(store.cited_claims("poland")) == 5


def test_claim_groups_count_every_claim_and_span_their_dates(store: Store) -> None:
    """Totals, distinct documents and first/last dates per (proposition, stance)."""
    store.save_analysis(_opposing_and_supporting())
    store.clone_document("doc-g", "doc-h", "doc-h.txt")

    groups = {(g.proposition, g.stance): g for g in store.claim_groups("poland")}

    assert set(groups) == {(TROOPS, "supports"), (TROOPS, "opposes")}
    supports, opposes = groups[(TROOPS, "supports")], groups[(TROOPS, "opposes")]
    assert (supports.total, supports.documents) == (4, 2)
    assert (supports.first_seen, supports.last_seen) == (dt.date(2024, 1, 10), dt.date(2024, 3, 1))
    assert (opposes.total, opposes.documents) == (6, 2)
    assert opposes.last_seen == dt.date(2024, 6, 3)
    assert {g.stance for g in store.claim_groups("poland", since=dt.date(2024, 4, 1))} == {
        "opposes"
    }


def _one_story_three_outlets() -> list[Analysis]:
    """Three outlets' copies of one story, each stating Poland's stance twice; the third
    copy a day later."""
    copies = []
    for n, outlet in enumerate(("Kyiv Wire", "Northern Ledger", "Continental Post")):
        lines = [f"Poland refused, {outlet} reports.", f"Poland refused again, {outlet} adds."]
        day = dt.date(2026, 1, 7) if n == 2 else dt.date(2026, 1, 6)
        made = analysis(
            f"copy-{n}",
            lines,
            [Said("poland", line, "opposes", date=day) for line in lines],
            published=day,
        )
        document = made.document.model_copy(update={"source": outlet})
        copies.append(made.model_copy(update={"document": document}))
    return copies


def test_per_group_takes_one_document_at_a_time(store: Store) -> None:
    """Three quotes of a story three outlets carried: one from each, the newest first."""
    store.save_analyses(_one_story_three_outlets())

    kept = store.cited_claims("poland", per_group=3)

    assert [c.evidence.source for c in kept] == ["Continental Post", "Kyiv Wire", "Northern Ledger"]
    assert all("again" not in c.evidence.quote for c in kept)  # each document's first
    assert len(store.cited_claims("poland", per_group=4)) == 4


def test_claim_groups_name_their_outlets_most_documents_first(store: Store) -> None:
    copies = _one_story_three_outlets()
    store.save_analyses(copies)
    store.clone_document("copy-0", "copy-3", "copy-3.txt")  # Kyiv Wire twice

    (group,) = store.claim_groups("poland")

    assert group.outlets == ("Kyiv Wire", "Continental Post", "Northern Ledger")
    since = store.claim_groups("poland", since=dt.date(2026, 1, 7))
    assert [g.outlets for g in since] == [("Continental Post",)]


def test_matrix_rows_can_be_capped_per_actor_and_leave_people_out(store: Store) -> None:
    """per_actor keeps each actor's newest claims; collectives_only drops people."""
    store.save_analysis(_opposing_and_supporting())

    capped = store.cited_claims_for_propositions([TROOPS], per_actor=2, collectives_only=True)

    assert [(ref.id, c.claim.date) for ref, c in capped] == [
        ("poland", dt.date(2024, 6, 3)),
        ("poland", dt.date(2024, 5, 2)),
    ]
    everyone = store.cited_claims_for_propositions([TROOPS])
    assert {ref.id for ref, _ in everyone} == {"poland", "antonio-costa"}


# --- ingestion times and digest windows ---------------------------------------------------

DAY_1 = dt.datetime(2026, 1, 5, 7, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2026, 1, 11, 7, 0, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 12, 7, 0, tzinfo=dt.UTC)
IN_WINDOW = dt.datetime(2026, 1, 11, 19, 30, tzinfo=dt.UTC)


def stamped(base: Analysis, ingested_at: dt.datetime | None) -> Analysis:
    """The analysis with its document stamped as ingested at `ingested_at`."""
    document = base.document.model_copy(update={"ingested_at": ingested_at})
    return base.model_copy(update={"document": document})


def said_on(
    doc_id: str,
    line: str,
    stance: Stance,
    date: dt.date,
    ingested_at: dt.datetime | None,
    *,
    actor_id: str = "poland",
    proposition: str = TROOPS,
) -> Analysis:
    """A one-sentence document in which `actor_id` states `stance` on `proposition`."""
    return stamped(
        analysis(
            doc_id,
            [line],
            [Said(actor_id, line, stance, proposition, date=date)],
            published=date,
        ),
        ingested_at,
    )


def test_ingested_at_reads_back_in_utc(store: Store) -> None:
    """An aware stamp in any zone is kept as the same moment in UTC; None stays None."""
    warsaw = dt.timezone(dt.timedelta(hours=1))
    store.save_analysis(stamped(sample(), dt.datetime(2026, 1, 11, 20, 30, 15, 250, tzinfo=warsaw)))
    store.save_analysis(_dated_claims())

    document = store.get_document("doc-a")
    assert document is not None
    assert document.ingested_at == dt.datetime(2026, 1, 11, 19, 30, 15, 250, tzinfo=dt.UTC)
    assert document.ingested_at.tzinfo == dt.UTC
    assert store.get_document("doc-d") == _dated_claims().document  # unstamped
    assert _dated_claims().document.ingested_at is None


def test_resaving_a_changed_document_replaces_its_stamp(store: Store) -> None:
    store.save_analysis(stamped(sample(), DAY_1))
    store.save_analysis(stamped(sample(), IN_WINDOW))

    document = store.get_document("doc-a")
    assert document is not None and document.ingested_at == IN_WINDOW


def test_clone_keeps_the_ingestion_time(store: Store) -> None:
    store.save_analysis(stamped(sample(), IN_WINDOW))

    store.clone_document("doc-a", "doc-b", "doc-b.txt")

    clone = store.get_document("doc-b")
    assert clone is not None and clone.ingested_at == IN_WINDOW


def test_a_naive_stamp_is_refused_by_the_store(store: Store) -> None:
    """The column keeps UTC; a stamp without a zone is a bug, not a UTC time."""
    naive = dt.datetime(2026, 1, 11, 7, 0)  # noqa: DTZ001
    # model_construct gets past the model's own check, as a careless caller could
    document = Document.model_construct(**{**sample().document.model_dump(), "ingested_at": naive})

    with pytest.raises(StoreError, match="no time zone"):
        store.save_analysis(sample().model_copy(update={"document": document}))
    assert store.document_count() == 0


def _old_schema(url: str) -> None:
    """Turn a fresh store into one made before documents.ingested_at existed."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_documents_ingested_at")
            conn.exec_driver_sql("ALTER TABLE documents DROP COLUMN ingested_at")
        with engine.connect() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("documents")}
        assert "ingested_at" not in columns
    finally:
        engine.dispose()


def test_create_schema_migrates_a_database_without_ingested_at(backend: Backend) -> None:
    """An old database keeps its rows, gains the column (NULL) and its index, and works."""
    backend.store.save_analysis(
        said_on("old", "Poland refused.", "opposes", dt.date(2025, 6, 1), None)
    )
    backend.store.close()
    _old_schema(backend.url)

    with Store(backend.url) as reopened:
        reopened.create_schema()
        reopened.create_schema()  # the migration is safe to repeat
        document = reopened.get_document("old")
        assert document is not None and document.ingested_at is None
        reopened.save_analysis(
            said_on("new", "Poland agreed.", "supports", dt.date(2026, 1, 11), IN_WINDOW)
        )
        reads = reopened.digest_claims(since=SINCE, until=UNTIL)

    # the unstamped document counts as ingested before any window
    assert [c.evidence.document for _, c in reads.before] == ["old.txt"]
    assert [c.evidence.document for _, c in reads.after] == ["new.txt"]
    engine = sa.create_engine(backend.url)
    try:
        with engine.connect() as conn:
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("documents")}
        assert "ix_documents_ingested_at" in indexes
    finally:
        engine.dispose()


def test_sqlite_store_built_by_hand_with_the_old_table_opens(tmp_path: Path) -> None:
    """A SQLite file whose documents table is the old DDL, byte for byte, opens and works."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE documents (id VARCHAR NOT NULL, name VARCHAR NOT NULL, "
            "title VARCHAR NOT NULL, source VARCHAR, url VARCHAR, published DATE, "
            "date_from_text BOOLEAN NOT NULL, text TEXT NOT NULL, body_start INTEGER NOT NULL, "
            "checksum VARCHAR NOT NULL, PRIMARY KEY (id))"
        )
        conn.execute(
            "INSERT INTO documents VALUES ('old', 'old.txt', 'Old', NULL, NULL, '2025-06-01', "
            "0, 'Poland refused.', 0, 'v0')"
        )

    with Store.open_sqlite(path) as store:
        old = store.get_document("old")
        store.save_analysis(stamped(sample(), IN_WINDOW))
        fresh = store.get_document("doc-a")

    assert old is not None and old.ingested_at is None and old.text == "Poland refused."
    assert fresh is not None and fresh.ingested_at == IN_WINDOW


def _digest_corpus() -> list[Analysis]:
    """Poland on troops before and in the window, plus what a digest must leave out."""
    jan, feb = dt.date(2026, 1, 2), dt.date(2026, 1, 11)
    return [
        said_on("unstamped", "Poland agreed long ago.", "supports", dt.date(2025, 1, 1), None),
        said_on("early", "Poland refused in January.", "opposes", jan, DAY_1),
        said_on("at-since", "Poland refused again.", "opposes", jan, SINCE),  # since: earlier
        said_on("in-window", "Poland agreed today.", "supports", feb, IN_WINDOW),
        said_on("at-until", "Poland agreed once more.", "supports", feb, UNTIL),  # until: in
        said_on("too-late", "Poland refused later.", "opposes", feb, UNTIL + dt.timedelta(hours=1)),
        # a pair with no claims in the window: its earlier claims are not read
        said_on(
            "tariffs",
            "The EU opposes new tariffs.",
            "opposes",
            jan,
            DAY_1,
            actor_id="european-union",
            proposition=TARIFFS,
        ),
        # a person: left out unless asked for
        said_on(
            "costa", "António Costa agreed.", "supports", feb, IN_WINDOW, actor_id="antonio-costa"
        ),
        # a window document with only a context claim carries no digest claim
        stamped(
            analysis(
                "context",
                ["Poland hosted talks."],
                [Said("poland", "Poland hosted talks.", None, kind="context")],
            ),
            IN_WINDOW,
        ),
    ]


def test_digest_claims_split_by_the_window(store: Store) -> None:
    """(since, until]: after holds the window's claims; before the earlier ones of its pairs."""
    store.save_analyses(_digest_corpus())

    reads = store.digest_claims(since=SINCE, until=UNTIL)

    assert sorted(c.evidence.document for _, c in reads.after) == ["at-until.txt", "in-window.txt"]
    assert [c.evidence.document for _, c in reads.before] == [
        "at-since.txt",
        "early.txt",
        "unstamped.txt",
    ]  # newest claim first, the unstamped one counted as earlier
    assert {ref.id for ref, _ in (*reads.before, *reads.after)} == {"poland"}
    assert sorted(s.document for s in reads.new_documents) == ["at-until.txt", "in-window.txt"]


def test_digest_claims_cap_the_earlier_claims_per_actor_and_proposition(store: Store) -> None:
    store.save_analyses(_digest_corpus())

    reads = store.digest_claims(since=SINCE, until=UNTIL, before_per_pair=1)

    assert [c.evidence.document for _, c in reads.before] == ["at-since.txt"]


def test_digest_claims_of_given_actors_include_people(store: Store) -> None:
    store.save_analyses(_digest_corpus())

    reads = store.digest_claims(["antonio-costa"], since=SINCE, until=UNTIL)

    assert [(ref.id, c.evidence.document) for ref, c in reads.after] == [
        ("antonio-costa", "costa.txt")
    ]
    assert reads.before == ()
    assert [s.document for s in reads.new_documents] == ["costa.txt"]


def test_digest_claims_on_given_propositions(store: Store) -> None:
    store.save_analyses(_digest_corpus())

    assert store.digest_claims(propositions=[TARIFFS], since=SINCE, until=UNTIL).after == ()
    assert store.digest_claims(propositions=[], since=SINCE, until=UNTIL).after == ()
    on_troops = store.digest_claims(propositions=[TROOPS], since=SINCE, until=UNTIL)
    assert len(on_troops.after) == 2 and len(on_troops.before) == 3


def test_digest_claims_of_an_empty_window_are_empty(store: Store) -> None:
    store.save_analyses(_digest_corpus())

    later = UNTIL + dt.timedelta(days=1)
    assert store.digest_claims(since=later, until=later + dt.timedelta(days=1)).after == ()


def test_digest_claims_read_earlier_claims_in_chunks_of_pairs(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many pairs are read a few at a time (bound parameters); the result is the same."""
    corpus = [
        *_digest_corpus(),
        said_on(
            "eu-early",
            "The EU refused.",
            "opposes",
            dt.date(2026, 1, 2),
            DAY_1,
            actor_id="european-union",
        ),
        said_on(
            "eu-now",
            "The EU agreed.",
            "supports",
            dt.date(2026, 1, 11),
            IN_WINDOW,
            actor_id="european-union",
        ),
    ]
    store.save_analyses(corpus)
    whole = store.digest_claims(since=SINCE, until=UNTIL)

    monkeypatch.setattr(repository, "_IN_CHUNK", 2)  # one pair per query
    chunked = store.digest_claims(since=SINCE, until=UNTIL)

    def documents(reads: DigestReads) -> list[tuple[str, str]]:
        return sorted((ref.id, c.evidence.document) for ref, c in reads.before)

    assert (
        documents(chunked)
        == documents(whole)
        == [
            ("european-union", "eu-early.txt"),
            ("poland", "at-since.txt"),
            ("poland", "early.txt"),
            ("poland", "unstamped.txt"),
        ]
    )
