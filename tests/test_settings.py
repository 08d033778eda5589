"""Settings: every field documented in .env.example, sane defaults, empty values ignored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.polling import fetch_config, poll_policy
from bot.settings import (
    DigestSettings,
    DiscordSettings,
    Settings,
    SlackSettings,
    SourcesSettings,
    load_digest_settings,
    load_settings,
    load_sources_settings,
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
            ("SOURCES_", SourcesSettings),
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


def test_sources_settings_defaults_reach_the_fetcher_and_the_poller() -> None:
    """Defaults: hourly, 4 fetches at once, 2 per host, 30 s, 5 MB, unhealthy after 3, 1d."""
    settings = load_sources_settings(env_file=None)
    assert settings.default_interval_s == 3600 and settings.max_backoff_s == 86_400
    config = fetch_config(settings)
    assert (config.max_concurrency, config.per_host) == (4, 2)
    assert (config.total_timeout_s, config.max_bytes) == (30.0, 5_000_000)
    assert not config.allow_private and config.private_hosts == frozenset()
    assert "example.invalid" in config.user_agent  # the placeholder until it is set
    policy = poll_policy(settings)
    assert (policy.unhealthy_after, policy.max_backoff_s) == (3, 86_400)


def test_sources_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCES_DEFAULT_INTERVAL", "15m")
    monkeypatch.setenv("SOURCES_CONTACT_URL", "https://example.org/briefbot")
    monkeypatch.setenv("SOURCES_PRIVATE_HOSTS", " Intranet.Local, 10.0.0.5 ,")
    monkeypatch.setenv("SOURCES_MAX_CONCURRENT_FETCHES", "8")
    settings = load_sources_settings(env_file=None)
    assert settings.default_interval_s == 900
    config = fetch_config(settings)
    assert config.user_agent.endswith("(+https://example.org/briefbot)")
    assert config.private_hosts == {"intranet.local", "10.0.0.5"}
    assert config.may_reach("intranet.local") and not config.may_reach("192.168.1.1")
    assert config.max_concurrency == 8


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("SOURCES_DEFAULT_INTERVAL", "1m", "too often"),
        ("SOURCES_MAX_BACKOFF", "soon", "is not an interval"),
        ("SOURCES_CONTACT_URL", "https://x.org/a\r\nX-Evil: 1", "without spaces"),
        ("SOURCES_CONTACT_URL", "me at example.org", "without spaces"),
        ("SOURCES_MAX_CONCURRENT_FETCHES", "0", "max_concurrent_fetches"),
    ],
)
def test_bad_sources_settings_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, error: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=error):
        load_sources_settings(env_file=None)
