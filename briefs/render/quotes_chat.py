"""Who said what in chat: Slack blocks and Discord embeds for a `quotes` answer.

Each statement is a verbatim quote block with its attribution, headed by the speaker
and cue; everything from the articles is escaped for the platform (names too), and
long answers page with "+N more" like every other list.
"""

from __future__ import annotations

from collections.abc import Callable

from briefs.quotes import QuoteItem, QuoteList
from briefs.render import Entry
from briefs.render import discord as discord_render
from briefs.render import slack as slack_render
from briefs.render.quotes import as_evidence, no_quotes_text, quotes_title

STATEMENT = "statement"


def _head(item: QuoteItem, bold: str, escape: Callable[[str], str]) -> str:
    who = item.speaker.name if item.speaker else "unattributed"
    head = f"{bold}{escape(who)}{bold}"
    return f"{head} · {escape(item.cue)}" if item.cue else head


def quotes_to_slack(found: QuoteList) -> list[slack_render.SlackMessage]:
    """One item per statement: speaker and cue, then the quote and its citation."""
    if not found.quotes:
        return [slack_render.notice_to_slack(no_quotes_text(found))]
    items = [
        slack_render.Item(
            _head(item, "*", slack_render.escape),
            (slack_render.quote_block(as_evidence(item)),),
        )
        for item in found.quotes
    ]
    return slack_render.list_to_slack(quotes_title(found), items, STATEMENT)


def quotes_to_discord(found: QuoteList) -> list[discord_render.DiscordMessage]:
    """One entry per statement: speaker and cue, then the quote and its citation."""
    if not found.quotes:
        return [discord_render.notice_to_discord(no_quotes_text(found))]
    entries = [
        Entry(
            _head(item, "**", discord_render.escape),
            (discord_render.evidence_text(as_evidence(item)),),
        )
        for item in found.quotes
    ]
    return discord_render.list_to_discord(quotes_title(found), entries, STATEMENT)
