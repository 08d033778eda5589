"""Renderers: a brief, a stance matrix or an actor list as text, Markdown, JSON, Slack or Discord.

Every renderer is a pure function in its own module (`text`, `markdown`, `json`,
`slack`, `discord`). This package holds what they share: how a date, an attribution
and a single-line quote are spelled, and, for the chat platforms, how a reply is cut
into messages that keep the limits in `limits`. Missing values are left out, never
shown as "None".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from briefs.models import Digest, Evidence, Point, SourceRef, StanceMatrix

UNKNOWN_DATE = "unknown date"


def date_text(date: dt.date | None) -> str | None:
    """A date as YYYY-MM-DD, or None when unknown."""
    return date.isoformat() if date else None


def attribution_parts(evidence: Evidence) -> list[str]:
    """Who said it, where and when: only the parts we know."""
    parts = [evidence.speaker, evidence.source, date_text(evidence.published)]
    return [p for p in parts if p]


def source_parts(source: SourceRef) -> list[str]:
    """A source's title (the document name when untitled), outlet and date."""
    parts = [source.title or source.document, source.source, date_text(source.published)]
    return [p for p in parts if p]


def seen_text(first: dt.date | None, last: dt.date | None) -> str | None:
    """'first seen X, last seen Y' with unknown ends left out; None when both are unknown."""
    if first and last and first == last:
        return f"seen {first.isoformat()}"
    parts = []
    if first:
        parts.append(f"first seen {first.isoformat()}")
    if last:
        parts.append(f"last seen {last.isoformat()}")
    return ", ".join(parts) or None


def reported_by(point: Point) -> bool:
    """Whether a point names its outlets: only with several, since each quote already names
    its own (one story carried by three outlets reads "Reported by: A, B, C")."""
    return len(point.outlets) > 1


def one_line(quote: str) -> str:
    """A quote with its line breaks turned into spaces, for one-line table cells.

    Only whitespace changes: every word of the quote is kept, in order.
    """
    return re.sub(r"\s*\n\s*", " ", quote).strip()


# --- shared by the chat renderers (Slack, Discord) ------------------------------------
#
# Chat platforms cap every message, so a brief is laid out in pieces that must each
# fit: a quote is shown whole or left out and counted ("+2 more quotes"), a point is
# never split across messages, and a reply stops at a few messages with "+N more points".

T = TypeVar("T")
E = TypeVar("E")  # what a paginated list holds (an Entry, or a renderer's own item)


def more_text(count: int, noun: str) -> str:
    """'+1 more point', '+3 more points': what a reply left out for lack of room."""
    return f"+{count} more {noun}" + ("" if count == 1 else "s")


def more_line(counts: Sequence[tuple[int, str]]) -> str:
    """'+1 more change, +3 more quotes' for the non-zero counts; '' when nothing was left out."""
    return ", ".join(more_text(count, noun) for count, noun in counts if count)


def more_bound(counts: Sequence[tuple[int, str]]) -> int:
    """The longest `more_line` these totals could produce, to keep room for it in advance."""
    return len(more_line([(max(count, 2), noun) for count, noun in counts]))


def counted_text(count: int, noun: str) -> str:
    """'1 change', '3 new sources'."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def digest_counts(digest: Digest) -> str:
    """'2 changes, 1 new position, 3 new sources': what a digest holds, at a glance."""
    parts = (
        (len(digest.changes), "change"),
        (len(digest.new_positions), "new position"),
        (len(digest.new_sources), "new source"),
    )
    return ", ".join(counted_text(count, noun) for count, noun in parts if count)


def digest_left_out(digest: Digest, hidden: int) -> list[tuple[int, str]]:
    """A digest's `hidden` trailing units by kind, for "+N more": changes come first and
    new positions last, so new positions are left out first."""
    positions = min(hidden, len(digest.new_positions))
    return [(hidden - positions, "change"), (positions, "new position")]


def matrix_title(matrix: StanceMatrix) -> str:
    """'Who stands where on 'troops', as of 2026-01-06'."""
    return f"Who stands where on '{matrix.topic}', as of {date_text(matrix.as_of) or UNKNOWN_DATE}"


def continued_text(title: str, number: int, total: int) -> str:
    """The line that opens every message after a reply's first one."""
    return f"{title} (continued, {number}/{total})"


def shown_conditions(point: Point) -> tuple[str, ...]:
    """A point's conditions, unless its statement already lists them all."""
    if all(c.rstrip(" .;,") in point.statement for c in point.conditions):
        return ()
    return point.conditions


def seen_sentence(first: dt.date | None, last: dt.date | None) -> str | None:
    """`seen_text` as a sentence: 'First seen X, last seen Y'."""
    seen = seen_text(first, last)
    return seen[0].upper() + seen[1:] if seen else None


def clip(text: str, limit: int) -> str:
    """Our own text cut to `limit` characters at a word, marked '…'. Never used on a quote."""
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…"


def clip_escaped(text: str, limit: int, escape: Callable[[str], str]) -> str:
    """`escape(text)` within `limit`, clipping before escaping so no escape is cut in half."""
    cut = limit
    while True:
        escaped = escape(clip(text, cut))
        if len(escaped) <= limit:
            return escaped
        # shrink in proportion: escaping can triple the text (& -> &amp;)
        cut = min(cut - 1, cut * limit // len(escaped))


def join_within(parts: Sequence[str], limit: int, sep: str = ", ") -> str:
    """The leading parts that fit in `limit`, then '+N more' for the others (none is cut)."""
    for shown in range(len(parts), -1, -1):
        kept = list(parts[:shown])
        if shown < len(parts):
            kept.append(f"+{len(parts) - shown} more")
        text = sep.join(kept)
        if len(text) <= limit:
            return text
    return ""


@dataclass(frozen=True)
class Entry:
    """One thing to lay out: a head that is always shown, then quotes shown while they fit."""

    head: str
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filled:
    """Entries laid out over sections: how many were shown, and how many quotes were not."""

    sections: tuple[str, ...]
    entries: int  # the leading entries shown; the rest did not fit
    shown_quotes: int
    dropped_quotes: int  # quotes of shown entries left out whole


@dataclass
class _Sections:
    """Texts being filled up to a section count, a character total and a per-section size."""

    sections: int
    chars: int
    section_max: int
    sep: str
    texts: list[str] = field(default_factory=list)

    def add(self, text: str) -> bool:
        """Append `text` to the last section or open a new one; False when neither fits."""
        joined = len(self.sep) + len(text)
        if self.texts and len(self.texts[-1]) + joined <= self.section_max and joined <= self.chars:
            self.texts[-1] += self.sep + text
            self.chars -= joined
            return True
        if self.sections > 0 and len(text) <= min(self.section_max, self.chars):
            self.texts.append(text)
            self.sections -= 1
            self.chars -= len(text)
            return True
        return False

    def fits_whole(self, entry: Entry) -> bool:
        """Whether the entry and all its quotes would fit (tried on a copy)."""
        trial = _Sections(self.sections, self.chars, self.section_max, self.sep, list(self.texts))
        return all(trial.add(text) for text in (entry.head, *entry.quotes))


def fill_sections(
    entries: Sequence[Entry],
    *,
    sections: int,
    chars: int,
    section_max: int,
    sep: str = "\n",
    whole: bool = False,
) -> Filled:
    """Lay entries out in order over at most `sections` texts of at most `section_max` each.

    A head that does not fit ends the fill. A quote that does not fit is left out
    whole and counted, and later (shorter) quotes may still fit. With `whole`, an
    entry after the first is only shown with all its quotes, so a list row moves
    to the next message rather than losing its quote.
    """
    filling = _Sections(sections, chars, section_max, sep)
    shown = dropped = entries_shown = 0
    for entry in entries:
        if whole and entries_shown and not filling.fits_whole(entry):
            break
        if not filling.add(entry.head):
            break
        entries_shown += 1
        for quote in entry.quotes:
            if filling.add(quote):
                shown += 1
            else:
                dropped += 1
    return Filled(tuple(filling.texts), entries_shown, shown, dropped)


@dataclass(frozen=True)
class Room:
    """What is left in a message: blocks or embeds, and characters of their text."""

    items: int
    chars: int


@dataclass(frozen=True)
class Chunk(Generic[T]):
    """Blocks or embeds that must stay together in one message."""

    items: tuple[T, ...]
    chars: int
    shown: int = 0  # quotes (or list items) shown
    dropped: int = 0  # and left out for lack of room


Layout = Callable[[Room], Chunk[T] | None]  # a chunk within the room, or None if none fits


def fixed(chunk: Chunk[T]) -> Layout[T]:
    """A layout that places its chunk as it is, or not at all."""

    def layout(room: Room) -> Chunk[T] | None:
        fits = len(chunk.items) <= room.items and chunk.chars <= room.chars
        return chunk if fits else None

    return layout


def pack(
    layouts: Sequence[Layout[T]], *, first: Room, fresh: Room, max_messages: int
) -> tuple[list[list[T]], int]:
    """Chunks in order over at most `max_messages` messages, and how many were placed
    before one did not fit.

    A chunk goes into the current message unless a fresh one would show more of it,
    so a point is moved whole rather than shown short; in the last message it is
    shown short only if it keeps at least one quote.
    """
    messages: list[list[T]] = [[]]
    room = first
    for placed, layout in enumerate(layouts):
        chunk = layout(room)
        if chunk is None or chunk.dropped:
            best = layout(fresh)
            if best is not None and (chunk is None or best.shown > chunk.shown):
                if messages[-1] and len(messages) < max_messages:
                    messages.append([])
                    room, chunk = fresh, best
                elif chunk is not None and chunk.shown == 0:
                    chunk = None
        if chunk is None:
            return messages, placed
        messages[-1].extend(chunk.items)
        room = Room(room.items - len(chunk.items), room.chars - chunk.chars)
    return messages, len(layouts)


def fit_points(
    head: Layout[T],
    points: Sequence[Layout[T]],
    tail: Callable[[int], Sequence[Layout[T]]],
    *,
    first: Room,
    fresh: Room,
    max_messages: int,
) -> list[list[T]]:
    """The head, as many leading points as fit, then the tail told how many were left out.

    The tail (changes, sources, "+N more points") must fit in a fresh message each,
    so with no points at all everything fits in `max_messages` >= 3.
    """
    shown = len(points)
    while shown >= 0:
        layouts = [head, *points[:shown], *tail(len(points) - shown)]
        messages, placed = pack(layouts, first=first, fresh=fresh, max_messages=max_messages)
        if placed == len(layouts):
            return messages
        # layouts are placed greedily in order, so a point that failed fails with any tail;
        # when the tail failed, one point fewer makes room for it
        shown = placed - 1 if placed <= shown else shown - 1
    raise ValueError("a brief's head and tail must each fit in a message")


def paginate(
    entries: Sequence[E],
    page: Callable[[Sequence[E], int], tuple[T, int]],
    max_pages: int,
) -> tuple[list[T], int]:
    """Pages of a list, each made by `page(rest, index) -> (page, entries used)`, and how
    many entries did not fit in `max_pages`."""
    pages: list[T] = []
    start = 0
    while start < len(entries) and len(pages) < max_pages:
        made, used = page(entries[start:], len(pages))
        if not used:
            break
        pages.append(made)
        start += used
    return pages, len(entries) - start
