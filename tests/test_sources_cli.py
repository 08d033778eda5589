"""`briefbot sources ...` and `briefbot chat`, end to end: the real CLI, the real model,
a SQLite file, and the fake web on loopback (served from a thread of its own, since
each CLI command runs its own event loop)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from emulators.web import STORIES, FakeWeb
from test_sources_live import T0, feed, page_path, story_page

from bot.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    """The fake web, served by an event loop in a background thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeWeb(now=T0)
    for story in STORIES[:2]:
        fake.put(page_path(story), story_page(story))
    fake.put("/feed.xml", feed(STORIES[:2]), content_type="application/rss+xml")
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BRIEFBOT_DATABASE_URL", "SOURCES_PRIVATE_HOSTS", "SOURCES_DEFAULT_INTERVAL"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


def test_sources_from_the_command_line(
    web: FakeWeb,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = str(tmp_path / "cli.db")
    url = web.url("/feed.xml")
    code, out, _ = run(capsys, "--db", db, "sources", "list")
    assert (code, out.strip()) == (
        0,
        "No sources yet. Add a feed with `sources add <url> [every <interval>]`.",
    )

    # loopback is refused unless the operator allows it
    code, _, err = run(capsys, "--db", db, "sources", "add", url)
    assert code == 1 and "127.0.0.1 is a private or local address" in err

    monkeypatch.setenv("SOURCES_PRIVATE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("SOURCES_DEFAULT_INTERVAL", "30m")
    code, out, _ = run(capsys, "--db", db, "sources", "add", url)
    assert code == 0 and out.startswith(f'Added #1: feed "Kyiv Wire: World" {url}, read every 30m')
    code, out, _ = run(capsys, "--db", db, "sources", "fetch")
    assert code == 0 and out.startswith(f'Fetched:\n#1 feed "Kyiv Wire: World" {url}: 2 new')
    code, out, _ = run(capsys, "--db", db, "position", "poland")
    assert code == 0 and "OPPOSES: sending troops to Ukraine" in out
    assert "Reported by: " in out  # two outlets on one point
    code, out, _ = run(capsys, "--db", db, "chat", "sources", "list")
    assert code == 0 and "every 30m, 2 items: ok" in out
    code, out, _ = run(capsys, "--db", db, "chat", "sources", "fetch", "1")
    assert code == 0 and "not modified (HTTP 304)" in out
    code, out, _ = run(capsys, "--db", db, "sources", "remove", "1")
    assert code == 0 and "the 2 items it brought stay in briefs and digests" in out
    code, _, err = run(capsys, "--db", db, "sources", "remove", "1")
    assert code == 1 and err.strip() == "There is no source #1; `sources list` shows the sources."


@pytest.mark.parametrize(
    ("words", "error"),
    [
        (["add", "ftp://x.example/feed"], "`ftp://x.example/feed` is not a web address"),
        (["add", "https://x.example", "every", "1m"], "`1m` is too often"),
        (["frob"], "There is no `sources frob`"),
    ],
)
def test_bad_sources_commands_fail_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str], error: str
) -> None:
    code, out, err = run(capsys, "--db", str(tmp_path / "cli.db"), "sources", *words)
    assert code == 1 and out == "" and err.startswith(error) and err.count("\n") == 1


def test_sources_help_is_the_grammar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", str(tmp_path / "cli.db"), "sources")
    assert code == 0 and "sources add <url> [every <interval>]" in out
