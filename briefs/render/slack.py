"""Slack Block Kit: the views of `view` as Slack messages.

Blocks are plain JSON (no SDK); `slack_blocks` makes them and escapes article text.
Every message carries a short plain-text `text`, which notifications show. Slack's
limits (`limits.py`) hold for every message: a quote is shown whole or counted in a
"+N more quotes" line, a point is never split across messages, and a reply stops at
a few messages with "+N more".

A digest is laid out the same way: each change (before → after, with the quotes
on both sides) and each new position is one unit, placed whole or counted, and
the new sources close it.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefs.models import ActorSummary, Brief, Digest, StanceMatrix
from briefs.quotes import QuoteList
from briefs.render import lists
from briefs.render import view as v
from briefs.render import wording as w
from briefs.render.limits import (
    ACTOR_NAME_MAX,
    DIGEST_TITLE_MAX,
    LIST_MAX,
    MAX_MESSAGES_PER_REPLY,
    OWN_TEXT_MAX,
    SLACK_FALLBACK_TEXT_MAX,
    SLACK_HEADER_TEXT_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_MESSAGE_BLOCK_TEXT_MAX,
    SLACK_SECTION_TEXT_MAX,
    SUBJECT_MAX,
    TOPIC_MAX,
)
from briefs.render.pack import (
    Chunk,
    Entry,
    Layout,
    Room,
    clip,
    clip_escaped,
    fit_points,
    fixed,
    join_within,
    list_pages,
    row_head,
)
from briefs.render.slack_blocks import (
    Block,
    SlackMessage,
    block_chars,
    chunk_of,
    context,
    divider,
    escape,
    escape_notice,
    fill_blocks,
    header,
    more_context,
    quote_block,
    quote_of,
    section,
    split_text,
    url_for_link,
)

Item = Entry[Block]  # a head in mrkdwn, then mrkdwn lines or quote blocks

__all__ = [
    "SlackMessage",
    "actors_to_slack",
    "brief_to_slack",
    "digest_to_slack",
    "escape",
    "matrix_to_slack",
    "notice_to_slack",
    "quote_of",
    "quotes_to_slack",
    "split_text",
]

FIRST_ROOM = Room(SLACK_MAX_BLOCKS, SLACK_MESSAGE_BLOCK_TEXT_MAX)

# --- a view's parts in mrkdwn ----------------------------------------------------------------


def point_head(point: v.PointView) -> str:
    """'*OPPOSES* · subject', our statement, its details and when it was seen."""
    subject = clip_escaped(point.subject, SUBJECT_MAX, escape)
    lines = [
        f"*{point.stance.upper()}* · {subject}",
        clip_escaped(point.statement, OWN_TEXT_MAX, escape),
    ]
    for detail in point.details:
        values = join_within([escape(value) for value in detail.values], LIST_MAX, detail.sep)
        lines.append(f"*{detail.label}:* {values}")
    if point.seen:
        lines.append(f"_{point.seen}_")
    head = "\n".join(lines)
    if point.actor:  # a digest may cover several actors
        head = f"*{clip_escaped(point.actor, ACTOR_NAME_MAX, escape)}* · {head}"
    return head


def point_item(point: v.PointView) -> Item:
    return Item(point_head(point), tuple(map(quote_block, point.quotes)))


def change_item(change: v.ChangeView) -> Item:
    """Before → after with dates, then each side's quotes, labelled."""
    before, after = change.dated_stances()
    quotes = tuple(quote_block(q, side.label) for side in change.sides for q in side.quotes)
    subject = clip_escaped(change.subject, OWN_TEXT_MAX, escape)
    return Item(f"*{subject}*: {before} → {after}", quotes)


def source_line(number: int, source: v.SourceView) -> str:
    """'1. Title, Outlet, 2026-01-06 — <url>' or the document name without a URL."""
    url = url_for_link(source.url) if source.url else None
    where = f"<{url}>" if url else escape(source.url or source.document)
    return f"{number}. " + ", ".join(escape(p) for p in source.parts) + f" — {where}"


# --- layouts -----------------------------------------------------------------------


def cited(items: Sequence[Item], noun: str, piece: str = "quote") -> Layout[Block]:
    """A divider, then items over as many blocks as the room allows, then what was left out."""
    total = sum(len(item.pieces) for item in items)
    reserve = w.more_bound([(len(items), noun), (total, piece)]) + 2  # + the italics

    def layout(room: Room) -> Chunk[Block] | None:
        filled = fill_blocks(
            items,
            blocks=room.items - 2,  # the divider and a "+N more" line
            chars=room.chars - reserve,
        )
        if not filled.items:
            return None
        left = len(items) - filled.items
        more = w.more_line([(left, noun), (filled.dropped, piece)])
        tail = [more_context(more)] if more else []
        return chunk_of([divider(), *filled.blocks, *tail], filled.shown, filled.dropped + left)

    return layout


def sources_layout(heading: str, sources: Sequence[v.SourceView]) -> Layout[Block]:
    lines = tuple(source_line(n, s) for n, s in enumerate(sources, 1))
    return cited([Item(f"*{heading}*", lines)], "heading", "source")


def more_layout(line: str) -> Layout[Block]:
    return fixed(chunk_of([more_context(line)]))


def brief_head(brief: v.BriefView) -> Chunk[Block]:
    """The header (actor, as of) and the summary, with the topic when one was asked."""
    topic = f"*{w.TOPIC}:* {clip_escaped(brief.topic, TOPIC_MAX, escape)}\n" if brief.topic else ""
    summary = clip_escaped(brief.summary, SLACK_SECTION_TEXT_MAX - len(topic), escape)
    body = (topic + summary).strip()
    return chunk_of([header(brief.title), *([section(body)] if body else [])])


def brief_tail(brief: v.BriefView, hidden: int) -> list[Layout[Block]]:
    """What follows the points: "+N more points", the changes and the sources."""
    layouts: list[Layout[Block]] = []
    more = hidden + brief.omitted
    if more:
        layouts.append(more_layout(w.more_text(more, "point")))
    if brief.changes:
        changes = [Item(f"*{w.CHANGES}*"), *map(change_item, brief.changes)]
        layouts.append(cited(changes, "change"))
    if brief.sources:
        layouts.append(sources_layout(w.SOURCES, brief.sources))
    return layouts


# --- messages ----------------------------------------------------------------------


def continuation(title: str, number: int, total: int) -> Block:
    return context(escape(w.continued_text(title, number, total)))


def continued_room(title: str) -> Room:
    """A message after the first: the continuation line takes one block and its text."""
    line = block_chars(continuation(title, MAX_MESSAGES_PER_REPLY, MAX_MESSAGES_PER_REPLY))
    return Room(SLACK_MAX_BLOCKS - 1, SLACK_MESSAGE_BLOCK_TEXT_MAX - line)


def messages(title: str, fallback: str, pages: Sequence[Sequence[Block]]) -> list[SlackMessage]:
    """Pages as messages, every one after the first opening with '(continued, 2/3)'."""
    total = len(pages)
    out = [SlackMessage(text=fallback, blocks=list(pages[0]))]
    for number, blocks in enumerate(pages[1:], 2):
        text = clip_escaped(w.continued_text(title, number, total), SLACK_FALLBACK_TEXT_MAX, escape)
        out.append(SlackMessage(text=text, blocks=[continuation(title, number, total), *blocks]))
    return out


def brief_slack(brief: v.BriefView) -> list[SlackMessage]:
    points = [cited([point_item(p)], "point") for p in brief.points]
    pages = fit_points(
        fixed(brief_head(brief)),
        points,
        lambda hidden: brief_tail(brief, hidden),
        first=FIRST_ROOM,
        fresh=continued_room(brief.title),
    )
    fallback = clip_escaped(f"{brief.title}\n{brief.summary}", SLACK_FALLBACK_TEXT_MAX, escape)
    return messages(brief.title, fallback, pages)


def list_slack(view: lists.ListView) -> list[SlackMessage]:
    """A list (matrix rows, actors, statements) over pages of blocks, then '+N more'."""
    if view.empty:
        return [notice_to_slack(view.empty)]
    items = [
        Item(
            row_head(row.head, bold="*", escape=escape),
            (quote_block(row.quote),) if row.quote else (),
        )
        for row in view.rows
    ]
    title, noun = view.title, view.noun
    reserve = w.more_bound([(len(items), noun), (len(items), "quote")]) + 2
    lead = [header(title)]  # the first page's
    later = continued_room(title)

    def page(rest: Sequence[Item], index: int) -> tuple[list[Block], int, int]:
        room = FIRST_ROOM if index == 0 else later
        heading = lead if index == 0 else []
        filled = fill_blocks(
            rest,
            blocks=room.items - len(heading) - 1,  # and a "+N more" line
            chars=room.chars - sum(map(block_chars, heading)) - reserve,
            whole=True,
        )
        return [*heading, *filled.blocks], filled.items, filled.dropped

    finished = [
        [*blocks, *([more_context(more)] if more else [])]
        for blocks, more in list_pages(items, noun, page)
    ]
    return messages(title, clip_escaped(title, SLACK_FALLBACK_TEXT_MAX, escape), finished)


# --- digests -------------------------------------------------------------------------


def digest_units(digest: v.DigestView) -> list[Layout[Block]]:
    """One layout per change, then one per new position; each section's first is headed."""
    units: list[Layout[Block]] = []
    for number, change in enumerate(digest.changes):
        lead = [Item(f"*{w.CHANGES}*")] if number == 0 else []
        units.append(cited([*lead, change_item(change)], "change"))
    for number, point in enumerate(digest.positions):
        lead = [Item(f"*{w.NEW_POSITIONS}*")] if number == 0 else []
        units.append(cited([*lead, point_item(point)], "new position"))
    return units


def digest_tail(digest: v.DigestView, hidden: int) -> list[Layout[Block]]:
    """What follows the changes and new positions: what was left out, then the new sources."""
    layouts: list[Layout[Block]] = []
    more = w.more_line(digest.left_out(hidden))
    if more:
        layouts.append(more_layout(more))
    if digest.sources:
        layouts.append(sources_layout(w.NEW_SOURCES, digest.sources))
    return layouts


def digest_head(digest: v.DigestView, title: str, note: str | None) -> Chunk[Block]:
    """The note (a preview's "only for you"), the title, and what the digest holds."""
    lead = [context(clip_escaped(note, SLACK_SECTION_TEXT_MAX, escape))] if note else []
    lines = []
    if len(title) > SLACK_HEADER_TEXT_MAX:  # the header is clipped: the whole title here
        lines.append(escape(title))
    lines.append(f"_{digest.counts}_")
    return chunk_of([*lead, header(title), section("\n".join(lines))])


def digest_slack(digest: v.DigestView, note: str | None) -> list[SlackMessage]:
    lead = f"{note}\n" if note else ""
    if digest.empty:
        body = clip_escaped(lead + digest.empty, SLACK_SECTION_TEXT_MAX, escape)
        return [SlackMessage(text=body, blocks=[section(body)])]
    title = clip(digest.title, DIGEST_TITLE_MAX)
    pages = fit_points(
        fixed(digest_head(digest, title, note)),
        digest_units(digest),
        lambda hidden: digest_tail(digest, hidden),
        first=FIRST_ROOM,
        fresh=continued_room(title),
    )
    fallback = f"{lead}{title}\n{digest.counts}"
    return messages(title, clip_escaped(fallback, SLACK_FALLBACK_TEXT_MAX, escape), pages)


# --- the renderers' entry points: a result in, its messages out ---------------------------------


def brief_to_slack(brief: Brief) -> list[SlackMessage]:
    """A brief as at most three messages: header and summary, points, changes, sources."""
    return brief_slack(v.brief_view(brief))


def digest_to_slack(digest: Digest, *, note: str | None = None) -> list[SlackMessage]:
    """A digest as at most three messages: changes (both sides quoted), new positions,
    then new sources. An empty digest is its one line. `note` leads the first message."""
    return digest_slack(v.digest_view(digest), note)


def matrix_to_slack(matrix: StanceMatrix) -> list[SlackMessage]:
    """One item per actor: stance, actor, last seen, then its newest quote."""
    return list_slack(lists.matrix_list(lists.matrix_view(matrix)))


def actors_to_slack(summaries: Sequence[ActorSummary]) -> list[SlackMessage]:
    """Known actors with how many claims and documents mention them."""
    return list_slack(lists.actors_list(lists.actors_view(summaries)))


def quotes_to_slack(found: QuoteList) -> list[SlackMessage]:
    """One item per statement: speaker and cue, then the quote and its citation."""
    return list_slack(lists.quotes_list(lists.quotes_view(found)))


def notice_to_slack(text: str) -> SlackMessage:
    """Help text or an error: one section. It is ours, so its own formatting is kept."""
    text = text.strip() or w.NO_MESSAGE
    body = clip_escaped(text, SLACK_SECTION_TEXT_MAX, escape_notice)
    fallback = clip_escaped(text, SLACK_FALLBACK_TEXT_MAX, escape_notice)
    return SlackMessage(text=fallback, blocks=[section(body)])
