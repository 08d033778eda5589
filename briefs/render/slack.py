"""Slack Block Kit: briefs, stance matrices, actor lists and notices as Slack messages.

Blocks are plain JSON (no SDK). Every message carries a short plain-text `text`,
which notifications show. All article text goes through `escape`, so nothing in an
article can mention, link or format. Slack's limits (`limits.py`) hold for every
message: a quote is shown whole or counted in a "+N more quotes" line, a point is
never split across messages, and a reply stops at a few messages with "+N more".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypedDict

from briefs.brief import point_subject
from briefs.models import ActorSummary, Brief, Evidence, Point, SourceRef, StanceMatrix
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
    fill_sections,
    fit_points,
    fixed,
    join_within,
    matrix_title,
    more_bound,
    more_line,
    more_text,
    paginate,
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
from briefs.render.text import actors_to_text, dated_stance, matrix_to_text, title_line

Block = dict[str, Any]


class SlackMessage(TypedDict):
    """What `chat.postMessage` takes: blocks, and the fallback text notifications show."""

    text: str
    blocks: list[Block]


ZWSP = "\u200b"
_MARKER = re.compile(r"[*_~`]")
_MASS_MENTION = re.compile(r"@(?=everyone|here|channel)")
_PLAIN_URL = re.compile(r"https?://[^\s<>|]+")
# Our own text inside a section (a point's statement, a subject) stays well under 3000.
_OWN_TEXT_MAX = 800
_LIST_MAX = 1000

# --- escaping ----------------------------------------------------------------------


def escape_notice(text: str) -> str:
    """Our own text made safe: Slack's three entities, and no mass mention."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # the entities already stop <!everyone>; plain "@here" only pings with link_names
    return _MASS_MENTION.sub("@" + ZWSP, text)


def escape(text: str) -> str:
    """Article text made inert in mrkdwn: no mention, link or formatting survives.

    mrkdwn has no escape for * _ ~ `, and Slack formats only when a marker opens
    before a word and closes after one, so a zero-width space on both sides of
    each marker stops it pairing up, whether Slack reads that space as a letter or
    as a gap. The visible text stays verbatim.
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


def block_chars(block: Block) -> int:
    """The characters a block adds to the message's block text."""
    if "text" in block:
        return len(block["text"]["text"])
    return sum(len(element["text"]) for element in block.get("elements", ()))


def chunk_of(blocks: Sequence[Block], shown: int = 0, dropped: int = 0) -> Chunk[Block]:
    return Chunk(tuple(blocks), sum(map(block_chars, blocks)), shown, dropped)


def more_context(line: str) -> Block:
    return context(f"_{line}_")


# --- article text ------------------------------------------------------------------


def blockquote(quote: str) -> str:
    """A verbatim quote as mrkdwn quote lines, each of its lines kept inside."""
    return "\n".join(f">{line}" for line in escape(quote).split("\n"))


def attribution(evidence: Evidence) -> str:
    """'— Speaker, Outlet, 2026-01-06 (document)', the document linked when it has a URL."""
    known = ", ".join(escape(part) for part in attribution_parts(evidence))
    document = escape(evidence.document)
    url = url_for_link(evidence.url) if evidence.url else None
    if url:
        document = f"<{url}|{document}>"
    return f"— {known} ({document})" if known else f"— ({document})"


def evidence_text(evidence: Evidence, label: str | None = None) -> str:
    """A quote, then who said it, where and when; `label` names a change's side."""
    lines = [f"_{label}:_"] if label else []
    return "\n".join([*lines, blockquote(evidence.quote), attribution(evidence)])


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
    seen = seen_sentence(point.first_seen, point.last_seen)
    if seen:
        lines.append(f"_{seen}_")
    return "\n".join(lines)


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
        entries.append(Entry(f"*{subject}*: {before} → {after}", tuple(quotes)))
    return entries


def source_line(number: int, source: SourceRef) -> str:
    """'1. Title, Outlet, 2026-01-06 — <url>' or the document name without a URL."""
    url = url_for_link(source.url) if source.url else None
    where = f"<{url}>" if url else escape(source.url or source.document)
    return f"{number}. " + ", ".join(escape(p) for p in source_parts(source)) + f" — {where}"


# --- layouts -----------------------------------------------------------------------


def cited(entries: Sequence[Entry], noun: str, item: str = "quote") -> Layout[Block]:
    """A divider, then entries over as many sections as the room allows, then what was left out."""
    total = sum(len(e.quotes) for e in entries)
    reserve = more_bound([(len(entries), noun), (total, item)]) + 2  # + the italics

    def layout(room: Room) -> Chunk[Block] | None:
        filled = fill_sections(
            entries,
            sections=room.items - 2,  # the divider and a "+N more" line
            chars=room.chars - reserve,
            section_max=SLACK_SECTION_TEXT_MAX,
        )
        if not filled.entries:
            return None
        blocks = [divider(), *map(section, filled.sections)]
        left = len(entries) - filled.entries
        more = more_line([(left, noun), (filled.dropped_quotes, item)])
        if more:
            blocks.append(more_context(more))
        return chunk_of(blocks, filled.shown_quotes, filled.dropped_quotes + left)

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
        layouts.append(cited([Entry("*Changes*"), *change_entries(brief)], "change"))
    if brief.sources:
        lines = tuple(source_line(n, s) for n, s in enumerate(brief.sources, 1))
        layouts.append(cited([Entry("*Sources*", lines)], "heading", "source"))
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
        cited([Entry(point_head(p, name), tuple(map(evidence_text, p.evidence)))], "point")
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


def list_to_slack(title: str, entries: Sequence[Entry], noun: str) -> list[SlackMessage]:
    """A list (matrix rows, actors) over pages of sections, then '+N more' if it ran out."""
    reserve = more_bound([(len(entries), noun), (len(entries), "quote")]) + 2
    later = continued_room(title)

    def page(rest: Sequence[Entry], index: int) -> tuple[tuple[list[Block], int], int]:
        lead = [header(title)] if index == 0 else []
        room = Room(SLACK_MAX_BLOCKS, SLACK_MESSAGE_BLOCK_TEXT_MAX) if index == 0 else later
        filled = fill_sections(
            rest,
            sections=room.items - len(lead) - 1,
            chars=room.chars - sum(map(block_chars, lead)) - reserve,
            section_max=SLACK_SECTION_TEXT_MAX,
            whole=True,
        )
        return ([*lead, *map(section, filled.sections)], filled.dropped_quotes), filled.entries

    pages, left = paginate(entries, page, MAX_MESSAGES_PER_REPLY)
    finished = []
    for number, (blocks, dropped) in enumerate(pages, 1):
        more = more_line([(left if number == len(pages) else 0, noun), (dropped, "quote")])
        finished.append([*blocks, *([more_context(more)] if more else [])])
    return messages(title, clip_escaped(title, SLACK_FALLBACK_TEXT_MAX, escape), finished)


def matrix_to_slack(matrix: StanceMatrix) -> list[SlackMessage]:
    """One entry per actor: stance, actor, last seen, then its newest quote."""
    if not matrix.rows:
        return [notice_to_slack(matrix_to_text(matrix))]
    entries = []
    for row in matrix.rows:
        seen = date_text(row.last_seen)
        head = f"*{row.stance.upper()}* · {escape(row.actor.name)}"
        head += f" · last seen {seen}" if seen else ""
        entries.append(Entry(head, tuple(evidence_text(e) for e in row.evidence[:1])))
    return list_to_slack(matrix_title(matrix), entries, "actor")


def actors_to_slack(summaries: Sequence[ActorSummary]) -> list[SlackMessage]:
    """Known actors with how many claims and documents mention them."""
    if not summaries:
        return [notice_to_slack(actors_to_text(summaries))]
    entries = [
        Entry(
            f"*{escape(s.actor.name)}* · {s.actor.kind} · {escape(s.actor.id)}"
            f" · {s.claims} claims, {s.documents} documents"
        )
        for s in summaries
    ]
    return list_to_slack(f"Known actors ({len(summaries)})", entries, "actor")


def notice_to_slack(text: str) -> SlackMessage:
    """Help text or an error: one section. It is ours, so its own formatting is kept."""
    text = text.strip() or "(no message)"
    body = clip_escaped(text, SLACK_SECTION_TEXT_MAX, escape_notice)
    fallback = clip_escaped(text, SLACK_FALLBACK_TEXT_MAX, escape_notice)
    return SlackMessage(text=fallback, blocks=[section(body)])
