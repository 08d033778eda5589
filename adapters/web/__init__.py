"""The web side of live sources: fetching feeds and pages over HTTP (the engine does no network)."""
