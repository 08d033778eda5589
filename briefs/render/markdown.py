"""Markdown: the same content as the text renderer, with headings, lists and blockquotes.

Every piece of data (article text above all: quotes, titles, outlets, speakers)
goes through `escape` so that nothing in an article can add formatting, links
or mentions to our output.
"""

from __future__ import annotations

import re

from briefs.brief import point_subject
from briefs.models import (
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
    UNKNOWN_DATE,
    attribution_parts,
    date_text,
    one_line,
    reported_by,
    seen_text,
    source_parts,
)
from briefs.render.text import change_subject, digest_title, no_change_line

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
# At the start of a line these would open a list, a heading underline or a rule.
_LINE_START_MARKER = re.compile(r"^(\s*)([-+=]|\d+[.)])", re.MULTILINE)
_PLAIN_URL = re.compile(r"https?://[^\s<>]+")


def escape(text: str) -> str:
    """Text with every Markdown-special character backslash-escaped."""
    return _LINE_START_MARKER.sub(r"\1\\\2", _SPECIAL.sub(r"\\\1", text))


def blockquote(quote: str) -> str:
    """A verbatim quote as a blockquote, each of its lines kept inside it."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in escape(quote).split("\n"))


def attribution(evidence: Evidence) -> str:
    """'— Speaker, Outlet, 2026-01-06 (file-name)', escaped, unknown parts left out."""
    known = ", ".join(escape(p) for p in attribution_parts(evidence))
    document = f"({escape(evidence.document)})"
    return f"— {known} {document}" if known else f"— {document}"


def evidence_block(evidence: Evidence) -> list[str]:
    """A quote as a blockquote, then (outside it) who said it, where and when."""
    return [blockquote(evidence.quote), "", attribution(evidence), ""]


def link(url: str) -> str:
    """A URL as an autolink when it is a plain one, else as escaped text."""
    return f"<{url}>" if _PLAIN_URL.fullmatch(url) else escape(url)


def point_block(number: int, point: Point, name: str) -> list[str]:
    """A numbered point: heading, our statement, details as a list, then its quotes."""
    lines = [
        f"### {number}. {point.stance.capitalize()}: {escape(point_subject(point, name))}",
        "",
        escape(point.statement),
        "",
    ]
    details = []
    # supports/conditional statements already list the conditions; don't repeat them
    if point.conditions and not all(c.rstrip(" .;,") in point.statement for c in point.conditions):
        details.append("- **Conditions:** " + "; ".join(escape(c) for c in point.conditions))
    if point.speakers:
        details.append("- **Speakers:** " + ", ".join(escape(s) for s in point.speakers))
    if reported_by(point):
        details.append("- **Reported by:** " + ", ".join(escape(o) for o in point.outlets))
    seen = seen_text(point.first_seen, point.last_seen)
    if seen:
        details.append(f"- {seen[0].upper() + seen[1:]}")
    if details:
        lines += [*details, ""]
    for evidence in point.evidence:
        lines += evidence_block(evidence)
    return lines


def dated_stance(stance: str, date: str | None) -> str:
    """'opposes (2025-04-02)', or just the stance when the date is unknown."""
    return f"{stance} ({date})" if date else stance


def change_block(change: StanceChange, subject: str) -> list[str]:
    """A change as a heading (before → after, with dates), then each side's quotes."""
    before = dated_stance(change.before, date_text(change.before_date))
    after = dated_stance(change.after, date_text(change.after_date))
    lines = [f"### {escape(subject)}: {before} → {after}", ""]
    for label, stance, items in (
        ("Before", before, change.before_evidence),
        ("After", after, change.after_evidence),
    ):
        if items:
            lines += [f"**{label}, {stance}:**", ""]
            for evidence in items:
                lines += evidence_block(evidence)
    return lines


def source_item(number: int, source: SourceRef) -> str:
    """A numbered source: title, outlet, date, then a link or the document name."""
    where = link(source.url) if source.url else escape(source.document)
    return f"{number}. " + ", ".join(escape(p) for p in source_parts(source)) + f" — {where}"


def brief_to_markdown(brief: Brief) -> str:
    """A whole brief in Markdown, sources numbered at the end."""
    name = brief.actor.name
    as_of = date_text(brief.as_of) or UNKNOWN_DATE
    lines = [f"# {escape(name)}: position brief, as of {as_of}", ""]
    if brief.topic:
        lines += [f"**Topic:** {escape(brief.topic)}", ""]
    lines += [escape(brief.summary), ""]
    if brief.points:
        lines += ["## Positions", ""]
    for number, point in enumerate(brief.points, 1):
        lines += point_block(number, point, name)
    if brief.omitted_points:
        noun = "point" if brief.omitted_points == 1 else "points"
        lines += [f"*+{brief.omitted_points} more {noun}*", ""]
    if brief.changes:
        subjects = {p.proposition: point_subject(p, name) for p in brief.points}
        lines += ["## Changes", ""]
        for change in brief.changes:
            lines += change_block(change, subjects.get(change.proposition, change.proposition))
    if brief.sources:
        lines += ["## Sources", ""]
        lines += [source_item(n, s) for n, s in enumerate(brief.sources, 1)]
    return "\n".join(lines).rstrip("\n")


def matrix_to_markdown(matrix: StanceMatrix) -> str:
    """A table with one row per actor: stance, actor, last seen, its newest quote."""
    topic = escape(matrix.topic)
    if not matrix.rows:
        return f"No stated positions on '{topic}' found in the corpus."
    as_of = date_text(matrix.as_of) or UNKNOWN_DATE
    lines = [
        f"# Who stands where on '{topic}', as of {as_of}",
        "",
        "| Stance | Actor | Last seen | First quote |",
        "| --- | --- | --- | --- |",
    ]
    for row in matrix.rows:
        quote = ""
        if row.evidence:
            first = row.evidence[0]
            # a table cell is one line, so the quote's line breaks become spaces
            quote = f"“{escape(one_line(first.quote))}” {attribution(first)}"
        cells = (row.stance, escape(row.actor.name), date_text(row.last_seen) or "-", quote)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def digest_point_block(number: int, new: DigestPoint) -> list[str]:
    """A brief's point block, headed by the actor: a digest may cover several."""
    lines = point_block(number, new.point, new.actor.name)
    heading = lines[0].removeprefix(f"### {number}. ")
    return [f"### {number}. {escape(new.actor.name)} — {heading}", *lines[1:]]


def digest_to_markdown(digest: Digest) -> str:
    """A digest in Markdown: changes, then new positions, then new sources."""
    if digest.empty:
        return escape(no_change_line(digest))
    lines = [f"# {escape(digest_title(digest))}", ""]
    if digest.changes:
        lines += ["## Changes", ""]
        for item in digest.changes:
            lines += change_block(item.change, change_subject(item.actor, item.change.proposition))
    if digest.new_positions:
        lines += ["## New positions", ""]
        for number, new in enumerate(digest.new_positions, 1):
            lines += digest_point_block(number, new)
    if digest.new_sources:
        lines += ["## New sources", ""]
        lines += [source_item(n, s) for n, s in enumerate(digest.new_sources, 1)]
    return "\n".join(lines).rstrip("\n")
