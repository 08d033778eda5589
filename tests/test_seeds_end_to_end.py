"""The seeds through the whole service: ingest, briefs, matrix, JSON evidence, errors, re-ingest."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from briefs.analyzer import Analyzer
from briefs.documents import parse_document
from briefs.errors import UnknownActorError
from briefs.models import Brief, BriefRequest, Evidence, Point
from briefs.render.json import brief_to_json, matrix_to_json
from briefs.service import BriefingService, IngestReport

SEEDS = Path(__file__).parents[1] / "seeds"
SEED_000 = "000_449e190d31b4c890.txt"
SEED_002 = "002_290cfcd77583d367.txt"

TROOPS = "send troops to Ukraine"
LOGISTICS = "lead logistics for Ukraine"
FLANK = "protect NATO's eastern flank"
COALITION = "take part in the Coalition of the Willing"

KOSINIAK_SENTENCE = (
    "Poland will not send its troops to Ukraine after the war as part of a peacekeeping mission, "
    "according to Polish Defense Minister Władysław Kosiniak-Kamysz."
)
TUSK_SCENARIO_SENTENCE = (
    "However, Tusk emphasised, as he has repeatedly before, that this role “will not involve the "
    "presence of Polish troops in Ukraine…under any scenario”."
)
CEASEFIRE_SENTENCE = (
    "By contrast, the UK and France confirmed today that they would deploy forces if a ceasefire "
    "is established."
)


def file_text(name: str) -> str:
    """A seed file as read from disk, decoded without any newline translation."""
    return (SEEDS / name).read_bytes().decode("utf-8")


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> tuple[BriefingService, IngestReport]:
    """One service over a fresh SQLite store with the seeds ingested, shared by this module."""
    service = service_at(tmp_path_factory.mktemp("seeded") / "t.db")
    return service, service.ingest([SEEDS])


@pytest.fixture(scope="module")
def seeded_service(seeded: tuple[BriefingService, IngestReport]) -> BriefingService:
    return seeded[0]


@pytest.fixture(scope="module")
def brief_of(seeded_service: BriefingService) -> Callable[[str], Brief]:
    def brief(actor: str) -> Brief:
        return seeded_service.brief(BriefRequest(actor=actor, limit=50))

    return brief


def points(brief: Brief, stance: str, proposition: str) -> list[Point]:
    return [p for p in brief.points if p.stance == stance and p.proposition == proposition]


def the_point(brief: Brief, stance: str, proposition: str) -> Point:
    found = points(brief, stance, proposition)
    assert len(found) == 1, (
        f"{brief.actor.name}: no single {stance} point on {proposition!r}: {brief.points}"
    )
    return found[0]


def cites(point: Point, document: str, quote: str) -> Evidence | None:
    return next((e for e in point.evidence if e.document == document and e.quote == quote), None)


# --- ingest -----------------------------------------------------------------------


def test_seeds_are_ingested(seeded: tuple[BriefingService, IngestReport]) -> None:
    """Both seed files are ingested, nothing skipped."""
    _, report = seeded
    assert sorted(report.ingested) == [SEED_000, SEED_002]
    assert report.unchanged == () and report.skipped == ()
    assert report.words > 500


def test_reingesting_the_seeds_changes_nothing(service: Callable[[], BriefingService]) -> None:
    """Ingesting the same seeds again into the same store reports 0 ingested and 2 unchanged."""
    fresh = service()
    assert len(fresh.ingest([SEEDS]).ingested) == 2
    again = fresh.ingest([SEEDS])
    assert (len(again.ingested), len(again.unchanged), len(again.skipped)) == (0, 2, 0)
    assert again.summary == "0 ingested, 2 unchanged, 0 skipped"


# --- Poland --------------------------------------------------------------------------


def test_poland_opposes_sending_troops_citing_both_ministers(
    brief_of: Callable[[str], Brief],
) -> None:
    """Poland opposes sending troops, citing Kosiniak-Kamysz (000) and Tusk's 'scenario' (002)."""
    point = the_point(brief_of("Poland"), "opposes", TROOPS)
    kosiniak = cites(point, SEED_000, KOSINIAK_SENTENCE)
    tusk = cites(point, SEED_002, TUSK_SCENARIO_SENTENCE)
    assert kosiniak is not None, [e.quote for e in point.evidence]
    assert tusk is not None, [e.quote for e in point.evidence]
    assert kosiniak.speaker is not None and "Kosiniak-Kamysz" in kosiniak.speaker
    assert tusk.speaker is not None and "Donald Tusk" in tusk.speaker
    assert any("Donald Tusk" in s for s in point.speakers)
    assert any("Kosiniak-Kamysz" in s for s in point.speakers)


def test_poland_supports_leading_logistics_citing_tusk(brief_of: Callable[[str], Brief]) -> None:
    """Poland supports leading logistics for Ukraine, in Tusk's words from seed 002."""
    point = the_point(brief_of("Poland"), "supports", LOGISTICS)
    assert any("Donald Tusk" in s for s in point.speakers)
    tusk = [e for e in point.evidence if e.speaker and "Donald Tusk" in e.speaker]
    assert tusk and all(e.document == SEED_002 for e in tusk)
    assert any("the lead country" in e.quote for e in tusk)


def test_poland_supports_protecting_the_eastern_flank(brief_of: Callable[[str], Brief]) -> None:
    """Poland supports protecting NATO's eastern flank, cited from the key tasks (seed 000)."""
    point = the_point(brief_of("Poland"), "supports", FLANK)
    assert any(e.document == SEED_000 and "eastern flank" in e.quote for e in point.evidence)


def test_poland_supports_taking_part_in_the_coalition(brief_of: Callable[[str], Brief]) -> None:
    """Poland supports taking part in the Coalition of the Willing."""
    point = the_point(brief_of("Poland"), "supports", COALITION)
    assert point.evidence
    assert all("Coalition" in e.quote or "peace process" in e.quote for e in point.evidence)


def test_poland_brief_covers_both_seeds(brief_of: Callable[[str], Brief]) -> None:
    """Poland's brief lists both seed documents as sources."""
    brief = brief_of("Poland")
    assert {s.document for s in brief.sources} == {SEED_000, SEED_002}
    assert brief.actor.id == "poland" and brief.actor.kind == "country"


@pytest.mark.parametrize(
    ("query", "actor_id", "proposition", "stance"),
    [
        ("Donald Tusk", "donald-tusk", TROOPS, "opposes"),
        ("Tusk", "donald-tusk", LOGISTICS, "supports"),
        ("Kosiniak-Kamysz", "wladyslaw-kosiniak-kamysz", TROOPS, "opposes"),
    ],
    ids=["tusk-full-name", "tusk-surname", "kosiniak-kamysz"],
)
def test_people_have_their_own_briefs(
    brief_of: Callable[[str], Brief], query: str, actor_id: str, proposition: str, stance: str
) -> None:
    """The ministers quoted in the seeds are actors with their own cited positions."""
    brief = brief_of(query)
    assert (brief.actor.id, brief.actor.kind) == (actor_id, "person")
    assert the_point(brief, stance, proposition).evidence


# --- United Kingdom and France ------------------------------------------------------------


@pytest.mark.parametrize("actor", ["United Kingdom", "France"], ids=["uk", "france"])
def test_uk_and_france_support_troops_if_ceasefire(
    brief_of: Callable[[str], Brief], actor: str
) -> None:
    """The UK and France support sending troops, on condition 'if a ceasefire is established'."""
    point = the_point(brief_of(actor), "supports", TROOPS)
    assert "if a ceasefire is established" in point.conditions
    assert cites(point, SEED_002, CEASEFIRE_SENTENCE) is not None


def test_matrix_on_troops(seeded_service: BriefingService) -> None:
    """The troops matrix: Poland opposes; the United Kingdom and France support."""
    matrix = seeded_service.matrix("troops")
    rows = {row.actor.id: row for row in matrix.rows}
    assert rows["poland"].stance == "opposes"
    assert rows["united-kingdom"].stance == "supports"
    assert rows["france"].stance == "supports"
    assert {rows[a].proposition for a in ("poland", "united-kingdom", "france")} == {TROOPS}
    assert "if a ceasefire is established" in rows["france"].conditions
    assert all(row.evidence for row in matrix.rows)


# --- JSON evidence is verbatim ---------------------------------------------------------


def evidence_items(payload: object) -> Iterator[dict[str, object]]:
    """Every evidence object anywhere in a JSON payload."""
    if isinstance(payload, dict):
        if {"quote", "start", "end", "document"} <= payload.keys():
            yield payload
        for value in payload.values():
            yield from evidence_items(value)
    elif isinstance(payload, list):
        for value in payload:
            yield from evidence_items(value)


@pytest.mark.parametrize(
    "actor", ["Poland", "United Kingdom", "France", "Donald Tusk", "Kosiniak-Kamysz"]
)
def test_brief_json_quotes_are_verbatim_file_text(
    seeded_service: BriefingService, actor: str
) -> None:
    """Every quote in the brief JSON equals the seed file's text[start:end] read from disk."""
    payload = json.loads(brief_to_json(seeded_service.brief(BriefRequest(actor=actor, limit=50))))
    items = list(evidence_items(payload))
    assert items
    for item in items:
        text = file_text(str(item["document"]))
        quote, start, end = str(item["quote"]), int(item["start"]), int(item["end"])  # type: ignore[call-overload]
        assert text[start:end] == quote
        assert quote and quote in text
        assert quote == quote.strip()


def test_matrix_json_quotes_are_verbatim_file_text(seeded_service: BriefingService) -> None:
    """Every quote in the troops matrix JSON is the seed file's own text at its offsets."""
    items = list(evidence_items(json.loads(matrix_to_json(seeded_service.matrix("troops")))))
    assert items
    for item in items:
        text = file_text(str(item["document"]))
        assert text[int(item["start"]) : int(item["end"])] == item["quote"]  # type: ignore[call-overload]


def test_brief_json_dates_seed_002_from_its_text(seeded_service: BriefingService) -> None:
    """Evidence from seed 002 (no header) is dated 2026-01-06, the date written in its text."""
    payload = json.loads(
        brief_to_json(seeded_service.brief(BriefRequest(actor="Poland", limit=50)))
    )
    seed_002 = [i for i in evidence_items(payload) if i["document"] == SEED_002]
    assert seed_002
    assert {i["published"] for i in seed_002} == {"2026-01-06"}


# --- errors ----------------------------------------------------------------------------


def test_unknown_actor_raises_with_the_query(seeded_service: BriefingService) -> None:
    """Asking for 'Narnia' raises UnknownActorError naming the query; nothing close is suggested."""
    with pytest.raises(UnknownActorError) as raised:
        seeded_service.brief(BriefRequest(actor="Narnia"))
    assert raised.value.query == "Narnia"
    assert "Narnia" in str(raised.value)
    assert raised.value.suggestions == ()


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [("Polnad", "Poland"), ("Frnace", "France"), ("Tuskk", "Donald Tusk")],
    ids=["poland", "france", "tusk"],
)
def test_misspelt_actor_gets_did_you_mean(
    seeded_service: BriefingService, query: str, suggestion: str
) -> None:
    """A misspelt actor raises UnknownActorError suggesting the intended name."""
    with pytest.raises(UnknownActorError) as raised:
        seeded_service.brief(BriefRequest(actor=query))
    assert suggestion in raised.value.suggestions
    assert suggestion in str(raised.value)


# --- the analysis of the seeds ------------------------------------------------------------


@pytest.mark.parametrize("name", [SEED_000, SEED_002])
def test_seed_claims_stay_out_of_boilerplate(analyzer: Analyzer, name: str) -> None:
    """No claim overlaps site furniture (donation appeals, credits, bios, tweet signatures)."""
    analysis = analyzer.analyze(parse_document(name, (SEEDS / name).read_bytes()))
    assert analysis.claims
    for claim in analysis.claims:
        for furniture in analysis.boilerplate:
            assert claim.end <= furniture.start or furniture.end <= claim.start


@pytest.mark.parametrize("name", [SEED_000, SEED_002])
def test_seed_claims_span_their_sentences(analyzer: Analyzer, name: str) -> None:
    """Every seed claim's start/end are its sentence's, and the slice is the file's text."""
    raw = (SEEDS / name).read_bytes()
    analysis = analyzer.analyze(parse_document(name, raw))
    text = raw.decode("utf-8")
    for claim in analysis.claims:
        sentence = analysis.sentences[claim.sentence_index]
        assert (claim.start, claim.end) == (sentence.start, sentence.end)
        assert text[claim.start : claim.end] == sentence.text


def test_batched_analysis_equals_one_by_one(analyzer: Analyzer) -> None:
    """Parsing the seeds together in one batch gives the same analyses as one at a time."""
    documents = [parse_document(n, (SEEDS / n).read_bytes()) for n in (SEED_000, SEED_002)]
    assert list(analyzer.analyze_many(documents)) == [analyzer.analyze(d) for d in documents]
