"""Discord's side of the views: escaping for Discord markdown, embeds, and quotes.

Embeds are plain JSON (no SDK); an adapter sends them with `discord.Embed.from_dict`.
Every message forbids pings (`allowed_mentions` parses nothing), and all article
text goes through `escape`, so nothing in an article can format, link or mention.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypedDict

from briefs.models import Stance
from briefs.render.limits import (
    DISCORD_EMBED_FIELDS_MAX,
    DISCORD_FIELD_NAME_MAX,
    DISCORD_FIELD_VALUE_MAX,
)
from briefs.render.pack import ZWSP, Chunk, clip_escaped
from briefs.render.view import QuoteView, SourceView

Embed = dict[str, Any]


class DiscordMessage(TypedDict):
    """What `Messageable.send` takes: content, embeds, and which mentions may ping."""

    content: str
    embeds: list[Embed]
    allowed_mentions: dict[str, Any]


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


def message(content: str, embeds: list[Embed]) -> DiscordMessage:
    return DiscordMessage(content=content, embeds=embeds, allowed_mentions=allowed_mentions())


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


# --- quotes ------------------------------------------------------------------------


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


def attribution(quote: QuoteView) -> str:
    """'— Speaker, Outlet, 2026-01-06 (document)' with unknown parts left out."""
    known = ", ".join(escape(part) for part in quote.credits)
    document = document_ref(quote.document, quote.url)
    return f"— {known} ({document})" if known else f"— ({document})"


def quote_text(quote: QuoteView, label: str | None = None) -> str:
    """A quote, then who said it, where and when; `label` names a change's side."""
    lines = [f"*{label}:*"] if label else []
    return "\n".join([*lines, blockquote(quote.text), attribution(quote)])


# --- sources -----------------------------------------------------------------------


def source_field(number: int, source: SourceView) -> dict[str, Any]:
    """A source as a field: number and title, then outlet, date and where to find it."""
    prefix = f"{number}. "
    name = prefix + clip_escaped(source.title, DISCORD_FIELD_NAME_MAX - len(prefix), escape)
    known = [escape(p) for p in (source.outlet, source.date) if p]
    value = " · ".join([*known, document_ref(source.document, source.url)])
    if len(value) > DISCORD_FIELD_VALUE_MAX:  # a freak URL: say where without linking
        value = clip_escaped(source.url or source.document, DISCORD_FIELD_VALUE_MAX, escape)
    return field(name, value)


def source_fields(sources: Sequence[SourceView], chars: int) -> list[dict[str, Any]]:
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
