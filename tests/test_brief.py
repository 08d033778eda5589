from __future__ import annotations

import datetime as dt

from briefs.brief import build_brief, merge_conditions, point_subject
from briefs.models import (
    ActorRef,
    Brief,
    BriefRequest,
    CitedClaim,
    Claim,
    ClaimGroup,
    Evidence,
    Stance,
)
from briefs.topics import Topic, TopicCatalog

POLAND = ActorRef(id="poland", name="Poland", kind="country")
TROOPS = "send troops to Ukraine"
LOGISTICS = "lead logistics for Ukraine"
FLANK = "protect NATO's eastern flank"
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
        Topic(
            id="eastern-flank",
            proposition=FLANK,
            gerund="protecting NATO's eastern flank",
            cues=("eastern flank",),
        ),
    ]
)


def cited(
    stance: Stance | None = "supports",
    proposition: str = TROOPS,
    date: str | None = "2026-01-06",
    document: str = "a.txt",
    start: int = 0,
    *,
    quote: str | None = None,
    speaker: str | None = None,
    conditions: tuple[str, ...] = (),
    kind: str = "stance",
) -> CitedClaim:
    """A cited claim whose article is published on the claim's date."""
    day = dt.date.fromisoformat(date) if date else None
    text = quote or f"Quote from {document} at {start}."
    claim = Claim.model_validate(
        {
            "actor_id": "poland",
            "kind": kind,
            "stance": stance,
            "proposition": proposition,
            "conditions": conditions,
            "speaker": speaker,
            "sentence_index": 0,
            "start": start,
            "end": start + len(text),
            "date": day,
        }
    )
    evidence = Evidence(
        document=document,
        title=f"Title of {document}",
        source="Reuters",
        url=None,
        published=day,
        quote=text,
        start=start,
        end=start + len(text),
        speaker=speaker,
    )
    return CitedClaim(claim=claim, evidence=evidence)


def make(claims: list[CitedClaim], **request: object) -> Brief:
    """The brief on Poland from `claims` for a request with the given fields."""
    return build_brief(
        POLAND, claims, BriefRequest.model_validate({"actor": "poland", **request}), topics=TOPICS
    )


def test_same_proposition_from_several_articles_is_one_point_with_every_citation() -> None:
    claims = [
        cited(date="2025-12-01", document="b.txt"),
        cited(date="2026-01-06", document="a.txt"),
        cited(date="2025-12-01", document="a-older.txt", start=40),
    ]
    result = make(claims)
    assert len(result.points) == 1
    point = result.points[0]
    assert [e.document for e in point.evidence] == ["a.txt", "a-older.txt", "b.txt"]
    assert point.first_seen == dt.date(2025, 12, 1)
    assert point.last_seen == dt.date(2026, 1, 6)


def test_duplicate_citations_are_kept_once() -> None:
    claims = [cited(document="a.txt", start=5), cited(document="a.txt", start=5)]
    assert len(make(claims).points[0].evidence) == 1


def test_undated_evidence_comes_last() -> None:
    claims = [cited(date=None, document="a.txt"), cited(date="2025-01-01", document="z.txt")]
    assert [e.document for e in make(claims).points[0].evidence] == ["z.txt", "a.txt"]


def test_different_stances_make_different_points() -> None:
    claims = [cited("supports", date="2025-01-01"), cited("opposes", date="2025-02-01", start=9)]
    assert {p.stance for p in make(claims).points} == {"supports", "opposes"}


def test_context_claims_and_stanceless_claims_are_ignored() -> None:
    claims = [cited(None, kind="context"), cited("opposes", kind="context", start=3)]
    assert make(claims).points == ()


def test_flip_and_flip_back_gives_two_changes() -> None:
    claims = [
        cited("opposes", date="2025-04-02", document="april.txt"),
        cited("undecided", date="2025-12-16", document="december.txt"),
        cited("opposes", date="2026-01-06", document="january.txt"),
    ]
    changes = make(claims).changes
    assert [(c.before, c.after) for c in changes] == [
        ("opposes", "undecided"),
        ("undecided", "opposes"),
    ]
    first, second = changes
    assert (first.before_date, first.after_date) == (dt.date(2025, 4, 2), dt.date(2025, 12, 16))
    assert (second.before_date, second.after_date) == (dt.date(2025, 12, 16), dt.date(2026, 1, 6))
    assert [e.document for e in first.before_evidence] == ["april.txt"]
    assert [e.document for e in second.after_evidence] == ["january.txt"]


def test_change_dates_are_the_edges_of_each_run_and_evidence_is_capped() -> None:
    claims = [cited("opposes", date=f"2025-0{m}-01", document=f"{m}.txt") for m in range(1, 6)]
    claims.append(cited("supports", date="2025-09-01", document="9.txt"))
    (change,) = make(claims).changes
    assert change.before_date == dt.date(2025, 5, 1)
    assert change.after_date == dt.date(2025, 9, 1)
    # the quotes nearest the switch, newest first on the "before" side
    assert [e.document for e in change.before_evidence] == ["5.txt", "4.txt", "3.txt"]


def test_differing_stances_on_the_same_day_are_not_a_change() -> None:
    claims = [
        cited("supports", date="2025-06-01", document="a.txt"),
        cited("opposes", date="2025-06-01", document="b.txt"),
    ]
    assert make(claims).changes == ()


def test_undated_claims_take_no_part_in_changes() -> None:
    claims = [cited("supports", date="2025-06-01"), cited("opposes", date=None, document="b.txt")]
    assert make(claims).changes == ()


def test_current_stance_comes_first_even_when_less_cited() -> None:
    old = [cited("supports", date="2025-01-01", document=f"{n}.txt") for n in range(3)]
    new = [cited("opposes", date="2025-06-01", document="new.txt")]
    assert [p.stance for p in make(old + new).points] == ["opposes", "supports"]


def test_points_are_ordered_by_documents_cited_then_recency() -> None:
    claims = [
        cited(proposition=FLANK, date="2025-03-01", document="x.txt"),
        cited(proposition=LOGISTICS, date="2025-01-01", document="y.txt"),
        cited(proposition=LOGISTICS, date="2025-01-02", document="z.txt"),
        cited(proposition=TROOPS, date="2025-02-01", document="w.txt"),
    ]
    assert [p.proposition for p in make(claims).points] == [LOGISTICS, FLANK, TROOPS]


def test_limit_keeps_the_top_points_and_counts_the_rest() -> None:
    claims = [
        cited(proposition=p, date=f"2025-0{n}-01", document=f"{n}.txt")
        for n, p in enumerate((TROOPS, LOGISTICS, FLANK), 1)
    ]
    result = make(claims, limit=2)
    assert [p.proposition for p in result.points] == [FLANK, LOGISTICS]
    assert result.omitted_points == 1
    assert {s.document for s in result.sources} == {"2.txt", "3.txt"}


def test_changes_of_cut_points_are_dropped() -> None:
    claims = [
        cited("opposes", proposition=TROOPS, date="2025-01-01", document="a.txt"),
        cited("supports", proposition=TROOPS, date="2025-02-01", document="b.txt"),
        *[cited(proposition=FLANK, date="2025-03-01", document=f"f{n}.txt") for n in range(3)],
    ]
    result = make(claims, limit=1)
    assert [p.proposition for p in result.points] == [FLANK]
    assert result.changes == ()


def test_since_drops_older_and_undated_claims() -> None:
    claims = [
        cited(date="2025-01-01", document="old.txt"),
        cited(date=None, document="undated.txt"),
        cited(date="2025-06-01", document="new.txt"),
        cited(date="2025-05-01", document="edge.txt"),
    ]
    result = make(claims, since=dt.date(2025, 5, 1))
    assert [e.document for e in result.points[0].evidence] == ["new.txt", "edge.txt"]


def test_topic_matches_catalog_topics() -> None:
    claims = [cited(proposition=TROOPS), cited(proposition=LOGISTICS, document="b.txt")]
    assert [p.proposition for p in make(claims, topic="troops").points] == [TROOPS]


def test_topic_matches_every_word_in_proposition_or_quote() -> None:
    claims = [
        cited(proposition="buy gas", quote="We will buy LNG from Norway.", document="a.txt"),
        cited(proposition="buy gas", quote="We will buy LNG elsewhere.", document="b.txt"),
        cited(proposition="ban Russian gas", document="c.txt"),
    ]
    result = make(claims, topic="LNG Norway")
    assert [e.document for p in result.points for e in p.evidence] == ["a.txt"]
    assert [p.proposition for p in make(claims, topic="russian gas").points] == ["ban Russian gas"]


def test_nothing_found_says_so_with_topic_and_since() -> None:
    result = make([cited(date="2024-01-01")], topic="logistics", since=dt.date(2025, 1, 1))
    assert result.points == ()
    assert result.summary == (
        "No stated positions of Poland found on 'logistics' since 2025-01-01 in the corpus."
    )
    assert result.as_of is None
    assert result.sources == ()


def test_nothing_found_without_filters() -> None:
    assert make([]).summary == "No stated positions of Poland found in the corpus."


def test_statements_use_gerunds_and_conditions_without_quote_marks() -> None:
    claims = [
        cited("supports", conditions=("if a ceasefire is established",)),
        cited("conditional", proposition=LOGISTICS, conditions=("with a US backstop",), start=50),
        cited("opposes", proposition=FLANK, conditions=("unless attacked",), start=90),
        cited("undecided", proposition="hold elections", start=120),
    ]
    statements = {p.proposition: p.statement for p in make(claims).points}
    assert statements == {
        TROOPS: "Poland supports sending troops to Ukraine. "
        "Conditions: if a ceasefire is established.",
        LOGISTICS: "Poland is open to leading logistics for Ukraine but has not committed. "
        "Conditions: with a US backstop.",
        FLANK: "Poland opposes protecting NATO's eastern flank.",
        "hold elections": "Poland has not decided on hold elections.",
    }
    assert not any(mark in s for s in statements.values() for mark in '"“”')


def test_point_subject_reads_the_gerund_back() -> None:
    result = make([cited("supports", conditions=("if a ceasefire is established",))])
    assert point_subject(result.points[0], "Poland") == "sending troops to Ukraine"


def test_conditions_are_merged_case_insensitively_and_contained_ones_dropped() -> None:
    merged = merge_conditions(
        [("if a ceasefire",), ("If a ceasefire is agreed", "with US support"), ("WITH US SUPPORT",)]
    )
    assert merged == ("If a ceasefire is agreed", "with US support")


def test_point_conditions_follow_first_seen_order() -> None:
    claims = [
        cited(conditions=("second",), date="2025-02-01", document="b.txt"),
        cited(conditions=("first",), date="2025-01-01", document="a.txt"),
    ]
    assert make(claims).points[0].conditions == ("first", "second")


def test_speakers_most_frequent_first() -> None:
    claims = [
        cited(speaker="Radosław Sikorski", document="a.txt"),
        cited(speaker="Donald Tusk", document="b.txt"),
        cited(speaker="Donald Tusk", document="c.txt"),
        cited(speaker=None, document="d.txt"),
    ]
    assert make(claims).points[0].speakers == ("Donald Tusk", "Radosław Sikorski")


def test_summary_leads_with_current_points_and_marks_changed_ones() -> None:
    claims = [
        cited("opposes", date="2025-04-02", document="a.txt"),
        cited("undecided", date="2025-12-16", document="b.txt"),
        cited("opposes", date="2026-01-06", document="c.txt"),
        cited(proposition=LOGISTICS, date="2025-11-01", document="d.txt"),
        cited(proposition=LOGISTICS, date="2025-11-02", document="e.txt"),
        cited(proposition=FLANK, date="2025-10-01", document="f.txt"),
        cited(proposition="hold elections", date="2025-09-01", document="g.txt"),
    ]
    result = make(claims)
    assert result.summary == (
        "Poland opposes sending troops to Ukraine (latest 2026-01-06); "
        "supports leading logistics for Ukraine; supports protecting NATO's eastern flank."
    )


def test_sources_newest_first_and_as_of_is_the_newest_date() -> None:
    claims = [
        cited(date="2025-01-01", document="b.txt"),
        cited(date=None, document="a.txt"),
        cited(date="2025-03-01", document="c.txt"),
        cited(date="2025-03-01", document="a2.txt"),
    ]
    result = make(claims, topic="troops")
    assert [s.document for s in result.sources] == ["a2.txt", "c.txt", "b.txt", "a.txt"]
    assert result.as_of == dt.date(2025, 3, 1)
    assert result.topic == "troops"


def test_a_same_day_tie_goes_to_the_better_attested_stance() -> None:
    claims = [
        cited("opposes", date="2025-03-01", document="a.txt"),
        cited("opposes", date="2025-06-01", document="b.txt"),
        cited("supports", date="2025-06-01", document="c.txt"),
    ]
    result = make(claims)
    assert [p.stance for p in result.points] == ["opposes", "supports"]
    assert result.summary == "Poland opposes sending troops to Ukraine."


def test_a_topic_of_short_words_matches_whole_words_only() -> None:
    claims = [
        cited(proposition="join the EU", document="a.txt"),
        cited(proposition="defend Europe", document="b.txt"),
    ]
    assert [p.proposition for p in make(claims, topic="EU").points] == ["join the EU"]


def test_a_point_shows_the_newest_quotes_and_counts_them_all() -> None:
    """quotes_per_point keeps the newest citations; evidence_total counts every one."""
    claims = [cited(date=f"2025-12-{day:02d}", document=f"d{day}.txt") for day in range(1, 11)]
    point = make(claims, quotes_per_point=3).points[0]
    assert [e.document for e in point.evidence] == ["d10.txt", "d9.txt", "d8.txt"]
    assert point.evidence_total == 10
    assert point.first_seen == dt.date(2025, 12, 1)


def test_store_group_counts_give_totals_dates_and_order() -> None:
    """With the store's ClaimGroups, totals and first-seen dates cover unread claims too."""
    claims = [cited(date="2026-01-06", document="a.txt"), cited("opposes", document="b.txt")]
    groups = [
        ClaimGroup(
            proposition=TROOPS,
            stance="supports",
            total=40,
            documents=30,
            first_seen=dt.date(2024, 5, 1),
            last_seen=dt.date(2026, 1, 6),
        ),
        ClaimGroup(
            proposition=TROOPS,
            stance="opposes",
            total=2,
            documents=2,
            first_seen=dt.date(2026, 1, 6),
            last_seen=dt.date(2026, 1, 6),
        ),
    ]
    request = BriefRequest(actor="poland")
    brief = build_brief(POLAND, claims, request, topics=TOPICS, groups=groups)
    supports = next(p for p in brief.points if p.stance == "supports")
    assert (supports.evidence_total, supports.first_seen) == (40, dt.date(2024, 5, 1))
    assert len(supports.evidence) == 1
    assert brief.points[0].stance == "supports"  # 30 documents outrank 2
