"""Who said what in chat: a `quotes` answer as Slack blocks or Discord embeds.

Both are lists of the quote view, laid out as every other chat list is.
"""

from __future__ import annotations

from briefs.render.discord import quotes_to_discord
from briefs.render.slack import quotes_to_slack

__all__ = ["quotes_to_discord", "quotes_to_slack"]
