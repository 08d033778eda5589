"""Where discord.py connects: Discord itself, or a stand-in (a proxy, the test emulator).

discord.py takes no base URL in its constructors. It reads two class attributes when it
uses them, and this module is the one place that sets them:

- `discord.http.Route.BASE`: every REST call, interaction callbacks and followups included
  (they are built on the same `Route`);
- `discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`: the first gateway connection (and the
  one after an invalidated session). Resumes go to the `resume_gateway_url` READY names.

They are process-wide, so set them once at start-up, before logging in.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

DISCORD_API_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"


def use_endpoints(api_url: str = DISCORD_API_URL, gateway_url: str | None = None) -> None:
    """Send discord.py's REST calls to `api_url` and its gateway connection to `gateway_url`.

    `api_url` includes the API version (".../api/v10"); no `gateway_url` means Discord's own.
    """
    Route.BASE = api_url.rstrip("/")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY_URL)
