"""Renderers: a brief, a stance matrix or an actor list as text, Markdown or JSON.

Every renderer is a pure `str` function in its own module (`text`, `markdown`,
`json`). This package holds what they share: how a date, an attribution and a
single-line quote are spelled. Missing values are left out, never shown as "None".
"""

from __future__ import annotations

import datetime as dt
import re

from briefs.models import Evidence, SourceRef

UNKNOWN_DATE = "unknown date"


def date_text(date: dt.date | None) -> str | None:
    """A date as YYYY-MM-DD, or None when unknown."""
    return date.isoformat() if date else None


def attribution_parts(evidence: Evidence) -> list[str]:
    """Who said it, where and when: only the parts we know."""
    parts = [evidence.speaker, evidence.source, date_text(evidence.published)]
    return [p for p in parts if p]


def source_parts(source: SourceRef) -> list[str]:
    """A source's title (the document name when untitled), outlet and date."""
    parts = [source.title or source.document, source.source, date_text(source.published)]
    return [p for p in parts if p]


def seen_text(first: dt.date | None, last: dt.date | None) -> str | None:
    """'first seen X, last seen Y' with unknown ends left out; None when both are unknown."""
    if first and last and first == last:
        return f"seen {first.isoformat()}"
    parts = []
    if first:
        parts.append(f"first seen {first.isoformat()}")
    if last:
        parts.append(f"last seen {last.isoformat()}")
    return ", ".join(parts) or None


def one_line(quote: str) -> str:
    """A quote with its line breaks turned into spaces, for one-line table cells.

    Only whitespace changes: every word of the quote is kept, in order.
    """
    return re.sub(r"\s*\n\s*", " ", quote).strip()
