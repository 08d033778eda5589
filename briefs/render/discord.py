"""Discord embeds: briefs, stance matrices, actor lists and notices as Discord messages.

Embeds are plain JSON (no SDK); an adapter sends them with `discord.Embed.from_dict`.
Every message forbids pings (`allowed_mentions` parses nothing), and all article
text goes through `escape`, so nothing in an article can format, link or mention.
Discord's limits (`limits.py`) hold for every embed and every message: a quote is
shown whole or counted in a "+N more quotes" line, a point is one embed that is
never split, and a reply stops at a few messages with "+N more".

A digest is one embed per change (before → after, both sides quoted) and per new
position, after a head embed saying what it holds; the new sources close it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypedDict

from briefs.brief import point_subject
from briefs.models import (
    ActorSummary,
    Brief,
    Digest,
    DigestChange,
    DigestPoint,
    Evidence,
    Point,
    SourceRef,
    Stance,
    StanceMatrix,
)
from briefs.render import (
    Chunk,
    Entry,
    Layout,
    Room,
    attribution_parts,
    clip,
    clip_escaped,
    continued_text,
    date_text,
    digest_counts,
    digest_left_out,
    fill_sections,
    fit_points,
    fixed,
    join_within,
    matrix_title,
    more_bound,
    more_line,
    paginate,
    reported_by,
    seen_sentence,
    shown_conditions,
)
from briefs.render.limits import (
    DISCORD_CONTENT_MAX,
    DISCORD_EMBED_DESCRIPTION_MAX,
    DISCORD_EMBED_FIELDS_MAX,
    DISCORD_EMBED_TITLE_MAX,
    DISCORD_EMBED_TOTAL_MAX,
    DISCORD_EMBEDS_PER_MESSAGE_MAX,
    DISCORD_FIELD_NAME_MAX,
    DISCORD_FIELD_VALUE_MAX,
    MAX_MESSAGES_PER_REPLY,
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

Embed = dict[str, Any]


class DiscordMessage(TypedDict):
    """What `Messageable.send` takes: content, embeds, and which mentions may ping."""

    content: str
    embeds: list[Embed]
    allowed_mentions: dict[str, Any]


ZWSP = "\u200b"
STANCE_COLOURS: dict[Stance, int] = {
    "supports": 0x2E7D32,
    "opposes": 0xC62828,
    "conditional": 0xF9A825,
    "undecided": 0x757575,
}
BRIEF_COLOUR = 0x5865F2
# discord.utils.escape_markdown's rules, spelled out: these are escaped anywhere...
_SPECIAL = re.compile(r"[\\*_~`|\[\]<]")
# ...these only at a line start, where they open a quote, heading, list or subtext
_LINE_START = re.compile(r"^([ \t]*)([>#+-])", re.MULTILINE)
_ORDERED = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)
# URLs in article text stay clickable, as with escape_markdown(ignore_links=True)
_URL = re.compile(r"((?:https?|steam)://[^\s<]+[^<.,:;\"')\]\s])")
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)|(?<=<)#(?=\d)")
_LINK_URL = re.compile(r"https?://[^\s<>()\[\]]+")
_OWN_TEXT_MAX = 800
_LIST_MAX = 1000
DESCRIPTION_SEP = "\n\n"

# --- escaping ----------------------------------------------------------------------


def no_mentions(text: str) -> str:
    """Text whose @everyone, @here, <@123>, <@&123> and <#123> can never ping.

    `allowed_mentions` already stops pings; the zero-width space also keeps the
    text from rendering as a mention at all.
    """
    return _MENTION.sub(lambda m: m.group() + ZWSP, text)


def escape(text: str) -> str:
    """Article text made inert in Discord markdown: no formatting, link or mention."""
    pieces = _URL.split(text)  # odd pieces are URLs
    text = "".join(p if i % 2 else _SPECIAL.sub(r"\\\g<0>", p) for i, p in enumerate(pieces))
    text = _ORDERED.sub(r"\1\\\2", _LINE_START.sub(r"\1\\\2", text))
    return no_mentions(text)


def allowed_mentions() -> dict[str, Any]:
    """Nothing may ping, whatever the text says (a new dict: adapters may mutate it)."""
    return {"parse": []}


# --- embeds ------------------------------------------------------------------------


def embed_chars(embed: Embed) -> int:
    """What Discord counts towards the 6000 limit: title, description, fields, footer, author."""
    fields = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", ()))
    texts = (embed.get("footer", {}).get("text", ""), embed.get("author", {}).get("name", ""))
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + fields
        + sum(map(len, texts))
    )


def make_embed(
    *,
    title: str = "",
    description: str = "",
    color: int = BRIEF_COLOUR,
    fields: Sequence[dict[str, Any]] = (),
    footer: str = "",
) -> Embed:
    """An embed with its empty parts left out (Discord rejects empty strings)."""
    embed: Embed = {"title": title, "description": description, "color": color}
    embed = {key: value for key, value in embed.items() if value != ""}
    if fields:
        embed["fields"] = list(fields)
    if footer:
        embed["footer"] = {"text": footer}
    return embed


def field(name: str, value: str, *, inline: bool = False) -> dict[str, Any]:
    return {"name": name, "value": value, "inline": inline}


def embed_chunk(embed: Embed, shown: int = 0, dropped: int = 0) -> Chunk[Embed]:
    return Chunk((embed,), embed_chars(embed), shown, dropped)


# --- article text ------------------------------------------------------------------


def blockquote(quote: str) -> str:
    """A verbatim quote as Discord quote lines, each of its lines kept inside."""
    return "\n".join(f"> {line}" for line in escape(quote).split("\n"))


def document_ref(document: str, url: str | None) -> str:
    """The document, linked when it has a plain URL; a URL name is shown as the link."""
    if not url or not _LINK_URL.fullmatch(url):
        return escape(document)
    if _URL.fullmatch(document):
        return f"<{url}>"  # Discord distrusts masked links whose label is another URL
    return f"[{escape(document)}]({url})"


def attribution(evidence: Evidence) -> str:
    """'— Speaker, Outlet, 2026-01-06 (document)' with unknown parts left out."""
    known = ", ".join(escape(part) for part in attribution_parts(evidence))
    document = document_ref(evidence.document, evidence.url)
    return f"— {known} ({document})" if known else f"— ({document})"


def evidence_text(evidence: Evidence, label: str | None = None) -> str:
    """A quote, then who said it, where and when; `label` names a change's side."""
    lines = [f"*{label}:*"] if label else []
    return "\n".join([*lines, blockquote(evidence.quote), attribution(evidence)])


def point_title(point: Point, name: str) -> str:
    """'OPPOSES · sending troops to Ukraine'."""
    subject = point_subject(point, name)
    return clip_escaped(f"{point.stance.upper()} · {subject}", DISCORD_EMBED_TITLE_MAX, escape)


def point_head(point: Point) -> str:
    """Our statement, then the conditions it does not already list."""
    head = clip_escaped(point.statement, _OWN_TEXT_MAX, escape)
    conditions = shown_conditions(point)
    if conditions:
        listed = join_within([escape(c) for c in conditions], _LIST_MAX, "; ")
        head += f"\n**Conditions:** {listed}"
    return head


def point_fields(point: Point) -> list[dict[str, Any]]:
    """Speakers, outlets and when the point was seen, side by side."""
    fields = []
    if point.speakers:
        speakers = join_within([escape(s) for s in point.speakers], DISCORD_FIELD_VALUE_MAX)
        fields.append(field("Speakers", speakers, inline=True))
    if reported_by(point):
        outlets = join_within([escape(o) for o in point.outlets], DISCORD_FIELD_VALUE_MAX)
        fields.append(field("Reported by", outlets, inline=True))
    seen = seen_sentence(point.first_seen, point.last_seen)
    if seen:
        fields.append(field("Dates", seen, inline=True))
    return fields


def change_entries(brief: Brief) -> list[Entry]:
    """One entry per change: before → after with dates, then each side's quotes."""
    subjects = {p.proposition: point_subject(p, brief.actor.name) for p in brief.points}
    entries = []
    for change in brief.changes:
        subject = escape(subjects.get(change.proposition, change.proposition))
        before = dated_stance(change.before, date_text(change.before_date))
        after = dated_stance(change.after, date_text(change.after_date))
        quotes = [evidence_text(e, "Before") for e in change.before_evidence]
        quotes += [evidence_text(e, "After") for e in change.after_evidence]
        entries.append(Entry(f"**{subject}**: {before} → {after}", tuple(quotes)))
    return entries


def source_field(number: int, source: SourceRef) -> dict[str, Any]:
    """A source as a field: number and title, then outlet, date and where to find it."""
    prefix = f"{number}. "
    title = source.title or source.document
    name = prefix + clip_escaped(title, DISCORD_FIELD_NAME_MAX - len(prefix), escape)
    known = [escape(p) for p in (source.source, date_text(source.published)) if p]
    value = " · ".join([*known, document_ref(source.document, source.url)])
    if len(value) > DISCORD_FIELD_VALUE_MAX:  # a freak URL: say where without linking
        value = clip_escaped(source.url or source.document, DISCORD_FIELD_VALUE_MAX, escape)
    return field(name, value)


# --- layouts -----------------------------------------------------------------------


def described(entries: Sequence[Entry], limit: int, noun: str) -> tuple[str, int, int, int]:
    """Entries as a description within `limit`, ending in what was left out.

    Returns the description, the entries shown, the quotes shown and the quotes left out.
    """
    total = sum(len(e.quotes) for e in entries)
    reserve = len(DESCRIPTION_SEP) + more_bound([(len(entries), noun), (total, "quote")]) + 2
    size = limit - reserve
    filled = fill_sections(entries, sections=1, chars=size, section_max=size, sep=DESCRIPTION_SEP)
    if not filled.entries:
        return "", 0, 0, filled.dropped_quotes
    more = more_line([(len(entries) - filled.entries, noun), (filled.dropped_quotes, "quote")])
    text = filled.sections[0] + (f"{DESCRIPTION_SEP}*{more}*" if more else "")
    return text, filled.entries, filled.shown_quotes, filled.dropped_quotes


def entry_layout(
    title: str,
    entry: Entry,
    *,
    colour: int,
    fields: Sequence[dict[str, Any]] = (),
    noun: str = "point",
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


def point_layout(point: Point, name: str) -> Layout[Embed]:
    """One embed: title, statement and quotes, then speakers and dates as fields."""
    entry = Entry(point_head(point), tuple(map(evidence_text, point.evidence)))
    return entry_layout(
        point_title(point, name),
        entry,
        colour=STANCE_COLOURS[point.stance],
        fields=point_fields(point),
    )


def head_embed(brief: Brief, title: str) -> Embed:
    """The actor and how current the brief is, then the summary."""
    topic = f"**Topic:** {clip_escaped(brief.topic, 200, escape)}\n" if brief.topic else ""
    room = DISCORD_EMBED_DESCRIPTION_MAX - len(topic)
    return make_embed(
        title=clip_escaped(title, DISCORD_EMBED_TITLE_MAX, escape),
        description=(topic + clip_escaped(brief.summary, room, escape)).strip(),
    )


def tail_title(brief: Brief) -> str:
    parts = [name for name, has in (("changes", brief.changes), ("sources", brief.sources)) if has]
    return " and ".join(parts).capitalize()


def source_fields(sources: Sequence[SourceRef], chars: int) -> list[dict[str, Any]]:
    """The leading sources that fit in `chars` and in an embed's fields."""
    fields: list[dict[str, Any]] = []
    for number, source in enumerate(sources, 1):
        candidate = source_field(number, source)
        size = len(candidate["name"]) + len(candidate["value"])
        if len(fields) == DISCORD_EMBED_FIELDS_MAX or size > chars:
            break
        fields.append(candidate)
        chars -= size
    return fields


def tail_layout(brief: Brief, hidden: int) -> Layout[Embed]:
    """The last embed: changes as the description, sources as fields, '+N more' as footer."""
    changes, title = change_entries(brief), tail_title(brief)
    more_points = hidden + brief.omitted_points
    footer_max = more_bound([(more_points, "point"), (len(brief.sources), "source")]) + 3

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
        footer = more_line([(more_points, "point"), (left_sources, "source")])
        embed = make_embed(title=title, description=description, fields=fields, footer=footer)
        left = dropped + len(changes) - shown_changes + left_sources
        return embed_chunk(embed, shown + len(fields), left)

    return layout


# --- messages ----------------------------------------------------------------------


def message(content: str, embeds: list[Embed]) -> DiscordMessage:
    return DiscordMessage(content=content, embeds=embeds, allowed_mentions=allowed_mentions())


def messages(title: str, pages: Sequence[Sequence[Embed]]) -> list[DiscordMessage]:
    """Pages as messages, every one after the first saying '(continued, 2/3)' as content."""
    out = []
    for number, embeds in enumerate(pages, 1):
        continued = continued_text(title, number, len(pages))
        content = clip_escaped(continued, DISCORD_CONTENT_MAX, escape) if number > 1 else ""
        out.append(message(content, list(embeds)))
    return out


def brief_to_discord(brief: Brief) -> list[DiscordMessage]:
    """A brief as at most three messages: a head embed, one embed per point, a last embed."""
    name = brief.actor.name
    title = title_line(name, date_text(brief.as_of))
    room = Room(DISCORD_EMBEDS_PER_MESSAGE_MAX, DISCORD_EMBED_TOTAL_MAX)

    def tail(hidden: int) -> list[Layout[Embed]]:
        needed = brief.changes or brief.sources or hidden + brief.omitted_points
        return [tail_layout(brief, hidden)] if needed else []

    pages = fit_points(
        fixed(embed_chunk(head_embed(brief, title))),
        [point_layout(p, name) for p in brief.points],
        tail,
        first=room,
        fresh=room,  # the continuation line is content, which the embed total leaves out
        max_messages=MAX_MESSAGES_PER_REPLY,
    )
    return messages(title, pages)


def list_to_discord(
    title: str, entries: Sequence[Entry], noun: str, sep: str = DESCRIPTION_SEP
) -> list[DiscordMessage]:
    """A list (matrix rows, actors): one embed per message, '+N more' in the last footer."""
    footer_max = more_bound([(len(entries), noun), (len(entries), "quote")])
    embed_title = clip_escaped(title, DISCORD_EMBED_TITLE_MAX, escape)

    def page(rest: Sequence[Entry], index: int) -> tuple[tuple[str, str, int], int]:
        heading = embed_title if index == 0 else ""
        size = min(
            DISCORD_EMBED_DESCRIPTION_MAX, DISCORD_EMBED_TOTAL_MAX - len(heading) - footer_max
        )
        filled = fill_sections(rest, sections=1, chars=size, section_max=size, sep=sep, whole=True)
        return (heading, "".join(filled.sections), filled.dropped_quotes), filled.entries

    pages, left = paginate(entries, page, MAX_MESSAGES_PER_REPLY)
    finished = []
    for number, (heading, description, dropped) in enumerate(pages, 1):
        more = more_line([(left if number == len(pages) else 0, noun), (dropped, "quote")])
        finished.append([make_embed(title=heading, description=description, footer=more)])
    return messages(title, finished)


def matrix_to_discord(matrix: StanceMatrix) -> list[DiscordMessage]:
    """One entry per actor: stance, actor, last seen, then its newest quote."""
    if not matrix.rows:
        return [notice_to_discord(matrix_to_text(matrix))]
    entries = []
    for row in matrix.rows:
        seen = date_text(row.last_seen)
        head = f"**{row.stance.upper()}** · {escape(row.actor.name)}"
        head += f" · last seen {seen}" if seen else ""
        entries.append(Entry(head, tuple(evidence_text(e) for e in row.evidence[:1])))
    return list_to_discord(matrix_title(matrix), entries, "actor")


def actors_to_discord(summaries: Sequence[ActorSummary]) -> list[DiscordMessage]:
    """Known actors with how many claims and documents mention them."""
    if not summaries:
        return [notice_to_discord(actors_to_text(summaries))]
    entries = [
        Entry(
            f"**{escape(s.actor.name)}** · {s.actor.kind} · {escape(s.actor.id)}"
            f" · {s.claims} claims, {s.documents} documents"
        )
        for s in summaries
    ]
    return list_to_discord(f"Known actors ({len(summaries)})", entries, "actor", "\n")


# --- digests -------------------------------------------------------------------------

# A digest's title names its actors, so a digest of many is clipped; continuation
# lines repeat it, and each must stay a short line.
_DIGEST_TITLE_MAX = 300


def digest_change_layout(item: DigestChange) -> Layout[Embed]:
    """One embed per change: the stances with their dates, then each side's quotes."""
    change = item.change
    subject = change_subject(item.actor, change.proposition)
    title = clip_escaped(f"Changed · {subject}", DISCORD_EMBED_TITLE_MAX, escape)
    before = dated_stance(change.before, date_text(change.before_date))
    after = dated_stance(change.after, date_text(change.after_date))
    quotes = [evidence_text(e, "Before") for e in change.before_evidence]
    quotes += [evidence_text(e, "After") for e in change.after_evidence]
    entry = Entry(f"**{before}** → **{after}**", tuple(quotes))
    return entry_layout(title, entry, colour=STANCE_COLOURS[change.after], noun="change")


def digest_point_layout(new: DigestPoint) -> Layout[Embed]:
    """A new position: a brief's point embed, its title led by the actor."""
    point, name = new.point, new.actor.name
    subject = point_subject(point, name)
    title = clip_escaped(
        f"New · {name} · {point.stance.upper()} · {subject}", DISCORD_EMBED_TITLE_MAX, escape
    )
    entry = Entry(point_head(point), tuple(map(evidence_text, point.evidence)))
    return entry_layout(
        title,
        entry,
        colour=STANCE_COLOURS[point.stance],
        fields=point_fields(point),
        noun="new position",
    )


def digest_head_embed(digest: Digest, title: str) -> Embed:
    """The title (the whole of it in the description when clipped) and what the digest holds."""
    lines = []
    if len(escape(title)) > DISCORD_EMBED_TITLE_MAX:
        lines.append(escape(title))
    lines.append(f"*{digest_counts(digest)}*")
    return make_embed(
        title=clip_escaped(title, DISCORD_EMBED_TITLE_MAX, escape), description="\n".join(lines)
    )


def digest_tail_layout(digest: Digest, hidden: int) -> Layout[Embed]:
    """The last embed: new sources as fields, and what was left out as its footer."""
    left_out = digest_left_out(digest, hidden)
    sources = digest.new_sources
    footer_max = more_bound([*left_out, (len(sources), "source")]) + 3
    title = "New sources" if sources else ""

    def layout(room: Room) -> Chunk[Embed] | None:
        if room.items < 1:
            return None
        fields = source_fields(sources, room.chars - len(title) - footer_max)
        left = len(sources) - len(fields)
        footer = more_line([*left_out, (left, "source")])
        embed = make_embed(title=title, fields=fields, footer=footer)
        return embed_chunk(embed, len(fields), left)

    return layout


def digest_to_discord(digest: Digest, *, note: str | None = None) -> list[DiscordMessage]:
    """A digest as at most three messages: a head embed, one embed per change and per new
    position, then the new sources. An empty digest is its one line. `note` (a preview's
    "only for you") is the first message's content."""
    lead = no_mentions(note) + "\n" if note else ""
    if digest.empty:
        line = clip_escaped(no_change_line(digest), DISCORD_CONTENT_MAX - len(lead), escape)
        return [message(lead + line, [])]
    title = clip(digest_title(digest), _DIGEST_TITLE_MAX)
    room = Room(DISCORD_EMBEDS_PER_MESSAGE_MAX, DISCORD_EMBED_TOTAL_MAX)
    units = [
        *map(digest_change_layout, digest.changes),
        *map(digest_point_layout, digest.new_positions),
    ]

    def tail(hidden: int) -> list[Layout[Embed]]:
        return [digest_tail_layout(digest, hidden)] if digest.new_sources or hidden else []

    pages = fit_points(
        fixed(embed_chunk(digest_head_embed(digest, title))),
        units,
        tail,
        first=room,
        fresh=room,  # the continuation line is content, which the embed total leaves out
        max_messages=MAX_MESSAGES_PER_REPLY,
    )
    out = messages(title, pages)
    if note:
        out[0]["content"] = clip_escaped(note, DISCORD_CONTENT_MAX, no_mentions)
    return out


def notice_to_discord(text: str) -> DiscordMessage:
    """Help text or an error as content. It is ours, so its formatting is kept; no pings."""
    text = clip(text.strip() or "(no message)", DISCORD_CONTENT_MAX)
    return message(clip_escaped(text, DISCORD_CONTENT_MAX, no_mentions), [])
