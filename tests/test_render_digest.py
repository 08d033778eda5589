"""Digests on Slack and Discord: golden snapshots, every platform limit for digests of any
size, quotes verbatim (shown whole or counted, never cut), escaping, and the one-line
empty digest.

The builders and limit checks are the brief renderers' (tests/test_render_slack.py and
tests/test_render_discord.py), so briefs and digests are held to the same rules.
Set UPDATE_GOLDEN=1 to rewrite tests/data/render/digest.*.json, then read the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import pytest
from test_render_discord import all_text as discord_text
from test_render_discord import assert_within_discord_limits
from test_render_slack import (
    HOSTILE,
    POLAND,
    ZWSP,
    assert_mrkdwn_inert,
    assert_within_slack_limits,
    block_texts,
    check_golden,
    evidence,
    golden_brief,
    hostile_brief,
    mrkdwn_texts,
    quote_text,
    rich_blocks,
    rich_leaves,
    shown_quotes,
    source_of,
)
from test_render_slack import all_text as slack_text

from briefs.brief import make_statement
from briefs.models import (
    STANCES,
    ActorRef,
    Digest,
    DigestChange,
    DigestPoint,
    Evidence,
    Point,
    SourceRef,
    StanceChange,
)
from briefs.render.discord import DiscordMessage, digest_to_discord
from briefs.render.discord import escape as discord_escape
from briefs.render.slack import SlackMessage, digest_to_slack

FRANCE = ActorRef(id="france", name="France", kind="country")
SINCE = dt.datetime(2026, 1, 11, 7, 0, tzinfo=dt.UTC)
UNTIL = dt.datetime(2026, 1, 12, 7, 0, tzinfo=dt.UTC)
TITLE = "What changed for Poland, France, 2026-01-11 07:00 UTC to 2026-01-12 07:00 UTC"
MORE = re.compile(r"\+(\d+) more (change|new position|quote|source)s?(?![a-z])")


# --- builders ----------------------------------------------------------------------------


def golden_digest() -> Digest:
    """A fixed digest: a change quoted on both sides, new positions of two actors, sources."""
    brief = golden_brief()
    france = evidence(
        "La France est prête à envoyer des troupes si un cessez-le-feu est conclu.",
        "france-troupes.txt",
        speaker="Emmanuel Macron",
        source="Le Monde",
        published="2026-01-12",
        url="https://example.fr/troupes",
        title="Macron: troupes si cessez-le-feu",
    )
    french_point = Point(
        stance="supports",
        proposition="send troops to Ukraine",
        statement=make_statement(
            "France", "supports", "sending troops to Ukraine", ("if a ceasefire is agreed",)
        ),
        conditions=("if a ceasefire is agreed",),
        speakers=("Emmanuel Macron",),
        first_seen=dt.date(2026, 1, 12),
        last_seen=dt.date(2026, 1, 12),
        evidence=(france,),
    )
    return Digest(
        since=SINCE,
        until=UNTIL,
        actors=(POLAND, FRANCE),
        changes=(DigestChange(actor=POLAND, change=brief.changes[0]),),
        new_positions=(
            DigestPoint(actor=FRANCE, point=french_point),
            DigestPoint(actor=POLAND, point=brief.points[2]),
        ),
        new_sources=(source_of(france), *brief.sources[:2]),
    )


def side(rng: random.Random, tag: str, count: int, longest: int) -> tuple[Evidence, ...]:
    return tuple(
        evidence(
            quote_text(rng, f"{tag}q{e}", rng.randint(20, longest)),
            f"{tag}-{e}.txt",
            speaker=rng.choice(["Donald Tusk", None]),
            published=rng.choice(["2026-01-12", None]),
            url=rng.choice([f"https://example.com/{tag}/{e}", None]),
        )
        for e in range(count)
    )


def generated_digest(
    changes: int, positions: int, quotes: int, longest: int, sources: int, seed: int = 0
) -> Digest:
    """Changes `cN` and new positions `pN` with up to `quotes` quotes (a side), `sources`."""
    rng = random.Random(seed)
    made_changes = tuple(
        DigestChange(
            actor=POLAND,
            change=StanceChange(
                proposition=f"change c{n}",
                before="opposes",
                after=STANCES[n % 4] if n % 4 else "supports",
                before_date=dt.date(2026, 1, 5),
                after_date=rng.choice([dt.date(2026, 1, 12), None]),
                before_evidence=side(rng, f"C{n}b", rng.randint(1, quotes), longest),
                after_evidence=side(rng, f"C{n}a", rng.randint(1, quotes), longest),
            ),
        )
        for n in range(changes)
    )
    made_points = tuple(
        DigestPoint(
            actor=(POLAND, FRANCE)[n % 2],
            point=Point(
                stance=STANCES[n % 4],
                proposition=f"topic p{n}",
                statement=make_statement(
                    ("Poland", "France")[n % 2], STANCES[n % 4], f"topic p{n}", ()
                ),
                speakers=("Donald Tusk",),
                first_seen=dt.date(2026, 1, 12),
                last_seen=dt.date(2026, 1, 12),
                evidence=side(rng, f"P{n}", quotes if n == 0 else rng.randint(1, quotes), longest),
            ),
        )
        for n in range(positions)
    )
    made_sources = tuple(
        SourceRef(
            document=f"src-{n}.txt",
            title=f"Source {n} " + "headline " * rng.randint(0, 12),
            source="Test Wire",
            url=rng.choice([f"https://example.org/{n}", None]),
            published=dt.date(2026, 1, 12),
        )
        for n in range(sources)
    )
    return Digest(
        since=SINCE,
        until=UNTIL,
        actors=(POLAND, FRANCE),
        changes=made_changes,
        new_positions=made_points,
        new_sources=made_sources,
    )


def change_quotes(item: DigestChange) -> list[str]:
    return [e.quote for e in (*item.change.before_evidence, *item.change.after_evidence)]


def unit_quotes(digest: Digest) -> dict[str, list[str]]:
    """Each change's and new position's quotes, by its key (`change cN`, `topic pN`)."""
    units = {c.change.proposition: change_quotes(c) for c in digest.changes}
    for new in digest.new_positions:
        units[new.point.proposition] = [e.quote for e in new.point.evidence]
    return units


def all_quotes(digest: Digest) -> list[str]:
    return [quote for quotes in unit_quotes(digest).values() for quote in quotes]


def assert_never_cut(digest: Digest, text: str) -> None:
    """Wherever a quote's first word (its unique tag) shows up, the whole quote follows it."""
    for quote in all_quotes(digest):
        tag = quote.split(" ", 1)[0]
        assert text.count(f"{tag} ") == text.count(quote), tag


def more_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for found in MORE.finditer(text):
        counts[found.group(2)] = counts.get(found.group(2), 0) + int(found.group(1))
    return counts


GROWING = [
    pytest.param(1, 0, 1, 60, 1, 0, id="1-change"),
    pytest.param(0, 1, 3, 300, 2, 1, id="1-new-position"),
    pytest.param(3, 3, 3, 300, 5, 2, id="3-and-3"),
    pytest.param(5, 8, 8, 800, 20, 3, id="5-and-8"),
    pytest.param(10, 10, 6, 2500, 40, 4, id="10-and-10-long-quotes"),
    pytest.param(20, 40, 5, 1200, 100, 5, id="20-and-40"),
    pytest.param(40, 0, 3, 400, 10, 6, id="40-changes"),
    pytest.param(0, 60, 30, 2500, 60, 7, id="60-positions-30-long-quotes"),
    pytest.param(60, 60, 1, 40, 200, 8, id="60-and-60-tiny"),
]


# --- Slack: reading the output ---------------------------------------------------------------

SLACK_UNIT = re.compile(r"\*\w+ — (change c\d+)\*: |\* · (topic p\d+)\n")


def slack_units(messages: list[SlackMessage]) -> dict[str, tuple[str, int]]:
    """Each shown unit's key, with its own text and the '+N more quotes' after it."""
    units: dict[str, tuple[str, int]] = {}
    current = None
    for block in (b for m in messages for b in m["blocks"]):
        if block["type"] == "divider":
            current = None
        for text in block_texts(block):
            head = SLACK_UNIT.search(text)
            if block["type"] == "section" and head:
                current = head.group(1) or head.group(2)
                units[current] = ("", 0)
            if current is None:
                continue
            own, more = units[current]
            if block["type"] == "context":
                more += more_counts(text).get("quote", 0)
            units[current] = (own + "\n" + text, more)
    return units


def slack_sources_shown(messages: list[SlackMessage]) -> int:
    """The numbered lines of the sections from '*New sources*' to the next divider."""
    shown, listing = 0, False
    for block in (b for m in messages for b in m["blocks"]):
        listing = block["type"] != "divider" and (
            listing or block_texts(block)[0].startswith("*New sources*")
        )
        if listing and block["type"] == "section":
            shown += len(re.findall(r"^\d+\. ", block_texts(block)[0], re.M))
    return shown


# --- Discord: reading the output -------------------------------------------------------------

DISCORD_UNIT = re.compile(r"Changed · \w+ — (change c\d+)|New · \w+ · [A-Z]+ · (topic p\d+)")


def discord_units(messages: list[DiscordMessage]) -> dict[str, tuple[str, int]]:
    units = {}
    for embed in (e for m in messages for e in m["embeds"]):
        title = DISCORD_UNIT.fullmatch(embed.get("title", ""))
        if title:
            description = embed["description"]
            units[title.group(1) or title.group(2)] = (
                description,
                more_counts(description).get("quote", 0),
            )
    return units


def discord_sources_shown(messages: list[DiscordMessage]) -> int:
    return sum(
        len(e.get("fields", ()))
        for m in messages
        for e in m["embeds"]
        if e.get("title") == "New sources"
    )


# --- golden ----------------------------------------------------------------------------------


def test_slack_digest_matches_golden_snapshot() -> None:
    """The fixed digest renders exactly as tests/data/render/digest.slack.json."""
    check_golden("digest.slack.json", digest_to_slack(golden_digest()))


def test_discord_digest_matches_golden_snapshot() -> None:
    """The fixed digest renders exactly as tests/data/render/digest.discord.json."""
    check_golden("digest.discord.json", digest_to_discord(golden_digest()))


def test_slack_golden_digest_reads_changes_then_new_positions_then_sources() -> None:
    digest = golden_digest()
    [message] = digest_to_slack(digest)
    types = [b["type"] for b in message["blocks"]]
    assert types[:4] == ["header", "section", "divider", "section"]
    assert message["blocks"][0]["text"]["text"] == TITLE
    assert message["text"] == f"{TITLE}\n1 change, 2 new positions, 3 new sources"
    text = slack_text([message])
    order = [
        "*Changes*\n*Poland — station peacekeepers in Ukraine*: OPPOSES (2025-11-20) → CONDITIONAL",
        "*New positions*\n*France* · *SUPPORTS* · sending troops to Ukraine",
        "*Poland* · *SUPPORTS* · leading logistics for Ukraine",
        "*New sources*\n1. Macron: troupes si cessez-le-feu, Le Monde, 2026-01-12 — "
        "<https://example.fr/troupes>",
    ]
    assert [text.index(part) for part in order] == sorted(text.index(part) for part in order)
    # Before and After, each the article's words exactly, in rich text as briefs quote them
    change = digest.changes[0].change
    assert shown_quotes([message]) == [
        change.before_evidence[0].quote,
        change.after_evidence[0].quote,
        digest.new_positions[0].point.evidence[0].quote,
        digest.new_positions[1].point.evidence[0].quote,
    ]
    before, after = rich_blocks([message])[:2]
    assert block_texts(before)[:2] == ["Before:", change.before_evidence[0].quote]
    assert block_texts(after)[:2] == [
        "After:",
        "We would consider a presence once a ceasefire holds.\nNot before.",
    ]
    assert "None" not in text


def test_discord_golden_digest_is_a_head_then_one_embed_per_unit_then_sources() -> None:
    [message] = digest_to_discord(golden_digest())
    assert [e.get("title") for e in message["embeds"]] == [
        TITLE,
        "Changed · Poland — station peacekeepers in Ukraine",
        "New · France · SUPPORTS · sending troops to Ukraine",
        "New · Poland · SUPPORTS · leading logistics for Ukraine",
        "New sources",
    ]
    change = message["embeds"][1]["description"]
    assert change.startswith("**OPPOSES (2025-11-20)** → **CONDITIONAL**\n\n*Before:*\n> Nie")
    assert "*After:*\n> We would consider a presence once a ceasefire holds.\n> Not before." in (
        change
    )
    assert message["embeds"][0]["description"] == "*1 change, 2 new positions, 3 new sources*"
    assert "None" not in discord_text([message])


# --- limits and quotes, for digests of growing size ------------------------------------------


@pytest.mark.parametrize(("changes", "positions", "quotes", "longest", "sources", "seed"), GROWING)
def test_slack_digest_stays_within_limits_and_counts_what_it_leaves_out(
    changes: int, positions: int, quotes: int, longest: int, sources: int, seed: int
) -> None:
    """Within every Slack limit; each change and new position is shown (a prefix, in order)
    or counted in '+N more'; each shown one has every quote whole or counted; the quotes
    are verbatim; the sources shown and counted add up."""
    digest = generated_digest(changes, positions, quotes, longest, sources, seed)
    messages = digest_to_slack(digest)
    assert_within_slack_limits(messages)
    text = slack_text(messages)
    assert_never_cut(digest, text)
    assert set(shown_quotes(messages)) <= set(all_quotes(digest))
    keys = list(unit_quotes(digest))
    shown = slack_units(messages)
    assert list(shown) == keys[: len(shown)]
    counts = more_counts(text)
    hidden = keys[len(shown) :]
    assert counts.get("change", 0) == sum(k.startswith("change") for k in hidden)
    assert counts.get("new position", 0) == sum(k.startswith("topic") for k in hidden)
    for key, (own, more) in shown.items():
        whole = sum(quote in own for quote in unit_quotes(digest)[key])
        assert whole >= 1
        assert whole + more == len(unit_quotes(digest)[key])
    assert slack_sources_shown(messages) + counts.get("source", 0) == sources


@pytest.mark.parametrize(("changes", "positions", "quotes", "longest", "sources", "seed"), GROWING)
def test_discord_digest_stays_within_limits_and_counts_what_it_leaves_out(
    changes: int, positions: int, quotes: int, longest: int, sources: int, seed: int
) -> None:
    """The same for Discord: every embed and message limit, units shown or counted."""
    digest = generated_digest(changes, positions, quotes, longest, sources, seed)
    messages = digest_to_discord(digest)
    assert_within_discord_limits(messages)
    text = discord_text(messages)
    assert_never_cut(digest, text)
    keys = list(unit_quotes(digest))
    shown = discord_units(messages)
    assert list(shown) == keys[: len(shown)]
    counts = more_counts(text)
    hidden = keys[len(shown) :]
    assert counts.get("change", 0) == sum(k.startswith("change") for k in hidden)
    assert counts.get("new position", 0) == sum(k.startswith("topic") for k in hidden)
    for key, (own, more) in shown.items():
        whole = sum(f"> {quote}" in own for quote in unit_quotes(digest)[key])
        assert whole >= 1
        assert whole + more == len(unit_quotes(digest)[key])
    assert discord_sources_shown(messages) + counts.get("source", 0) == sources


def test_long_digests_continue_in_marked_messages() -> None:
    digest = generated_digest(20, 40, 5, 1200, 100, 5)
    for messages, first_line in (
        (digest_to_slack(digest), lambda m: m["blocks"][0]["elements"][0]["text"]),
        (digest_to_discord(digest), lambda m: m["content"]),
    ):
        assert len(messages) == 3
        for number, message in enumerate(messages[1:], 2):
            assert first_line(message) == f"{TITLE} (continued, {number}/3)"


# --- empty digests and previews --------------------------------------------------------------


def empty_digest() -> Digest:
    return Digest(since=SINCE, until=UNTIL, topic="troops", actors=(POLAND,))


def test_an_empty_digest_is_one_short_line() -> None:
    line = "No change since 2026-01-11 07:00 UTC for Poland on 'troops'."
    [slack] = digest_to_slack(empty_digest())
    assert slack == {
        "text": line,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": line, "verbatim": True}}],
    }
    [discord] = digest_to_discord(empty_digest())
    assert discord == {"content": line, "embeds": [], "allowed_mentions": {"parse": []}}


def test_a_preview_note_leads_the_first_message() -> None:
    note = "Preview of digest #3, only for you:"
    slack = digest_to_slack(golden_digest(), note=note)
    assert slack[0]["blocks"][0] == {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": note, "verbatim": True}],
    }
    assert slack[0]["text"].startswith(note + "\n")
    assert_within_slack_limits(slack)
    discord = digest_to_discord(golden_digest(), note=note)
    assert discord[0]["content"] == note
    assert_within_discord_limits(discord)
    assert digest_to_discord(empty_digest(), note=note)[0]["content"] == (
        f"{note}\nNo change since 2026-01-11 07:00 UTC for Poland on 'troops'."
    )
    assert digest_to_slack(empty_digest(), note=note)[0]["text"].startswith(note + "\n")
    # a preview of a long digest still keeps every limit
    big = generated_digest(20, 40, 5, 1200, 100, 5)
    assert_within_slack_limits(digest_to_slack(big, note=note))
    assert_within_discord_limits(digest_to_discord(big, note=note))


# --- escaping ----------------------------------------------------------------------------------


def hostile_digest() -> Digest:
    """Article text (and a user's topic) everywhere a digest shows it, all of it hostile."""
    brief = hostile_brief()
    actor = ActorRef(id="x", name="*X* <!here>", kind="country")
    return Digest(
        since=SINCE,
        until=UNTIL,
        topic="*t* <!here>",
        actors=(actor,),
        changes=(DigestChange(actor=actor, change=brief.changes[0]),),
        new_positions=(DigestPoint(actor=actor, point=brief.points[0]),),
        new_sources=brief.sources,
    )


def test_slack_digest_lets_no_article_text_mention_link_or_format() -> None:
    messages = digest_to_slack(hostile_digest())
    assert_within_slack_limits(messages)
    for message in messages:
        for text in mrkdwn_texts(message):
            assert_mrkdwn_inert(text)
    assert shown_quotes(messages) == [HOSTILE] * 3  # before, after, the new position's
    for block in rich_blocks(messages):
        assert {leaf["type"] for leaf in rich_leaves(block)} == {"text"}
        assert ZWSP not in json.dumps(block, ensure_ascii=False)
    [empty] = digest_to_slack(
        hostile_digest().model_copy(update={"changes": (), "new_positions": (), "new_sources": ()})
    )
    assert_mrkdwn_inert(empty["text"])


def test_discord_digest_lets_no_article_text_mention_link_or_format() -> None:
    messages = digest_to_discord(hostile_digest())
    assert_within_discord_limits(messages)
    text = discord_text(messages)
    for raw in ("*bold*", "_it_", "~s~", "`code`", "*Spk*", "_Out_", "[T](", "[x](", "*X*"):
        assert raw not in text
    assert not re.search(r"(?<!\\)<[@#!]", text)
    assert not re.search(r"@(everyone|here)", text)
    assert text.count("> " + discord_escape(HOSTILE)) == 3
    assert all(m["allowed_mentions"] == {"parse": []} for m in messages)


def test_slack_digest_blocks_are_what_slack_sdk_models_expect() -> None:
    blocks_module = pytest.importorskip("slack_sdk.models.blocks")
    digests = [golden_digest(), hostile_digest(), generated_digest(5, 8, 8, 800, 20, 3)]
    for message in (m for d in digests for m in digest_to_slack(d, note="Preview:")):
        for block in message["blocks"]:
            parsed = blocks_module.Block.parse(block)
            parsed.validate_json()
            assert parsed.to_dict() == block


def test_a_digest_of_many_actors_keeps_its_titles_short() -> None:
    """The title names every actor; past the header's 150 characters it is clipped there
    and given whole in the section under it."""
    actors = tuple(
        ActorRef(id=f"a{n}", name=f"Country number {n}", kind="country") for n in range(60)
    )
    digest = generated_digest(2, 2, 2, 200, 3).model_copy(update={"actors": actors})
    slack = digest_to_slack(digest)
    assert_within_slack_limits(slack)
    assert slack[0]["blocks"][0]["text"]["text"].endswith("…")
    assert "Country number 59" not in slack_text(slack)  # clipped at 300 characters
    discord = digest_to_discord(digest)
    assert_within_discord_limits(discord)
