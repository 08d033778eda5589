"""Delivering rendered replies to Slack, retried on 429 and 5xx, never dropped silently.

Three ways out: a slash command's `response_url` (a webhook), `chat.postMessage`,
and `chat.postEphemeral` (a reply only its asker sees, for a mention in a channel).
All follow the same retry handlers. AsyncWebClient applies them itself. Bolt's own
`respond()` builds a webhook client with the default handlers, which neither retry
a 429 nor raise on one, and slack_sdk's webhook client consults handlers only on a
429 anyway, so response_url posts go through `send_with_retries` here. A delivery
that still fails is logged with `logger.error` (never the token, never the
response_url, which is a credential).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from briefs.render.slack import SlackMessage

logger = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 4  # each waits Retry-After (plus up to 1 s of jitter)
SERVER_ERROR_RETRIES = 3  # exponential backoff: about 0.5-1.5 s, 1-2 s, 2-3 s
CONNECTION_RETRIES = 2
WEBHOOK_TIMEOUT = 30  # seconds per attempt, as slack_sdk's default


class AnyServerErrorRetryHandler(AsyncServerErrorRetryHandler):
    """Retries every 5xx: slack_sdk's handler retries only 500 and 503, but a proxy in
    front of Slack answers 502 and 504 too."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return response is not None and response.status_code >= 500


def retry_handlers() -> list[AsyncRetryHandler]:
    """The handlers for every Slack call: connection errors, 429 after Retry-After, 5xx."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        AnyServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES),
    ]


class SlackPoster:
    """Posts the messages of one reply in order; stops at the first that cannot be delivered,
    so a reader never gets part 3 without part 2."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def respond(
        self, response_url: str, messages: Sequence[SlackMessage], *, in_channel: bool
    ) -> int:
        """Post to a slash command's response_url; the number of messages delivered."""
        # No handlers inside the client: send_with_retries applies them all, once.
        webhook = AsyncWebhookClient(url=response_url, timeout=WEBHOOK_TIMEOUT, retry_handlers=[])
        response_type = "in_channel" if in_channel else "ephemeral"
        for number, message in enumerate(messages):
            body = {**message_payload(message), "response_type": response_type}
            try:
                response = await send_with_retries(webhook, body)
            except (TimeoutError, aiohttp.ClientError) as exc:
                logger.error("response_url post %d/%d failed: %r", number + 1, len(messages), exc)
                return number
            if response.status_code != 200:
                logger.error(
                    "response_url post %d/%d failed after retries: HTTP %d %s",
                    number + 1,
                    len(messages),
                    response.status_code,
                    response.body[:200],
                )
                return number
        return len(messages)

    async def post(
        self,
        channel: str,
        messages: Sequence[SlackMessage],
        *,
        thread_ts: str | None = None,
        only_for: str | None = None,
    ) -> int:
        """chat.postMessage to a channel (in a thread when `thread_ts` is set); with
        `only_for` (a user id), chat.postEphemeral: only that person sees the messages."""
        method = "chat.postEphemeral" if only_for else "chat.postMessage"
        for number, message in enumerate(messages):
            try:
                if only_for is None:
                    await self.client.chat_postMessage(
                        channel=channel, thread_ts=thread_ts, **message_payload(message)
                    )
                else:
                    await self.client.chat_postEphemeral(
                        channel=channel,
                        user=only_for,
                        thread_ts=thread_ts,
                        **ephemeral_payload(message),
                    )
            except SlackApiError as exc:
                logger.error(
                    "%s %d/%d to %s failed after retries: HTTP %d %s",
                    method,
                    number + 1,
                    len(messages),
                    channel,
                    exc.response.status_code,
                    exc.response.get("error"),
                )
                return number
            except (TimeoutError, aiohttp.ClientError) as exc:
                logger.error(
                    "%s %d/%d to %s failed: %r", method, number + 1, len(messages), channel, exc
                )
                return number
        return len(messages)


async def send_with_retries(webhook: AsyncWebhookClient, body: dict[str, Any]) -> WebhookResponse:
    """POST to a webhook, retrying whatever `retry_handlers()` retries (429, 5xx, resets)."""
    handlers = retry_handlers()
    state = RetryState()
    request = HttpRequest(method="POST", url=webhook.url, headers={}, body_params=body)
    while True:
        response: WebhookResponse | None = None
        error: Exception | None = None
        try:
            response = await webhook.send_dict(body)
        except (TimeoutError, aiohttp.ClientError) as exc:
            error = exc
        seen = None
        if response is not None:
            seen = HttpResponse(status_code=response.status_code, headers=dict(response.headers))
        handler = await _willing(handlers, state, request, seen, error)
        if handler is None:
            if error is not None:
                raise error
            assert response is not None  # send_dict either answered or raised
            return response
        await handler.prepare_for_next_attempt_async(
            state=state, request=request, response=seen, error=error
        )


async def _willing(
    handlers: Sequence[AsyncRetryHandler],
    state: RetryState,
    request: HttpRequest,
    response: HttpResponse | None,
    error: Exception | None,
) -> AsyncRetryHandler | None:
    """The first handler that will retry this outcome, if any (as slack_sdk picks them)."""
    for handler in handlers:
        if await handler.can_retry_async(
            state=state, request=request, response=response, error=error
        ):
            return handler
    return None


def message_payload(message: SlackMessage) -> dict[str, Any]:
    """What chat.postMessage and response_url take for one rendered message."""
    # Unfurling would append a preview of every cited source under the brief.
    return {
        "text": message["text"],
        "blocks": message["blocks"],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def ephemeral_payload(message: SlackMessage) -> dict[str, Any]:
    """chat.postEphemeral takes no unfurl options (an ephemeral message never unfurls)."""
    return {"text": message["text"], "blocks": message["blocks"]}
