"""Slack Block Kit: briefs, stance matrices, actor lists and notices as Slack messages.

Blocks are plain JSON (no SDK). Every message carries a short plain-text `text`,
which notifications show.

Quotes are the product: each one is a `rich_text` block whose `rich_text_quote`
holds the article's words exactly. Rich text elements are literal (no mrkdwn, no
links, no mentions: those are element types of their own), so a quote needs no
escaping and copies out of Slack verbatim. The attribution under it (speaker,
outlet, date, document) sits in the same block, also literal, so a file name
copies out verbatim too.

Everything else is mrkdwn, and article text in it (titles, outlets, speakers,
conditions) goes through `escape`, so nothing in an article can mention, link or
format. Slack's limits (`limits.py`) hold for every message: a quote is shown
whole or counted in a "+N more quotes" line, a point is never split across
messages, and a reply stops at a few messages with "+N more".

A digest is laid out the same way: each change (before → after, with the quotes
on both sides) and each new position is one unit, placed whole or counted, and
the new sources close it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from briefs.brief import point_subject
from briefs.models import (
    ActorSummary,
    Brief,
    Digest,
    DigestPoint,
    Evidence,
    Point,
    SourceRef,
    StanceChange,
    StanceMatrix,
)
from briefs.render import (
    Chunk,
    Layout,
    Room,
    attribution_parts,
    clip,
    clip_escaped,
    continued_text,
    date_text,
    digest_counts,
    digest_left_out,
    fit_points,
    fixed,
    join_within,
    matrix_title,
    more_bound,
    more_line,
    more_text,
    paginate,
    reported_by,
    seen_sentence,
    shown_conditions,
    source_parts,
)
from briefs.render.limits import (
    MAX_MESSAGES_PER_REPLY,
    SLACK_FALLBACK_TEXT_MAX,
    SLACK_HEADER_TEXT_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_MESSAGE_BLOCK_TEXT_MAX,
    SLACK_SECTION_TEXT_MAX,
)
from briefs.render.text import (
    actors_to_text,
    change_subject,
    dated_stance,
    digest_title,
    matrix_to_text,
    no_change_line,
    title_line,
)

Block = dict[str, Any]


class SlackMessage(TypedDict):
    """What `chat.postMessage` takes: blocks, and the fallback text notifications show."""

    text: str
    blocks: list[Block]


ZWSP = "\u200b"
# A marker that could open or close formatting: not between two letters or digits.
# ([^\W_] is a letter or digit: \w without the underscore.)
_MARKER = re.compile(r"(?<![^\W_])[*_~`]|[*_~`](?![^\W_])")
_MASS_MENTION = re.compile(r"@(?=everyone|here|channel)")
_PLAIN_URL = re.compile(r"https?://[^\s<>|]+")
# Our own text inside a section (a point's statement, a subject) stays well under 3000.
_OWN_TEXT_MAX = 800
_LIST_MAX = 1000
# Each rich text element's text stays within a section's limit; a longer quote is
# carried by several consecutive elements, which Slack shows as one run of text.
_RICH_TEXT_MAX = SLACK_SECTION_TEXT_MAX

# --- escaping ----------------------------------------------------------------------


def escape_notice(text: str) -> str:
    """Our own text made safe: Slack's three entities, and no mass mention."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # the entities already stop <!everyone>; plain "@here" only pings with link_names
    return _MASS_MENTION.sub("@" + ZWSP, text)


def escape(text: str) -> str:
    """Article text made inert in mrkdwn: no mention, link or formatting survives.

    mrkdwn has no escape for * _ ~ `, but Slack formats only at word boundaries: a
    marker opens after the start, a space or punctuation, and closes before a
    space, punctuation or the end. Such a marker gets a zero-width space on both
    sides, so it cannot pair up. A marker between two letters or digits
    ("000_449e.txt", "a*b") can neither open nor close, and is left alone, so
    names and file names copy out of Slack as they are.
    """
    return _MARKER.sub(lambda m: f"{ZWSP}{m.group()}{ZWSP}", escape_notice(text))


def url_for_link(url: str) -> str | None:
    """A URL fit for `<url|label>`, or None when it could break out of the link."""
    return url.replace("&", "&amp;") if _PLAIN_URL.fullmatch(url) else None


# --- blocks ------------------------------------------------------------------------


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: Slack must not turn words in an article into links or mentions
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def header(text: str) -> Block:
    # plain_text is never parsed, so our title needs no escaping, only clipping
    plain = {"type": "plain_text", "text": clip(text, SLACK_HEADER_TEXT_MAX)}
    return {"type": "header", "text": plain}


def divider() -> Block:
    return {"type": "divider"}


def _rich_chars(element: dict[str, Any]) -> int:
    """The characters of a rich text element: its texts, and a link's URL."""
    if "elements" in element:
        return sum(_rich_chars(e) for e in element["elements"])
    return len(element.get("text", "")) + len(element.get("url", ""))


def block_chars(block: Block) -> int:
    """The characters a block adds to the message's block text."""
    if block["type"] == "rich_text":
        return _rich_chars(block)
    if "text" in block:
        return len(block["text"]["text"])
    return sum(len(element["text"]) for element in block.get("elements", ()))


def chunk_of(blocks: Sequence[Block], shown: int = 0, dropped: int = 0) -> Chunk[Block]:
    return Chunk(tuple(blocks), sum(map(block_chars, blocks)), shown, dropped)


def more_context(line: str) -> Block:
    return context(f"_{line}_")


# --- rich text: quotes, verbatim -----------------------------------------------------


def split_text(text: str, size: int = _RICH_TEXT_MAX) -> list[str]:
    """`text` in consecutive pieces of at most `size` characters that join back to it exactly.

    A piece ends after a space or line break near its end when there is one, and
    never just before a combining mark or around a zero-width joiner, so no
    letter is drawn apart where two elements meet.
    """
    pieces = []
    while len(text) > size:
        cut = max(text.rfind(" ", size // 2, size), text.rfind("\n", size // 2, size)) + 1
        if not cut:
            cut = size
            while cut > size // 2 and (
                unicodedata.category(text[cut]).startswith("M")
                or "\u200d" in text[cut - 1 : cut + 1]
            ):
                cut -= 1
        pieces.append(text[:cut])
        text = text[cut:]
    pieces.append(text)
    return pieces


def rich_texts(text: str, style: dict[str, bool] | None = None) -> list[dict[str, Any]]:
    """Literal text as rich text elements of at most `_RICH_TEXT_MAX` characters."""
    extra = {"style": style} if style else {}
    return [{"type": "text", "text": piece, **extra} for piece in split_text(text)]


def rich_section(elements: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "rich_text_section", "elements": elements}


def attribution(evidence: Evidence) -> list[dict[str, Any]]:
    """'— Speaker, Outlet, 2026-01-06 (document)', the document linked when it has a URL.

    Rich text, so names and the file name are shown exactly as they are.
    """
    known = ", ".join(attribution_parts(evidence))
    lead = f"— {known} (" if known else "— ("
    url = evidence.url
    if (
        url
        and _PLAIN_URL.fullmatch(url)
        and len(url) <= _RICH_TEXT_MAX
        and len(evidence.document) <= _RICH_TEXT_MAX
    ):
        link = {"type": "link", "url": url, "text": evidence.document}
        return [*rich_texts(lead), link, *rich_texts(")")]
    return rich_texts(f"{lead}{evidence.document})")


def quote_block(evidence: Evidence, label: str | None = None) -> Block:
    """A quote exactly as the article has it, then who said it, where and when.

    `label` names a change's side ("Before", "After").
    """
    lead = [rich_section(rich_texts(f"{label}:", {"italic": True}))] if label else []
    quote = {"type": "rich_text_quote", "elements": rich_texts(evidence.quote)}
    return {"type": "rich_text", "elements": [*lead, quote, rich_section(attribution(evidence))]}


def quote_of(block: Block) -> str | None:
    """The quote a `quote_block` shows, its pieces joined; None for any other block."""
    if block["type"] != "rich_text":
        return None
    for element in block["elements"]:
        if element["type"] == "rich_text_quote":
            return "".join(piece["text"] for piece in element["elements"])
    return None


# --- laying out: mrkdwn sections and quote blocks --------------------------------------

Piece = str | Block  # mrkdwn text, joined into sections; or a block, placed as it is


@dataclass(frozen=True)
class Item:
    """One thing to lay out: a head that is always shown, then pieces shown while they fit."""

    head: str
    pieces: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class Filled:
    """Items laid out over blocks: how many were shown, and how many pieces were not."""

    blocks: tuple[Block, ...]
    items: int  # the leading items shown; the rest did not fit
    shown: int
    dropped: int  # pieces of shown items left out whole


@dataclass
class _Blocks:
    """Blocks being filled up to a count and a character total.

    Consecutive mrkdwn texts share a section while it stays within
    SLACK_SECTION_TEXT_MAX; a block (a quote) always takes a block of its own.
    """

    blocks: int
    chars: int
    made: list[Piece] = field(default_factory=list)  # a str is a section's text so far

    def add(self, piece: Piece) -> bool:
        """Place `piece`, joined to the last section or in a block of its own; False if
        neither fits."""
        if isinstance(piece, str):
            last = self.made[-1] if self.made else None
            joined = 1 + len(piece)  # "\n" + piece
            if (
                isinstance(last, str)
                and len(last) + joined <= SLACK_SECTION_TEXT_MAX
                and joined <= self.chars
            ):
                self.made[-1] = f"{last}\n{piece}"
                self.chars -= joined
                return True
            if len(piece) > SLACK_SECTION_TEXT_MAX:
                return False
            size = len(piece)
        else:
            size = block_chars(piece)
        if self.blocks > 0 and size <= self.chars:
            self.made.append(piece)
            self.blocks -= 1
            self.chars -= size
            return True
        return False

    def fits_whole(self, item: Item) -> bool:
        """Whether the item and all its pieces would fit (tried on a copy)."""
        trial = _Blocks(self.blocks, self.chars, list(self.made))
        return all(trial.add(piece) for piece in (item.head, *item.pieces))

    def built(self) -> tuple[Block, ...]:
        return tuple(section(p) if isinstance(p, str) else p for p in self.made)


def fill(items: Sequence[Item], *, blocks: int, chars: int, whole: bool = False) -> Filled:
    """Lay items out in order within `blocks` blocks and `chars` characters.

    A head that does not fit ends the fill. A piece that does not fit is left out
    whole and counted, and later (shorter) pieces may still fit. With `whole`, an
    item after the first is only shown with all its pieces, so a list row moves
    to the next message rather than losing its quote.
    """
    filling = _Blocks(blocks, chars)
    shown = dropped = items_shown = 0
    for item in items:
        if whole and items_shown and not filling.fits_whole(item):
            break
        if not filling.add(item.head):
            break
        items_shown += 1
        for piece in item.pieces:
            if filling.add(piece):
                shown += 1
            else:
                dropped += 1
    return Filled(filling.built(), items_shown, shown, dropped)


# --- article text in mrkdwn --------------------------------------------------------------


def point_head(point: Point, name: str) -> str:
    """'*OPPOSES* · subject', our statement, conditions, speakers and when it was seen."""
    subject = clip_escaped(point_subject(point, name), _OWN_TEXT_MAX // 4, escape)
    lines = [
        f"*{point.stance.upper()}* · {subject}",
        clip_escaped(point.statement, _OWN_TEXT_MAX, escape),
    ]
    conditions = shown_conditions(point)
    if conditions:
        escaped = [escape(c) for c in conditions]
        lines.append("*Conditions:* " + join_within(escaped, _LIST_MAX, "; "))
    if point.speakers:
        lines.append("*Speakers:* " + join_within([escape(s) for s in point.speakers], _LIST_MAX))
    if reported_by(point):
        outlets = [escape(o) for o in point.outlets]
        lines.append("*Reported by:* " + join_within(outlets, _LIST_MAX))
    seen = seen_sentence(point.first_seen, point.last_seen)
    if seen:
        lines.append(f"_{seen}_")
    return "\n".join(lines)


def change_item(change: StanceChange, subject: str) -> Item:
    """Before → after with dates, then each side's quotes, labelled."""
    before = dated_stance(change.before, date_text(change.before_date))
    after = dated_stance(change.after, date_text(change.after_date))
    quotes = [quote_block(e, "Before") for e in change.before_evidence]
    quotes += [quote_block(e, "After") for e in change.after_evidence]
    subject = clip_escaped(subject, _OWN_TEXT_MAX, escape)
    return Item(f"*{subject}*: {before} → {after}", tuple(quotes))


def change_items(brief: Brief) -> list[Item]:
    """One item per change: before → after with dates, then each side's quotes."""
    subjects = {p.proposition: point_subject(p, brief.actor.name) for p in brief.points}
    return [
        change_item(change, subjects.get(change.proposition, change.proposition))
        for change in brief.changes
    ]


def source_line(number: int, source: SourceRef) -> str:
    """'1. Title, Outlet, 2026-01-06 — <url>' or the document name without a URL."""
    url = url_for_link(source.url) if source.url else None
    where = f"<{url}>" if url else escape(source.url or source.document)
    return f"{number}. " + ", ".join(escape(p) for p in source_parts(source)) + f" — {where}"


# --- layouts -----------------------------------------------------------------------


def cited(items: Sequence[Item], noun: str, piece: str = "quote") -> Layout[Block]:
    """A divider, then items over as many blocks as the room allows, then what was left out."""
    total = sum(len(item.pieces) for item in items)
    reserve = more_bound([(len(items), noun), (total, piece)]) + 2  # + the italics

    def layout(room: Room) -> Chunk[Block] | None:
        filled = fill(
            items,
            blocks=room.items - 2,  # the divider and a "+N more" line
            chars=room.chars - reserve,
        )
        if not filled.items:
            return None
        blocks = [divider(), *filled.blocks]
        left = len(items) - filled.items
        more = more_line([(left, noun), (filled.dropped, piece)])
        if more:
            blocks.append(more_context(more))
        return chunk_of(blocks, filled.shown, filled.dropped + left)

    return layout


def brief_head(brief: Brief, title: str) -> Chunk[Block]:
    """The header (actor, as of) and the summary, with the topic when one was asked."""
    topic = f"*Topic:* {clip_escaped(brief.topic, 200, escape)}\n" if brief.topic else ""
    summary = clip_escaped(brief.summary, SLACK_SECTION_TEXT_MAX - len(topic), escape)
    body = (topic + summary).strip()
    return chunk_of([header(title), *([section(body)] if body else [])])


def brief_tail(brief: Brief, hidden: int) -> list[Layout[Block]]:
    """What follows the points: "+N more points", the changes and the sources."""
    layouts: list[Layout[Block]] = []
    more = hidden + brief.omitted_points
    if more:
        layouts.append(fixed(chunk_of([more_context(more_text(more, "point"))])))
    if brief.changes:
        layouts.append(cited([Item("*Changes*"), *change_items(brief)], "change"))
    if brief.sources:
        lines = tuple(source_line(n, s) for n, s in enumerate(brief.sources, 1))
        layouts.append(cited([Item("*Sources*", lines)], "heading", "source"))
    return layouts


# --- messages ----------------------------------------------------------------------


def continuation(title: str, number: int, total: int) -> Block:
    return context(escape(continued_text(title, number, total)))


def continued_room(title: str) -> Room:
    """A message after the first: the continuation line takes one block and its text."""
    line = block_chars(continuation(title, MAX_MESSAGES_PER_REPLY, MAX_MESSAGES_PER_REPLY))
    return Room(SLACK_MAX_BLOCKS - 1, SLACK_MESSAGE_BLOCK_TEXT_MAX - line)


def messages(title: str, fallback: str, pages: Sequence[Sequence[Block]]) -> list[SlackMessage]:
    """Pages as messages, every one after the first opening with '(continued, 2/3)'."""
    total = len(pages)
    out = [SlackMessage(text=fallback, blocks=list(pages[0]))]
    for number, blocks in enumerate(pages[1:], 2):
        text = clip_escaped(continued_text(title, number, total), SLACK_FALLBACK_TEXT_MAX, escape)
        out.append(SlackMessage(text=text, blocks=[continuation(title, number, total), *blocks]))
    return out


def brief_to_slack(brief: Brief) -> list[SlackMessage]:
    """A brief as at most three messages: header and summary, points, changes, sources."""
    name = brief.actor.name
    title = title_line(name, date_text(brief.as_of))
    points = [
        cited([Item(point_head(p, name), tuple(map(quote_block, p.evidence)))], "point")
        for p in brief.points
    ]
    pages = fit_points(
        fixed(brief_head(brief, title)),
        points,
        lambda hidden: brief_tail(brief, hidden),
        first=Room(SLACK_MAX_BLOCKS, SLACK_MESSAGE_BLOCK_TEXT_MAX),
        fresh=continued_room(title),
        max_messages=MAX_MESSAGES_PER_REPLY,
    )
    fallback = clip_escaped(f"{title}\n{brief.summary}", SLACK_FALLBACK_TEXT_MAX, escape)
    return messages(title, fallback, pages)


def list_to_slack(title: str, items: Sequence[Item], noun: str) -> list[SlackMessage]:
    """A list (matrix rows, actors) over pages of blocks, then '+N more' if it ran out."""
    reserve = more_bound([(len(items), noun), (len(items), "quote")]) + 2
    later = continued_room(title)

    def page(rest: Sequence[Item], index: int) -> tuple[tuple[list[Block], int], int]:
        lead = [header(title)] if index == 0 else []
        room = Room(SLACK_MAX_BLOCKS, SLACK_MESSAGE_BLOCK_TEXT_MAX) if index == 0 else later
        filled = fill(
            rest,
            blocks=room.items - len(lead) - 1,
            chars=room.chars - sum(map(block_chars, lead)) - reserve,
            whole=True,
        )
        return ([*lead, *filled.blocks], filled.dropped), filled.items

    pages, left = paginate(items, page, MAX_MESSAGES_PER_REPLY)
    finished = []
    for number, (blocks, dropped) in enumerate(pages, 1):
        more = more_line([(left if number == len(pages) else 0, noun), (dropped, "quote")])
        finished.append([*blocks, *([more_context(more)] if more else [])])
    return messages(title, clip_escaped(title, SLACK_FALLBACK_TEXT_MAX, escape), finished)


def matrix_to_slack(matrix: StanceMatrix) -> list[SlackMessage]:
    """One item per actor: stance, actor, last seen, then its newest quote."""
    if not matrix.rows:
        return [notice_to_slack(matrix_to_text(matrix))]
    items = []
    for row in matrix.rows:
        seen = date_text(row.last_seen)
        head = f"*{row.stance.upper()}* · {escape(row.actor.name)}"
        head += f" · last seen {seen}" if seen else ""
        items.append(Item(head, tuple(quote_block(e) for e in row.evidence[:1])))
    return list_to_slack(matrix_title(matrix), items, "actor")


def actors_to_slack(summaries: Sequence[ActorSummary]) -> list[SlackMessage]:
    """Known actors with how many claims and documents mention them."""
    if not summaries:
        return [notice_to_slack(actors_to_text(summaries))]
    items = [
        Item(
            f"*{escape(s.actor.name)}* · {s.actor.kind} · {escape(s.actor.id)}"
            f" · {s.claims} claims, {s.documents} documents"
        )
        for s in summaries
    ]
    return list_to_slack(f"Known actors ({len(summaries)})", items, "actor")


# --- digests -------------------------------------------------------------------------

# A digest's title names its actors, so a digest of many is clipped; continuation
# lines repeat it, and each must stay a short line.
_DIGEST_TITLE_MAX = 300


def digest_point_item(new: DigestPoint) -> Item:
    """A new position: a brief's point, headed by its actor (a digest may cover several)."""
    name = clip_escaped(new.actor.name, 100, escape)
    head = f"*{name}* · " + point_head(new.point, new.actor.name)
    return Item(head, tuple(map(quote_block, new.point.evidence)))


def digest_units(digest: Digest) -> list[Layout[Block]]:
    """One layout per change, then one per new position; each section's first is headed."""
    units: list[Layout[Block]] = []
    for number, item in enumerate(digest.changes):
        lead = [Item("*Changes*")] if number == 0 else []
        subject = change_subject(item.actor, item.change.proposition)
        units.append(cited([*lead, change_item(item.change, subject)], "change"))
    for number, new in enumerate(digest.new_positions):
        lead = [Item("*New positions*")] if number == 0 else []
        units.append(cited([*lead, digest_point_item(new)], "new position"))
    return units


def digest_tail(digest: Digest, hidden: int) -> list[Layout[Block]]:
    """What follows the changes and new positions: what was left out, then the new sources."""
    layouts: list[Layout[Block]] = []
    more = more_line(digest_left_out(digest, hidden))
    if more:
        layouts.append(fixed(chunk_of([more_context(more)])))
    if digest.new_sources:
        lines = tuple(source_line(n, s) for n, s in enumerate(digest.new_sources, 1))
        layouts.append(cited([Item("*New sources*", lines)], "heading", "source"))
    return layouts


def digest_head(digest: Digest, title: str, note: str | None) -> Chunk[Block]:
    """The note (a preview's "only for you"), the title, and what the digest holds."""
    lead = [context(clip_escaped(note, SLACK_SECTION_TEXT_MAX, escape))] if note else []
    lines = []
    if len(title) > SLACK_HEADER_TEXT_MAX:  # the header is clipped: the whole title here
        lines.append(escape(title))
    lines.append(f"_{digest_counts(digest)}_")
    return chunk_of([*lead, header(title), section("\n".join(lines))])


def digest_to_slack(digest: Digest, *, note: str | None = None) -> list[SlackMessage]:
    """A digest as at most three messages: changes (both sides quoted), new positions,
    then new sources. An empty digest is its one line. `note` leads the first message."""
    if digest.empty:
        line = no_change_line(digest)
        text = f"{note}\n{line}" if note else line
        body = clip_escaped(text, SLACK_SECTION_TEXT_MAX, escape)
        return [SlackMessage(text=body, blocks=[section(body)])]
    title = clip(digest_title(digest), _DIGEST_TITLE_MAX)
    pages = fit_points(
        fixed(digest_head(digest, title, note)),
        digest_units(digest),
        lambda hidden: digest_tail(digest, hidden),
        first=Room(SLACK_MAX_BLOCKS, SLACK_MESSAGE_BLOCK_TEXT_MAX),
        fresh=continued_room(title),
        max_messages=MAX_MESSAGES_PER_REPLY,
    )
    lead = f"{note}\n" if note else ""
    fallback = f"{lead}{title}\n{digest_counts(digest)}"
    return messages(title, clip_escaped(fallback, SLACK_FALLBACK_TEXT_MAX, escape), pages)


def notice_to_slack(text: str) -> SlackMessage:
    """Help text or an error: one section. It is ours, so its own formatting is kept."""
    text = text.strip() or "(no message)"
    body = clip_escaped(text, SLACK_SECTION_TEXT_MAX, escape_notice)
    fallback = clip_escaped(text, SLACK_FALLBACK_TEXT_MAX, escape_notice)
    return SlackMessage(text=fallback, blocks=[section(body)])
