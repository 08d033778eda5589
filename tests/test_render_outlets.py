"""One story, several outlets: a point says who reported it, on every surface.

A point lists its outlets (`Point.outlets`, the JSON's `outlets`) and its first quotes
take one article at a time, so three outlets' copies of one story read as one point
"Reported by" all three, its first three quotes one from each.
"""

from __future__ import annotations

from test_render import INJECTION, POLAND, TOPICS, cited
from test_render_discord import all_text as discord_text
from test_render_discord import assert_within_discord_limits
from test_render_slack import all_text as slack_text
from test_render_slack import assert_within_slack_limits, mrkdwn_texts

from briefs.brief import build_brief
from briefs.models import Brief, BriefRequest
from briefs.render.discord import brief_to_discord
from briefs.render.markdown import brief_to_markdown
from briefs.render.slack import brief_to_slack
from briefs.render.text import brief_to_text

OUTLETS = ("Kyiv Wire", "Northern Ledger", "Continental Post")


def three_outlet_brief(quotes: int = 20, *, outlets: tuple[str, ...] = OUTLETS) -> Brief:
    """Each outlet's copy states the point twice; the last copy came out a day later."""
    claims = []
    for n, outlet in enumerate(outlets):
        date = "2026-01-07" if n == len(outlets) - 1 else "2026-01-06"
        for line in (1, 2):
            claim = cited(
                date=date, document=f"{outlet}.html", source=outlet, quote=f"{outlet} {line}."
            )
            start = 10 + 100 * line
            moved = claim.evidence.model_copy(update={"start": start, "end": start + 10})
            claims.append(claim.model_copy(update={"evidence": moved}))
    request = BriefRequest(actor="poland", quotes_per_point=quotes)
    return build_brief(POLAND, claims, request, topics=TOPICS)


def test_the_first_quotes_take_one_article_at_a_time() -> None:
    (point,) = three_outlet_brief(quotes=3).points
    assert [e.source for e in point.evidence] == [OUTLETS[2], OUTLETS[0], OUTLETS[1]]
    assert point.evidence_total == 6
    assert set(point.outlets) == set(OUTLETS)
    (full,) = three_outlet_brief().points
    assert [e.quote for e in full.evidence] == [
        "Continental Post 1.",
        "Kyiv Wire 1.",
        "Northern Ledger 1.",
        "Continental Post 2.",
        "Kyiv Wire 2.",
        "Northern Ledger 2.",
    ]


def test_every_surface_says_who_reported_the_point() -> None:
    brief = three_outlet_brief()
    listed = ", ".join(brief.points[0].outlets)
    assert f"   Reported by: {listed}\n" in brief_to_text(brief)
    assert f"- **Reported by:** {listed}\n" in brief_to_markdown(brief)
    slack = brief_to_slack(brief)
    assert_within_slack_limits(slack)
    assert f"*Reported by:* {listed}" in slack_text(slack)
    discord = brief_to_discord(brief)
    assert_within_discord_limits(discord)
    fields = [f for m in discord for e in m["embeds"] for f in e.get("fields", [])]
    assert {"name": "Reported by", "value": listed, "inline": True} in fields
    assert listed in discord_text(discord)


def test_one_outlet_is_not_repeated_and_outlet_names_are_escaped() -> None:
    single = three_outlet_brief(outlets=("Kyiv Wire",))
    assert "Reported by" not in brief_to_text(single)
    assert "Reported by" not in slack_text(brief_to_slack(single))
    hostile = three_outlet_brief(outlets=(INJECTION, "Kyiv Wire"))
    reported = [
        line
        for message in brief_to_slack(hostile)
        for text in mrkdwn_texts(message)
        for line in text.splitlines()
        if line.startswith("*Reported by:*")
    ]
    assert reported and "&lt;@" in reported[0] and "<@" not in reported[0]
    discord_fields = [
        f["value"]
        for m in brief_to_discord(hostile)
        for e in m["embeds"]
        for f in e.get("fields", [])
        if f["name"] == "Reported by"
    ]
    assert discord_fields and "\\*bold\\*" in discord_fields[0]
