"""Persistence for analyses: SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from briefs.store.repository import Store

__all__ = ["Store"]
