"""The neutral view: what a reply shows is decided once, and every surface shows it.

The golden snapshots pin each serialiser's bytes; these tests pin the view between
the results and the serialisers, and the chat packer both platforms share.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from briefs.brief import make_statement
from briefs.models import (
    ActorRef,
    Brief,
    Digest,
    DigestPoint,
    Evidence,
    Point,
    StanceChange,
    StanceMatrix,
)
from briefs.render import lists, view
from briefs.render.discord import brief_to_discord
from briefs.render.markdown import brief_to_markdown, matrix_to_markdown
from briefs.render.pack import Entry, fill, row_head
from briefs.render.slack import brief_to_slack
from briefs.render.text import brief_to_text

POLAND = ActorRef(id="poland", name="Poland", kind="country")
DAY = dt.date(2026, 1, 6)


def evidence(quote: str, document: str, speaker: str | None = "Donald Tusk") -> Evidence:
    return Evidence(
        document=document,
        title="Poland will not send troops",
        source="Reuters",
        url=None,
        published=DAY,
        quote=quote,
        start=0,
        end=len(quote),
        speaker=speaker,
    )


def point(**changes: object) -> Point:
    values: dict[str, object] = {
        "stance": "opposes",
        "proposition": "send troops to Ukraine",
        "statement": make_statement("Poland", "opposes", "sending troops to Ukraine", ()),
        "conditions": ("unless NATO asks",),
        "speakers": ("Donald Tusk", "Radosław Sikorski"),
        "first_seen": dt.date(2025, 11, 20),
        "last_seen": DAY,
        "evidence": (evidence("We will not send troops.", "a.txt"),),
        "outlets": ("Reuters", "PAP"),
    }
    return Point.model_validate(values | changes)


def brief(*points: Point, changes: tuple[StanceChange, ...] = ()) -> Brief:
    return Brief(
        actor=POLAND,
        as_of=DAY,
        summary="Poland opposes sending troops to Ukraine.",
        points=points,
        changes=changes,
    )


def test_point_view_has_the_subject_details_and_dates_in_order() -> None:
    shown = view.point_view(point(), "Poland")
    assert shown.subject == "sending troops to Ukraine"
    assert [(d.label, d.values, d.sep) for d in shown.details] == [
        ("Conditions", ("unless NATO asks",), "; "),
        ("Speakers", ("Donald Tusk", "Radosław Sikorski"), ", "),
        ("Reported by", ("Reuters", "PAP"), ", "),
    ]
    assert shown.seen == "First seen 2025-11-20, last seen 2026-01-06"
    assert shown.quotes[0].credits == ("Donald Tusk", "Reuters", "2026-01-06")


def test_point_view_leaves_out_stated_conditions_and_a_single_outlet() -> None:
    conditions = ("once a ceasefire holds",)
    statement = make_statement("Poland", "supports", "sending troops", conditions)
    shown = view.point_view(
        point(stance="supports", statement=statement, conditions=conditions, outlets=("PAP",)),
        "Poland",
    )
    assert [d.kind for d in shown.details] == ["speakers"]


def test_a_change_is_named_as_its_point_names_it() -> None:
    change = StanceChange(
        proposition="send troops to Ukraine",
        before="supports",
        after="opposes",
        before_date=dt.date(2025, 4, 2),
        after_date=None,
        before_evidence=(evidence("We may send troops.", "b.txt"),),
        after_evidence=(),
    )
    other = change.model_copy(update={"proposition": "close the border"})
    shown = view.brief_view(brief(point(), changes=(change, other)))
    assert [c.subject for c in shown.changes] == ["sending troops to Ukraine", "close the border"]
    assert shown.changes[0].dated_stances() == ("SUPPORTS (2025-04-02)", "OPPOSES")
    assert shown.changes[0].dated_stances(str.lower) == ("supports (2025-04-02)", "opposes")


def test_views_are_frozen() -> None:
    shown = view.brief_view(brief(point()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        shown.title = "changed"  # type: ignore[misc]


def test_every_surface_shows_what_the_view_shows() -> None:
    """The same labels and subject on every surface: the view decides, they serialise."""
    made = brief(point())
    shown = view.brief_view(made)
    outputs = {
        "text": brief_to_text(made),
        "markdown": brief_to_markdown(made),
        "slack": json.dumps(brief_to_slack(made), ensure_ascii=False),
        "discord": json.dumps(brief_to_discord(made), ensure_ascii=False),
    }
    wanted = [shown.title, shown.points[0].subject, *(d.label for d in shown.points[0].details)]
    for surface, output in outputs.items():
        missing = [w for w in wanted if w not in output]
        assert not missing, (surface, missing)


def test_a_digest_leaves_out_new_positions_first() -> None:
    moment = dt.datetime(2026, 1, 12, 7, tzinfo=dt.UTC)
    digest = Digest(
        since=moment,
        until=moment,
        new_positions=(DigestPoint(actor=POLAND, point=point()),) * 2,
    )
    shown = view.digest_view(digest)
    assert shown.counts == "2 new positions"
    assert shown.positions[0].actor == "Poland"
    assert shown.left_out(3) == [(1, "change"), (2, "new position")]


def test_chat_rows_bold_strong_spans_and_escape_article_text() -> None:
    head = (lists.Span("OPPOSES", strong=True), lists.Span("a*b", article=True), lists.Span("x"))
    assert row_head(head, bold="**", escape=lambda t: t.replace("*", r"\*")) == (
        r"**OPPOSES** · a\*b · x"
    )


def test_fill_joins_text_and_places_other_pieces_in_slots_of_their_own() -> None:
    entries = [Entry[int]("head", ("one", 7, "two")), Entry[int]("next")]
    filled = fill(entries, slots=3, chars=100, slot_max=10, size=lambda piece: piece)
    assert filled.slots == ("head\none", 7, "two\nnext")
    assert (filled.entries, filled.shown, filled.dropped) == (2, 3, 0)


def test_fill_leaves_a_piece_out_whole_and_counts_it() -> None:
    entries = [Entry[int]("head", (50, "tail"))]
    filled = fill(entries, slots=2, chars=20, slot_max=10, size=lambda piece: piece)
    assert filled.slots == ("head\ntail",)
    assert (filled.shown, filled.dropped) == (1, 1)


def test_markdown_matrix_escapes_the_topic_as_a_text_of_its_own() -> None:
    """As before the view: a marker opening the topic is escaped even inside the title."""
    empty = StanceMatrix(topic="- troops", as_of=None, rows=())
    assert matrix_to_markdown(empty) == r"No stated positions on '\- troops' found in the corpus."
