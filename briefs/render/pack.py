"""What the chat serialisers (Slack, Discord) share: a reply cut into messages within limits.

Chat platforms cap every message, so a reply is laid out in pieces that must each
fit: a quote is shown whole or left out and counted ("+2 more quotes"), a point is
never split across messages, and a reply stops at a few messages with "+N more".
The platform serialisers say how big their pieces are; the packing is done here once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from briefs.render.limits import MAX_MESSAGES_PER_REPLY
from briefs.render.lists import Span
from briefs.render.wording import more_line

T = TypeVar("T")  # what a message holds: a Slack block, a Discord embed
A = TypeVar("A")  # a piece placed as it is, never joined to text (a Slack quote block)
E = TypeVar("E")  # a list's entry
R = TypeVar("R")  # a list's page, as a platform makes it

ZWSP = "\u200b"  # a zero-width space: both platforms' way to break up markup and mentions

# --- our own text within a limit -------------------------------------------------------------


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


def row_head(head: Sequence[Span], *, bold: str, escape: Callable[[str], str]) -> str:
    """A list row's head as 'a · b': strong spans in `bold` markers, article text escaped."""
    texts = (escape(span.text) if span.article else span.text for span in head)
    return " · ".join(
        f"{bold}{text}{bold}" if span.strong else text
        for span, text in zip(head, texts, strict=True)
    )


# --- entries over slots: text joined into sections, pieces placed whole ------------------------


@dataclass(frozen=True)
class Entry(Generic[A]):
    """One thing to lay out: a head that is always shown, then pieces shown while they fit.

    A str piece is text, joined to the text before it; any other piece takes a slot of
    its own.
    """

    head: str
    pieces: tuple[str | A, ...] = ()


@dataclass(frozen=True)
class Filled(Generic[A]):
    """Entries laid out over slots: how many were shown, and how many pieces were not."""

    slots: tuple[str | A, ...]
    entries: int  # the leading entries shown; the rest did not fit
    shown: int
    dropped: int  # pieces of shown entries left out whole


@dataclass
class _Slots(Generic[A]):
    """Slots being filled up to a count, a character total and a size per text slot."""

    slots: int
    chars: int
    slot_max: int
    sep: str
    size: Callable[[A], int]
    made: list[str | A] = field(default_factory=list)

    def add(self, piece: str | A) -> bool:
        """Place `piece`, joined to the last text or in a slot of its own; False if neither fits."""
        if isinstance(piece, str):
            last = self.made[-1] if self.made else None
            joined = len(self.sep) + len(piece)
            if (
                isinstance(last, str)
                and len(last) + joined <= self.slot_max
                and joined <= self.chars
            ):
                self.made[-1] = last + self.sep + piece
                self.chars -= joined
                return True
            if len(piece) > self.slot_max:
                return False
            size = len(piece)
        else:
            size = self.size(piece)
        if self.slots > 0 and size <= self.chars:
            self.made.append(piece)
            self.slots -= 1
            self.chars -= size
            return True
        return False

    def fits_whole(self, entry: Entry[A]) -> bool:
        """Whether the entry and all its pieces would fit (tried on a copy)."""
        trial = _Slots(self.slots, self.chars, self.slot_max, self.sep, self.size, list(self.made))
        return all(trial.add(piece) for piece in (entry.head, *entry.pieces))


def _no_size(piece: object) -> int:
    raise TypeError(f"no size for {piece!r}: only text was expected")


def fill(
    entries: Sequence[Entry[A]],
    *,
    slots: int,
    chars: int,
    slot_max: int,
    sep: str = "\n",
    whole: bool = False,
    size: Callable[[A], int] = _no_size,
) -> Filled[A]:
    """Lay entries out in order over at most `slots` slots and `chars` characters.

    A head that does not fit ends the fill. A piece that does not fit is left out
    whole and counted, and later (shorter) pieces may still fit. With `whole`, an
    entry after the first is only shown with all its pieces, so a list row moves
    to the next message rather than losing its quote.
    """
    filling = _Slots(slots, chars, slot_max, sep, size)
    shown = dropped = entries_shown = 0
    for entry in entries:
        if whole and entries_shown and not filling.fits_whole(entry):
            break
        if not filling.add(entry.head):
            break
        entries_shown += 1
        for piece in entry.pieces:
            if filling.add(piece):
                shown += 1
            else:
                dropped += 1
    return Filled(tuple(filling.made), entries_shown, shown, dropped)


def list_pages(
    entries: Sequence[E], noun: str, page: Callable[[Sequence[E], int], tuple[R, int, int]]
) -> list[tuple[R, str]]:
    """A list over at most MAX_MESSAGES_PER_REPLY pages, each made by `page(rest, index) ->
    (page, entries used, quotes left out)`, with the line saying what each left out (the
    last one also counts the entries that did not fit).
    """
    pages: list[tuple[R, int]] = []
    start = 0
    while start < len(entries) and len(pages) < MAX_MESSAGES_PER_REPLY:
        made, used, dropped = page(entries[start:], len(pages))
        if not used:
            break
        pages.append((made, dropped))
        start += used
    left = len(entries) - start
    return [
        (made, more_line([(left if number == len(pages) else 0, noun), (dropped, "quote")]))
        for number, (made, dropped) in enumerate(pages, 1)
    ]


# --- chunks over messages ------------------------------------------------------------------


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
) -> list[list[T]]:
    """The head, as many leading points as fit, then the tail told how many were left out.

    The tail (changes, sources, "+N more points") must fit in a fresh message each,
    so with no points at all everything fits in MAX_MESSAGES_PER_REPLY >= 3 messages.
    """
    shown = len(points)
    while shown >= 0:
        layouts = [head, *points[:shown], *tail(len(points) - shown)]
        messages, placed = pack(
            layouts, first=first, fresh=fresh, max_messages=MAX_MESSAGES_PER_REPLY
        )
        if placed == len(layouts):
            return messages
        # layouts are placed greedily in order, so a point that failed fails with any tail;
        # when the tail failed, one point fewer makes room for it
        shown = placed - 1 if placed <= shown else shown - 1
    raise ValueError("a brief's head and tail must each fit in a message")
