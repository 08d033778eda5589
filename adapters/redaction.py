"""Credentials never reach the log, whoever logs them.

Slack's `response_url` lets anyone holding it post into the channel for 30 minutes;
a Discord interaction token lets anyone answer as the bot for 15; bot and app tokens
are the bot. slack_sdk, Bolt, aiohttp and discord.py log requests at DEBUG (URLs,
bodies, headers), and exception messages quote URLs. `RedactingFilter`, on every
handler of the root logger (`install`), rewrites each record's message and traceback
with those values replaced by `[redacted]`, so no log level or library can leak them.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# (pattern, replacement): the replacement keeps what says *what* was there.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, refresh, configuration.
    (re.compile(r"\b(xox[abposre]|xapp)-[A-Za-z0-9-]+"), rf"\1-{REDACTED}"),
    # response_url, as a URL (hooks.slack.com/commands/..., or a proxy's /hooks/...), or as
    # a field in any encoding.
    (re.compile(r"(https?://[^\s/\"'<>]+/(?:hooks|commands)/)[^\s\"'<>]+"), rf"\1{REDACTED}"),
    (
        re.compile(r"(response_url[\"']?\s*(?:=|:|%3D)\s*[\"']?)[^\s\"'&,}]+", re.IGNORECASE),
        rf"\1{REDACTED}",
    ),
    # Discord: the token in interaction and webhook URLs, and interaction payloads' token.
    (re.compile(r"(/(?:interactions|webhooks)/\d+/)[A-Za-z0-9._~%-]+"), rf"\1{REDACTED}"),
    (re.compile(r"([\"']token[\"']\s*:\s*[\"'])[^\"']+"), rf"\1{REDACTED}"),
    # Discord bot tokens (base64 user id . timestamp . HMAC), and any Authorization value.
    (re.compile(r"\b[A-Za-z0-9_-]{23,28}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}\b"), REDACTED),
    (
        re.compile(r"(authorization[\"']?\s*[:=]\s*[\"']?(?:Bot |Bearer )?)[^\s\"',}]+", re.I),
        rf"\1{REDACTED}",
    ),
    # A request's signature is not secret, but it names a replayable request.
    (re.compile(r"v0=[0-9a-f]{64}"), f"v0={REDACTED}"),
)


def redact(text: str) -> str:
    """`text` with every credential the rules know replaced."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (arguments merged in) and traceback text, redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


_FILTER = RedactingFilter()


def install(logger: logging.Logger | None = None) -> None:
    """Put the filter on every handler of `logger` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if _FILTER not in handler.filters:
            handler.addFilter(_FILTER)
