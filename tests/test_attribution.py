"""The attribution layer on real spaCy parses: direct, reported and floating statements.

Sentences here are written for the tests (not taken from any development corpus), one
mechanism each; every statement must also be verbatim at its offsets.
"""

from __future__ import annotations

import pytest
from conftest import AnalyzeText

from briefs.models import Analysis, Attribution
from briefs.nlp.quotemarks import find_quoted


def statements(analysis: Analysis) -> list[Attribution]:
    text = analysis.document.text
    for quote in analysis.quotes:
        assert text[quote.start : quote.end] == quote.text
        assert quote.sentence_start <= quote.start < quote.end <= quote.sentence_end
        if quote.mention is not None:
            assert quote.mention_start is not None and quote.mention_end is not None
            assert text[quote.mention_start : quote.mention_end] == quote.mention
    return list(analysis.quotes)


def only(analysis: Analysis, containing: str) -> Attribution:
    found = [q for q in statements(analysis) if containing in q.text]
    assert len(found) == 1, [q.text for q in statements(analysis)]
    return found[0]


def speaker_of(analysis: Analysis, containing: str) -> str | None:
    speaker = only(analysis, containing).speaker
    return speaker.name if speaker else None


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ('He said "yes" and "no".', [(8, 13), (18, 22)]),
        ("“Outer ‘inner’ words,” she said.", [(0, 22)]),
        ("‘I’m here, it’s Jarrah’s turn,’ he said.", [(0, 31)]),
        ("“A quote carried on", [(0, 19)]),
        ("In the ‘90s it was fine.", []),
    ],
    ids=["straight", "nested", "apostrophes", "unclosed", "elision"],
)
def test_quotation_marks(text: str, spans: list[tuple[int, int]]) -> None:
    """Outermost quotations: straight, curly, nested, single with apostrophes, carried over."""
    assert [(q.start, q.end) for q in find_quoted(text)] == spans


def test_direct_quote_with_verb_after(analyze_text: AnalyzeText) -> None:
    """`“…,” Name told reporters.` is a direct quote, marks included, with cue and mention."""
    analysis = analyze_text(
        "Mayor Lena Brandt spoke after the vote.\n\n"
        "“This budget fixes the roads,” Brandt told reporters on Tuesday."
    )
    quote = only(analysis, "fixes the roads")
    assert quote.text == "“This budget fixes the roads,”"
    assert (quote.kind, quote.cue, quote.mention) == ("direct", "told", "Brandt")
    assert quote.speaker is not None and quote.speaker.name == "Lena Brandt"


def test_split_quote_and_floating_quote(analyze_text: AnalyzeText) -> None:
    """A quote split by its cue is two statements; the next cue-less one is the same speaker's."""
    analysis = analyze_text(
        "“If we wait,” said Omar Haddad, “the bridge will close.” “Nobody wants that.”"
    )
    for part in ("If we wait", "the bridge will close", "Nobody wants that"):
        assert speaker_of(analysis, part) == "Omar Haddad"
    assert only(analysis, "Nobody wants that").mention is None


def test_quote_carried_over_paragraphs(analyze_text: AnalyzeText) -> None:
    """An open quotation continued in the next paragraph keeps its speaker."""
    analysis = analyze_text(
        "“We tried everything,” said coach Ida Varga. “We changed the lineup.\n\n"
        "“We changed the schedule. Nothing worked.”"
    )
    assert speaker_of(analysis, "Nothing worked") == "Ida Varga"


@pytest.mark.parametrize(
    ("body", "content", "cue"),
    [
        (
            "Councillor Ruth Abara said that the plan would cost $4 million.",
            "that the plan would cost $4 million",
            "said",
        ),
        (
            "Ruth Abara urged residents to attend the meeting.",
            "to attend the meeting",
            "urged",
        ),
        (
            "The bridge will close in May, according to Ruth Abara.",
            "The bridge will close in May",
            "according to",
        ),
        (
            "Ruth Abara said in a statement that the vote was fair.",
            "that the vote was fair",
            "said",
        ),
    ],
    ids=["said-that", "urged-to", "according-to", "in-a-statement"],
)
def test_reported_speech(analyze_text: AnalyzeText, body: str, content: str, cue: str) -> None:
    """The reported clause, without the addressee or the medium, is the content."""
    quote = only(analyze_text(body), content.split()[1])
    assert (quote.text, quote.kind, quote.cue) == (content, "indirect", cue)
    assert quote.speaker is not None and quote.speaker.name == "Ruth Abara"


def test_partial_quote_makes_a_mixed_statement(analyze_text: AnalyzeText) -> None:
    """A reported clause holding quoted words is one mixed statement, the marks kept."""
    quote = only(
        analyze_text("Tomas Ruiz said the deal was “a betrayal of every worker.”"), "betrayal"
    )
    assert quote.kind == "mixed"
    assert quote.text == "the deal was “a betrayal of every worker.”"


def test_scare_quotes_titles_and_nicknames_are_not_statements(analyze_text: AnalyzeText) -> None:
    """A term in quotes, a book title and a nickname are nobody's words."""
    analysis = analyze_text(
        'The city\'s "smart corridor" pilot was cancelled. Her novel, "The Glass Harbour," '
        'sold well. The goalkeeper, Pavel "the Wall" Novak, stayed home.'
    )
    assert statements(analysis) == []


def test_silence_is_not_a_statement(analyze_text: AnalyzeText) -> None:
    """ "would not say whether" and "did not respond" report nothing."""
    analysis = analyze_text(
        "Ruth Abara would not say whether the plan was final. "
        "The company did not respond to a request for comment."
    )
    assert statements(analysis) == []


def test_pronoun_and_title_resolve_to_the_full_name(analyze_text: AnalyzeText) -> None:
    """ "she" and "the judge" are the full name the article gave first."""
    analysis = analyze_text(
        "Superior Court Justice Amara Osei sentenced the man on Friday.\n\n"
        "“This was a calculated fraud,” the judge said.\n\n"
        "She said that the victims had lost their savings."
    )
    assert speaker_of(analysis, "calculated fraud") == "Amara Osei"
    assert speaker_of(analysis, "lost their savings") == "Amara Osei"


def test_pronoun_follows_the_latest_speaker_of_its_gender(analyze_text: AnalyzeText) -> None:
    """With a man and a woman quoted, "he" goes back past her to him."""
    analysis = analyze_text(
        "Grocer Ben Okoye said he would close the store in June.\n\n"
        "Customer Maria Lind said she would miss it.\n\n"
        "“It was a hard decision,” he said."
    )
    assert speaker_of(analysis, "hard decision") == "Ben Okoye"


def test_organisation_speaker_and_its_description(analyze_text: AnalyzeText) -> None:
    """A body speaks ("the company said") and is the organisation named before."""
    analysis = analyze_text(
        "Corvane Foods will close its plant in Dunmore next year.\n\n"
        "The company said that production would move to Ohio."
    )
    assert speaker_of(analysis, "production would move") == "Corvane Foods"


def test_colon_and_dash_signatures(analyze_text: AnalyzeText) -> None:
    """ "Name: “…”" and "“…” — Name" credit the named person without a verb."""
    analysis = analyze_text(
        "Lena Brandt: “We will rebuild the library.”\n\n“Books first, always.” — Omar Haddad"
    )
    assert speaker_of(analysis, "rebuild the library") == "Lena Brandt"
    assert speaker_of(analysis, "Books first") == "Omar Haddad"
