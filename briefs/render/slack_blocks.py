"""Slack's side of the views: escaping for mrkdwn, the blocks, and quotes as rich text.

Quotes are the product: each one is a `rich_text` block whose `rich_text_quote`
holds the article's words exactly. Rich text elements are literal (no mrkdwn, no
links, no mentions: those are element types of their own), so a quote needs no
escaping and copies out of Slack verbatim. The attribution under it (speaker,
outlet, date, document) sits in the same block, also literal, so a file name
copies out verbatim too.

Everything else is mrkdwn, and article text in it (titles, outlets, speakers,
conditions) goes through `escape`, so nothing in an article can mention, link or
format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from briefs.render.limits import SLACK_HEADER_TEXT_MAX, SLACK_SECTION_TEXT_MAX
from briefs.render.pack import ZWSP, Chunk, Entry, clip, fill
from briefs.render.view import QuoteView

Block = dict[str, Any]


class SlackMessage(TypedDict):
    """What `chat.postMessage` takes: blocks, and the fallback text notifications show."""

    text: str
    blocks: list[Block]


# A marker that could open or close formatting: not between two letters or digits.
# ([^\W_] is a letter or digit: \w without the underscore.)
_MARKER = re.compile(r"(?<![^\W_])[*_~`]|[*_~`](?![^\W_])")
_MASS_MENTION = re.compile(r"@(?=everyone|here|channel)")
_PLAIN_URL = re.compile(r"https?://[^\s<>|]+")
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


def more_context(line: str) -> Block:
    return context(f"_{line}_")


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


@dataclass(frozen=True)
class FilledBlocks:
    """Items laid out as blocks: how many were shown, and how many of their pieces were not."""

    blocks: tuple[Block, ...]
    items: int  # the leading items shown; the rest did not fit
    shown: int
    dropped: int  # pieces of shown items left out whole


def fill_blocks(
    items: Sequence[Entry[Block]], *, blocks: int, chars: int, whole: bool = False
) -> FilledBlocks:
    """Items within `blocks` blocks and `chars` characters: consecutive mrkdwn texts share
    a section while it stays within SLACK_SECTION_TEXT_MAX; a quote takes a block of its own.
    """
    filled = fill(
        items,
        slots=blocks,
        chars=chars,
        slot_max=SLACK_SECTION_TEXT_MAX,
        whole=whole,
        size=block_chars,
    )
    made = tuple(section(p) if isinstance(p, str) else p for p in filled.slots)
    return FilledBlocks(made, filled.entries, filled.shown, filled.dropped)


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


def attribution(quote: QuoteView) -> list[dict[str, Any]]:
    """'— Speaker, Outlet, 2026-01-06 (document)', the document linked when it has a URL.

    Rich text, so names and the file name are shown exactly as they are.
    """
    known = ", ".join(quote.credits)
    lead = f"— {known} (" if known else "— ("
    url = quote.url
    if (
        url
        and _PLAIN_URL.fullmatch(url)
        and len(url) <= _RICH_TEXT_MAX
        and len(quote.document) <= _RICH_TEXT_MAX
    ):
        link = {"type": "link", "url": url, "text": quote.document}
        return [*rich_texts(lead), link, *rich_texts(")")]
    return rich_texts(f"{lead}{quote.document})")


def quote_block(quote: QuoteView, label: str | None = None) -> Block:
    """A quote exactly as the article has it, then who said it, where and when.

    `label` names a change's side ("Before", "After").
    """
    lead = [rich_section(rich_texts(f"{label}:", {"italic": True}))] if label else []
    text = {"type": "rich_text_quote", "elements": rich_texts(quote.text)}
    return {"type": "rich_text", "elements": [*lead, text, rich_section(attribution(quote))]}


def quote_of(block: Block) -> str | None:
    """The quote a `quote_block` shows, its pieces joined; None for any other block."""
    if block["type"] != "rich_text":
        return None
    for element in block["elements"]:
        if element["type"] == "rich_text_quote":
            return "".join(piece["text"] for piece in element["elements"])
    return None
