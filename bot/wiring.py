"""Build the engine's objects from settings: the only place that knows them all."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import Settings
from briefs.catalog import Catalog
from briefs.service import BriefingService
from briefs.store import Store
from briefs.topics import TopicCatalog

if TYPE_CHECKING:
    from briefs.analyzer import Analyzer


def open_store(settings: Settings, db: Path | None = None) -> Store:
    """Open (and create if needed) the store the settings point at."""
    url = settings.resolved_database_url(db)
    if url.startswith("sqlite:///"):
        return Store.open_sqlite(Path(url.removeprefix("sqlite:///")))
    store = Store(url)
    store.create_schema()
    return store


def build_service(settings: Settings, db: Path | None = None) -> BriefingService:
    """The briefing service over the configured store, catalogs and model."""
    catalog = Catalog.load(_existing(settings.actors_file))
    topics = TopicCatalog.load(_existing(settings.topics_file), bundled=settings.bundled_topics)

    def make_analyzer() -> Analyzer:
        # imported here: answering a question never pays for importing spaCy (~1 s)
        from briefs.analyzer import Analyzer, load_model

        return Analyzer(load_model(settings.spacy_model), catalog, topics)

    return BriefingService(
        open_store(settings, db),
        catalog,
        topics,
        make_analyzer,
        clock=lambda: dt.datetime.now(dt.UTC),  # documents are stamped in UTC
        workers=settings.workers,
    )


def _existing(path: Path | None) -> list[Path]:
    return [path] if path is not None else []
