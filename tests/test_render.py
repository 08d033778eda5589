from __future__ import annotations

import datetime as dt

from briefs.brief import build_brief
from briefs.matrix import build_matrix
from briefs.models import (
    ActorRef,
    ActorSummary,
    Brief,
    BriefRequest,
    CitedClaim,
    Claim,
    Evidence,
    Stance,
)
from briefs.render.markdown import brief_to_markdown, escape, matrix_to_markdown
from briefs.render.text import actors_to_text, brief_to_text, matrix_to_text
from briefs.topics import Topic, TopicCatalog

POLAND = ActorRef(id="poland", name="Poland", kind="country")
TROOPS = "send troops to Ukraine"
TOPICS = TopicCatalog(
    [Topic(id="troops", proposition=TROOPS, gerund="sending troops to Ukraine", cues=("troop*",))]
)
LONG_QUOTE = (
    "Poland will not send its soldiers to Ukraine, but it will lead logistics, "
    "Prime Minister Donald Tusk said after the summit in Paris on Tuesday evening."
)
INJECTION = "*bold* _x_ [link](http://x) <@everyone>"


def cited(
    stance: Stance = "opposes",
    date: str | None = "2026-01-06",
    document: str = "poland-troops.txt",
    *,
    quote: str = LONG_QUOTE,
    speaker: str | None = "Donald Tusk",
    source: str | None = "Reuters",
    url: str | None = None,
    title: str = "Poland will not send troops",
    conditions: tuple[str, ...] = (),
) -> CitedClaim:
    """A cited claim by Poland on sending troops, published on its date."""
    day = dt.date.fromisoformat(date) if date else None
    claim = Claim(
        actor_id="poland",
        stance=stance,
        proposition=TROOPS,
        conditions=conditions,
        speaker=speaker,
        sentence_index=0,
        start=10,
        end=10 + len(quote),
        date=day,
    )
    evidence = Evidence(
        document=document,
        title=title,
        source=source,
        url=url,
        published=day,
        quote=quote,
        start=10,
        end=10 + len(quote),
        speaker=speaker,
    )
    return CitedClaim(claim=claim, evidence=evidence)


def brief_of(claims: list[CitedClaim], limit: int = 8) -> Brief:
    request = BriefRequest(actor="poland", limit=limit)
    return build_brief(POLAND, claims, request, topics=TOPICS)


def test_text_has_title_summary_numbered_points_and_full_quotes() -> None:
    text = brief_to_text(brief_of([cited(url="https://example.com/a")]))
    lines = text.splitlines()
    assert lines[0] == "Poland: position brief, as of 2026-01-06"
    assert lines[1] == "Poland opposes sending troops to Ukraine."
    assert "1. OPPOSES: sending troops to Ukraine" in lines
    assert f"“{LONG_QUOTE}”" in text
    assert "— Donald Tusk, Reuters, 2026-01-06 (poland-troops.txt)" in text


def test_text_ends_with_numbered_sources() -> None:
    text = brief_to_text(brief_of([cited(url="https://example.com/a")]))
    sources = text[text.index("\nSources\n") :].splitlines()
    assert sources[-1] == (
        "1. Poland will not send troops, Reuters, 2026-01-06 — https://example.com/a"
    )


def test_text_never_prints_none_for_missing_parts() -> None:
    claims = [cited(date=None, speaker=None, source=None, url=None)]
    text = brief_to_text(brief_of(claims))
    assert "None" not in text
    assert text.splitlines()[0] == "Poland: position brief, as of unknown date"
    assert "— (poland-troops.txt)" in text
    assert "1. Poland will not send troops — poland-troops.txt" in text


def test_text_lists_conditions_once_and_counts_omitted_points() -> None:
    claims = [
        cited("supports", date="2025-01-01", document="a.txt", conditions=("if a truce holds",)),
        cited("opposes", date="2025-06-01", document="b.txt", conditions=("unless asked",)),
    ]
    text = brief_to_text(brief_of(claims, limit=1))
    assert "+1 more point" in text
    assert "Conditions: unless asked" in text
    full = brief_to_text(brief_of(claims))
    assert full.count("if a truce holds") == 1  # in the statement only, not repeated


def test_text_changes_section_shows_both_sides_with_dates_and_quotes() -> None:
    claims = [
        cited("opposes", date="2025-04-02", document="april.txt", quote="We will not go."),
        cited("undecided", date="2025-12-16", document="december.txt", quote="We shall see."),
    ]
    text = brief_to_text(brief_of(claims))
    changes = text[text.index("\nChanges\n") : text.index("\nSources\n")]
    assert "1. sending troops to Ukraine: OPPOSES (2025-04-02) → UNDECIDED (2025-12-16)" in changes
    assert changes.index("“We will not go.”") < changes.index("“We shall see.”")


def test_text_matrix_is_one_aligned_line_per_actor() -> None:
    rows = [
        (ActorRef(id="uk", name="United Kingdom", kind="country"), cited("supports")),
        (POLAND, cited("opposes", date=None, quote="No.\nNever.")),
    ]
    text = matrix_to_text(build_matrix("troops", rows, topics=TOPICS))
    lines = text.splitlines()
    assert lines[0] == "Who stands where on 'troops', as of 2026-01-06"
    table = lines[2:]
    assert len(table) == 3
    assert table[1].startswith("supports  United Kingdom  2026-01-06  “Poland will not send")
    assert table[2].startswith("opposes   Poland          -           “No. Never.”")
    assert "None" not in text


def test_text_matrix_without_rows_says_so() -> None:
    text = matrix_to_text(build_matrix("troops", [], topics=TOPICS))
    assert text == "No stated positions on 'troops' found in the corpus."


def test_actors_text_is_a_table() -> None:
    summaries = [
        ActorSummary(actor=POLAND, claims=12, documents=3),
        ActorSummary(
            actor=ActorRef(id="nato", name="NATO", kind="organisation"), claims=4, documents=2
        ),
    ]
    lines = actors_to_text(summaries).splitlines()
    assert lines[0].split() == ["ACTOR", "KIND", "ID", "CLAIMS", "DOCUMENTS"]
    assert lines[1].split() == ["Poland", "country", "poland", "12", "3"]
    assert lines[1].index("country") == lines[2].index("organisation")
    assert actors_to_text([]) == "No actors found in the corpus."


def test_markdown_escapes_injected_formatting() -> None:
    assert escape(INJECTION) == r"\*bold\* \_x\_ \[link\](http://x) \<@everyone\>"
    assert escape("a\\b `c` #d |e| ~f~") == r"a\\b \`c\` \#d \|e\| \~f\~"


def test_markdown_escapes_every_piece_of_article_text() -> None:
    claims = [
        cited(quote=INJECTION, speaker="*Spk*", source="_Out_", title="[T](x)", url="http://x")
    ]
    markdown = brief_to_markdown(brief_of(claims))
    for raw in ("*bold*", "_x_", "[link]", "<@everyone>", "*Spk*", "_Out_", "[T]"):
        assert raw not in markdown
    assert r"> \*bold\* \_x\_ \[link\](http://x) \<@everyone\>" in markdown
    assert r"\*Spk\*, \_Out\_, 2026-01-06 (poland-troops.txt)" in markdown
    assert "<http://x>" in markdown


def test_markdown_keeps_a_multiline_quote_inside_one_blockquote() -> None:
    markdown = brief_to_markdown(brief_of([cited(quote="First line\n\n- second line")]))
    assert "> First line\n>\n> \\- second line\n" in markdown


def test_markdown_brief_has_headings_sections_and_no_none() -> None:
    claims = [
        cited("opposes", date="2025-04-02", document="a.txt"),
        cited("supports", date=None, document="b.txt", speaker=None, source=None),
        cited("supports", date="2025-12-16", document="c.txt"),
    ]
    markdown = brief_to_markdown(brief_of(claims))
    assert markdown.startswith("# Poland: position brief, as of 2025-12-16\n")
    for heading in (
        "## Positions",
        "### 1. Supports: sending troops to Ukraine",
        "## Changes",
        "## Sources",
    ):
        assert f"\n{heading}\n" in markdown
    assert "None" not in markdown
    assert markdown.count(f"> {LONG_QUOTE}") == 5  # 3 in points, 2 in the change


def test_markdown_matrix_is_a_table_with_escaped_cells() -> None:
    rows = [(POLAND, cited("opposes", quote="A | B *c*"))]
    markdown = matrix_to_markdown(build_matrix("troops", rows, topics=TOPICS))
    assert "| Stance | Actor | Last seen | First quote |" in markdown
    assert r"| opposes | Poland | 2026-01-06 | “A \| B \*c\*” — Donald Tusk" in markdown
