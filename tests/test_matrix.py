from __future__ import annotations

import datetime as dt

from briefs.matrix import build_matrix
from briefs.models import ActorKind, ActorRef, CitedClaim, Claim, Evidence, Stance
from briefs.topics import Topic, TopicCatalog

TROOPS = "send troops to Ukraine"
TOPICS = TopicCatalog(
    [Topic(id="troops", proposition=TROOPS, gerund="sending troops to Ukraine", cues=("troop*",))]
)


def actor(name: str, kind: ActorKind = "country") -> ActorRef:
    return ActorRef(id=name.lower().replace(" ", "-"), name=name, kind=kind)


def cited(
    stance: Stance,
    date: str | None,
    document: str = "a.txt",
    *,
    proposition: str = TROOPS,
    conditions: tuple[str, ...] = (),
) -> CitedClaim:
    """A cited claim on `proposition`, published on its date."""
    day = dt.date.fromisoformat(date) if date else None
    quote = f"Quote from {document}."
    claim = Claim(
        actor_id="x",
        stance=stance,
        proposition=proposition,
        conditions=conditions,
        sentence_index=0,
        start=0,
        end=len(quote),
        date=day,
    )
    evidence = Evidence(
        document=document,
        title=document,
        source=None,
        url=None,
        published=day,
        quote=quote,
        start=0,
        end=len(quote),
        speaker=None,
    )
    return CitedClaim(claim=claim, evidence=evidence)


def test_latest_dated_claim_sets_the_stance() -> None:
    poland = actor("Poland")
    rows = [
        (poland, cited("supports", "2025-01-01", "old1.txt")),
        (poland, cited("supports", "2025-02-01", "old2.txt")),
        (poland, cited("opposes", "2025-06-01", "new.txt")),
        (poland, cited("supports", None, "undated.txt")),
    ]
    (row,) = build_matrix("troops", rows, topics=TOPICS).rows
    assert row.stance == "opposes"
    assert row.last_seen == dt.date(2025, 6, 1)
    assert [e.document for e in row.evidence] == ["new.txt"]


def test_tie_on_the_latest_day_goes_to_the_most_claimed_stance() -> None:
    france = actor("France")
    rows = [
        (france, cited("opposes", "2025-06-01", "a.txt")),
        (france, cited("conditional", "2025-06-01", "b.txt")),
        (france, cited("conditional", "2025-06-01", "c.txt")),
    ]
    (row,) = build_matrix("troops", rows, topics=TOPICS).rows
    assert row.stance == "conditional"


def test_people_are_left_out() -> None:
    rows = [
        (actor("Donald Tusk", "person"), cited("supports", "2025-06-01")),
        (actor("NATO", "organisation"), cited("supports", "2025-06-01")),
    ]
    assert [r.actor.name for r in build_matrix("troops", rows, topics=TOPICS).rows] == ["NATO"]


def test_rows_ordered_supports_conditional_undecided_opposes_then_name() -> None:
    rows = [
        (actor("Hungary"), cited("opposes", "2025-01-01")),
        (actor("Italy"), cited("undecided", "2025-01-01")),
        (actor("Germany"), cited("conditional", "2025-01-01")),
        (actor("United Kingdom"), cited("supports", "2025-01-01")),
        (actor("France"), cited("supports", "2025-01-01")),
    ]
    matrix = build_matrix("troops", rows, topics=TOPICS)
    assert [r.actor.name for r in matrix.rows] == [
        "France",
        "United Kingdom",
        "Germany",
        "Italy",
        "Hungary",
    ]


def test_row_evidence_is_that_stances_newest_three_with_conditions_merged() -> None:
    uk = actor("United Kingdom")
    rows = [
        (uk, cited("supports", f"2025-0{m}-01", f"{m}.txt", conditions=(f"c{m}",)))
        for m in range(1, 6)
    ]
    rows.append((uk, cited("opposes", "2025-04-15", "other.txt")))
    (row,) = build_matrix("troops", rows, topics=TOPICS).rows
    assert [e.document for e in row.evidence] == ["5.txt", "4.txt", "3.txt"]
    assert row.conditions == ("c1", "c2", "c3", "c4", "c5")
    assert row.proposition == TROOPS


def test_off_topic_claims_and_as_of() -> None:
    rows = [
        (actor("Poland"), cited("supports", "2025-03-01")),
        (actor("Spain"), cited("opposes", "2025-09-01", proposition="raise tariffs")),
        (actor("Latvia"), cited("supports", None)),
    ]
    matrix = build_matrix("troops", rows, topics=TOPICS)
    assert [r.actor.name for r in matrix.rows] == ["Latvia", "Poland"]
    assert matrix.as_of == dt.date(2025, 3, 1)
    assert matrix.topic == "troops"


def test_no_rows_gives_an_empty_matrix() -> None:
    matrix = build_matrix("troops", [], topics=TOPICS)
    assert matrix.rows == ()
    assert matrix.as_of is None


def test_only_unknown_dates_still_give_a_row() -> None:
    rows = [(actor("Spain"), cited("undecided", None)), (actor("Spain"), cited("opposes", None))]
    (row,) = build_matrix("troops", rows, topics=TOPICS).rows
    assert row.stance == "opposes"  # a 1:1 tie goes to the stance listed first in STANCES
    assert row.last_seen is None
