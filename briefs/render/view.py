"""The neutral view: what a reply shows, decided once for every surface.

A Brief or a Digest becomes a view here (and a stance matrix, actor, quote or issue
list in `lists`): headings and lines in our words (from `wording`), the details a
point shows, its verbatim quotes with their credits, and what was left out. Text,
Markdown, Slack and Discord are serialisers of these views: they escape, clip and
pack, and decide nothing about what is shown. Views hold article text raw; every
serialiser escapes it for its own platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from briefs.brief import point_subject
from briefs.models import (
    Brief,
    Digest,
    Evidence,
    Point,
    SourceRef,
    Stance,
    StanceChange,
)
from briefs.render import wording
from briefs.render.wording import date_text

DetailKind = Literal["conditions", "speakers", "outlets"]


@dataclass(frozen=True)
class QuoteView:
    """A verbatim quote, then who said it, where and when (only the parts we know)."""

    text: str
    credits: tuple[str, ...]  # speaker, outlet, date
    document: str
    url: str | None


@dataclass(frozen=True)
class Detail:
    """A labelled list of article text under a point: its conditions, speakers or outlets."""

    kind: DetailKind
    label: str
    values: tuple[str, ...]
    sep: str  # how the values are joined: conditions are clauses, so "; "


@dataclass(frozen=True)
class PointView:
    """One position: stance and subject, our statement, details, when seen, its quotes."""

    stance: Stance
    subject: str
    statement: str
    details: tuple[Detail, ...]
    seen: str | None
    quotes: tuple[QuoteView, ...]
    actor: str | None = None  # in a digest, whose position it is


@dataclass(frozen=True)
class Side:
    """One side of a change: 'Before', its stance and date, and the quotes stating it."""

    label: str
    stance: Stance
    date: str | None
    quotes: tuple[QuoteView, ...]


@dataclass(frozen=True)
class ChangeView:
    """A stance that changed on a subject: before → after."""

    subject: str
    before: Side
    after: Side

    @property
    def sides(self) -> tuple[Side, Side]:
        return (self.before, self.after)

    def dated_stances(self, case: Callable[[str], str] = str.upper) -> tuple[str, str]:
        """'OPPOSES (2025-11-20)' and 'CONDITIONAL': each side's stance and date."""
        return (
            wording.dated(case(self.before.stance), self.before.date),
            wording.dated(case(self.after.stance), self.after.date),
        )


@dataclass(frozen=True)
class SourceView:
    """A source: its title (the document name when untitled), outlet, date and address."""

    title: str
    outlet: str | None
    date: str | None
    document: str
    url: str | None

    @property
    def parts(self) -> tuple[str, ...]:
        """Title, outlet and date, the unknown ones left out."""
        return tuple(p for p in (self.title, self.outlet, self.date) if p)


@dataclass(frozen=True)
class BriefView:
    title: str
    topic: str | None
    summary: str
    points: tuple[PointView, ...]
    omitted: int  # points the brief itself left out
    changes: tuple[ChangeView, ...]
    sources: tuple[SourceView, ...]


@dataclass(frozen=True)
class DigestView:
    title: str
    counts: str  # '2 changes, 1 new position'
    empty: str | None  # the whole of an empty digest; None when it holds anything
    changes: tuple[ChangeView, ...]
    positions: tuple[PointView, ...]
    sources: tuple[SourceView, ...]

    def left_out(self, hidden: int) -> list[tuple[int, str]]:
        """The `hidden` trailing units by kind, for "+N more": changes come first and
        new positions last, so new positions are left out first."""
        positions = min(hidden, len(self.positions))
        return [(hidden - positions, "change"), (positions, "new position")]


# --- building views ----------------------------------------------------------------------


def quote_view(evidence: Evidence) -> QuoteView:
    credits = (evidence.speaker, evidence.source, date_text(evidence.published))
    return QuoteView(
        evidence.quote, tuple(c for c in credits if c), evidence.document, evidence.url
    )


def quote_views(evidence: Sequence[Evidence]) -> tuple[QuoteView, ...]:
    return tuple(map(quote_view, evidence))


def shown_conditions(point: Point) -> tuple[str, ...]:
    """A point's conditions, unless its statement already lists them all."""
    if all(c.rstrip(" .;,") in point.statement for c in point.conditions):
        return ()
    return point.conditions


def point_details(point: Point) -> tuple[Detail, ...]:
    """Conditions not already stated, speakers, and the outlets when there are several
    (each quote already names its own)."""
    details = (
        Detail("conditions", wording.CONDITIONS, shown_conditions(point), "; "),
        Detail("speakers", wording.SPEAKERS, point.speakers, ", "),
        Detail(
            "outlets", wording.REPORTED_BY, point.outlets if len(point.outlets) > 1 else (), ", "
        ),
    )
    return tuple(d for d in details if d.values)


def point_view(point: Point, name: str, *, actor: str | None = None) -> PointView:
    return PointView(
        stance=point.stance,
        # The one place the subject is read back out of our statement: a Point does not
        # carry it, and the JSON contract (which round-trips a Brief) pins Point's fields.
        subject=point_subject(point, name),
        statement=point.statement,
        details=point_details(point),
        seen=wording.seen_sentence(point.first_seen, point.last_seen),
        quotes=quote_views(point.evidence),
        actor=actor,
    )


def side_view(label: str, stance: Stance, date: dt.date | None, quotes: Sequence[Evidence]) -> Side:
    return Side(label, stance, date_text(date), quote_views(quotes))


def change_view(change: StanceChange, subject: str) -> ChangeView:
    before = side_view(wording.BEFORE, change.before, change.before_date, change.before_evidence)
    after = side_view(wording.AFTER, change.after, change.after_date, change.after_evidence)
    return ChangeView(subject, before, after)


def source_view(source: SourceRef) -> SourceView:
    return SourceView(
        source.title or source.document,
        source.source,
        date_text(source.published),
        source.document,
        source.url,
    )


def brief_view(brief: Brief) -> BriefView:
    name = brief.actor.name
    points = tuple(point_view(p, name) for p in brief.points)
    # a change is named as the point on its proposition names it
    subjects = {p.proposition: view.subject for p, view in zip(brief.points, points, strict=True)}
    return BriefView(
        title=wording.title_line(name, date_text(brief.as_of)),
        topic=brief.topic,
        summary=brief.summary,
        points=points,
        omitted=brief.omitted_points,
        changes=tuple(
            change_view(c, subjects.get(c.proposition, c.proposition)) for c in brief.changes
        ),
        sources=tuple(map(source_view, brief.sources)),
    )


def digest_view(digest: Digest) -> DigestView:
    scope = wording.digest_scope(digest.actors, digest.topic)
    counts = (
        (len(digest.changes), "change"),
        (len(digest.new_positions), "new position"),
        (len(digest.new_sources), "new source"),
    )
    return DigestView(
        title=wording.digest_title(scope, digest.since, digest.until),
        counts=wording.counts_line(counts),
        empty=wording.no_change_line(scope, digest.since) if digest.empty else None,
        changes=tuple(
            change_view(c.change, wording.change_subject(c.actor, c.change.proposition))
            for c in digest.changes
        ),
        positions=tuple(
            point_view(p.point, p.actor.name, actor=p.actor.name) for p in digest.new_positions
        ),
        sources=tuple(map(source_view, digest.new_sources)),
    )
