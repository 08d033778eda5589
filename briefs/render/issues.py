"""The corpus's issues as text, Markdown and JSON: `briefbot issues`."""

from __future__ import annotations

from collections.abc import Sequence

from briefs.models import IssueSummary
from briefs.render import date_text
from briefs.render.json import dumps
from briefs.render.markdown import escape
from briefs.render.text import aligned

NO_ISSUES = "No issues found in the corpus yet: ingest some articles first."


def issues_to_text(issues: Sequence[IssueSummary]) -> str:
    """One row per issue, most active first."""
    if not issues:
        return NO_ISSUES
    table = [("ISSUE", "ACTORS", "CLAIMS", "LAST")]
    table += [
        (i.label, str(i.actors), str(i.claims), date_text(i.last_seen) or "unknown") for i in issues
    ]
    return "\n".join(aligned(table))


def issues_to_markdown(issues: Sequence[IssueSummary]) -> str:
    """A bulleted list; labels come from article text, so they are escaped."""
    if not issues:
        return NO_ISSUES
    lines = ["**Issues in the corpus**", ""]
    for issue in issues:
        also = f" (also: {escape('; '.join(issue.key_phrases))})" if issue.key_phrases else ""
        lines.append(
            f"- **{escape(issue.label)}**: {issue.actors} actors, {issue.claims} claims, "
            f"last {date_text(issue.last_seen) or 'unknown'}{also}"
        )
    return "\n".join(lines)


def issues_to_json(issues: Sequence[IssueSummary]) -> str:
    """A JSON list of {label, actors, claims, last_seen, key_phrases}."""
    return dumps(
        [
            {
                "label": i.label,
                "actors": i.actors,
                "claims": i.claims,
                "last_seen": i.last_seen.isoformat() if i.last_seen else None,
                "key_phrases": list(i.key_phrases),
            }
            for i in issues
        ]
    )


def _last(issue: IssueSummary) -> str:
    return date_text(issue.last_seen) or "date unknown"
