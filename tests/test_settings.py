"""Settings: every field documented in .env.example, sane defaults, empty values ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import DiscordSettings, Settings, SlackSettings, load_settings

ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    """.env.example and the Settings fields name the same variables."""
    documented = set(re.findall(r"^([A-Z][A-Z_]+)=", ENV_EXAMPLE.read_text("utf-8"), re.M))
    fields = {
        f"{prefix}{name.upper()}"
        for prefix, settings in (
            ("BRIEFBOT_", Settings),
            ("SLACK_", SlackSettings),
            ("DISCORD_", DiscordSettings),
        )
        for name in settings.model_fields
    }
    assert documented == fields


def test_empty_values_mean_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copied .env.example with empty values does not point the store at the current folder."""
    monkeypatch.setenv("BRIEFBOT_DB", "")
    settings = load_settings(env_file=None)
    assert settings.db is None
    assert settings.resolved_database_url().endswith("briefbot.db")


def test_db_override_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """--db beats BRIEFBOT_DATABASE_URL, which beats BRIEFBOT_DB."""
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", "postgresql+psycopg2://u@h/db")
    settings = load_settings(env_file=None)
    assert settings.resolved_database_url() == "postgresql+psycopg2://u@h/db"
    assert settings.resolved_database_url(tmp_path / "x.db").startswith("sqlite:///")
