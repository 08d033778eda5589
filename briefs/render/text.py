"""Plain text for a terminal: the views of `view` as lines.

Only verbatim quotes appear inside curly quotes, always whole; every other
sentence is ours. Unknown values are left out rather than printed as "None".
"""

from __future__ import annotations

from collections.abc import Sequence

from briefs.models import ActorSummary, Brief, Digest, IssueSummary, StanceMatrix
from briefs.quotes import QuoteList
from briefs.render import lists
from briefs.render import view as v
from briefs.render import wording as w

INDENT = "   "


def quoted(quote: str) -> str:
    """A verbatim quote in curly quotes, untouched."""
    return f"“{quote}”"


def credit(quote: v.QuoteView) -> str:
    """'Speaker, Outlet, 2026-01-06 (file-name)' with unknown parts left out."""
    known = ", ".join(quote.credits)
    return f"{known} ({quote.document})" if known else f"({quote.document})"


def quote_lines(quote: v.QuoteView) -> list[str]:
    """A quote on its own line(s), then who said it, where and when."""
    return [INDENT + quoted(quote.text), f"{INDENT}  — {credit(quote)}"]


def point_lines(number: int, point: v.PointView) -> list[str]:
    """A numbered point: heading, our statement, its details, then its quotes."""
    lead = f"{point.actor} — " if point.actor else ""
    lines = [f"{number}. {lead}{point.stance.upper()}: {point.subject}", INDENT + point.statement]
    lines += [f"{INDENT}{d.label}: {d.sep.join(d.values)}" for d in point.details]
    if point.seen:
        lines.append(INDENT + point.seen)
    for quote in point.quotes:
        lines += quote_lines(quote)
    return lines


def change_lines(number: int, change: v.ChangeView) -> list[str]:
    """A numbered change: before → after with dates, then the quotes on each side."""
    before, after = change.dated_stances()
    lines = [f"{number}. {change.subject}: {before} → {after}"]
    for side in change.sides:
        if side.quotes:
            lines.append(f"{INDENT}{side.label}:")
            for quote in side.quotes:
                lines += quote_lines(quote)
    return lines


def source_line(number: int, source: v.SourceView) -> str:
    """A numbered source: title, outlet, date, then where to find it."""
    return f"{number}. " + ", ".join(source.parts) + f" — {source.url or source.document}"


def sources_lines(heading: str, sources: Sequence[v.SourceView]) -> list[str]:
    if not sources:
        return []
    return [heading, *(source_line(n, s) for n, s in enumerate(sources, 1))]


def changes_lines(changes: Sequence[v.ChangeView]) -> list[str]:
    """Numbered changes under their heading, closed by a blank line."""
    if not changes:
        return []
    lines = [w.CHANGES]
    for number, change in enumerate(changes, 1):
        lines += change_lines(number, change)
    return [*lines, ""]


def brief_text(brief: v.BriefView) -> str:
    lines = [brief.title]
    if brief.topic:
        lines.append(f"{w.TOPIC}: {brief.topic}")
    lines += [brief.summary, ""]
    for number, point in enumerate(brief.points, 1):
        lines += [*point_lines(number, point), ""]
    if brief.omitted:
        lines += [w.more_text(brief.omitted, "point"), ""]
    lines += changes_lines(brief.changes)
    lines += sources_lines(w.SOURCES, brief.sources)
    return "\n".join(lines).rstrip("\n")


def digest_text(digest: v.DigestView) -> str:
    if digest.empty:
        return digest.empty
    lines = [digest.title, "", *changes_lines(digest.changes)]
    if digest.positions:
        lines.append(w.NEW_POSITIONS)
        for number, point in enumerate(digest.positions, 1):
            lines += [*point_lines(number, point), ""]
    lines += sources_lines(w.NEW_SOURCES, digest.sources)
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


def matrix_text(matrix: lists.MatrixView) -> str:
    """One aligned line per actor: stance, actor, last seen, its newest quote."""
    if matrix.empty:
        return matrix.empty
    table = [("STANCE", "ACTOR", "LAST SEEN", "FIRST QUOTE")]
    for row in matrix.rows:
        quote = f"{quoted(w.one_line(row.quote.text))} — {credit(row.quote)}" if row.quote else ""
        table.append((row.stance, row.actor, row.last_seen or "-", quote))
    return "\n".join([matrix.title, "", *aligned(table)])


def actors_text(actors: lists.ActorsView) -> str:
    if actors.empty:
        return actors.empty
    table = [("ACTOR", "KIND", "ID", "CLAIMS", "DOCUMENTS")]
    table += [(r.name, r.kind, r.id, str(r.claims), str(r.documents)) for r in actors.rows]
    return "\n".join(aligned(table))


def quotes_text(found: lists.QuotesView) -> str:
    """A heading, then each statement and its attribution, newest first."""
    if found.empty:
        return found.empty
    lines = [found.title, ""]
    for statement in found.statements:
        lines += [f"  {statement.quote.text}", f"  — {credit(statement.quote)}", ""]
    return "\n".join(lines).rstrip()


def issues_text(issues: lists.IssuesView) -> str:
    """One row per issue, most active first."""
    if issues.empty:
        return issues.empty
    table = [("ISSUE", "ACTORS", "CLAIMS", "LAST")]
    table += [
        (i.label, str(i.actors), str(i.claims), w.date_text(i.last_seen) or w.UNKNOWN)
        for i in issues.rows
    ]
    return "\n".join(aligned(table))


# --- the renderers' entry points: a result in, its text out ------------------------------------


def brief_to_text(brief: Brief) -> str:
    """A whole brief for a terminal, sources numbered at the end."""
    return brief_text(v.brief_view(brief))


def digest_to_text(digest: Digest) -> str:
    """A digest for a terminal: changes, then new positions, then new sources."""
    return digest_text(v.digest_view(digest))


def matrix_to_text(matrix: StanceMatrix) -> str:
    return matrix_text(lists.matrix_view(matrix))


def actors_to_text(summaries: Sequence[ActorSummary]) -> str:
    """Known actors with how many claims and documents mention them."""
    return actors_text(lists.actors_view(summaries))


def quotes_to_text(found: QuoteList) -> str:
    return quotes_text(lists.quotes_view(found))


def issues_to_text(issues: Sequence[IssueSummary]) -> str:
    return issues_text(lists.issues_view(issues))
