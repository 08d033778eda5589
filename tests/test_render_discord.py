"""Discord embed rendering: a golden snapshot, Discord's limits for any brief, and escaping.

The briefs come from tests/test_render_slack.py, so both platforms are checked on
the same input. Set UPDATE_GOLDEN=1 to rewrite tests/data/render/*.json.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from test_render_slack import (
    GROWING,
    HOSTILE,
    MORE,
    ZWSP,
    assert_quotes_never_cut,
    check_golden,
    evidence,
    generated_brief,
    golden_brief,
    hostile_brief,
    hundred_rows,
)

from briefs.models import ActorRef, ActorSummary, StanceMatrix
from briefs.render.discord import (
    DiscordMessage,
    actors_to_discord,
    brief_to_discord,
    embed_chars,
    escape,
    matrix_to_discord,
    notice_to_discord,
)
from briefs.render.limits import (
    DISCORD_CONTENT_MAX,
    DISCORD_EMBED_DESCRIPTION_MAX,
    DISCORD_EMBED_FIELDS_MAX,
    DISCORD_EMBED_TITLE_MAX,
    DISCORD_EMBED_TOTAL_MAX,
    DISCORD_EMBEDS_PER_MESSAGE_MAX,
    DISCORD_FIELD_NAME_MAX,
    DISCORD_FIELD_VALUE_MAX,
    DISCORD_FOOTER_MAX,
    MAX_MESSAGES_PER_REPLY,
)

# --- helpers for reading Discord output --------------------------------------------------


def embed_texts(embed: dict[str, Any]) -> list[str]:
    texts = [embed.get("title", ""), embed.get("description", "")]
    texts += [t for f in embed.get("fields", ()) for t in (f["name"], f["value"])]
    return [*texts, embed.get("footer", {}).get("text", "")]


def all_text(messages: list[DiscordMessage]) -> str:
    texts = [m["content"] for m in messages]
    texts += [t for m in messages for e in m["embeds"] for t in embed_texts(e)]
    return "\n".join(texts)


def counted(embed: dict[str, Any]) -> int:
    """The embed's size as Discord counts it, measured here independently."""
    return sum(map(len, embed_texts(embed))) + len(embed.get("author", {}).get("name", ""))


def assert_within_discord_limits(messages: list[DiscordMessage]) -> None:
    assert 1 <= len(messages) <= MAX_MESSAGES_PER_REPLY
    for message in messages:
        assert message["allowed_mentions"] == {"parse": []}
        assert len(message["content"]) <= DISCORD_CONTENT_MAX
        assert message["content"] or message["embeds"]
        assert len(message["embeds"]) <= DISCORD_EMBEDS_PER_MESSAGE_MAX
        for embed in message["embeds"]:
            assert len(embed.get("title", "")) <= DISCORD_EMBED_TITLE_MAX
            assert len(embed.get("description", "")) <= DISCORD_EMBED_DESCRIPTION_MAX
            assert len(embed.get("fields", ())) <= DISCORD_EMBED_FIELDS_MAX
            for field in embed.get("fields", ()):
                assert 0 < len(field["name"]) <= DISCORD_FIELD_NAME_MAX
                assert 0 < len(field["value"]) <= DISCORD_FIELD_VALUE_MAX
            assert len(embed.get("footer", {}).get("text", "")) <= DISCORD_FOOTER_MAX
            assert counted(embed) == embed_chars(embed) <= DISCORD_EMBED_TOTAL_MAX
        assert sum(map(counted, message["embeds"])) <= DISCORD_EMBED_TOTAL_MAX


def shown_points(messages: list[DiscordMessage]) -> dict[str, tuple[str, int]]:
    """Each point embed's subject, with its description and its '+N more quotes'."""
    points = {}
    for embed in (e for m in messages for e in m["embeds"]):
        title = re.fullmatch(r"[A-Z]+ · (topic p\d+)", embed.get("title", ""))
        if title:
            description = embed["description"]
            more = [int(m.group(1)) for m in MORE.finditer(description) if m.group(2) == "quote"]
            points[title.group(1)] = (description, sum(more))
    return points


def more_points(messages: list[DiscordMessage]) -> int:
    counts = [int(m.group(1)) for m in MORE.finditer(all_text(messages)) if m.group(2) == "point"]
    return sum(counts)


# --- golden ----------------------------------------------------------------------------


def test_discord_brief_matches_golden_snapshot() -> None:
    """The fixed brief renders exactly as tests/data/render/brief.discord.json."""
    check_golden("brief.discord.json", brief_to_discord(golden_brief()))


def test_discord_golden_brief_is_a_head_embed_one_per_point_and_a_last_embed() -> None:
    [message] = brief_to_discord(golden_brief())
    titles = [e.get("title") for e in message["embeds"]]
    assert titles == [
        "Poland: position brief, as of 2026-01-06",
        "OPPOSES · sending troops to Ukraine",
        "CONDITIONAL · stationing peacekeepers in Ukraine",
        "SUPPORTS · leading logistics for Ukraine",
        "Changes and sources",
    ]
    opposes = message["embeds"][1]
    assert "**Conditions:** unless NATO asks" in opposes["description"]
    assert (
        "> Nie wyślemy żołnierzy — we will not send soldiers, not now." in (opposes["description"])
    )
    link = "[poland-troops.txt](https://example.com/poland-troops?a=1&b=2)"
    assert f"— Donald Tusk, Reuters, 2026-01-06 ({link})" in opposes["description"]
    assert opposes["fields"][0] == {
        "name": "Speakers",
        "value": "Donald Tusk, Radosław Sikorski",
        "inline": True,
    }
    last = message["embeds"][-1]
    assert last["footer"] == {"text": "+1 more point"}
    assert [f["name"] for f in last["fields"]][:2] == [
        "1. Poland will not send troops",
        "2. Rzeszów hub",
    ]
    assert "None" not in all_text([message])


# --- limits, for briefs of growing size ------------------------------------------------


@pytest.mark.parametrize(("points", "quotes", "longest", "seed"), GROWING)
def test_discord_brief_stays_within_limits(
    points: int, quotes: int, longest: int, seed: int
) -> None:
    """Every embed and every message keeps Discord's limits, the 6000 total included."""
    assert_within_discord_limits(brief_to_discord(generated_brief(points, quotes, longest, seed)))


@pytest.mark.parametrize(("points", "quotes", "longest", "seed"), GROWING)
def test_discord_brief_shows_every_quote_whole_or_counts_it(
    points: int, quotes: int, longest: int, seed: int
) -> None:
    """A quote is shown whole, counted in its embed's '+N more quotes', or its point is
    one of the '+N more points'."""
    brief = generated_brief(points, quotes, longest, seed)
    messages = brief_to_discord(brief)
    assert_quotes_never_cut(brief, all_text(messages))
    shown = shown_points(messages)
    assert list(shown) == [f"topic p{i}" for i in range(len(shown))]
    assert more_points(messages) == len(brief.points) - len(shown) + brief.omitted_points
    for point in brief.points[: len(shown)]:
        own, more = shown[point.proposition]
        whole = sum(e.quote in own for e in point.evidence)
        assert whole >= 1
        assert whole + more == len(point.evidence)


def test_discord_long_brief_continues_in_marked_messages() -> None:
    messages = brief_to_discord(generated_brief(40, 5, 1200, 6))
    assert len(messages) == MAX_MESSAGES_PER_REPLY
    assert messages[0]["content"] == ""
    for number, message in enumerate(messages[1:], 2):
        assert message["content"] == (
            f"Poland: position brief, as of 2026-01-06 (continued, {number}/3)"
        )


def test_discord_quote_longer_than_a_description_is_counted_not_cut() -> None:
    brief = generated_brief(1, 1, 50)
    giant = evidence("<" * 2500, "giant.txt")  # 5,000 characters once escaped
    point = brief.points[0].model_copy(update={"evidence": (giant, *brief.points[0].evidence)})
    messages = brief_to_discord(brief.model_copy(update={"points": (point,)}))
    assert_within_discord_limits(messages)
    [(own, more)] = shown_points(messages).values()
    assert more == 1
    assert point.evidence[1].quote in own
    assert "\\<" * 10 not in all_text(messages)


# --- escaping --------------------------------------------------------------------------


def test_discord_escape_neutralises_markdown_and_mentions() -> None:
    """Markdown characters get a backslash; mentions get a zero-width space after @ or #."""
    z = ZWSP
    assert escape(HOSTILE) == (
        r"\<!everyone> \*bold\* \_it\_ \~s\~ \`code\` \<@U123> "
        f"@{z}everyone @{z}here \\<#C1> \\[x\\](http://evil) # heading"
    )
    assert escape("<@123> <@!45> <@&67> <#89>") == (
        f"\\<@{z}123> \\<@{z}!45> \\<@{z}&67> \\<#{z}89>"
    )


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# heading", r"\# heading"),
        ("## heading", r"\## heading"),
        ("-# subtext", r"\-# subtext"),
        ("- item", r"\- item"),
        ("+ item", r"\+ item"),
        ("* item", r"\* item"),
        ("1. item", r"1\. item"),
        ("> quote", r"\> quote"),
        (">>> quote", r"\>>> quote"),
        ("a\n# b", "a\n\\# b"),
        ("||spoiler||", r"\|\|spoiler\|\|"),
        ("__under__", r"\_\_under\_\_"),
        ("back\\slash", "back\\\\slash"),
        ("see https://x.org/a_b_c.", "see https://x.org/a_b_c."),
    ],
    ids=lambda value: repr(value),
)
def test_discord_escape_covers_line_starts_and_keeps_urls(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_discord_brief_lets_no_article_text_mention_link_or_format() -> None:
    """No raw formatting, masked link or mention from the article survives anywhere."""
    messages = brief_to_discord(hostile_brief())
    assert_within_discord_limits(messages)
    text = all_text(messages)
    for raw in ("*bold*", "_it_", "~s~", "`code`", "*Spk*", "_Out_", "[T](", "[x](", "`c`"):
        assert raw not in text
    assert not re.search(r"@(everyone|here)|<@|<#|<!", text.replace("\\<", ""))
    assert not re.search(r"(?<!\\)<[@#!]", text)
    assert "> " + escape(HOSTILE) in text
    assert all(m["allowed_mentions"] == {"parse": []} for m in messages)


# --- matrix, actors, notices -----------------------------------------------------------


@pytest.mark.parametrize("longest", [80, 600, 2500])
def test_discord_matrix_of_a_hundred_actors_stays_within_limits(longest: int) -> None:
    matrix = hundred_rows(longest)
    messages = matrix_to_discord(matrix)
    assert_within_discord_limits(messages)
    text = all_text(messages)
    shown = [row for row in matrix.rows if f"· {row.actor.name}" in text]
    assert shown == list(matrix.rows[: len(shown)])
    actors_more = [int(m.group(1)) for m in MORE.finditer(text) if m.group(2) == "actor"]
    assert len(shown) + sum(actors_more) == 100
    quotes_more = sum(int(m.group(1)) for m in MORE.finditer(text) if m.group(2) == "quote")
    assert sum(row.evidence[0].quote in text for row in shown) + quotes_more == len(shown)
    assert messages[0]["embeds"][0]["title"] == "Who stands where on 'troops', as of 2026-01-06"


def test_discord_actors_list_of_a_hundred_fits() -> None:
    summaries = [
        ActorSummary(
            actor=ActorRef(id=f"a-{i}", name=f"Actor *{i}*", kind="person"), claims=i, documents=1
        )
        for i in range(100)
    ]
    messages = actors_to_discord(summaries)
    assert_within_discord_limits(messages)
    text = all_text(messages)
    assert all(f"**Actor \\*{i}\\***" in text for i in range(100))


def test_discord_empty_matrix_and_actors_are_notices() -> None:
    empty = StanceMatrix(topic="troops", as_of=None, rows=())
    [message] = matrix_to_discord(empty)
    assert message == DiscordMessage(
        content="No stated positions on 'troops' found in the corpus.",
        embeds=[],
        allowed_mentions={"parse": []},
    )
    assert actors_to_discord([])[0]["content"] == "No actors found in the corpus."


def test_discord_notice_keeps_our_formatting_but_never_pings() -> None:
    message = notice_to_discord("Usage: `/position <actor>` — try **poland**. @everyone <@123>")
    assert message["content"] == (
        f"Usage: `/position <actor>` — try **poland**. @{ZWSP}everyone <@{ZWSP}123>"
    )
    assert message["allowed_mentions"] == {"parse": []}
    assert_within_discord_limits([notice_to_discord("word " * 1000)])
    assert notice_to_discord("")["content"]
