"""What every surface says about itself, for `GET /healthz` and the logs.

Each surface (Slack, Discord, ...) reports whether it is up and one line of detail;
the health endpoint answers 200 only while every reported surface is up, so a load
balancer or supervisor sees a Discord gateway that is reconnecting, not just a Slack
web server that happens to answer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SurfaceState:
    """One surface's latest report."""

    up: bool
    detail: str


class Health:
    """The latest report of every surface, in the order they first reported."""

    def __init__(self) -> None:
        self._states: dict[str, SurfaceState] = {}

    def report(self, surface: str, *, up: bool, detail: str) -> None:
        self._states[surface] = SurfaceState(up=up, detail=detail)

    @property
    def ok(self) -> bool:
        return all(state.up for state in self._states.values())

    def snapshot(self) -> dict[str, object]:
        """The JSON /healthz answers: {"ok": ..., "surfaces": {name: {"up", "detail"}}}."""
        surfaces = {
            name: {"up": state.up, "detail": state.detail} for name, state in self._states.items()
        }
        return {"ok": self.ok, "surfaces": surfaces}
