"""Running the Bolt app: Socket Mode when an app token is set, else an HTTP endpoint.

HTTP mode serves the app with aiohttp on `http_host:http_port` at `http_path` (plus
`GET /healthz`); Bolt verifies every request's signature and timestamp there and
answers 401 to a bad one. Socket Mode dials out to Slack, so nothing is exposed.
"""

from __future__ import annotations

import logging
from typing import Literal

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

from adapters.slack.app import SlackConfig, in_flight, web_client
from adapters.slack.digests import SlackDigestSender

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
DRAIN_SECONDS = 20.0  # how long a shutdown waits for replies already acked


class SlackRunner:
    """Starts and stops one Bolt app in the mode its settings call for."""

    def __init__(self, app: AsyncApp, settings: SlackConfig) -> None:
        self.app = app
        self.settings = settings
        self._web: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._bound: tuple[str, int] | None = None

    @property
    def mode(self) -> Literal["socket", "http"]:
        return "socket" if self.settings.app_token is not None else "http"

    @property
    def url(self) -> str | None:
        """The events endpoint as bound (an http_port of 0 is resolved); None in Socket Mode."""
        if self._bound is None:
            return None
        host, port = self._bound
        return f"http://{host}:{port}{self.settings.http_path}"

    def digest_sender(self) -> SlackDigestSender:
        """What posts this workspace's digests (`bot.runner.digest_senders` asks for it)."""
        return SlackDigestSender(web_client(self.settings))

    async def start(self) -> None:
        if self.settings.app_token is not None:
            await self._start_socket(self.settings.app_token.get_secret_value())
        else:
            await self._start_http()

    async def stop(self) -> None:
        """Stop taking requests, let replies already promised finish, then close."""
        if self._web is not None:
            # aiohttp's shutdown closes the listening socket before waiting for handlers
            await self._web.shutdown()
        unfinished = await in_flight(self.app).drain(timeout=DRAIN_SECONDS)
        if unfinished:
            logger.warning("Slack: %d replies were still running at shutdown", unfinished)
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._web is not None:
            await self._web.cleanup()
            self._web = None
            self._bound = None

    async def _start_socket(self, app_token: str) -> None:
        # The handler uses the app's client, so apps.connections.open goes to api_url too.
        self._socket = AsyncSocketModeHandler(self.app, app_token=app_token)
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        logger.info("Slack: connected in Socket Mode")

    async def _start_http(self) -> None:
        web_app = web.Application()
        web_app.add_routes(
            [
                web.post(self.settings.http_path, self._dispatch),
                web.get(HEALTH_PATH, _healthz),
            ]
        )
        self._web = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._web.setup()
        site = web.TCPSite(self._web, self.settings.http_host, self.settings.http_port)
        await site.start()
        host, port = self._web.addresses[0][:2]
        self._bound = (str(host), int(port))
        logger.info("Slack: serving HTTP on %s", self.url)

    async def _dispatch(self, request: web.Request) -> web.Response:
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)


async def _healthz(_: web.Request) -> web.Response:
    return web.Response(text="ok")
