"""Plain text for a terminal: briefs, stance matrices, actor lists and digests.

Only verbatim quotes appear inside curly quotes, always whole; every other
sentence is ours. Unknown values are left out rather than printed as "None".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefs.brief import point_subject
from briefs.models import (
    ActorRef,
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
    UNKNOWN_DATE,
    attribution_parts,
    date_text,
    one_line,
    reported_by,
    seen_text,
    source_parts,
)

INDENT = "   "


def quoted(quote: str) -> str:
    """A verbatim quote in curly quotes, untouched."""
    return f"“{quote}”"


def attribution(evidence: Evidence) -> str:
    """'Speaker, Outlet, 2026-01-06 (file-name)' with unknown parts left out."""
    known = ", ".join(attribution_parts(evidence))
    return f"{known} ({evidence.document})" if known else f"({evidence.document})"


def evidence_lines(evidence: Evidence, indent: str) -> list[str]:
    """A quote on its own line(s), then who said it, where and when."""
    return [indent + quoted(evidence.quote), f"{indent}  — {attribution(evidence)}"]


def title_line(name: str, as_of: str | None) -> str:
    """The brief's first line, naming the actor and how current it is."""
    return f"{name}: position brief, as of {as_of or UNKNOWN_DATE}"


def point_lines(number: int, point: Point, name: str) -> list[str]:
    """A numbered point: heading, our statement, its details, then its quotes."""
    lines = [f"{number}. {point.stance.upper()}: {point_subject(point, name)}"]
    lines.append(INDENT + point.statement)
    # supports/conditional statements already list the conditions; don't repeat them
    if point.conditions and not all(c.rstrip(" .;,") in point.statement for c in point.conditions):
        lines.append(INDENT + "Conditions: " + "; ".join(point.conditions))
    if point.speakers:
        lines.append(INDENT + "Speakers: " + ", ".join(point.speakers))
    if reported_by(point):
        lines.append(INDENT + "Reported by: " + ", ".join(point.outlets))
    seen = seen_text(point.first_seen, point.last_seen)
    if seen:
        lines.append(INDENT + seen[0].upper() + seen[1:])
    for evidence in point.evidence:
        lines.extend(evidence_lines(evidence, INDENT))
    return lines


def dated_stance(stance: str, date: str | None) -> str:
    """'OPPOSES (2025-04-02)', or just the stance when the date is unknown."""
    return f"{stance.upper()} ({date})" if date else stance.upper()


def change_lines(number: int, change: StanceChange, subject: str) -> list[str]:
    """A numbered change: before → after with dates, then the quotes on each side."""
    before = dated_stance(change.before, date_text(change.before_date))
    after = dated_stance(change.after, date_text(change.after_date))
    lines = [f"{number}. {subject}: {before} → {after}"]
    for label, items in (("Before", change.before_evidence), ("After", change.after_evidence)):
        if items:
            lines.append(f"{INDENT}{label}:")
            for evidence in items:
                lines.extend(evidence_lines(evidence, INDENT))
    return lines


def source_line(number: int, source: SourceRef) -> str:
    """A numbered source: title, outlet, date, then where to find it."""
    return f"{number}. " + ", ".join(source_parts(source)) + f" — {source.url or source.document}"


def brief_to_text(brief: Brief) -> str:
    """A whole brief for a terminal, sources numbered at the end."""
    name = brief.actor.name
    lines = [title_line(name, date_text(brief.as_of))]
    if brief.topic:
        lines.append(f"Topic: {brief.topic}")
    lines += [brief.summary, ""]
    for number, point in enumerate(brief.points, 1):
        lines += [*point_lines(number, point, name), ""]
    if brief.omitted_points:
        noun = "point" if brief.omitted_points == 1 else "points"
        lines += [f"+{brief.omitted_points} more {noun}", ""]
    if brief.changes:
        subjects = {p.proposition: point_subject(p, name) for p in brief.points}
        lines.append("Changes")
        for number, change in enumerate(brief.changes, 1):
            subject = subjects.get(change.proposition, change.proposition)
            lines += change_lines(number, change, subject)
        lines.append("")
    if brief.sources:
        lines.append("Sources")
        lines += [source_line(n, s) for n, s in enumerate(brief.sources, 1)]
    return "\n".join(lines).rstrip("\n")


def aligned(rows: Sequence[Sequence[str]]) -> list[str]:
    """Rows as lines with every column but the last padded to a common width."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return [
        "  ".join(
            [*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]
        ).rstrip()
        for row in rows
    ]


def matrix_to_text(matrix: StanceMatrix) -> str:
    """One aligned line per actor: stance, actor, last seen, its newest quote."""
    if not matrix.rows:
        return f"No stated positions on '{matrix.topic}' found in the corpus."
    header = (
        f"Who stands where on '{matrix.topic}', as of {date_text(matrix.as_of) or UNKNOWN_DATE}"
    )
    table = [("STANCE", "ACTOR", "LAST SEEN", "FIRST QUOTE")]
    for row in matrix.rows:
        quote = ""
        if row.evidence:
            first = row.evidence[0]
            quote = f"{quoted(one_line(first.quote))} — {attribution(first)}"
        table.append((row.stance, row.actor.name, date_text(row.last_seen) or "-", quote))
    return "\n".join([header, "", *aligned(table)])


def actors_to_text(summaries: Sequence[ActorSummary]) -> str:
    """Known actors with how many claims and documents mention them."""
    if not summaries:
        return "No actors found in the corpus."
    table = [("ACTOR", "KIND", "ID", "CLAIMS", "DOCUMENTS")]
    table += [
        (s.actor.name, s.actor.kind, s.actor.id, str(s.claims), str(s.documents)) for s in summaries
    ]
    return "\n".join(aligned(table))


# --- digests ---------------------------------------------------------------------------------


def moment_text(moment: dt.datetime) -> str:
    """A digest window's edge to the minute, in UTC: '2026-01-12 07:00 UTC'."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def digest_scope(actors: Sequence[ActorRef], topic: str | None) -> str:
    """Who and what a digest covers: 'Poland, France on 'troops''."""
    who = ", ".join(a.name for a in actors) if actors else "any country or organisation"
    return f"{who} on '{topic}'" if topic else who


def no_change_line(digest: Digest) -> str:
    """The whole of an empty digest: one line the caller may send or drop."""
    scope = digest_scope(digest.actors, digest.topic)
    return f"No change since {moment_text(digest.since)} for {scope}."


def digest_title(digest: Digest) -> str:
    """A digest's first line: what it covers and its window."""
    return (
        f"What changed for {digest_scope(digest.actors, digest.topic)}, "
        f"{moment_text(digest.since)} to {moment_text(digest.until)}"
    )


def change_subject(actor: ActorRef, proposition: str) -> str:
    """How a digest names a change: 'Poland — send troops to Ukraine'."""
    return f"{actor.name} — {proposition}"


def digest_point_lines(number: int, new: DigestPoint) -> list[str]:
    """A brief's point lines, headed by the actor: a digest may cover several."""
    lines = point_lines(number, new.point, new.actor.name)
    heading = lines[0].removeprefix(f"{number}. ")
    return [f"{number}. {new.actor.name} — {heading}", *lines[1:]]


def digest_to_text(digest: Digest) -> str:
    """A digest for a terminal: changes, then new positions, then new sources."""
    if digest.empty:
        return no_change_line(digest)
    lines = [digest_title(digest), ""]
    if digest.changes:
        lines.append("Changes")
        for number, item in enumerate(digest.changes, 1):
            subject = change_subject(item.actor, item.change.proposition)
            lines += change_lines(number, item.change, subject)
        lines.append("")
    if digest.new_positions:
        lines.append("New positions")
        for number, new in enumerate(digest.new_positions, 1):
            lines += [*digest_point_lines(number, new), ""]
    if digest.new_sources:
        lines.append("New sources")
        lines += [source_line(n, s) for n, s in enumerate(digest.new_sources, 1)]
    return "\n".join(lines).rstrip("\n")
