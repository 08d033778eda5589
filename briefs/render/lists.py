"""The neutral views of the list-shaped answers: a stance matrix, actors, quotes, issues.

Like `view`, these decide once what each row shows; text and Markdown lay them out
as tables and lists. Chat shows every list the same way, as a `ListView`: each row
a head of `Span`s (bold and escaped by the platform) and at most one quote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from briefs.models import ActorSummary, IssueSummary, MatrixRow, Stance, StanceMatrix
from briefs.quotes import QuoteItem, QuoteList
from briefs.render import wording
from briefs.render.view import QuoteView, quote_view
from briefs.render.wording import date_text


@dataclass(frozen=True)
class Span:
    """A piece of a list row's head: article text is escaped, a strong one is bold."""

    text: str
    article: bool = False
    strong: bool = False


@dataclass(frozen=True)
class RowView:
    """A row of a chat list: its head, then at most one quote."""

    head: tuple[Span, ...]
    quote: QuoteView | None = None


@dataclass(frozen=True)
class ListView:
    """A list as chat shows it: a title, rows, and the noun that counts what was left out."""

    title: str
    empty: str | None  # the whole answer when there are no rows
    noun: str
    rows: tuple[RowView, ...]
    compact: bool = False  # rows without quotes: one a line


# --- the stance matrix ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRowView:
    stance: Stance
    actor: str
    last_seen: str | None
    quote: QuoteView | None  # the actor's newest quote


@dataclass(frozen=True)
class MatrixView:
    topic: str  # as asked: Markdown escapes it within the title
    as_of: dt.date | None
    title: str
    empty: str | None
    rows: tuple[MatrixRowView, ...]


def matrix_row_view(row: MatrixRow) -> MatrixRowView:
    quote = quote_view(row.evidence[0]) if row.evidence else None
    return MatrixRowView(row.stance, row.actor.name, date_text(row.last_seen), quote)


def matrix_view(matrix: StanceMatrix) -> MatrixView:
    return MatrixView(
        topic=matrix.topic,
        as_of=matrix.as_of,
        title=wording.matrix_title(matrix.topic, matrix.as_of),
        empty=None if matrix.rows else wording.no_positions_line(matrix.topic),
        rows=tuple(map(matrix_row_view, matrix.rows)),
    )


def matrix_list(view: MatrixView) -> ListView:
    """One row per actor: stance, actor, last seen, then its newest quote."""
    rows = []
    for row in view.rows:
        seen = (Span(f"last seen {row.last_seen}"),) if row.last_seen else ()
        head = (Span(row.stance.upper(), strong=True), Span(row.actor, article=True), *seen)
        rows.append(RowView(head, row.quote))
    return ListView(view.title, view.empty, "actor", tuple(rows))


# --- known actors ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorRowView:
    name: str
    kind: str
    id: str
    claims: int
    documents: int


@dataclass(frozen=True)
class ActorsView:
    title: str
    empty: str | None
    rows: tuple[ActorRowView, ...]


def actors_view(summaries: Sequence[ActorSummary]) -> ActorsView:
    rows = tuple(
        ActorRowView(s.actor.name, s.actor.kind, s.actor.id, s.claims, s.documents)
        for s in summaries
    )
    return ActorsView(wording.actors_title(len(rows)), None if rows else wording.NO_ACTORS, rows)


def actors_list(view: ActorsView) -> ListView:
    """Known actors with how many claims and documents mention them."""
    rows = tuple(
        RowView(
            (
                Span(row.name, article=True, strong=True),
                Span(row.kind),
                Span(row.id, article=True),
                Span(f"{row.claims} claims, {row.documents} documents"),
            )
        )
        for row in view.rows
    )
    return ListView(view.title, view.empty, "actor", rows, compact=True)


# --- who said what ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementView:
    """One statement of a quote list: who said it, the cue, and the quote."""

    speaker: str
    cue: str | None
    quote: QuoteView


@dataclass(frozen=True)
class QuotesView:
    title: str
    empty: str | None
    statements: tuple[StatementView, ...]


def speaker_line(item: QuoteItem) -> str | None:
    """'Adaeze Okafor (Halbrook), told': the resolved speaker, affiliation and cue."""
    if item.speaker is None:
        return item.cue
    name = item.speaker.name
    if item.speaker.affiliation:
        name = f"{name} ({item.speaker.affiliation})"
    return f"{name}, {item.cue}" if item.cue else name


def statement_view(item: QuoteItem) -> StatementView:
    credits = (speaker_line(item), item.source, date_text(item.published))
    quote = QuoteView(item.quote, tuple(c for c in credits if c), item.document, item.url)
    speaker = item.speaker.name if item.speaker else wording.UNATTRIBUTED
    return StatementView(speaker, item.cue, quote)


def quotes_view(found: QuoteList) -> QuotesView:
    speaker = found.speaker.name if found.speaker else None
    return QuotesView(
        title=wording.quotes_title(speaker, found.about, len(found.quotes)),
        empty=None if found.quotes else wording.no_quotes_line(speaker, found.about),
        statements=tuple(map(statement_view, found.quotes)),
    )


def quotes_list(view: QuotesView) -> ListView:
    """One row per statement: speaker and cue, then the quote and its citation."""
    rows = []
    for statement in view.statements:
        cue = (Span(statement.cue, article=True),) if statement.cue else ()
        head = (Span(statement.speaker, article=True, strong=True), *cue)
        rows.append(RowView(head, statement.quote))
    return ListView(view.title, view.empty, "statement", tuple(rows))


# --- the corpus's issues ----------------------------------------------------------------------


@dataclass(frozen=True)
class IssuesView:
    """Issues, most active first (text and Markdown only: chat has no issue list)."""

    heading: str
    empty: str | None
    rows: tuple[IssueSummary, ...]


def issues_view(issues: Sequence[IssueSummary]) -> IssuesView:
    return IssuesView(wording.ISSUES_HEADING, None if issues else wording.NO_ISSUES, tuple(issues))
