"""Settings: every field documented in .env.example, sane defaults, empty values ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import (
    DigestSettings,
    DiscordSettings,
    Settings,
    SlackSettings,
    load_digest_settings,
    load_settings,
)

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
            ("DIGEST_", DigestSettings),
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


def test_digest_settings_read_the_slack_admin_list(monkeypatch: pytest.MonkeyPatch) -> None:
    """DIGEST_SLACK_ADMINS is a comma-separated list of user ids; other values have defaults."""
    monkeypatch.setenv("DIGEST_SLACK_ADMINS", " U024BE7LH, U0G9QF9C6 ,")
    monkeypatch.setenv("DIGEST_GRACE_MINUTES", "15")
    settings = load_digest_settings(env_file=None)
    assert settings.slack_admins == {"U024BE7LH", "U0G9QF9C6"}
    assert settings.is_slack_admin("U0G9QF9C6") and not settings.is_slack_admin("U999")
    assert settings.grace.total_seconds() == 15 * 60
    assert settings.retry_attempts == 5


def test_digest_settings_refuse_a_grace_past_a_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """A grace period longer than a day would let yesterday's digest run into today's."""
    monkeypatch.setenv("DIGEST_GRACE_MINUTES", str(24 * 60 + 1))
    with pytest.raises(ValueError, match="grace_minutes"):
        load_digest_settings(env_file=None)
