"""Slack Block Kit rendering: a golden snapshot, Slack's limits for any brief, and escaping.

Quotes are `rich_text` blocks (literal, never parsed), so they must come out exactly
as the article has them; everything else is mrkdwn and must be escaped.

The brief builders here (`golden_brief`, `generated_brief`, `HOSTILE`) are shared
with tests/test_render_discord.py, so both platforms are checked on the same input.
Set UPDATE_GOLDEN=1 to rewrite tests/data/render/*.json, then read the diff.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from briefs.brief import make_statement
from briefs.models import (
    STANCES,
    ActorRef,
    ActorSummary,
    Brief,
    Evidence,
    MatrixRow,
    Point,
    SourceRef,
    StanceChange,
    StanceMatrix,
)
from briefs.render.limits import (
    MAX_MESSAGES_PER_REPLY,
    SLACK_CONTEXT_ELEMENTS_MAX,
    SLACK_FALLBACK_TEXT_MAX,
    SLACK_HEADER_TEXT_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_MESSAGE_BLOCK_TEXT_MAX,
    SLACK_SECTION_TEXT_MAX,
)
from briefs.render.slack import (
    SlackMessage,
    actors_to_slack,
    brief_to_slack,
    escape,
    matrix_to_slack,
    notice_to_slack,
    quote_of,
    split_text,
)

GOLDEN = Path(__file__).parent / "data" / "render"
POLAND = ActorRef(id="poland", name="Poland", kind="country")
HOSTILE = (
    "<!everyone> *bold* _it_ ~s~ `code` <@U123> @everyone @here <#C1> [x](http://evil) # heading"
)
ZWSP = "\u200b"
MORE = re.compile(r"\+(\d+) more (point|quote|actor|source|change)s?(?![a-z])")


# --- shared builders -------------------------------------------------------------------


def day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def evidence(
    quote: str,
    document: str,
    *,
    speaker: str | None = "Donald Tusk",
    source: str | None = "Reuters",
    published: str | None = "2026-01-06",
    url: str | None = None,
    title: str = "Poland will not send troops",
) -> Evidence:
    return Evidence(
        document=document,
        title=title,
        source=source,
        url=url,
        published=day(published),
        quote=quote,
        start=0,
        end=len(quote),
        speaker=speaker,
    )


def source_of(item: Evidence) -> SourceRef:
    return SourceRef(
        document=item.document,
        title=item.title,
        source=item.source,
        url=item.url,
        published=item.published,
    )


TUSK_QUOTE = "Poland will not send its soldiers to Ukraine, but it will lead logistics."


def golden_brief() -> Brief:
    """A fixed brief: three points, conditions, a change, unicode, a missing speaker and date."""
    tusk_no = evidence(
        TUSK_QUOTE,
        "poland-troops.txt",
        url="https://example.com/poland-troops?a=1&b=2",
    )
    sikorski = evidence(
        "Nie wyślemy żołnierzy — we will not send soldiers, not now.",
        "sikorski-łódź.txt",
        speaker="Radosław Sikorski",
        source="Gazeta Wyborcza",
        published="2025-11-20",
        title="Sikorski w Łodzi",
    )
    unnamed = evidence(
        "We would consider a presence once a ceasefire holds.\nNot before.",
        "undated.txt",
        speaker=None,
        source=None,
        published=None,
        title="Undated briefing",
    )
    logistics = evidence(
        "Poland will lead logistics for Ukraine's defence from Rzeszów.",
        "logistics.txt",
        speaker="Władysław Kosiniak-Kamysz",
        source="PAP",
        published="2025-12-01",
        title="Rzeszów hub",
    )
    points = (
        Point(
            stance="opposes",
            proposition="send troops to Ukraine",
            statement="Poland opposes sending troops to Ukraine.",
            conditions=("unless NATO asks",),
            speakers=("Donald Tusk", "Radosław Sikorski"),
            first_seen=day("2025-11-20"),
            last_seen=day("2026-01-06"),
            evidence=(tusk_no, sikorski),
        ),
        Point(
            stance="conditional",
            proposition="station peacekeepers in Ukraine",
            statement=make_statement(
                "Poland",
                "conditional",
                "stationing peacekeepers in Ukraine",
                ("once a ceasefire holds",),
            ),
            conditions=("once a ceasefire holds",),
            speakers=(),
            first_seen=None,
            last_seen=None,
            evidence=(unnamed,),
        ),
        Point(
            stance="supports",
            proposition="lead logistics for Ukraine",
            statement="Poland supports leading logistics for Ukraine.",
            speakers=("Władysław Kosiniak-Kamysz",),
            first_seen=day("2025-12-01"),
            last_seen=day("2025-12-01"),
            evidence=(logistics,),
        ),
    )
    change = StanceChange(
        proposition="station peacekeepers in Ukraine",
        before="opposes",
        after="conditional",
        before_date=day("2025-11-20"),
        after_date=None,
        before_evidence=(sikorski,),
        after_evidence=(unnamed,),
    )
    return Brief(
        actor=POLAND,
        as_of=day("2026-01-06"),
        summary="Poland opposes sending troops to Ukraine and supports leading logistics.",
        points=points,
        changes=(change,),
        sources=tuple(map(source_of, (tusk_no, logistics, sikorski, unnamed))),
        omitted_points=1,
    )


WORDS = ("army", "border", "ceasefire", "defence", "summit", "troops", "minister", "treaty")


def quote_text(rng: random.Random, tag: str, length: int) -> str:
    """A plain quote of about `length` characters that starts with `tag` and ends 'END<tag>'."""
    words = [tag]
    while sum(map(len, words)) + len(words) < length - len(tag) - 4:
        words.append(rng.choice(WORDS))
    return " ".join([*words, f"END{tag}"])


def generated_brief(points: int, quotes: int, longest: int, seed: int = 0) -> Brief:
    """A brief of `points` points with up to `quotes` quotes each, up to `longest` long."""
    rng = random.Random(seed)
    made: list[Point] = []
    for p in range(points):
        stance = STANCES[p % len(STANCES)]
        items = tuple(
            evidence(
                quote_text(rng, f"Q{p}x{e}", rng.randint(20, longest)),
                f"doc-{p}-{e}.txt",
                speaker=rng.choice(["Donald Tusk", "Radosław Sikorski", None]),
                published=rng.choice(["2025-06-01", None]),
                url=rng.choice([f"https://example.com/{p}/{e}", None]),
            )
            # the first point always has the most quotes
            for e in range(quotes if p == 0 else rng.randint(1, quotes))
        )
        made.append(
            Point(
                stance=stance,
                proposition=f"topic p{p}",
                statement=make_statement("Poland", stance, f"topic p{p}", ()),
                speakers=("Donald Tusk",),
                first_seen=day("2025-06-01"),
                last_seen=day("2026-01-06"),
                evidence=items,
            )
        )
    changes = tuple(
        StanceChange(
            proposition=point.proposition,
            before="opposes",
            after=point.stance,
            before_date=day("2025-01-01"),
            after_date=day("2026-01-01"),
            before_evidence=point.evidence[:3],
            after_evidence=point.evidence[-3:],
        )
        for point in made[:3]
    )
    return Brief(
        actor=POLAND,
        as_of=day("2026-01-06"),
        summary="Poland opposes topic p1.",
        points=tuple(made),
        changes=changes,
        sources=tuple(source_of(e) for point in made for e in point.evidence),
        omitted_points=seed % 3,
    )


def check_golden(name: str, messages: Any) -> None:
    """Compare with tests/data/render/<name> exactly; UPDATE_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    text = json.dumps(messages, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    assert text == path.read_text("utf-8")


GROWING = [
    pytest.param(1, 1, 60, 0, id="1-point"),
    pytest.param(1, 30, 2500, 1, id="1-point-30-long-quotes"),
    pytest.param(3, 3, 300, 2, id="3-points"),
    pytest.param(8, 8, 800, 3, id="8-points"),
    pytest.param(12, 30, 2500, 4, id="12-points-30-long-quotes"),
    pytest.param(25, 2, 200, 5, id="25-short-points"),
    pytest.param(40, 5, 1200, 6, id="40-points"),
    pytest.param(60, 30, 2500, 7, id="60-points-30-long-quotes"),
    pytest.param(60, 1, 40, 8, id="60-tiny-points"),
]


# --- helpers for reading Slack output ------------------------------------------------


RICH_PARTS = {"rich_text_section", "rich_text_quote"}  # what our rich_text blocks hold
RICH_LEAVES = {"text", "link"}  # never user, channel, broadcast: nothing that pings


def rich_leaves(element: dict[str, Any]) -> list[dict[str, Any]]:
    """The text and link elements under a rich text block or element, in order."""
    if "elements" in element:
        return [leaf for child in element["elements"] for leaf in rich_leaves(child)]
    return [element]


def rich_joined(element: dict[str, Any]) -> str:
    """What a rich text element shows: its leaves' texts joined (a link shows its text)."""
    return "".join(leaf.get("text", leaf.get("url", "")) for leaf in rich_leaves(element))


def block_texts(block: dict[str, Any]) -> list[str]:
    if block["type"] == "rich_text":
        return [rich_joined(element) for element in block["elements"]]
    if "text" in block:
        return [block["text"]["text"]]
    return [element["text"] for element in block.get("elements", ())]


def mrkdwn_texts(message: SlackMessage) -> list[str]:
    """The fallback and every text Slack parses as mrkdwn: these must be escaped."""
    texts = [message["text"]]
    for block in message["blocks"]:
        if block["type"] in ("section", "context"):
            texts.extend(block_texts(block))
    return texts


def rich_blocks(messages: list[SlackMessage]) -> list[dict[str, Any]]:
    return [b for m in messages for b in m["blocks"] if b["type"] == "rich_text"]


def shown_quotes(messages: list[SlackMessage]) -> list[str]:
    """Every rich_text_quote's text elements joined: the quote as a reader copies it."""
    return [
        rich_joined(element)
        for block in rich_blocks(messages)
        for element in block["elements"]
        if element["type"] == "rich_text_quote"
    ]


def all_text(messages: list[SlackMessage]) -> str:
    return "\n".join(t for m in messages for b in m["blocks"] for t in block_texts(b))


def assert_within_slack_limits(messages: list[SlackMessage]) -> None:
    assert 1 <= len(messages) <= MAX_MESSAGES_PER_REPLY
    for message in messages:
        assert message["text"].strip()
        assert len(message["text"]) <= SLACK_FALLBACK_TEXT_MAX
        assert 1 <= len(message["blocks"]) <= SLACK_MAX_BLOCKS
        total = 0
        for block in message["blocks"]:
            if block["type"] == "rich_text":
                assert block["elements"]
                assert {e["type"] for e in block["elements"]} <= RICH_PARTS
                leaves = rich_leaves(block)
                assert {leaf["type"] for leaf in leaves} <= RICH_LEAVES
                for leaf in leaves:
                    assert 0 < len(leaf["text"]) <= SLACK_SECTION_TEXT_MAX
                # a link's URL is sent too: count it with the text
                total += sum(len(leaf["text"]) + len(leaf.get("url", "")) for leaf in leaves)
                continue
            texts = block_texts(block)
            total += sum(map(len, texts))
            assert all(texts) or block["type"] == "divider"
            if block["type"] == "section":
                assert len(texts[0]) <= SLACK_SECTION_TEXT_MAX
            elif block["type"] == "header":
                assert len(texts[0]) <= SLACK_HEADER_TEXT_MAX
            elif block["type"] == "context":
                assert len(block["elements"]) <= SLACK_CONTEXT_ELEMENTS_MAX
        assert total <= SLACK_MESSAGE_BLOCK_TEXT_MAX


def assert_quotes_whole(brief: Brief, messages: list[SlackMessage]) -> None:
    """Every rich_text_quote shows one of the brief's quotes exactly, and nothing else."""
    quotes = {e.quote for p in brief.points for e in p.evidence}
    quotes |= {e.quote for c in brief.changes for e in (*c.before_evidence, *c.after_evidence)}
    for shown in shown_quotes(messages):
        assert shown in quotes


def shown_points(messages: list[SlackMessage]) -> dict[str, tuple[str, int]]:
    """Each shown point's subject, with its own text and the '+N more quotes' after it."""
    points: dict[str, tuple[str, int]] = {}
    current = None
    for block in (b for m in messages for b in m["blocks"]):
        if block["type"] == "divider":
            current = None
        for text in block_texts(block):
            head = re.match(r"\*[A-Z]+\* · (topic p\d+)\n", text)
            if block["type"] == "section" and head:
                current = head.group(1)
                points[current] = ("", 0)
            if current is None:
                continue
            own, more = points[current]
            found = MORE.search(text)
            if block["type"] == "context" and found and found.group(2) == "quote":
                more = int(found.group(1))
            points[current] = (own + "\n" + text, more)
    return points


def assert_quotes_never_cut(brief: Brief, text: str) -> None:
    """Wherever a quote's first word shows up, the whole quote follows it."""
    quotes = {e.quote for p in brief.points for e in p.evidence}
    quotes |= {e.quote for c in brief.changes for e in (*c.before_evidence, *c.after_evidence)}
    for quote in quotes:
        tag = quote.split(" ", 1)[0]
        assert text.count(f"{tag} ") == text.count(quote)


def more_points(messages: list[SlackMessage]) -> int:
    counts = [int(m.group(1)) for m in MORE.finditer(all_text(messages)) if m.group(2) == "point"]
    return sum(counts)


# --- golden ----------------------------------------------------------------------------


def test_slack_brief_matches_golden_snapshot() -> None:
    """The fixed brief renders exactly as tests/data/render/brief.slack.json."""
    check_golden("brief.slack.json", brief_to_slack(golden_brief()))


def test_slack_golden_brief_has_every_part() -> None:
    """Header, summary, one section per point, quotes with attribution, changes, sources."""
    brief = golden_brief()
    [message] = brief_to_slack(brief)
    types = [b["type"] for b in message["blocks"]]
    assert types[:5] == ["header", "section", "divider", "section", "rich_text"]
    assert message["blocks"][0]["text"]["text"] == "Poland: position brief, as of 2026-01-06"
    text = all_text([message])
    assert "*OPPOSES* · sending troops to Ukraine\n" in text
    assert "*Conditions:* unless NATO asks" in text
    # each quote is a rich_text block: the quote, then its attribution, both literal
    tusk = message["blocks"][4]
    assert tusk == {
        "type": "rich_text",
        "elements": [
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": TUSK_QUOTE}]},
            {
                "type": "rich_text_section",
                "elements": [
                    {"type": "text", "text": "— Donald Tusk, Reuters, 2026-01-06 ("},
                    {
                        "type": "link",
                        "url": "https://example.com/poland-troops?a=1&b=2",
                        "text": "poland-troops.txt",
                    },
                    {"type": "text", "text": ")"},
                ],
            },
        ],
    }
    assert "— Radosław Sikorski, Gazeta Wyborcza, 2025-11-20 (sikorski-łódź.txt)" in text
    assert "We would consider a presence once a ceasefire holds.\nNot before." in shown_quotes(
        [message]
    )
    assert "— (undated.txt)" in text
    assert "OPPOSES (2025-11-20) → CONDITIONAL" in text
    assert "Before:" in text and "After:" in text
    # the point's quotes, then the change's (before, after), each exactly as in the article
    point_quotes = [e.quote for p in brief.points for e in p.evidence]
    change_quotes = [
        e.quote for c in brief.changes for e in (*c.before_evidence, *c.after_evidence)
    ]
    assert shown_quotes([message]) == point_quotes + change_quotes
    assert [q for b in message["blocks"] if (q := quote_of(b)) is not None] == (
        point_quotes + change_quotes
    )
    for block in rich_blocks([message]):
        assert ZWSP not in json.dumps(block, ensure_ascii=False)
    assert "*Sources*\n1. Poland will not send troops, Reuters, 2026-01-06" in text
    assert "+1 more point" in text
    assert "None" not in text


# --- limits, for briefs of growing size ------------------------------------------------


@pytest.mark.parametrize(("points", "quotes", "longest", "seed"), GROWING)
def test_slack_brief_stays_within_limits(points: int, quotes: int, longest: int, seed: int) -> None:
    """Every message keeps Slack's block, section, header and total-text limits."""
    assert_within_slack_limits(brief_to_slack(generated_brief(points, quotes, longest, seed)))


@pytest.mark.parametrize(("points", "quotes", "longest", "seed"), GROWING)
def test_slack_brief_shows_every_quote_whole_or_counts_it(
    points: int, quotes: int, longest: int, seed: int
) -> None:
    """A quote is never cut: it is shown whole, or its point says '+N more quotes',
    or its point is one of the '+N more points'."""
    brief = generated_brief(points, quotes, longest, seed)
    messages = brief_to_slack(brief)
    assert_quotes_never_cut(brief, all_text(messages))
    assert_quotes_whole(brief, messages)
    shown = shown_points(messages)
    assert list(shown) == [f"topic p{i}" for i in range(len(shown))]  # a prefix, in order
    assert more_points(messages) == len(brief.points) - len(shown) + brief.omitted_points
    for point in brief.points[: len(shown)]:
        own, more = shown[point.proposition]
        whole = sum(e.quote in own for e in point.evidence)
        assert whole >= 1
        assert whole + more == len(point.evidence)


def test_slack_long_brief_is_split_into_marked_continuations() -> None:
    """A brief too big for one message continues in messages marked '(continued, 2/3)'."""
    messages = brief_to_slack(generated_brief(40, 5, 1200, 6))
    assert len(messages) == MAX_MESSAGES_PER_REPLY
    total = len(messages)
    for number, message in enumerate(messages[1:], 2):
        first = message["blocks"][0]
        assert first["type"] == "context"
        assert first["elements"][0]["text"].endswith(f"(continued, {number}/{total})")
        assert message["text"].endswith(f"(continued, {number}/{total})")


def with_first_quote(quote: str) -> Brief:
    """A one-point brief (no changes) whose first quote is `quote`, then a short one."""
    brief = generated_brief(1, 1, 50)
    point = brief.points[0].model_copy(
        update={"evidence": (evidence(quote, "giant.txt"), *brief.points[0].evidence)}
    )
    return brief.model_copy(update={"points": (point,), "changes": ()})


def test_slack_quote_of_markup_is_shown_verbatim_not_escaped() -> None:
    """Rich text is literal: 2,500 '<' are 2,500 '<' (escaped they were 10,000 characters)."""
    giant = "<" * 2500
    brief = with_first_quote(giant)
    messages = brief_to_slack(brief)
    assert_within_slack_limits(messages)
    assert shown_quotes(messages) == [giant, brief.points[0].evidence[1].quote]
    assert "&lt;" not in all_text(messages)


def test_slack_quote_longer_than_a_section_is_split_never_cut() -> None:
    """A 7,000-character quote is carried by consecutive text elements of one
    rich_text_quote, each within 3,000, that join back to the quote exactly."""
    rng = random.Random(7)
    giant = quote_text(rng, "GIANT", 7000)
    brief = with_first_quote(giant)
    messages = brief_to_slack(brief)
    assert_within_slack_limits(messages)
    quote = next(
        element
        for block in rich_blocks(messages)
        for element in block["elements"]
        if element["type"] == "rich_text_quote"
    )
    pieces = [leaf["text"] for leaf in quote["elements"]]
    assert len(pieces) == 3
    assert all(len(piece) <= SLACK_SECTION_TEXT_MAX for piece in pieces)
    assert "".join(pieces) == giant
    assert shown_quotes(messages) == [giant, brief.points[0].evidence[1].quote]
    assert_quotes_never_cut(brief, all_text(messages))


def test_slack_quote_longer_than_a_message_is_counted_not_cut() -> None:
    """A quote that cannot fit any message (about 12k characters) is left out whole and counted."""
    giant = quote_text(random.Random(8), "HUGE", SLACK_MESSAGE_BLOCK_TEXT_MAX + 100)
    brief = with_first_quote(giant)
    messages = brief_to_slack(brief)
    assert_within_slack_limits(messages)
    [(subject, (_, more))] = shown_points(messages).items()
    assert (subject, more) == ("topic p0", 1)
    assert shown_quotes(messages) == [brief.points[0].evidence[1].quote]
    assert "HUGE" not in all_text(messages)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "word " * 1300,
        "x" * 9001,
        "x" * 2999 + "e\u0301" + "y" * 10,  # e + combining acute: not drawn apart
        "ab" * 1499 + "\U0001f469\u200d\U0001f692" + "z" * 50,  # a ZWJ emoji stays whole
    ],
    ids=["empty", "short", "words", "no-space", "combining", "zwj"],
)
def test_split_text_joins_back_exactly_within_the_limit(text: str) -> None:
    pieces = split_text(text)
    assert "".join(pieces) == text
    assert all(len(piece) <= SLACK_SECTION_TEXT_MAX for piece in pieces)
    assert all(pieces) or pieces == [""]
    for piece in pieces[1:]:
        assert not unicodedata.category(piece[0]).startswith("M")
        assert not piece.startswith("\u200d")
    for piece in pieces[:-1]:
        assert not piece.endswith("\u200d")


def test_slack_point_with_thirty_long_quotes_shows_what_fits_and_counts_the_rest() -> None:
    brief = generated_brief(1, 30, 2500, seed=1)
    messages = brief_to_slack(brief)
    [(subject, (own, more))] = shown_points(messages).items()
    assert subject == "topic p0"
    assert more > 0
    assert f"+{more} more quotes" in own
    assert sum(e.quote in own for e in brief.points[0].evidence) == 30 - more


# --- escaping --------------------------------------------------------------------------


def hostile_brief() -> Brief:
    """Article text everywhere it can appear, all of it hostile."""
    item = evidence(
        HOSTILE,
        "<!channel>.txt",
        speaker="*Spk* <@U999>",
        source="_Out_ <!here>",
        url="http://evil> <!channel|x",
        title="[T](http://evil) ~t~",
    )
    point = Point(
        stance="supports",
        proposition="x",
        statement=make_statement("Poland", "supports", "x", ("`c` <!everyone>",)),
        conditions=("`c` <!everyone>",),
        speakers=("*Spk* <@U999>",),
        evidence=(item,),
    )
    change = StanceChange(
        proposition="x",
        before="opposes",
        after="supports",
        before_date=None,
        after_date=None,
        before_evidence=(item,),
        after_evidence=(item,),
    )
    return Brief(
        actor=POLAND,
        as_of=None,
        summary="Poland supports x.",
        points=(point,),
        changes=(change,),
        sources=(source_of(item),),
        topic="*t* <!here>",
    )


def test_slack_escape_neutralises_mentions_and_formatting() -> None:
    """Entities stop mentions and links; zero-width spaces stop * _ ~ ` from pairing up."""
    z = ZWSP
    assert escape(HOSTILE) == (
        f"&lt;!everyone&gt; {z}*{z}bold{z}*{z} {z}_{z}it{z}_{z} {z}~{z}s{z}~{z} "
        f"{z}`{z}code{z}`{z} &lt;@U123&gt; @{z}everyone @{z}here &lt;#C1&gt; "
        "[x](http://evil) # heading"
    )
    assert escape("a & b") == "a &amp; b"


@pytest.mark.parametrize(
    "text",
    [
        "000_449e190d31b4c890.txt",
        "a*b",
        "snake_case_name",
        "a~b~c",
        "x`y`z",
        "raport_łódź_2026.txt",
        "Jean_Luc",
        "3*4=12",
    ],
)
def test_slack_escape_leaves_markers_inside_a_word_alone(text: str) -> None:
    """A marker between two letters or digits can neither open nor close formatting in
    Slack, so it is left as it is: a file name copies out of Slack verbatim."""
    assert escape(text) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("_draft_", "Z_ZdraftZ_Z"),  # opens at the start, closes at the end
        ("a *b* c", "a Z*ZbZ*Z c"),  # after and before a space
        ("(*x*)", "(Z*ZxZ*Z)"),  # after and before punctuation
        ("x*", "xZ*Z"),  # a closer at the end
        ("*x", "Z*Zx"),  # an opener at the start
        ("file_.txt", "fileZ_Z.txt"),  # before punctuation: could close
        ("__init__", "Z_ZZ_ZinitZ_ZZ_Z"),  # next to another marker
        ("a_&b", "aZ_Z&amp;b"),  # before an entity's '&'
        ("x_\ny", "xZ_Z\ny"),  # before a line break
        ("000_449e.txt *bold*", "000_449e.txt Z*ZboldZ*Z"),  # only where Slack formats
    ],
)
def test_slack_escape_fences_markers_at_a_word_boundary(text: str, escaped: str) -> None:
    assert escape(text) == escaped.replace("Z", ZWSP)


def test_slack_file_names_and_metadata_copy_out_verbatim() -> None:
    """No zero-width space in a file name, an intra-word marker or anywhere in rich text."""
    name = "000_449e190d31b4c890.txt"
    item = evidence(
        "He said *no* to the_plan, ~twice~.",
        name,
        speaker="Jean_Luc",
        source="Le_Monde",
        title="Report_2026",
    )
    brief = hostile_brief().model_copy(
        update={
            "points": (hostile_brief().points[0].model_copy(update={"evidence": (item,)}),),
            "changes": (),
            "sources": (source_of(item),),
        }
    )
    messages = brief_to_slack(brief)
    assert_within_slack_limits(messages)
    assert shown_quotes(messages) == [item.quote]
    [block] = rich_blocks(messages)
    assert block_texts(block) == [item.quote, f"— Jean_Luc, Le_Monde, 2026-01-06 ({name})"]
    assert ZWSP not in json.dumps(block, ensure_ascii=False)
    # the Sources line is mrkdwn: the names in it are left alone, being inside words
    assert f"1. Report_2026, Le_Monde, 2026-01-06 — {name}" in all_text(messages)


def assert_mrkdwn_inert(text: str) -> None:
    """No '<…>' (mention, link) and no formatting pair from the hostile brief."""
    assert re.findall(r"<[^>]*>", text) == []  # the evil URL is not linked
    for raw in ("*bold*", "_it_", "~s~", "`code`", "*Spk*", "_Out_", "~t~", "`c`", "*t*"):
        assert raw not in text
    assert "@everyone" not in text and "@here" not in text
    # we never use ~ or ` ourselves: every one left is fenced by zero-width spaces
    assert not re.search(rf"(?<!{ZWSP})[~`]|[~`](?!{ZWSP})", text)


def test_slack_brief_lets_no_article_text_mention_link_or_format() -> None:
    """mrkdwn text keeps no '<…>' and no formatting pair; rich text shows the article as
    it is, which is safe because rich text is never parsed and holds only text and links."""
    messages = brief_to_slack(hostile_brief())
    assert_within_slack_limits(messages)
    for message in messages:
        for text in mrkdwn_texts(message):
            assert_mrkdwn_inert(text)
    assert shown_quotes(messages) == [HOSTILE] * 3  # the point's, before and after
    attribution = "— *Spk* <@U999>, _Out_ <!here>, 2026-01-06 (<!channel>.txt)"
    for block in rich_blocks(messages):
        assert block_texts(block)[-2:] == [HOSTILE, attribution]
        # the hostile URL is not a link: a link element would carry it to Slack as a URL
        assert {leaf["type"] for leaf in rich_leaves(block)} == {"text"}
    assert "[T](http://evil) ~t~" not in all_text(messages)


def test_slack_fallback_text_is_escaped() -> None:
    """The `text` notifications show is mrkdwn too: no mention, link or formatting there."""
    actor = ActorRef(id="x", name="*X* <!here>", kind="country")
    brief = hostile_brief().model_copy(update={"summary": HOSTILE, "actor": actor})
    messages = brief_to_slack(brief)
    for message in messages:
        assert message["text"].strip()
        assert_mrkdwn_inert(message["text"])
    assert "&lt;!everyone&gt;" in messages[0]["text"]
    assert "&lt;!here&gt;" in messages[0]["text"]


def test_slack_blocks_are_verbatim_so_slack_adds_no_links_or_mentions() -> None:
    for block in brief_to_slack(hostile_brief())[0]["blocks"]:
        if block["type"] == "rich_text":  # no mrkdwn to parse: only text and link leaves
            assert {leaf["type"] for leaf in rich_leaves(block)} <= RICH_LEAVES
            continue
        objects = [block["text"]] if "text" in block else block.get("elements", [])
        for obj in objects:
            assert obj["type"] == "plain_text" or obj["verbatim"] is True


def test_slack_blocks_are_what_slack_sdk_models_expect() -> None:
    """Every block parses into slack_sdk's Block Kit models, validates and serialises back
    unchanged, so no key is misspelt or unknown (skipped without slack_sdk)."""
    blocks_module = pytest.importorskip("slack_sdk.models.blocks")
    briefs = [golden_brief(), hostile_brief(), with_first_quote("<" * 7000)]
    rendered = [m for brief in briefs for m in brief_to_slack(brief)]
    rendered += matrix_to_slack(hundred_rows(600))
    for message in rendered:
        for block in message["blocks"]:
            parsed = blocks_module.Block.parse(block)
            parsed.validate_json()
            assert parsed.to_dict() == block


# --- matrix, actors, notices -----------------------------------------------------------


def hundred_rows(longest: int) -> StanceMatrix:
    rng = random.Random(longest)
    rows = tuple(
        MatrixRow(
            actor=ActorRef(id=f"actor-{i}", name=f"Actor {i} Łęczyca", kind="country"),
            stance=STANCES[i % 4],
            proposition="send troops to Ukraine",
            last_seen=day(rng.choice(["2025-06-01", None])),
            evidence=(evidence(quote_text(rng, f"R{i}", rng.randint(20, longest)), f"r{i}.txt"),),
        )
        for i in range(100)
    )
    return StanceMatrix(topic="troops", as_of=day("2026-01-06"), rows=rows)


@pytest.mark.parametrize("longest", [80, 600, 2500])
def test_slack_matrix_of_a_hundred_actors_stays_within_limits(longest: int) -> None:
    """Rows that do not fit are counted as '+N more actors'; a row's quote is whole."""
    matrix = hundred_rows(longest)
    messages = matrix_to_slack(matrix)
    assert_within_slack_limits(messages)
    text = all_text(messages)
    shown = [row for row in matrix.rows if f"· {row.actor.name}" in text]
    assert shown == list(matrix.rows[: len(shown)])
    actors_more = [int(m.group(1)) for m in MORE.finditer(text) if m.group(2) == "actor"]
    assert len(shown) + sum(actors_more) == 100
    quotes_more = sum(int(m.group(1)) for m in MORE.finditer(text) if m.group(2) == "quote")
    assert sum(row.evidence[0].quote in text for row in shown) + quotes_more == len(shown)
    assert messages[0]["blocks"][0]["text"]["text"] == (
        "Who stands where on 'troops', as of 2026-01-06"
    )


def test_slack_actors_list_of_a_hundred_fits() -> None:
    summaries = [
        ActorSummary(
            actor=ActorRef(id=f"a-{i}", name=f"Actor *{i}*", kind="person"), claims=i, documents=1
        )
        for i in range(100)
    ]
    messages = actors_to_slack(summaries)
    assert_within_slack_limits(messages)
    text = all_text(messages)
    assert all(f"*Actor {ZWSP}*{ZWSP}{i}{ZWSP}*{ZWSP}*" in text for i in range(100))
    assert "*Actor 7*" not in text  # the name cannot format itself


def test_slack_empty_matrix_and_actors_are_notices() -> None:
    empty = StanceMatrix(topic="troops", as_of=None, rows=())
    [message] = matrix_to_slack(empty)
    assert message["text"] == "No stated positions on 'troops' found in the corpus."
    assert [b["type"] for b in message["blocks"]] == ["section"]
    assert actors_to_slack([])[0]["text"] == "No actors found in the corpus."


def test_slack_notice_is_one_escaped_section_within_limits() -> None:
    message = notice_to_slack("Usage: `/position <actor>` — try *poland*. @here")
    assert message == {
        "text": f"Usage: `/position &lt;actor&gt;` — try *poland*. @{ZWSP}here",
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"Usage: `/position &lt;actor&gt;` — try *poland*. @{ZWSP}here",
                    "verbatim": True,
                },
            }
        ],
    }
    long = notice_to_slack("& " * 4000)
    assert_within_slack_limits([long])
    assert notice_to_slack("  ")["text"]
