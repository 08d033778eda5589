"""Running the Bolt app: Socket Mode when an app token is set, else an HTTP endpoint.

HTTP mode serves the app on `http_host:http_port` (loopback unless configured) at
`http_path`, plus `GET /healthz`, which reports every surface (`adapters.health`). The
server is guarded (`server.py`: a read deadline, a connection cap), and every request
passes the gate (`gate.py`: signature, freshness, UTF-8, replays) before Bolt sees it.
Socket Mode dials out to Slack, so nothing is exposed.
"""

from __future__ import annotations

import logging
from typing import Literal, Protocol

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.health import Health
from adapters.slack.app import SlackConfig, in_flight, web_client
from adapters.slack.digests import SlackDigestSender
from adapters.slack.gate import Refused, Replayed, RequestGate
from adapters.slack.server import GuardedServer, serve

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
DRAIN_SECONDS = 20.0  # how long a shutdown waits for replies already acked
INVALID = {"error": "invalid request"}  # what Bolt answers a request it cannot verify


class SlackServerConfig(SlackConfig, Protocol):
    """The HTTP server's limits, besides what the app reads (bot.settings.SlackSettings)."""

    @property
    def http_max_connections(self) -> int: ...
    @property
    def http_read_timeout_seconds(self) -> float: ...


class SlackRunner:
    """Starts and stops one Bolt app in the mode its settings call for."""

    def __init__(
        self, app: AsyncApp, settings: SlackServerConfig, *, health: Health | None = None
    ) -> None:
        self.app = app
        self.settings = settings
        self.health = health or Health()
        self._web: web.ServerRunner | None = None
        self._server: GuardedServer | None = None
        self._gate: RequestGate | None = None
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
        self.health.report("Slack", up=True, detail=f"{self.mode} mode")

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
        self.health.report("Slack", up=False, detail="stopped")

    async def _start_socket(self, app_token: str) -> None:
        # The handler uses the app's client, so apps.connections.open goes to api_url too.
        self._socket = AsyncSocketModeHandler(self.app, app_token=app_token)
        await self._socket.connect_async()  # type: ignore[no-untyped-call]
        logger.info("Slack: connected in Socket Mode")

    async def _start_http(self) -> None:
        secret = self.settings.signing_secret
        if secret is None:
            raise ValueError("Slack over HTTP needs a signing secret to verify requests")
        self._gate = RequestGate(secret.get_secret_value())
        self._server = GuardedServer(
            self._route,
            max_connections=self.settings.http_max_connections,
            read_timeout=self.settings.http_read_timeout_seconds,
            access_log=None,
        )
        self._web, self._bound = await serve(
            self._server, self.settings.http_host, self.settings.http_port
        )
        logger.info("Slack: serving HTTP on %s", self.url)

    async def _route(self, request: web.BaseRequest, body: bytes) -> web.StreamResponse:
        if request.path == HEALTH_PATH:
            if request.method not in ("GET", "HEAD"):
                return web.Response(status=405)
            return web.json_response(self.health.snapshot(), status=200 if self.health.ok else 503)
        if request.path != self.settings.http_path:
            return web.Response(status=404)
        if request.method != "POST":
            return web.Response(status=405)
        return await self._dispatch(request, body)

    async def _dispatch(self, request: web.BaseRequest, body: bytes) -> web.StreamResponse:
        assert self._gate is not None
        verdict = self._gate.check(request.headers, body)
        if isinstance(verdict, Refused):
            return web.json_response(INVALID, status=verdict.status)
        if isinstance(verdict, Replayed):
            return web.Response(status=200)  # acknowledged, as the first copy was
        bolt_request = AsyncBoltRequest(
            body=verdict.text, query=request.query_string, headers=dict(request.headers)
        )
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))
