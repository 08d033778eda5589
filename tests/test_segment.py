"""Sentence segmentation: quotation and dateline repairs, offsets into the verbatim text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language

from briefs.analyzer import Analyzer
from briefs.documents import parse_document
from briefs.models import Analysis
from briefs.nlp.segment import split_paragraph

SEEDS = Path(__file__).parents[1] / "seeds"
AnalyzeText = Callable[..., Analysis]

MULTI_QUOTES = [
    (
        "curly",
        "“We will not send Polish soldiers to Ukraine. This is the government’s position "
        "not for a week, but for many months,” he said.",
    ),
    (
        "straight",
        "\"We will not send Polish soldiers to Ukraine. This is the government's position. "
        'It will not change," he said.',
    ),
    (
        "three-sentences-named",
        "“Poland will lead logistics. We are ready. The decision is final,” Tusk said.",
    ),
]


def texts(analysis: Analysis) -> list[str]:
    return [s.text for s in analysis.sentences]


@pytest.mark.parametrize("quote", [q for _, q in MULTI_QUOTES], ids=[i for i, _ in MULTI_QUOTES])
def test_multi_sentence_quote_with_trailing_attribution_is_one_sentence(
    analyze_text: AnalyzeText, quote: str
) -> None:
    """A quotation of several sentences followed by 'he said' stays one sentence."""
    assert texts(analyze_text(quote)) == [quote]


def test_sentence_after_a_closed_quote_starts_anew(analyze_text: AnalyzeText) -> None:
    """Once the quotation is closed, the next sentence is separate again."""
    quote = "“We will not send soldiers. This is final,” he said."
    assert texts(analyze_text(quote + " Hungary agreed.")) == [quote, "Hungary agreed."]


@pytest.mark.parametrize(
    ("dateline", "rest"),
    [
        (
            "BUCHAREST, September 4.",
            "Romania will not send troops to Ukraine, the defence minister said.",
        ),
        ("WARSAW, Jan. 6.", "Poland will lead logistics for Ukraine."),
    ],
    ids=["bucharest", "warsaw-abbreviated-month"],
)
def test_dateline_joins_its_sentence(analyze_text: AnalyzeText, dateline: str, rest: str) -> None:
    """A bare dateline ('BUCHAREST, September 4.') is part of the sentence it introduces."""
    body = f"{dateline} {rest} Hungary agreed."
    assert texts(analyze_text(body)) == [f"{dateline} {rest}", "Hungary agreed."]


def test_dateline_sentence_still_yields_its_claim(analyze_text: AnalyzeText) -> None:
    """The sentence behind a dateline is read as usual: Romania opposes sending troops."""
    analysis = analyze_text(
        "BUCHAREST, September 4. Romania will not send troops to Ukraine, the defence "
        "minister said."
    )
    assert [(c.actor_id, c.stance) for c in analysis.claims] == [("romania", "opposes")]


def test_plain_sentences_are_split(analyze_text: AnalyzeText) -> None:
    """Ordinary sentences in one paragraph are separate sentences."""
    body = "Poland will lead logistics for Ukraine. Hungary disagreed. Spain said nothing."
    assert texts(analyze_text(body)) == [
        "Poland will lead logistics for Ukraine.",
        "Hungary disagreed.",
        "Spain said nothing.",
    ]


def test_sentences_never_cross_paragraphs(analyze_text: AnalyzeText) -> None:
    """A quotation left open at a paragraph's end does not swallow the next paragraph."""
    analysis = analyze_text("“We will not send soldiers, he said.\n\nHungary agreed.")
    assert texts(analysis) == ["“We will not send soldiers, he said.", "Hungary agreed."]
    assert [s.paragraph for s in analysis.sentences] == [0, 1]


def test_indexes_and_paragraphs_count_in_text_order(analyze_text: AnalyzeText) -> None:
    """Sentence indexes run 0..n-1 over the document; paragraphs number the body's paragraphs."""
    analysis = analyze_text("One sentence here. Another one here.\n\nA third one.\nA fourth one.")
    assert [s.index for s in analysis.sentences] == [0, 1, 2, 3]
    assert [s.paragraph for s in analysis.sentences] == [0, 0, 1, 2]


@pytest.mark.parametrize(
    "body",
    [
        "Poland will lead logistics for Ukraine.   Hungary disagreed.\n\n\n"
        "  Spain said nothing.  \n",
        "“We will not send Polish soldiers to Ukraine. This is final,” he said.\r\nHungary agreed.",
        "BUCHAREST, September 4. Romania will not send troops. "
        "Władysław Kosiniak‑Kamysz agreed — “Yes.”",
    ],
    ids=["odd-whitespace", "crlf-and-quote", "non-ascii"],
)
def test_sentence_offsets_slice_the_document_text(analyze_text: AnalyzeText, body: str) -> None:
    """For every sentence, document.text[start:end] is its text, inside the body."""
    analysis = analyze_text(body)
    document = analysis.document
    assert analysis.sentences
    for sentence in analysis.sentences:
        assert document.text[sentence.start : sentence.end] == sentence.text
        assert document.body_start <= sentence.start < sentence.end


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seed_sentence_offsets_slice_the_file(analyzer: Analyzer, path: Path) -> None:
    """Each seed sentence is the file's trimmed text at its offsets, in order, on one line."""
    raw = path.read_bytes()
    analysis = analyzer.analyze(parse_document(path.name, raw))
    file_text = raw.decode("utf-8")
    previous_end = 0
    for sentence in analysis.sentences:
        assert file_text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        assert "\n" not in sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end


def test_seed_quote_with_he_said_is_one_sentence(analyzer: Analyzer) -> None:
    """Seed 000's two-sentence quote ending ', he said.' is a single sentence."""
    path = SEEDS / "000_449e190d31b4c890.txt"
    analysis = analyzer.analyze(parse_document(path.name, path.read_bytes()))
    quote = (
        "“We will not send Polish soldiers to Ukraine. This is the government’s position "
        "not for a week, but for many months,” he said."
    )
    assert quote in texts(analysis)


def test_split_paragraph_offsets_index_the_document(nlp: Language) -> None:
    """split_paragraph shifts offsets by the paragraph's offset and numbers from first_index."""
    prefix = "Header text that is not parsed.\n"
    paragraph = "“We will not send soldiers. This is final,” he said. Hungary agreed."
    text = prefix + paragraph
    units = split_paragraph(nlp(paragraph), offset=len(prefix), paragraph=3, first_index=7)
    assert [u.sentence.index for u in units] == [7, 8]
    assert [u.sentence.paragraph for u in units] == [3, 3]
    for unit in units:
        assert text[unit.sentence.start : unit.sentence.end] == unit.sentence.text
        assert unit.span.text == unit.sentence.text
