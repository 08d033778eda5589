"""Digests end to end: a corpus ingested in two steps by the real service and spaCy model."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from briefs.analyzer import Analyzer
from briefs.catalog import Catalog
from briefs.errors import UnknownActorError, UnknownTopicError
from briefs.files import read_document
from briefs.models import DigestRequest
from briefs.render.json import digest_to_json
from briefs.render.text import digest_to_text
from briefs.service import BriefingService
from briefs.store import Store
from briefs.topics import TopicCatalog

STEP_1 = "Poland will not send troops to Ukraine, Prime Minister Donald Tusk said."
STEP_2 = (
    "Poland is now ready to send troops to Ukraine if a ceasefire is established, "
    "Prime Minister Donald Tusk said."
)
TROOPS = "send troops to Ukraine"
INGESTED_1 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
INGESTED_2 = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
BETWEEN = dt.datetime(2026, 1, 8, 0, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2026, 1, 12, 10, 0, tzinfo=dt.UTC)


def article(folder: Path, name: str, title: str, published: str, body: str) -> Path:
    """An article file in the corpus header format."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(
        f"title: {title}\nsource: Test Wire\nurl: https://example.org/{name}\n"
        f"published: {published}\n---\n{body}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("digest-corpus")
    first = article(root, "step-1.txt", "Tusk rules out troops", "2026-01-05", STEP_1)
    second = article(root, "step-2.txt", "Tusk ready to send troops", "2026-01-12", STEP_2)
    return first, second


@pytest.fixture(scope="module")
def two_steps(
    tmp_path_factory: pytest.TempPathFactory,
    service_at: Callable[[Path], BriefingService],
    corpus: tuple[Path, Path],
) -> BriefingService:
    """The service as the bot wires it; step 1 ingested a week before step 2."""
    service = service_at(tmp_path_factory.mktemp("digest-db") / "t.db")
    first, second = corpus
    assert service.ingest([first], now=INGESTED_1).summary == "1 ingested, 0 unchanged, 0 skipped"
    assert service.ingest([second], now=INGESTED_2).summary == "1 ingested, 0 unchanged, 0 skipped"
    return service


def test_the_engine_reads_step_1_as_opposes_and_step_2_as_supports(
    two_steps: BriefingService,
) -> None:
    claims = two_steps.store.cited_claims("poland")

    read = sorted((c.evidence.document, c.claim.stance, c.claim.proposition) for c in claims)
    assert read == [("step-1.txt", "opposes", TROOPS), ("step-2.txt", "supports", TROOPS)]


def test_ingest_stamps_each_document_with_its_now(
    two_steps: BriefingService, corpus: tuple[Path, Path]
) -> None:
    assert [_stamp(two_steps, path) for path in corpus] == [INGESTED_1, INGESTED_2]


def test_the_digest_shows_the_shift_with_both_quotes_and_dates(
    two_steps: BriefingService, corpus: tuple[Path, Path]
) -> None:
    result = two_steps.digest(DigestRequest(actors=("poland",), since=BETWEEN, until=AFTER))

    [item] = result.changes
    change = item.change
    assert (item.actor.id, change.proposition) == ("poland", TROOPS)
    assert (change.before, change.after) == ("opposes", "supports")
    assert (change.before_date, change.after_date) == (dt.date(2026, 1, 5), dt.date(2026, 1, 12))
    [before], [after] = change.before_evidence, change.after_evidence
    assert (before.document, before.quote) == ("step-1.txt", STEP_1)
    assert (after.document, after.quote) == ("step-2.txt", STEP_2)
    for evidence, path in ((before, corpus[0]), (after, corpus[1])):
        assert path.read_text("utf-8")[evidence.start : evidence.end] == evidence.quote
    assert result.new_positions == ()
    assert [s.document for s in result.new_sources] == ["step-2.txt"]  # step 1 is not new
    assert result.actors[0].name == "Poland"


def test_the_digest_renders_the_shift(two_steps: BriefingService) -> None:
    result = two_steps.digest(DigestRequest(actors=("Poland",), since=BETWEEN, until=AFTER))

    text = digest_to_text(result)
    data = json.loads(digest_to_json(result))

    assert "OPPOSES (2026-01-05) → SUPPORTS (2026-01-12)" in text
    assert f"“{STEP_1}”" in text and f"“{STEP_2}”" in text
    [change] = data["changes"]
    assert change["before_evidence"][0]["quote"] == STEP_1
    assert change["after_evidence"][0]["quote"] == STEP_2
    assert [s["document"] for s in data["new_sources"]] == ["step-2.txt"]


def test_the_first_steps_digest_has_a_new_position(two_steps: BriefingService) -> None:
    first_morning = INGESTED_1 + dt.timedelta(hours=12)

    result = two_steps.digest(DigestRequest(actors=("poland",), until=first_morning))

    assert result.since == first_morning - dt.timedelta(days=1)
    assert result.changes == ()
    [new] = result.new_positions
    assert (new.point.stance, new.point.evidence[0].quote) == ("opposes", STEP_1)
    assert [s.document for s in result.new_sources] == ["step-1.txt"]


def test_a_quiet_day_is_an_empty_digest(two_steps: BriefingService) -> None:
    result = two_steps.digest(
        DigestRequest(actors=("poland",), topic="troops", until=AFTER + dt.timedelta(days=2))
    )

    assert result.empty
    assert digest_to_text(result) == "No change since 2026-01-13 10:00 UTC for Poland on 'troops'."


def test_digests_filter_by_topic_and_leave_people_out_unless_asked(
    two_steps: BriefingService,
) -> None:
    window = {"since": BETWEEN, "until": AFTER}

    everyone = two_steps.digest(DigestRequest(**window))
    on_troops = two_steps.digest(DigestRequest(topic="troops", **window))
    tusk = two_steps.digest(DigestRequest(actors=("Donald Tusk",), **window))

    assert [c.actor.id for c in everyone.changes] == ["poland"]
    assert [c.actor.id for c in on_troops.changes] == ["poland"]
    assert [c.actor.id for c in tusk.changes] == ["donald-tusk"]


def test_unknown_actors_and_topics_raise(two_steps: BriefingService) -> None:
    with pytest.raises(UnknownActorError):
        two_steps.digest(DigestRequest(actors=("Narnia",), until=AFTER))
    with pytest.raises(UnknownTopicError):
        two_steps.digest(DigestRequest(topic="zz", until=AFTER))
    with pytest.raises(UnknownTopicError):
        two_steps.digest(DigestRequest(topic="quantum gravity", until=AFTER))


def test_ingest_uses_the_clock_and_restamps_only_changed_files(
    tmp_path: Path, analyzer: Analyzer, catalog: Catalog, topics: TopicCatalog
) -> None:
    times = iter([INGESTED_1, INGESTED_2, AFTER])
    with Store.open_sqlite(tmp_path / "clock.db") as store:
        service = BriefingService(
            store, catalog, topics, lambda: analyzer, clock=lambda: next(times)
        )
        path = article(tmp_path / "in", "a.txt", "A", "2026-01-05", STEP_1)
        service.ingest([path])
        service.ingest([path])  # unchanged: keeps its stamp
        stamp_after_rereading = _stamp(service, path)
        path.write_text(path.read_text("utf-8") + "\nMore text.\n", encoding="utf-8")
        service.ingest([path])  # changed: stamped anew

        assert stamp_after_rereading == INGESTED_1
        assert _stamp(service, path) == AFTER


def test_ingest_refuses_a_naive_now(tmp_path: Path, service: Callable[[], BriefingService]) -> None:
    with pytest.raises(ValueError, match="no time zone"):
        service().ingest([tmp_path], now=dt.datetime(2026, 1, 12))  # noqa: DTZ001


def _stamp(service: BriefingService, path: Path) -> dt.datetime | None:
    """When the store says the file was ingested (its id is derived from its path)."""
    document = service.store.get_document(read_document(path).id)
    assert document is not None
    return document.ingested_at
