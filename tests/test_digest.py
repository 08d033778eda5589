"""Digests on hand-built claims: what is news in a window, in what order, and how it renders."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pytest
from pydantic import ValidationError

from briefs.digest import build_digest
from briefs.models import (
    ActorRef,
    CitedClaim,
    Claim,
    Digest,
    DigestRequest,
    Document,
    Evidence,
    SourceRef,
    Stance,
)
from briefs.render.json import digest_to_json
from briefs.render.markdown import digest_to_markdown
from briefs.render.text import digest_to_text
from briefs.topics import Topic, TopicCatalog

POLAND = ActorRef(id="poland", name="Poland", kind="country")
FRANCE = ActorRef(id="france", name="France", kind="country")
TUSK = ActorRef(id="donald-tusk", name="Donald Tusk", kind="person")
TROOPS = "send troops to Ukraine"
LOGISTICS = "lead logistics for Ukraine"
TOPICS = TopicCatalog(
    [
        Topic(
            id="troops", proposition=TROOPS, gerund="sending troops to Ukraine", cues=("troop*",)
        ),
        Topic(
            id="logistics",
            proposition=LOGISTICS,
            gerund="leading logistics for Ukraine",
            cues=("logistic*",),
        ),
    ]
)
UNTIL = dt.datetime(2026, 1, 12, 7, 0, tzinfo=dt.UTC)
SINCE = UNTIL - dt.timedelta(days=1)
WINDOW = DigestRequest(since=SINCE, until=UNTIL)

ActorClaim = tuple[ActorRef, CitedClaim]


def said(
    stance: Stance | None = "supports",
    date: str | None = "2026-01-12",
    document: str = "a.txt",
    *,
    actor: ActorRef = POLAND,
    proposition: str = TROOPS,
    quote: str | None = None,
    kind: str = "stance",
) -> ActorClaim:
    """An actor's cited claim in an article published on the claim's date."""
    day = dt.date.fromisoformat(date) if date else None
    text = quote or f"{actor.name} {stance} {proposition} in {document}."
    claim = Claim.model_validate(
        {
            "actor_id": actor.id,
            "kind": kind,
            "stance": stance,
            "proposition": proposition,
            "speaker": "Donald Tusk",
            "sentence_index": 0,
            "start": 0,
            "end": len(text),
            "date": day,
        }
    )
    evidence = Evidence(
        document=document,
        title=f"Title of {document}",
        source="Reuters",
        url=f"https://example.org/{document}",
        published=day,
        quote=text,
        start=0,
        end=len(text),
        speaker="Donald Tusk",
    )
    return actor, CitedClaim(claim=claim, evidence=evidence)


def sources_of(claims: Sequence[ActorClaim]) -> list[SourceRef]:
    """The documents of these claims, as the store lists a window's new documents."""
    refs = {
        c.evidence.document: SourceRef(
            document=c.evidence.document,
            title=c.evidence.title,
            source=c.evidence.source,
            url=c.evidence.url,
            published=c.evidence.published,
        )
        for _, c in claims
    }
    return list(refs.values())


def digest(
    before: Sequence[ActorClaim],
    after: Sequence[ActorClaim],
    request: DigestRequest = WINDOW,
    *,
    actors: Sequence[ActorRef] = (),
) -> Digest:
    return build_digest(request, before, after, sources_of(after), topics=TOPICS, actors=actors)


def documents(evidence: Sequence[Evidence] | Sequence[SourceRef]) -> list[str]:
    return [item.document for item in evidence]


# --- what is news ------------------------------------------------------------------------


def test_a_moved_stance_is_a_change_citing_both_sides_with_dates() -> None:
    before = [said("opposes", "2026-01-05", "b.txt"), said("opposes", "2026-01-03", "a.txt")]
    after = [said("supports", "2026-01-12", "c.txt")]

    result = digest(before, after, actors=[POLAND])

    [item] = result.changes
    assert item.actor == POLAND
    change = item.change
    assert (change.proposition, change.before, change.after) == (TROOPS, "opposes", "supports")
    assert (change.before_date, change.after_date) == (dt.date(2026, 1, 5), dt.date(2026, 1, 12))
    assert documents(change.before_evidence) == ["b.txt", "a.txt"]  # nearest the switch first
    assert documents(change.after_evidence) == ["c.txt"]
    assert change.after_evidence[0].quote == after[0][1].evidence.quote
    assert result.new_positions == ()
    assert documents(result.new_sources) == ["c.txt"]
    assert not result.empty


def test_the_after_side_cites_only_the_new_stance_of_the_window() -> None:
    before = [said("opposes", "2026-01-05", "a.txt")]
    after = [said("conditional", "2026-01-09", "b.txt"), said("supports", "2026-01-11", "c.txt")]

    [item] = digest(before, after).changes

    assert (item.change.before, item.change.after) == ("opposes", "supports")
    assert documents(item.change.after_evidence) == ["c.txt"]
    assert item.change.after_date == dt.date(2026, 1, 11)


def test_a_first_stance_on_a_proposition_is_a_new_position_merged_like_a_brief() -> None:
    after = [
        said("conditional", "2026-01-10", "e.txt"),
        said("supports", "2026-01-12", "c.txt"),
        said("supports", "2026-01-11", "d.txt"),
    ]

    result = digest([], after)

    assert result.changes == ()
    assert [(p.actor, p.point.stance) for p in result.new_positions] == [
        (POLAND, "supports"),  # most cited first
        (POLAND, "conditional"),
    ]
    supports = result.new_positions[0].point
    assert supports.statement == "Poland supports sending troops to Ukraine."
    assert supports.evidence_total == 2
    assert documents(supports.evidence) == ["c.txt", "d.txt"]
    assert (supports.first_seen, supports.last_seen) == (dt.date(2026, 1, 11), dt.date(2026, 1, 12))


def test_the_same_stance_again_is_not_news_but_its_article_is_a_new_source() -> None:
    before = [said("opposes", "2026-01-05", "a.txt")]
    after = [said("opposes", "2026-01-12", "b.txt")]

    result = digest(before, after)

    assert (result.changes, result.new_positions) == ((), ())
    assert documents(result.new_sources) == ["b.txt"]
    assert not result.empty


def test_an_old_article_ingested_in_the_window_does_not_undo_a_later_stance() -> None:
    before = [said("supports", "2026-01-10", "a.txt")]
    after = [said("opposes", "2025-11-20", "archive.txt")]

    result = digest(before, after)

    assert result.changes == ()
    assert documents(result.new_sources) == ["archive.txt"]


def test_context_claims_are_not_positions() -> None:
    after = [said(None, kind="context", document="c.txt")]

    result = digest([], after)

    assert result.empty


# --- filters ---------------------------------------------------------------------------


def test_actor_filter_keeps_the_asked_actors_and_their_sources_only() -> None:
    after = [
        said("supports", document="p.txt"),
        said("opposes", document="f.txt", actor=FRANCE),
    ]

    by_id = digest([], after, DigestRequest(actors=("poland",), since=SINCE, until=UNTIL))
    resolved = digest(
        [], after, DigestRequest(actors=("Polska",), since=SINCE, until=UNTIL), actors=[POLAND]
    )

    for result in (by_id, resolved):
        assert [p.actor for p in result.new_positions] == [POLAND]
        assert documents(result.new_sources) == ["p.txt"]
        assert result.actors == (POLAND,)


def test_without_actors_every_country_and_organisation_but_no_person() -> None:
    after = [
        said("supports", document="p.txt"),
        said("opposes", document="f.txt", actor=FRANCE),
        said("supports", document="t.txt", actor=TUSK),
    ]

    result = digest([], after)

    assert {p.actor.id for p in result.new_positions} == {"poland", "france"}
    assert set(documents(result.new_sources)) == {"p.txt", "f.txt"}
    assert result.actors == ()


def test_a_person_asked_for_by_name_is_covered() -> None:
    after = [said("supports", document="t.txt", actor=TUSK)]

    result = digest(
        [], after, DigestRequest(actors=("tusk",), since=SINCE, until=UNTIL), actors=[TUSK]
    )

    assert [p.actor for p in result.new_positions] == [TUSK]


def test_topic_filter_keeps_its_propositions() -> None:
    before = [said("opposes", "2026-01-05", "a.txt")]
    after = [
        said("supports", document="t.txt"),
        said("supports", document="l.txt", proposition=LOGISTICS),
    ]

    result = digest(before, after, DigestRequest(topic="logistics", since=SINCE, until=UNTIL))

    assert result.changes == ()
    assert [p.point.proposition for p in result.new_positions] == [LOGISTICS]
    assert documents(result.new_sources) == ["l.txt"]
    assert result.topic == "logistics"


# --- order -------------------------------------------------------------------------------


def test_changes_then_new_positions_then_sources_each_in_its_order() -> None:
    before = [
        said("opposes", "2026-01-02", "p0.txt"),
        said("opposes", "2026-01-02", "f0.txt", actor=FRANCE),
    ]
    after = [
        said("supports", "2026-01-10", "p1.txt"),  # Poland's change: older
        said("supports", "2026-01-11", "f1.txt", actor=FRANCE),  # France's change: newer
        said("supports", "2026-01-09", "l1.txt", proposition=LOGISTICS),  # cited once
        said("opposes", "2026-01-08", "l2.txt", actor=FRANCE, proposition=LOGISTICS),
        said("opposes", "2026-01-07", "l3.txt", actor=FRANCE, proposition=LOGISTICS),
    ]

    result = digest(before, after)

    assert [c.actor.id for c in result.changes] == ["france", "poland"]  # newest first
    assert [(p.actor.id, p.point.evidence_total) for p in result.new_positions] == [
        ("france", 2),  # most cited first
        ("poland", 1),
    ]
    assert documents(result.new_sources) == ["f1.txt", "p1.txt", "l1.txt", "l2.txt", "l3.txt"]


# --- the request and the empty digest ------------------------------------------------------


def test_a_first_digest_covers_the_day_before_until() -> None:
    first = DigestRequest(actors=("poland",), until=UNTIL)

    assert first.start == UNTIL - dt.timedelta(days=1)
    assert digest([], [], first).since == UNTIL - dt.timedelta(days=1)


def test_request_moments_must_be_aware_and_are_kept_in_utc() -> None:
    warsaw = dt.timezone(dt.timedelta(hours=1))
    request = DigestRequest(since=dt.datetime(2026, 1, 11, 8, tzinfo=warsaw), until=UNTIL)

    assert request.since == SINCE and request.since.tzinfo == dt.UTC
    with pytest.raises(ValidationError, match="no time zone"):
        DigestRequest(until=dt.datetime(2026, 1, 12, 7))  # noqa: DTZ001
    with pytest.raises(ValidationError, match="before its until"):
        DigestRequest(since=UNTIL, until=UNTIL)


def test_document_ingestion_stamps_are_aware_utc() -> None:
    fields = {"id": "a", "name": "a.txt", "title": "A", "text": "x", "checksum": "c"}
    warsaw = dt.timezone(dt.timedelta(hours=1))

    stamped = Document(**fields, ingested_at=dt.datetime(2026, 1, 12, 8, tzinfo=warsaw))

    assert stamped.ingested_at == UNTIL and stamped.ingested_at.tzinfo == dt.UTC
    assert Document(**fields).ingested_at is None
    with pytest.raises(ValidationError, match="no time zone"):
        Document(**fields, ingested_at=dt.datetime(2026, 1, 12))  # noqa: DTZ001


def test_an_empty_digest_renders_as_one_line() -> None:
    result = digest(
        [],
        [],
        DigestRequest(actors=("poland",), topic="troops", since=SINCE, until=UNTIL),
        actors=[POLAND],
    )

    assert result.empty
    line = "No change since 2026-01-11 07:00 UTC for Poland on 'troops'."
    assert digest_to_text(result) == line
    assert digest_to_markdown(result) == line
    assert digest_to_text(digest([], [])) == (
        "No change since 2026-01-11 07:00 UTC for any country or organisation."
    )
    assert json.loads(digest_to_json(result))["empty"] is True


# --- renderers ----------------------------------------------------------------------------


def _full_digest() -> Digest:
    before = [said("opposes", "2026-01-05", "a.txt", quote="Poland will not send troops.")]
    after = [
        said("supports", "2026-01-12", "b.txt", quote="Poland is ready to send troops."),
        said("supports", "2026-01-11", "c.txt", proposition=LOGISTICS, quote="*Poland* leads."),
    ]
    return digest(before, after, actors=[POLAND])


def test_text_digest_has_changes_then_new_positions_then_sources() -> None:
    text = digest_to_text(_full_digest())

    assert text.startswith(
        "What changed for Poland, 2026-01-11 07:00 UTC to 2026-01-12 07:00 UTC\n"
    )
    assert (
        "1. Poland — send troops to Ukraine: OPPOSES (2026-01-05) → SUPPORTS (2026-01-12)" in text
    )
    assert "“Poland will not send troops.”" in text and "“Poland is ready to send troops.”" in text
    assert "1. Poland — SUPPORTS: leading logistics for Ukraine" in text
    order = [text.index(h) for h in ("Changes", "New positions", "New sources")]
    assert order == sorted(order)
    assert "None" not in text


def test_markdown_digest_escapes_article_text() -> None:
    markdown = digest_to_markdown(_full_digest())

    assert markdown.startswith("# What changed for Poland")
    assert "## Changes" in markdown and "## New positions" in markdown
    assert "> \\*Poland\\* leads." in markdown
    assert "<https://example.org/b.txt>" in markdown


def test_json_digest_has_exactly_the_contract_keys() -> None:
    data = json.loads(digest_to_json(_full_digest()))

    assert list(data) == [
        "since",
        "until",
        "topic",
        "actors",
        "changes",
        "new_positions",
        "new_sources",
        "empty",
    ]
    assert (data["since"], data["until"]) == ("2026-01-11T07:00:00Z", "2026-01-12T07:00:00Z")
    assert data["actors"] == [{"id": "poland", "name": "Poland", "kind": "country"}]
    [change] = data["changes"]
    assert list(change) == [
        "actor",
        "proposition",
        "before",
        "after",
        "before_date",
        "after_date",
        "before_evidence",
        "after_evidence",
    ]
    assert (change["before_date"], change["after_date"]) == ("2026-01-05", "2026-01-12")
    assert change["after_evidence"][0]["quote"] == "Poland is ready to send troops."
    [new] = data["new_positions"]
    assert list(new) == ["actor", "point"] and new["point"]["stance"] == "supports"
    assert [s["document"] for s in data["new_sources"]] == ["b.txt", "c.txt"]
    assert data["empty"] is False
