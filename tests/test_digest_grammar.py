"""The digest grammar (every form and every error) and its routing in answer(): scope,
permissions, previews, status. One grammar for chat and the CLI, so both are tested here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.commands import (
    DigestHelpCommand,
    DigestListCommand,
    DigestPreviewCommand,
    DigestStatusCommand,
    DigestSubscribeCommand,
    DigestUnsubscribeCommand,
    InvalidCommand,
    Requester,
    parse_command,
)
from adapters.replies import (
    CHANNEL_REFUSAL,
    NO_REQUESTER,
    DigestPreview,
    Notice,
    Reply,
    answer,
    is_private,
    to_discord,
    to_slack,
    to_text,
)
from bot.cli import main
from briefs.service import BriefingService
from briefs.subscriptions import SubscriptionStore

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest subscribe", {}),
        ("digest subscribe poland", {"actors": ("poland",)}),
        (
            "digest subscribe poland, united kingdom on troops at 08:00 tz Europe/Warsaw weekdays",
            {
                "actors": ("poland", "united kingdom"),
                "topic": "troops",
                "tz": "Europe/Warsaw",
                "days": "weekdays",
            },
        ),
        ('digest subscribe "united kingdom" poland', {"actors": ("united kingdom", "poland")}),
        ("digest subscribe “United Kingdom”, ‘France’", {"actors": ("United Kingdom", "France")}),
        ("digest subscribe Côte d'Ivoire", {"actors": ("Côte d'Ivoire",)}),
        ("digest subscribe poland,france,", {"actors": ("poland", "france")}),
        ("digest subscribe poland, poland", {"actors": ("poland",)}),
        ("digest subscribe all", {}),
        ("digest subscribe at 7:05", {"at": dt.time(7, 5)}),
        ("digest subscribe at 23:59 daily", {"at": dt.time(23, 59), "days": "daily"}),
        ("digest subscribe at 00:00", {"at": dt.time(0, 0)}),
        ("digest subscribe tz america/new_york", {"tz": "America/New_York"}),
        ("digest subscribe timezone UTC", {"tz": "UTC"}),
        ("digest subscribe always", {"quiet": False}),
        ("digest subscribe quiet weekdays", {"quiet": True, "days": "weekdays"}),
        (
            "digest subscribe on troops on the ground always",
            {"topic": "troops on the ground", "quiet": False},
        ),
        ('digest subscribe on "troops at the border"', {"topic": "troops at the border"}),
        (
            "DIGEST Subscribe France About Security Guarantees AT 06:15 TZ europe/paris",
            {
                "actors": ("France",),
                "topic": "Security Guarantees",
                "at": dt.time(6, 15),
                "tz": "Europe/Paris",
            },
        ),
        ("digest subscribe at 08:00 poland", {"actors": ("poland",)}),
        ("<@U024BE7LH> digest subscribe poland.", {"actors": ("poland",)}),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_subscribe_forms(text: str, expected: dict[str, Any]) -> None:
    """Every option, in any order; defaults for the rest (all actors, 08:00, daily, quiet)."""
    defaults: dict[str, Any] = {
        "actors": (),
        "topic": None,
        "at": dt.time(8, 0),
        "tz": None,
        "days": "daily",
        "quiet": True,
    }
    assert parse_command(text) == DigestSubscribeCommand(**(defaults | expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("digest", DigestHelpCommand()),
        ("digest help", DigestHelpCommand()),
        ("digest list", DigestListCommand()),
        ("digest status", DigestStatusCommand()),
        ("digest unsubscribe 3", DigestUnsubscribeCommand(subscription_id=3)),
        ("digest unsubscribe #12", DigestUnsubscribeCommand(subscription_id=12)),
        ("digest preview", DigestPreviewCommand()),
        ("digest preview 4", DigestPreviewCommand(subscription_id=4)),
    ],
)
def test_other_digest_forms(text: str, expected: object) -> None:
    """list, status, unsubscribe <id>, preview [<id>] and help."""
    assert parse_command(text) == expected


def test_slash_command_form() -> None:
    """`/digest subscribe ...` parses like the typed command."""
    assert parse_command("subscribe poland at 07:00", command="/digest") == parse_command(
        "digest subscribe poland at 07:00"
    )


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("digest subscribe at 25:00", "`25:00` is not a time of day like `at 08:00`"),
        ("digest subscribe at 8am?", "`8am` is not a time of day like `at 08:00` (24-hour HH:MM"),
        ("digest subscribe at 8", "`8` is not a time of day"),
        ("digest subscribe at 12:60", "`12:60` is not a time of day"),
        ("digest subscribe poland at", "`at` needs a time of day like `at 08:00`"),
        ("digest subscribe tz Europe/Warsw", "Did you mean Europe/Warsaw?"),
        ("digest subscribe tz warsaw", "Did you mean Europe/Warsaw?"),
        ("digest subscribe tz Mars/Olympus", "Unknown time zone `Mars/Olympus`. Zones are IANA"),
        ("digest subscribe tz", "`tz` needs a time zone like `tz Europe/Warsaw`"),
        ("digest subscribe on", "`on` needs a topic after it"),
        ("digest subscribe poland on at 08:00", "`on` needs a topic after it"),
        ("digest subscribe at 08:00 at 09:00", "`at` is given twice"),
        ("digest subscribe weekdays daily", "`weekdays|daily` is given twice"),
        ("digest subscribe quiet always", "`quiet|always` is given twice"),
        ("digest subscribe on troops about ceasefire at 1:00 on x", "`on` is given twice"),
        ("digest unsubscribe", "`digest unsubscribe` takes a subscription number"),
        ("digest unsubscribe poland", "`digest unsubscribe` takes a subscription number"),
        ("digest preview everything", "`digest preview` takes a subscription number"),
        ("digest sbscribe poland", "There is no `digest sbscribe`; try one of: subscribe"),
    ],
)
def test_errors_are_one_line_with_the_expected_format(text: str, fragment: str) -> None:
    """A bad part of a digest command is one line saying what was expected."""
    command = parse_command(text)
    assert isinstance(command, InvalidCommand)
    assert fragment in command.reason
    assert "\n" not in command.reason


# --- answering ---------------------------------------------------------------------------------

CHANNEL_MANAGER = Requester(
    platform="slack", user_id="U1", channel_id="C1", is_dm=False, can_manage_channel=True
)
CHANNEL_MEMBER = Requester(platform="slack", user_id="U2", channel_id="C1")
DM = Requester(platform="slack", user_id="U2", channel_id="D2", is_dm=True)
CONSOLE = Requester(
    platform="console", user_id="ops", channel_id="console", can_manage_channel=True
)


@pytest.fixture(scope="module")
def digest_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BriefingService]:
    from conftest import make_service

    service = make_service(tmp_path_factory.mktemp("digest") / "t.db")
    yield service
    service.store.close()


@pytest.fixture
def service(digest_service: BriefingService) -> BriefingService:
    """The module's service with no subscriptions left over from another test."""
    subscriptions = SubscriptionStore.for_store(digest_service.store)
    for subscription in subscriptions.list():
        subscriptions.remove(subscription.id)
    return digest_service


def ask(service: BriefingService, text: str, requester: Requester | None) -> Reply:
    return answer(service, parse_command(text), requester, clock=lambda: NOW)


def notice(service: BriefingService, text: str, requester: Requester | None) -> Notice:
    reply = ask(service, text, requester)
    assert isinstance(reply, Notice)
    return reply


def test_subscribe_resolves_actors_and_posts_where_it_was_asked(service: BriefingService) -> None:
    """Actors are stored by their catalog names; the destination is the asking channel."""
    reply = notice(service, "digest subscribe polnad, uk on troops at 07:30", CHANNEL_MANAGER)
    assert reply.error, "a misspelt actor is refused with suggestions"
    assert "No actor called 'polnad' is known. Did you mean: Poland" in reply.text
    reply = notice(service, "digest subscribe poland, uk on troops at 07:30", CHANNEL_MANAGER)
    assert not reply.error and reply.text.startswith("Subscribed: #")
    (subscription,) = SubscriptionStore.for_store(service.store).list()
    assert subscription.actors == ("Poland", "United Kingdom")
    assert (subscription.platform, subscription.channel_id, subscription.is_dm) == (
        "slack",
        "C1",
        False,
    )
    assert (subscription.created_by, subscription.created_at, subscription.tz) == ("U1", NOW, "UTC")


def test_several_actors_without_commas_get_a_hint(service: BriefingService) -> None:
    """'poland france' is one unknown name; the refusal says to separate with commas."""
    reply = notice(service, "digest subscribe poland france", DM)
    assert reply.error and "Separate several actors with commas" in reply.text
    assert "\n" not in reply.text


def test_unknown_topic_is_refused_with_the_known_ones(service: BriefingService) -> None:
    reply = notice(service, "digest subscribe poland on unicorns", DM)
    assert reply.error and "No topic matches 'unicorns'. Try one of:" in reply.text


def test_channel_subscription_needs_the_right_to_manage_it(service: BriefingService) -> None:
    """A channel member who cannot manage it is refused in one line; a DM needs nothing."""
    refused = notice(service, "digest subscribe poland", CHANNEL_MEMBER)
    assert refused.error and refused.text == CHANNEL_REFUSAL
    assert SubscriptionStore.for_store(service.store).list() == []
    personal = notice(service, "digest subscribe poland", DM)
    assert not personal.error
    (subscription,) = SubscriptionStore.for_store(service.store).list()
    assert subscription.is_dm and subscription.channel_id == "D2"


def test_unsubscribe_checks_place_and_permission(service: BriefingService) -> None:
    """Only this place's digests can be stopped, and a channel's only by its managers."""
    notice(service, "digest subscribe poland", CHANNEL_MANAGER)
    notice(service, "digest subscribe france", DM)
    channel, personal = SubscriptionStore.for_store(service.store).list()
    refused = notice(service, f"digest unsubscribe {channel.id}", CHANNEL_MEMBER)
    assert refused.text == CHANNEL_REFUSAL
    elsewhere = notice(service, f"digest unsubscribe {personal.id}", CHANNEL_MANAGER)
    assert elsewhere.error and f"There is no digest #{personal.id} here" in elsewhere.text
    stranger = Requester(platform="discord", user_id="U2", channel_id="D2", is_dm=True)
    assert notice(service, f"digest unsubscribe {personal.id}", stranger).error
    assert not notice(service, f"digest unsubscribe {personal.id}", DM).error
    stopped = notice(service, f"digest unsubscribe {channel.id}", CHANNEL_MANAGER)
    assert stopped.text.startswith(f"Stopped: #{channel.id} Poland")
    assert SubscriptionStore.for_store(service.store).list() == []


def test_digest_management_without_a_requester_is_refused(service: BriefingService) -> None:
    """A surface that does not say who is asking cannot manage digests (help still works)."""
    assert notice(service, "digest subscribe poland", None).text == NO_REQUESTER
    assert notice(service, "digest list", None).error
    assert "digest subscribe" in notice(service, "digest", None).text


def test_list_is_scoped_to_the_place_and_the_console_sees_all(service: BriefingService) -> None:
    notice(service, "digest subscribe poland at 07:00", CHANNEL_MANAGER)
    notice(service, "digest subscribe france weekdays always tz Europe/Paris", DM)
    channel_list = notice(service, "digest list", CHANNEL_MEMBER).text
    assert "Poland: daily at 07:00 UTC, quiet" in channel_list and "France" not in channel_list
    dm_list = notice(service, "digest list", DM).text
    assert "France: weekdays at 08:00 Europe/Paris, always" in dm_list
    everything = notice(service, "digest list", CONSOLE).text
    assert "(slack channel C1)" in everything and "(slack DM D2)" in everything
    empty = Requester(platform="discord", user_id="U", channel_id="C9")
    assert notice(service, "digest list", empty).text.startswith("No digest subscriptions here")


def test_duplicate_subscription_is_reported_not_added(service: BriefingService) -> None:
    notice(service, "digest subscribe poland at 07:00", DM)
    again = notice(service, "digest subscribe Poland at 7:00", DM)
    assert again.text.startswith("That digest exists already: #")
    assert len(SubscriptionStore.for_store(service.store).list()) == 1


def test_the_requesters_zone_is_the_default(service: BriefingService) -> None:
    """The platform's zone for the user is used when no `tz` is given; a bad one means UTC."""
    notice(service, "digest subscribe poland", DM.model_copy(update={"timezone": "Asia/Tokyo"}))
    notice(service, "digest subscribe france", DM.model_copy(update={"timezone": "Nowhere/X"}))
    notice(
        service, "digest subscribe nato tz UTC", DM.model_copy(update={"timezone": "Asia/Tokyo"})
    )
    zones = [s.tz for s in SubscriptionStore.for_store(service.store).list()]
    assert zones == ["Asia/Tokyo", "UTC", "UTC"]


def test_preview_is_private_and_covers_since_the_last_digest(service: BriefingService) -> None:
    """A preview is a DigestPreview for the asker only, over the subscription's actors."""
    notice(service, "digest subscribe poland on troops", CHANNEL_MANAGER)
    (subscription,) = SubscriptionStore.for_store(service.store).list()
    preview = ask(service, "digest preview", CHANNEL_MEMBER)
    assert isinstance(preview, DigestPreview) and is_private(preview)
    assert preview.subscription_id == subscription.id
    assert preview.digest.until == NOW and preview.digest.since == NOW - dt.timedelta(days=1)
    assert [a.name for a in preview.digest.actors] == ["Poland"]
    assert preview.digest.topic == "troops"
    # After a sent digest, the preview starts where that one's window ended.
    subscriptions = SubscriptionStore.for_store(service.store)
    subscriptions.record_run(subscription.id, NOW.date(), now=NOW)
    subscriptions.mark_sent(subscription.id, NOW.date(), "m1", now=NOW)
    later = ask(service, f"digest preview {subscription.id}", CHANNEL_MEMBER)
    assert isinstance(later, DigestPreview)
    assert later.digest.since == dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    for rendered in (to_text(later), str(to_slack(later)), str(to_discord(later))):
        assert f"Preview of digest #{subscription.id}, only for you" in rendered
        assert "No change since 2026-03-02 08:00 UTC for Poland on 'troops'." in rendered


def test_preview_without_a_subscription_shows_a_default_digest(service: BriefingService) -> None:
    preview = ask(service, "digest preview", DM)
    assert isinstance(preview, DigestPreview) and preview.subscription_id is None
    assert to_text(preview).startswith("Preview of a default digest, only for you:")
    missing = notice(service, "digest preview 999", DM)
    assert missing.error and "There is no digest #999 here" in missing.text


def test_status_shows_the_latest_runs_of_this_place(service: BriefingService) -> None:
    assert notice(service, "digest status", DM).text.startswith("No digest subscriptions here")
    notice(service, "digest subscribe poland tz Europe/Warsaw", DM)
    notice(service, "digest subscribe france", CHANNEL_MANAGER)
    subscriptions = SubscriptionStore.for_store(service.store)
    mine, theirs = subscriptions.list()
    assert notice(service, "digest status", DM).text == "No digests have run yet."
    day = dt.date(2026, 3, 2)
    subscriptions.record_run(mine.id, day, now=NOW)
    subscriptions.mark_sent(mine.id, day, "m1", now=dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC))
    subscriptions.record_run(mine.id, day + dt.timedelta(1), now=NOW)
    subscriptions.mark_failed(mine.id, day + dt.timedelta(1), "ConnectionError: refused")
    subscriptions.record_run(mine.id, day - dt.timedelta(1), now=NOW, status="missed")
    subscriptions.record_run(theirs.id, day, now=NOW)
    status = notice(service, "digest status", DM).text.splitlines()
    assert status == [
        "Recent digests:",
        f"#{mine.id} 2026-03-03: failed after 1 attempt: ConnectionError: refused",
        f"#{mine.id} 2026-03-02: sent 08:00 Europe/Warsaw (1 attempt)",
        f"#{mine.id} 2026-03-01: missed (briefbot was not running within the grace period)",
    ]


def test_help_mentions_digests_and_digest_help_is_not_an_error(service: BriefingService) -> None:
    help_text = notice(service, "help", DM).text
    assert "digest subscribe" in help_text
    digest_help = notice(service, "digest help", DM)
    assert not digest_help.error and "digest unsubscribe <number>" in digest_help.text


# --- the CLI: the same grammar, the console destination ------------------------------------


def test_cli_digest_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`briefbot digest ...` subscribes the console; quoted shell words stay one name."""
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "digest", "subscribe", "united kingdom", "poland", "at", "06:00"]) == 0
    out = capsys.readouterr().out
    assert "Subscribed: #1 United Kingdom, Poland: daily at 06:00" in out
    assert main(["--db", db, "digest", "subscribe", "poland, france", "tz", "Europe/Warsw"]) == 1
    err = capsys.readouterr().err
    assert "Did you mean Europe/Warsaw?" in err
    assert main(["--db", db, "digest", "list"]) == 0
    assert "(console)" in capsys.readouterr().out
    assert main(["--db", db, "digest", "status"]) == 0
    assert capsys.readouterr().out.strip() == "No digests have run yet."
    assert main(["--db", db, "digest", "preview"]) == 0
    assert "Preview of digest #1" in capsys.readouterr().out
    assert main(["--db", db, "digest", "unsubscribe", "1"]) == 0
    assert main(["--db", db, "digest", "unsubscribe", "1"]) == 1
    capsys.readouterr()
