"""Discord embeds: the views of `view` as Discord messages.

`discord_embeds` makes the embeds and escapes article text. Discord's limits
(`limits.py`) hold for every embed and every message: a quote is shown whole or
counted in a "+N more quotes" line, a point is one embed that is never split, and
a reply stops at a few messages with "+N more".

A digest is one embed per change (before → after, both sides quoted) and per new
position, after a head embed saying what it holds; the new sources close it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Never

from briefs.models import ActorSummary, Brief, Digest, StanceMatrix
from briefs.quotes import QuoteList
from briefs.render import lists
from briefs.render import view as v
from briefs.render import wording as w
from briefs.render.discord_embeds import (
    STANCE_COLOURS,
    DiscordMessage,
    Embed,
    embed_chars,
    embed_chunk,
    escape,
    field,
    make_embed,
    message,
    no_mentions,
    quote_text,
    source_fields,
)
from briefs.render.limits import (
    DIGEST_TITLE_MAX,
    DISCORD_CONTENT_MAX,
    DISCORD_EMBED_DESCRIPTION_MAX,
    DISCORD_EMBED_TITLE_MAX,
    DISCORD_EMBED_TOTAL_MAX,
    DISCORD_EMBEDS_PER_MESSAGE_MAX,
    DISCORD_FIELD_VALUE_MAX,
    LIST_MAX,
    OWN_TEXT_MAX,
    TOPIC_MAX,
)
from briefs.render.pack import (
    Chunk,
    Entry,
    Layout,
    Room,
    clip,
    clip_escaped,
    fill,
    fit_points,
    fixed,
    join_within,
    list_pages,
    row_head,
)

__all__ = [
    "DiscordMessage",
    "actors_to_discord",
    "brief_to_discord",
    "digest_to_discord",
    "embed_chars",
    "escape",
    "matrix_to_discord",
    "notice_to_discord",
    "quotes_to_discord",
]

Text = Entry[Never]  # a description's head and quotes: text only
DESCRIPTION_SEP = "\n\n"
# Every message has room for the most embeds and characters: the continuation line is
# content, which the embed total leaves out.
ROOM = Room(DISCORD_EMBEDS_PER_MESSAGE_MAX, DISCORD_EMBED_TOTAL_MAX)

# --- a view's parts ----------------------------------------------------------------


def point_head(point: v.PointView) -> str:
    """Our statement, then the conditions it does not already list."""
    head = clip_escaped(point.statement, OWN_TEXT_MAX, escape)
    for detail in point.details:
        if detail.kind == "conditions":
            listed = join_within([escape(c) for c in detail.values], LIST_MAX, detail.sep)
            head += f"\n**{detail.label}:** {listed}"
    return head


def point_fields(point: v.PointView) -> list[dict[str, Any]]:
    """Speakers, outlets and when the point was seen, side by side."""
    fields = [
        field(
            d.label,
            join_within(list(map(escape, d.values)), DISCORD_FIELD_VALUE_MAX, d.sep),
            inline=True,
        )
        for d in point.details
        if d.kind != "conditions"
    ]
    if point.seen:
        fields.append(field(w.DATES, point.seen, inline=True))
    return fields


def side_quotes(change: v.ChangeView) -> tuple[str, ...]:
    """Each side's quotes, labelled."""
    return tuple(quote_text(q, side.label) for side in change.sides for q in side.quotes)


def change_entry(change: v.ChangeView) -> Text:
    """Before → after with dates, then each side's quotes."""
    before, after = change.dated_stances()
    return Text(f"**{escape(change.subject)}**: {before} → {after}", side_quotes(change))


# --- layouts -----------------------------------------------------------------------


def described(entries: Sequence[Text], limit: int, noun: str) -> tuple[str, int, int, int]:
    """Entries as a description within `limit`, ending in what was left out.

    Returns the description, the entries shown, the quotes shown and the quotes left out.
    """
    total = sum(len(e.pieces) for e in entries)
    reserve = len(DESCRIPTION_SEP) + w.more_bound([(len(entries), noun), (total, "quote")]) + 2
    size = limit - reserve
    filled = fill(entries, slots=1, chars=size, slot_max=size, sep=DESCRIPTION_SEP)
    if not filled.entries:
        return "", 0, 0, filled.dropped
    more = w.more_line([(len(entries) - filled.entries, noun), (filled.dropped, "quote")])
    text = "".join(filled.slots) + (f"{DESCRIPTION_SEP}*{more}*" if more else "")
    return text, filled.entries, filled.shown, filled.dropped


def entry_layout(
    title: str,
    entry: Text,
    *,
    colour: int,
    fields: Sequence[dict[str, Any]] = (),
    noun: str,
) -> Layout[Embed]:
    """One embed: a title, the entry's head and as many of its quotes as fit, then fields."""
    fixed_chars = embed_chars({"title": title, "fields": fields})

    def layout(room: Room) -> Chunk[Embed] | None:
        if room.items < 1:
            return None
        limit = min(DISCORD_EMBED_DESCRIPTION_MAX, room.chars - fixed_chars)
        description, shown_entries, shown, dropped = described([entry], limit, noun)
        if not shown_entries:
            return None
        embed = make_embed(title=title, description=description, color=colour, fields=fields)
        return embed_chunk(embed, shown, dropped)

    return layout


def point_layout(point: v.PointView, noun: str, lead: str = "") -> Layout[Embed]:
    """One embed: '<lead>OPPOSES · subject', statement and quotes, then speakers and dates."""
    title = f"{lead}{point.stance.upper()} · {point.subject}"
    return entry_layout(
        clip_escaped(title, DISCORD_EMBED_TITLE_MAX, escape),
        Text(point_head(point), tuple(map(quote_text, point.quotes))),
        colour=STANCE_COLOURS[point.stance],
        fields=point_fields(point),
        noun=noun,
    )


def head_embed(brief: v.BriefView) -> Embed:
    """The actor and how current the brief is, then the summary."""
    topic = (
        f"**{w.TOPIC}:** {clip_escaped(brief.topic, TOPIC_MAX, escape)}\n" if brief.topic else ""
    )
    room = DISCORD_EMBED_DESCRIPTION_MAX - len(topic)
    return make_embed(
        title=clip_escaped(brief.title, DISCORD_EMBED_TITLE_MAX, escape),
        description=(topic + clip_escaped(brief.summary, room, escape)).strip(),
    )


def tail_title(brief: v.BriefView) -> str:
    """'Changes and sources', or the one of them the brief has."""
    parts = [
        name.lower()
        for name, has in ((w.CHANGES, brief.changes), (w.SOURCES, brief.sources))
        if has
    ]
    return " and ".join(parts).capitalize()


def tail_layout(brief: v.BriefView, hidden: int) -> Layout[Embed]:
    """The last embed: changes as the description, sources as fields, '+N more' as footer."""
    changes, title = list(map(change_entry, brief.changes)), tail_title(brief)
    more_points = hidden + brief.omitted
    footer_max = w.more_bound([(more_points, "point"), (len(brief.sources), "source")]) + 3

    def layout(room: Room) -> Chunk[Embed] | None:
        if room.items < 1:
            return None
        chars = room.chars - len(title) - footer_max
        description, shown_changes, shown, dropped = "", 0, 0, 0
        if changes:
            limit = min(DISCORD_EMBED_DESCRIPTION_MAX, chars)
            description, shown_changes, shown, dropped = described(changes, limit, "change")
            if not shown_changes:
                return None
        fields = source_fields(brief.sources, chars - len(description))
        left_sources = len(brief.sources) - len(fields)
        footer = w.more_line([(more_points, "point"), (left_sources, "source")])
        embed = make_embed(title=title, description=description, fields=fields, footer=footer)
        left = dropped + len(changes) - shown_changes + left_sources
        return embed_chunk(embed, shown + len(fields), left)

    return layout


# --- messages ----------------------------------------------------------------------


def messages(title: str, pages: Sequence[Sequence[Embed]]) -> list[DiscordMessage]:
    """Pages as messages, every one after the first saying '(continued, 2/3)' as content."""
    out = []
    for number, embeds in enumerate(pages, 1):
        continued = w.continued_text(title, number, len(pages))
        content = clip_escaped(continued, DISCORD_CONTENT_MAX, escape) if number > 1 else ""
        out.append(message(content, list(embeds)))
    return out


def brief_discord(brief: v.BriefView) -> list[DiscordMessage]:
    def tail(hidden: int) -> list[Layout[Embed]]:
        needed = brief.changes or brief.sources or hidden + brief.omitted
        return [tail_layout(brief, hidden)] if needed else []

    pages = fit_points(
        fixed(embed_chunk(head_embed(brief))),
        [point_layout(p, "point") for p in brief.points],
        tail,
        first=ROOM,
        fresh=ROOM,
    )
    return messages(brief.title, pages)


def list_discord(view: lists.ListView) -> list[DiscordMessage]:
    """A list (matrix rows, actors, statements): one embed per message, '+N more' in the
    last footer."""
    if view.empty:
        return [notice_to_discord(view.empty)]
    entries = [
        Text(
            row_head(row.head, bold="**", escape=escape),
            (quote_text(row.quote),) if row.quote else (),
        )
        for row in view.rows
    ]
    sep = "\n" if view.compact else DESCRIPTION_SEP
    footer_max = w.more_bound([(len(entries), view.noun), (len(entries), "quote")])
    embed_title = clip_escaped(view.title, DISCORD_EMBED_TITLE_MAX, escape)

    def page(rest: Sequence[Text], index: int) -> tuple[tuple[str, str], int, int]:
        heading = embed_title if index == 0 else ""
        size = min(
            DISCORD_EMBED_DESCRIPTION_MAX, DISCORD_EMBED_TOTAL_MAX - len(heading) - footer_max
        )
        filled = fill(rest, slots=1, chars=size, slot_max=size, sep=sep, whole=True)
        return (heading, "".join(filled.slots)), filled.entries, filled.dropped

    finished = [
        [make_embed(title=heading, description=description, footer=more)]
        for (heading, description), more in list_pages(entries, view.noun, page)
    ]
    return messages(view.title, finished)


# --- digests -------------------------------------------------------------------------


def digest_change_layout(change: v.ChangeView) -> Layout[Embed]:
    """One embed per change: the stances with their dates, then each side's quotes."""
    title = clip_escaped(f"{w.CHANGED} · {change.subject}", DISCORD_EMBED_TITLE_MAX, escape)
    before, after = change.dated_stances()
    entry = Text(f"**{before}** → **{after}**", side_quotes(change))
    return entry_layout(title, entry, colour=STANCE_COLOURS[change.after.stance], noun="change")


def digest_head_embed(digest: v.DigestView, title: str) -> Embed:
    """The title (the whole of it in the description when clipped) and what the digest holds."""
    lines = []
    if len(escape(title)) > DISCORD_EMBED_TITLE_MAX:
        lines.append(escape(title))
    lines.append(f"*{digest.counts}*")
    return make_embed(
        title=clip_escaped(title, DISCORD_EMBED_TITLE_MAX, escape), description="\n".join(lines)
    )


def digest_tail_layout(digest: v.DigestView, hidden: int) -> Layout[Embed]:
    """The last embed: new sources as fields, and what was left out as its footer."""
    left_out = digest.left_out(hidden)
    sources = digest.sources
    footer_max = w.more_bound([*left_out, (len(sources), "source")]) + 3
    title = w.NEW_SOURCES if sources else ""

    def layout(room: Room) -> Chunk[Embed] | None:
        if room.items < 1:
            return None
        fields = source_fields(sources, room.chars - len(title) - footer_max)
        left = len(sources) - len(fields)
        footer = w.more_line([*left_out, (left, "source")])
        embed = make_embed(title=title, fields=fields, footer=footer)
        return embed_chunk(embed, len(fields), left)

    return layout


def digest_discord(digest: v.DigestView, note: str | None) -> list[DiscordMessage]:
    lead = no_mentions(note) + "\n" if note else ""
    if digest.empty:
        line = clip_escaped(digest.empty, DISCORD_CONTENT_MAX - len(lead), escape)
        return [message(lead + line, [])]
    title = clip(digest.title, DIGEST_TITLE_MAX)
    units = [
        *map(digest_change_layout, digest.changes),
        *(point_layout(p, "new position", f"{w.NEW} · {p.actor} · ") for p in digest.positions),
    ]

    def tail(hidden: int) -> list[Layout[Embed]]:
        return [digest_tail_layout(digest, hidden)] if digest.sources or hidden else []

    pages = fit_points(
        fixed(embed_chunk(digest_head_embed(digest, title))), units, tail, first=ROOM, fresh=ROOM
    )
    out = messages(title, pages)
    if note:
        out[0]["content"] = clip_escaped(note, DISCORD_CONTENT_MAX, no_mentions)
    return out


# --- the renderers' entry points: a result in, its messages out ---------------------------------


def brief_to_discord(brief: Brief) -> list[DiscordMessage]:
    """A brief as at most three messages: a head embed, one embed per point, a last embed."""
    return brief_discord(v.brief_view(brief))


def digest_to_discord(digest: Digest, *, note: str | None = None) -> list[DiscordMessage]:
    """A digest as at most three messages: a head embed, one embed per change and per new
    position, then the new sources. An empty digest is its one line. `note` (a preview's
    "only for you") is the first message's content."""
    return digest_discord(v.digest_view(digest), note)


def matrix_to_discord(matrix: StanceMatrix) -> list[DiscordMessage]:
    """One entry per actor: stance, actor, last seen, then its newest quote."""
    return list_discord(lists.matrix_list(lists.matrix_view(matrix)))


def actors_to_discord(summaries: Sequence[ActorSummary]) -> list[DiscordMessage]:
    """Known actors with how many claims and documents mention them."""
    return list_discord(lists.actors_list(lists.actors_view(summaries)))


def quotes_to_discord(found: QuoteList) -> list[DiscordMessage]:
    """One entry per statement: speaker and cue, then the quote and its citation."""
    return list_discord(lists.quotes_list(lists.quotes_view(found)))


def notice_to_discord(text: str) -> DiscordMessage:
    """Help text or an error as content. It is ours, so its formatting is kept; no pings."""
    text = clip(text.strip() or w.NO_MESSAGE, DISCORD_CONTENT_MAX)
    return message(clip_escaped(text, DISCORD_CONTENT_MAX, no_mentions), [])
