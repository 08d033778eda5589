"""Our own words, said once: titles, labels, empty answers and "+N more" lines.

Every serialiser (text, Markdown, Slack, Discord) takes its wording from here, so a
title or a label reads the same on every surface. Nothing here is article text, and
nothing here is escaped: the serialiser escapes what it puts around article text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from briefs.models import ActorRef

UNKNOWN_DATE = "unknown date"
UNKNOWN = "unknown"  # a table cell's unknown date
NO_MESSAGE = "(no message)"  # a notice with no text

# labels of a point's details and of a reply's sections
TOPIC = "Topic"
CONDITIONS = "Conditions"
SPEAKERS = "Speakers"
REPORTED_BY = "Reported by"
DATES = "Dates"
POSITIONS = "Positions"
CHANGES = "Changes"
SOURCES = "Sources"
NEW_POSITIONS = "New positions"
NEW_SOURCES = "New sources"
CHANGED = "Changed"  # a digest's change, in a title
NEW = "New"  # a digest's new position, in a title
BEFORE = "Before"
AFTER = "After"
UNATTRIBUTED = "unattributed"
NO_ACTORS = "No actors found in the corpus."
NO_ISSUES = "No issues found in the corpus yet: ingest some articles first."
ISSUES_HEADING = "Issues in the corpus"


def date_text(date: dt.date | None) -> str | None:
    """A date as YYYY-MM-DD, or None when unknown."""
    return date.isoformat() if date else None


def seen_sentence(first: dt.date | None, last: dt.date | None) -> str | None:
    """'First seen X, last seen Y' with unknown ends left out; None when both are unknown."""
    if first and last and first == last:
        return f"Seen {first.isoformat()}"
    parts = []
    if first:
        parts.append(f"first seen {first.isoformat()}")
    if last:
        parts.append(f"last seen {last.isoformat()}")
    seen = ", ".join(parts)
    return seen[0].upper() + seen[1:] if seen else None


def one_line(quote: str) -> str:
    """A quote with its line breaks turned into spaces, for one-line table cells.

    Only whitespace changes: every word of the quote is kept, in order.
    """
    return re.sub(r"\s*\n\s*", " ", quote).strip()


def dated(word: str, date: str | None) -> str:
    """'OPPOSES (2025-04-02)', or just the word when the date is unknown."""
    return f"{word} ({date})" if date else word


# --- titles and empty answers ---------------------------------------------------------


def title_line(name: str, as_of: str | None) -> str:
    """A brief's title, naming the actor and how current it is."""
    return f"{name}: position brief, as of {as_of or UNKNOWN_DATE}"


def matrix_title(topic: str, as_of: dt.date | None) -> str:
    """'Who stands where on 'troops', as of 2026-01-06'."""
    return f"Who stands where on '{topic}', as of {date_text(as_of) or UNKNOWN_DATE}"


def no_positions_line(topic: str) -> str:
    """The whole of an empty stance matrix."""
    return f"No stated positions on '{topic}' found in the corpus."


def actors_title(count: int) -> str:
    return f"Known actors ({count})"


def continued_text(title: str, number: int, total: int) -> str:
    """The line that opens every message after a reply's first one."""
    return f"{title} (continued, {number}/{total})"


def quotes_title(speaker: str | None, about: str | None, count: int) -> str:
    """'What Adaeze Okafor said about budget (3)'; everyone's when no speaker was asked."""
    who = f"What {speaker} said" if speaker else "Who said what"
    return f"{who}{f' about {about}' if about else ''} ({count})"


def no_quotes_line(speaker: str | None, about: str | None) -> str:
    """One line for an empty quotes answer, saying what was asked."""
    about_text = f" about {about!r}" if about else ""
    return f"No statements by {speaker or 'anyone'}{about_text} in the store yet."


# --- digests -----------------------------------------------------------------------------


def moment_text(moment: dt.datetime) -> str:
    """A digest window's edge to the minute, in UTC: '2026-01-12 07:00 UTC'."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def digest_scope(actors: Sequence[ActorRef], topic: str | None) -> str:
    """Who and what a digest covers: 'Poland, France on 'troops''."""
    who = ", ".join(a.name for a in actors) if actors else "any country or organisation"
    return f"{who} on '{topic}'" if topic else who


def no_change_line(scope: str, since: dt.datetime) -> str:
    """The whole of an empty digest: one line the caller may send or drop."""
    return f"No change since {moment_text(since)} for {scope}."


def digest_title(scope: str, since: dt.datetime, until: dt.datetime) -> str:
    """A digest's first line: what it covers and its window."""
    return f"What changed for {scope}, {moment_text(since)} to {moment_text(until)}"


def change_subject(actor: ActorRef, proposition: str) -> str:
    """How a digest names a change: 'Poland — send troops to Ukraine'."""
    return f"{actor.name} — {proposition}"


# --- counts and what was left out -----------------------------------------------------------


def counted_text(count: int, noun: str) -> str:
    """'1 change', '3 new sources'."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def counts_line(counts: Sequence[tuple[int, str]]) -> str:
    """'2 changes, 1 new position' for the non-zero counts."""
    return ", ".join(counted_text(count, noun) for count, noun in counts if count)


def more_text(count: int, noun: str) -> str:
    """'+1 more point', '+3 more points': what a reply left out for lack of room."""
    return f"+{count} more {noun}" + ("" if count == 1 else "s")


def more_line(counts: Sequence[tuple[int, str]]) -> str:
    """'+1 more change, +3 more quotes' for the non-zero counts; '' when nothing was left out."""
    return ", ".join(more_text(count, noun) for count, noun in counts if count)


def more_bound(counts: Sequence[tuple[int, str]]) -> int:
    """The longest `more_line` these totals could produce, to keep room for it in advance."""
    return len(more_line([(max(count, 2), noun) for count, noun in counts]))
