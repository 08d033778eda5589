"""The brief JSON contract: external measurements parse exactly this shape."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from briefs.brief import build_brief
from briefs.matrix import build_matrix
from briefs.models import (
    ActorRef,
    ActorSummary,
    Brief,
    BriefRequest,
    CitedClaim,
    Claim,
    Evidence,
    Stance,
)
from briefs.render.json import actors_to_json, brief_to_json, matrix_to_json
from briefs.topics import Topic, TopicCatalog

POLAND = ActorRef(id="poland", name="Poland", kind="country")
TROOPS = "send troops to Ukraine"
TOPICS = TopicCatalog(
    [Topic(id="troops", proposition=TROOPS, gerund="sending troops to Ukraine", cues=("troop*",))]
)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STANCES = {"supports", "opposes", "conditional", "undecided"}

BRIEF_KEYS = {
    "actor",
    "as_of",
    "summary",
    "points",
    "changes",
    "sources",
    "topic",
    "omitted_points",
}
ACTOR_KEYS = {"id", "name", "kind"}
POINT_KEYS = {
    "stance",
    "proposition",
    "statement",
    "conditions",
    "speakers",
    "first_seen",
    "last_seen",
    "evidence",
    "evidence_total",
    "outlets",  # added with live sources: every outlet stating the point
}
CHANGE_KEYS = {
    "proposition",
    "before",
    "after",
    "before_date",
    "after_date",
    "before_evidence",
    "after_evidence",
}
SOURCE_KEYS = {"document", "title", "source", "url", "published"}
EVIDENCE_KEYS = {
    "document",
    "title",
    "source",
    "url",
    "published",
    "quote",
    "start",
    "end",
    "speaker",
}


def cited(
    stance: Stance,
    date: str | None,
    document: str,
    *,
    speaker: str | None = "Władysław Kosiniak-Kamysz",
    source: str | None = "Notes from Poland",
    url: str | None = "https://example.com/a",
    conditions: tuple[str, ...] = (),
) -> CitedClaim:
    """A cited claim by Poland on sending troops, published on its date."""
    day = dt.date.fromisoformat(date) if date else None
    quote = f"“We are not planning to send Polish soldiers,” said the minister ({document})."
    claim = Claim(
        actor_id="poland",
        stance=stance,
        proposition=TROOPS,
        conditions=conditions,
        speaker=speaker,
        sentence_index=3,
        start=100,
        end=100 + len(quote),
        date=day,
    )
    evidence = Evidence(
        document=document,
        title=f"Żołnierze: {document}",
        source=source,
        url=url,
        published=day,
        quote=quote,
        start=100,
        end=100 + len(quote),
        speaker=speaker,
    )
    return CitedClaim(claim=claim, evidence=evidence)


def sample_brief() -> Brief:
    claims = [
        cited("opposes", "2025-04-02", "april.txt"),
        cited("undecided", "2025-12-16", "december.txt", speaker=None, url=None),
        cited("opposes", "2026-01-06", "january.txt", source=None),
        cited("conditional", None, "undated.txt", conditions=("if a ceasefire holds",)),
    ]
    request = BriefRequest(actor="poland", topic="troops", limit=2)
    return build_brief(POLAND, claims, request, topics=TOPICS)


def check_date(value: Any) -> None:
    assert value is None or (isinstance(value, str) and DATE.fullmatch(value)), value


def check_optional_str(value: Any) -> None:
    assert value is None or isinstance(value, str), value


def check_evidence(item: dict[str, Any]) -> None:
    assert set(item) == EVIDENCE_KEYS
    for key in ("document", "title", "quote"):
        assert isinstance(item[key], str)
    for key in ("source", "url", "speaker"):
        check_optional_str(item[key])
    for key in ("start", "end"):
        assert isinstance(item[key], int) and not isinstance(item[key], bool)
    check_date(item["published"])


def check_point(point: dict[str, Any]) -> None:
    assert set(point) == POINT_KEYS
    assert point["stance"] in STANCES
    assert isinstance(point["proposition"], str) and isinstance(point["statement"], str)
    assert all(isinstance(c, str) for c in point["conditions"])
    assert all(isinstance(s, str) for s in point["speakers"])
    check_date(point["first_seen"])
    check_date(point["last_seen"])
    assert isinstance(point["evidence"], list) and point["evidence"]
    assert isinstance(point["evidence_total"], int)
    assert point["evidence_total"] >= len(point["evidence"])
    for item in point["evidence"]:
        check_evidence(item)
    assert isinstance(point["outlets"], list)
    assert all(isinstance(o, str) and o for o in point["outlets"])
    assert len(set(point["outlets"])) == len(point["outlets"])


def check_change(change: dict[str, Any]) -> None:
    assert set(change) == CHANGE_KEYS
    assert change["before"] in STANCES and change["after"] in STANCES
    check_date(change["before_date"])
    check_date(change["after_date"])
    for item in change["before_evidence"] + change["after_evidence"]:
        check_evidence(item)


def check_source(source: dict[str, Any]) -> None:
    assert set(source) == SOURCE_KEYS
    assert isinstance(source["document"], str) and isinstance(source["title"], str)
    check_optional_str(source["source"])
    check_optional_str(source["url"])
    check_date(source["published"])


def test_brief_json_has_exactly_the_contract_keys_and_types() -> None:
    data = json.loads(brief_to_json(sample_brief()))
    assert set(data) == BRIEF_KEYS
    assert data["actor"] == {"id": "poland", "name": "Poland", "kind": "country"}
    assert set(data["actor"]) == ACTOR_KEYS
    check_date(data["as_of"])
    assert isinstance(data["summary"], str)
    assert data["topic"] == "troops"
    assert data["omitted_points"] == 1
    assert len(data["points"]) == 2 and len(data["changes"]) == 2 and data["sources"]
    for point in data["points"]:
        check_point(point)
    for change in data["changes"]:
        check_change(change)
    for source in data["sources"]:
        check_source(source)


def test_brief_json_dates_are_iso_days_and_unknown_ones_null() -> None:
    data = json.loads(brief_to_json(sample_brief()))
    assert data["as_of"] == "2026-01-06"
    assert data["changes"][0]["before_date"] == "2025-04-02"
    assert data["changes"][0]["after_date"] == "2025-12-16"
    assert [s["published"] for s in data["sources"]] == ["2026-01-06", "2025-12-16", "2025-04-02"]
    assert data["points"][0]["evidence"][0]["published"] == "2026-01-06"


def test_brief_json_null_dates_and_fields_stay_null() -> None:
    request = BriefRequest(actor="poland")
    brief = build_brief(
        POLAND,
        [cited("supports", None, "x.txt", speaker=None, source=None, url=None)],
        request,
        topics=TOPICS,
    )
    data = json.loads(brief_to_json(brief))
    assert data["as_of"] is None and data["topic"] is None
    point = data["points"][0]
    assert point["first_seen"] is None and point["last_seen"] is None
    assert point["evidence"][0] | {"quote": ""} == {
        "document": "x.txt",
        "title": "Żołnierze: x.txt",
        "source": None,
        "url": None,
        "published": None,
        "quote": "",
        "start": 100,
        "end": 100 + len(point["evidence"][0]["quote"]),
        "speaker": None,
    }
    assert data["sources"] == [
        {
            "document": "x.txt",
            "title": "Żołnierze: x.txt",
            "source": None,
            "url": None,
            "published": None,
        }
    ]


def test_brief_json_round_trips_to_an_equal_brief() -> None:
    brief = sample_brief()
    assert Brief.model_validate(json.loads(brief_to_json(brief))) == brief


def test_empty_brief_json_round_trips() -> None:
    brief = build_brief(POLAND, [], BriefRequest(actor="poland"), topics=TOPICS)
    data = json.loads(brief_to_json(brief))
    assert data["points"] == [] and data["changes"] == [] and data["sources"] == []
    assert Brief.model_validate(data) == brief


def test_json_is_indented_and_keeps_non_ascii_text() -> None:
    text = brief_to_json(sample_brief())
    assert text.startswith('{\n  "actor": {\n    "id": "poland"')
    assert "Władysław" in text and "“We are not planning" in text


def test_json_matches_the_model_dump() -> None:
    brief = sample_brief()
    assert json.loads(brief_to_json(brief)) == brief.model_dump(mode="json")


def test_matrix_and_actors_json() -> None:
    matrix = build_matrix(
        "troops", [(POLAND, cited("opposes", "2026-01-06", "a.txt"))], topics=TOPICS
    )
    data = json.loads(matrix_to_json(matrix))
    assert set(data) == {"topic", "as_of", "rows"}
    (row,) = data["rows"]
    assert set(row) == {"actor", "stance", "proposition", "conditions", "last_seen", "evidence"}
    assert row["last_seen"] == "2026-01-06"
    check_evidence(row["evidence"][0])
    actors = json.loads(actors_to_json([ActorSummary(actor=POLAND, claims=3, documents=2)]))
    assert actors == [
        {
            "actor": {"id": "poland", "name": "Poland", "kind": "country"},
            "claims": 3,
            "documents": 2,
        }
    ]


def test_a_point_lists_every_outlet_stating_it_most_documents_first() -> None:
    """`outlets` (a key added after the first contract) names each outlet once: the one
    with the most documents first, then the most recent; outlet-less documents add none."""
    claims = [
        cited("opposes", "2026-01-06", "a.txt", source="Kyiv Wire"),
        cited("opposes", "2026-01-06", "b.txt", source="Northern Ledger"),
        cited("opposes", "2026-01-07", "c.txt", source="Continental Post"),
        cited("opposes", "2026-01-05", "d.txt", source="Northern Ledger"),
        cited("opposes", "2026-01-05", "e.txt", source=None),
    ]
    brief = build_brief(POLAND, claims, BriefRequest(actor="poland"), topics=TOPICS)
    (point,) = json.loads(brief_to_json(brief))["points"]
    assert point["outlets"] == ["Northern Ledger", "Continental Post", "Kyiv Wire"]
    assert len(point["evidence"]) == 5
