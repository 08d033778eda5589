"""Markdown: the views of `view` with headings, lists and blockquotes.

Every piece of data (article text above all: quotes, titles, outlets, speakers)
goes through `escape` so that nothing in an article can add formatting, links
or mentions to our output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from briefs.models import Brief, Digest, IssueSummary, StanceMatrix
from briefs.quotes import QuoteList
from briefs.render import lists
from briefs.render import view as v
from briefs.render import wording as w

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
# At the start of a line these would open a list, a heading underline or a rule.
_LINE_START_MARKER = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
_PLAIN_URL = re.compile(r"https?://[^\s<>]+")


def escape(text: str) -> str:
    """Text with every Markdown-special character backslash-escaped."""
    return _LINE_START_MARKER.sub(r"\1\\\2", _SPECIAL.sub(r"\\\1", text))


def escaped(parts: Sequence[str], sep: str = ", ") -> str:
    return sep.join(map(escape, parts))


def blockquote(quote: str) -> str:
    """A verbatim quote as a blockquote, each of its lines kept inside it."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in escape(quote).split("\n"))


def credit(quote: v.QuoteView) -> str:
    """'— Speaker, Outlet, 2026-01-06 (file-name)', escaped, unknown parts left out."""
    document = f"({escape(quote.document)})"
    return f"— {escaped(quote.credits)} {document}" if quote.credits else f"— {document}"


def quote_block(quote: v.QuoteView) -> list[str]:
    """A quote as a blockquote, then (outside it) who said it, where and when."""
    return [blockquote(quote.text), "", credit(quote), ""]


def link(url: str) -> str:
    """A URL as an autolink when it is a plain one, else as escaped text."""
    return f"<{url}>" if _PLAIN_URL.fullmatch(url) else escape(url)


def point_block(number: int, point: v.PointView) -> list[str]:
    """A numbered point: heading, our statement, details as a list, then its quotes."""
    lead = f"{escape(point.actor)} — " if point.actor else ""
    heading = f"### {number}. {lead}{point.stance.capitalize()}: {escape(point.subject)}"
    lines = [heading, "", escape(point.statement), ""]
    details = [f"- **{d.label}:** {escaped(d.values, d.sep)}" for d in point.details]
    if point.seen:
        details.append(f"- {point.seen}")
    if details:
        lines += [*details, ""]
    for quote in point.quotes:
        lines += quote_block(quote)
    return lines


def change_block(change: v.ChangeView) -> list[str]:
    """A change as a heading (before → after, with dates), then each side's quotes."""
    before, after = change.dated_stances(str.lower)
    lines = [f"### {escape(change.subject)}: {before} → {after}", ""]
    for side, stance in zip(change.sides, (before, after), strict=True):
        if side.quotes:
            lines += [f"**{side.label}, {stance}:**", ""]
            for quote in side.quotes:
                lines += quote_block(quote)
    return lines


def source_item(number: int, source: v.SourceView) -> str:
    """A numbered source: title, outlet, date, then a link or the document name."""
    where = link(source.url) if source.url else escape(source.document)
    return f"{number}. {escaped(source.parts)} — {where}"


def changes_blocks(changes: Sequence[v.ChangeView]) -> list[str]:
    if not changes:
        return []
    return [f"## {w.CHANGES}", "", *(line for c in changes for line in change_block(c))]


def sources_items(heading: str, sources: Sequence[v.SourceView]) -> list[str]:
    if not sources:
        return []
    return [f"## {heading}", "", *(source_item(n, s) for n, s in enumerate(sources, 1))]


def brief_markdown(brief: v.BriefView) -> str:
    lines = [f"# {escape(brief.title)}", ""]
    if brief.topic:
        lines += [f"**{w.TOPIC}:** {escape(brief.topic)}", ""]
    lines += [escape(brief.summary), ""]
    if brief.points:
        lines += [f"## {w.POSITIONS}", ""]
    for number, point in enumerate(brief.points, 1):
        lines += point_block(number, point)
    if brief.omitted:
        lines += [f"*{w.more_text(brief.omitted, 'point')}*", ""]
    lines += changes_blocks(brief.changes)
    lines += sources_items(w.SOURCES, brief.sources)
    return "\n".join(lines).rstrip("\n")


def digest_markdown(digest: v.DigestView) -> str:
    if digest.empty:
        return escape(digest.empty)
    lines = [f"# {escape(digest.title)}", "", *changes_blocks(digest.changes)]
    if digest.positions:
        lines += [f"## {w.NEW_POSITIONS}", ""]
        for number, point in enumerate(digest.positions, 1):
            lines += point_block(number, point)
    lines += sources_items(w.NEW_SOURCES, digest.sources)
    return "\n".join(lines).rstrip("\n")


def matrix_markdown(matrix: lists.MatrixView) -> str:
    """A table with one row per actor: stance, actor, last seen, its newest quote."""
    # the topic is escaped on its own, as a text of its own (a marker opening it is escaped)
    topic = escape(matrix.topic)
    if matrix.empty:
        return w.no_positions_line(topic)
    lines = [
        f"# {w.matrix_title(topic, matrix.as_of)}",
        "",
        "| Stance | Actor | Last seen | First quote |",
        "| --- | --- | --- | --- |",
    ]
    for row in matrix.rows:
        # a table cell is one line, so the quote's line breaks become spaces
        quote = f"“{escape(w.one_line(row.quote.text))}” {credit(row.quote)}" if row.quote else ""
        cells = (row.stance, escape(row.actor), row.last_seen or "-", quote)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def quotes_markdown(found: lists.QuotesView) -> str:
    """Each statement as a blockquote, with who said it, where and when below it."""
    if found.empty:
        return escape(found.empty)
    lines = [f"**{escape(found.title)}**", ""]
    for statement in found.statements:
        quote = statement.quote
        # unlike `credit`, this keeps its space when no credit is known: "—  (file)"
        lines += [
            blockquote(quote.text),
            "",
            f"— {escaped(quote.credits)} ({escape(quote.document)})",
            "",
        ]
    return "\n".join(lines).rstrip()


def issues_markdown(issues: lists.IssuesView) -> str:
    """A bulleted list; labels come from article text, so they are escaped."""
    if issues.empty:
        return issues.empty
    lines = [f"**{issues.heading}**", ""]
    for issue in issues.rows:
        # the phrases are escaped as one text, as a line of them reads
        also = f" (also: {escape('; '.join(issue.key_phrases))})" if issue.key_phrases else ""
        lines.append(
            f"- **{escape(issue.label)}**: {issue.actors} actors, {issue.claims} claims, "
            f"last {w.date_text(issue.last_seen) or w.UNKNOWN}{also}"
        )
    return "\n".join(lines)


# --- the renderers' entry points: a result in, its Markdown out --------------------------------


def brief_to_markdown(brief: Brief) -> str:
    """A whole brief in Markdown, sources numbered at the end."""
    return brief_markdown(v.brief_view(brief))


def digest_to_markdown(digest: Digest) -> str:
    """A digest in Markdown: changes, then new positions, then new sources."""
    return digest_markdown(v.digest_view(digest))


def matrix_to_markdown(matrix: StanceMatrix) -> str:
    return matrix_markdown(lists.matrix_view(matrix))


def quotes_to_markdown(found: QuoteList) -> str:
    return quotes_markdown(lists.quotes_view(found))


def issues_to_markdown(issues: Sequence[IssueSummary]) -> str:
    return issues_markdown(lists.issues_view(issues))
