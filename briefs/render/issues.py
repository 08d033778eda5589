"""The corpus's issues as text, Markdown and JSON: `briefbot issues`.

Text and Markdown are the issue view's, in `text` and `markdown`.
"""

from __future__ import annotations

from collections.abc import Sequence

from briefs.models import IssueSummary
from briefs.render.json import dumps
from briefs.render.markdown import issues_to_markdown
from briefs.render.text import issues_to_text
from briefs.render.wording import date_text

__all__ = ["issues_to_json", "issues_to_markdown", "issues_to_text"]


def issues_to_json(issues: Sequence[IssueSummary]) -> str:
    """A JSON list of {label, actors, claims, last_seen, key_phrases}."""
    return dumps(
        [
            {
                "label": i.label,
                "actors": i.actors,
                "claims": i.claims,
                "last_seen": date_text(i.last_seen),
                "key_phrases": list(i.key_phrases),
            }
            for i in issues
        ]
    )
