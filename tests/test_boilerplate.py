from __future__ import annotations

from pathlib import Path

import pytest

from briefs.boilerplate import content_spans, find_boilerplate, iter_lines, line_kind
from briefs.documents import parse_document
from briefs.models import Boilerplate, Document

SEEDS = Path(__file__).parents[1] / "seeds"
CORPUS = Path(__file__).parents[2] / "shared" / "corpus" / "articles"


def body_document(body: str) -> Document:
    """A header file, so every line of `body` is body text."""
    return parse_document("t.txt", ("title: T\n---\n" + body).encode("utf-8"))


def seed(name: str) -> Document:
    path = SEEDS / name
    return parse_document(path.name, path.read_bytes())


def flagged(document: Document) -> list[tuple[str, str]]:
    return [(b.kind, document.text[b.start : b.end]) for b in find_boilerplate(document)]


def assert_spans_are_file_text(
    path: Path, document: Document, spans: list[tuple[int, int]]
) -> None:
    """Each span is a trimmed piece of one body line, indexing the file's own text."""
    file_text = path.read_bytes().decode("utf-8")
    for start, end in spans:
        piece = document.text[start:end]
        assert piece == file_text[start:end]
        assert piece and piece == piece.strip() and "\n" not in piece
        assert document.body_start <= start < end <= len(document.text)


# --- seed 002: a scraped page full of furniture -----------------------------------


def test_seed_002_furniture_kinds_in_order() -> None:
    kinds = [kind for kind, _ in flagged(seed("002_290cfcd77583d367.txt"))]
    assert kinds == [
        "donation_appeal",
        "donation_appeal",
        "tweet_signature",
        "tweet_link",
        "tweet_signature",
        "tweet_link",
        "tweet_signature",
        "donation_appeal",
        "image_credit",
        "author_bio",
    ]


def test_seed_002_donation_appeals_are_whole_lines() -> None:
    document = seed("002_290cfcd77583d367.txt")
    appeals = [text for kind, text in flagged(document) if kind == "donation_appeal"]
    assert appeals[0].startswith("Keep our news free from ads and paywalls")
    assert appeals[0].endswith("support our work!")
    assert appeals[1].startswith("Notes from Poland is run by a small editorial team")
    assert appeals[2].startswith("Notes from Poland is run by a small editorial team")
    assert all(
        text.endswith("We cannot do what we do without your support.") for text in appeals[1:]
    )


def test_seed_002_tweet_signatures_name_the_speaker() -> None:
    document = seed("002_290cfcd77583d367.txt")
    signatures = [b for b in find_boilerplate(document) if b.kind == "tweet_signature"]
    assert [b.speaker for b in signatures] == [
        "Donald Tusk",
        "Ursula von der Leyen",
        "Notes from Poland",
    ]
    assert document.text[signatures[0].start : signatures[0].end] == (
        "— Donald Tusk (@donaldtusk) January 6, 2026"
    )


def test_seed_002_tweet_links_cover_only_the_url() -> None:
    links = [
        text for kind, text in flagged(seed("002_290cfcd77583d367.txt")) if kind == "tweet_link"
    ]
    assert links == ["pic.twitter.com/yYjs5cV7sH", "https://t.co/pWrDAeaat1"]


def test_seed_002_credit_and_bio() -> None:
    found = dict(flagged(seed("002_290cfcd77583d367.txt")))
    assert found["image_credit"] == "Main image credit: KPRM/Fl (under CC BY-NC-ND 4.0)"
    assert found["author_bio"].startswith("Daniel Tilles is editor-in-chief of Notes from Poland.")


def test_seed_002_content_keeps_the_tweet_text_and_drops_the_furniture() -> None:
    document = seed("002_290cfcd77583d367.txt")
    spans = content_spans(document, find_boilerplate(document))
    pieces = [document.text[start:end] for start, end in spans]
    assert pieces[0].startswith("Poland will be “the lead country”")
    assert "We collectively stand by Ukraine and a safe, secure prosperous future…" in pieces
    assert any(piece.startswith("Today in Paris, Europe, the US") for piece in pieces)
    assert pieces[-1].endswith("brought under US control")
    joined = "\n".join(pieces)
    for absent in ("donation", "pic.twitter", "t.co/", "(@", "image credit", "Daniel Tilles"):
        assert absent not in joined
    assert_spans_are_file_text(SEEDS / document.name, document, spans)


def test_seed_000_has_no_furniture() -> None:
    document = seed("000_449e190d31b4c890.txt")
    assert find_boilerplate(document) == ()
    spans = content_spans(document, ())
    assert len(spans) == 13
    assert_spans_are_file_text(SEEDS / document.name, document, spans)


def test_boilerplate_spans_are_sorted_whole_trimmed_lines() -> None:
    document = seed("002_290cfcd77583d367.txt")
    found = find_boilerplate(document)
    assert list(found) == sorted(found, key=lambda b: (b.start, b.end))
    for item in found:
        text = document.text[item.start : item.end]
        assert text == text.strip() and "\n" not in text


# --- hand-written lines ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Support our journalism", "donation_appeal"),
        ("Please support our work.", "donation_appeal"),
        ("Become a patron of our newsroom today.", "donation_appeal"),
        ("Donate now", "donation_appeal"),
        ("Sign up to our newsletter", "newsletter"),
        ("Subscribe to our daily briefing on the war in Ukraine.", "newsletter"),
        ("— Kaja Kallas (@kajakallas) 3 March 2025", "tweet_signature"),
        ("- Jane Doe (@jdoe) Mar. 3, 2025", "tweet_signature"),
        ("Photo: Reuters", "image_credit"),
        ("Image: Office of the President", "image_credit"),
        ("Photo credit Jane Doe", "image_credit"),
        ("(Photo by Jane Doe / Getty Images)", "image_credit"),
        ("Featured image credit: EPA", "image_credit"),
    ],
)
def test_furniture_lines(line: str, kind: str) -> None:
    assert line_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Germany said it would support our allies in any peace deal.",
        "Poland will support our neighbours with logistics, Tusk said, and donate equipment.",
        "The minister said troops may be sent, but subscribers to that view are few.",
        "Subscribers to the plan include Britain and France, which signed the declaration "
        "on January 6, 2026, alongside twenty other governments in Paris that day.",
        "Zelensky (@ZelenskyyUa) thanked partners for the declaration signed on January 6, 2026.",
        "Photographs of the meeting showed Tusk next to Macron.",
        "Imagery from the front shows Russian advances, Syrskyi said.",
        "The Netherlands is a major contributor to NATO missions.",
    ],
)
def test_news_sentences_are_not_furniture(line: str) -> None:
    assert line_kind(line) is None
    document = body_document(line + "\n")
    assert find_boilerplate(document) == ()


def test_author_bio_only_counts_in_the_last_three_paragraphs() -> None:
    bio = "Jane Doe is a senior correspondent for Example News. She covers defence."
    body = f"{bio}\nFirst.\nSecond.\nThird.\n"
    assert find_boilerplate(body_document(body)) == ()
    document = body_document(f"First.\nSecond.\n\n{bio}\n\n")
    assert flagged(document) == [("author_bio", bio)]


@pytest.mark.parametrize(
    "line",
    [
        "Michael Kofman is a senior fellow at Carnegie.",
        "John Smith is the father of a journalist.",
        "Jane Doe is a reporter, “and a good one”, Tusk said.",
    ],
)
def test_closing_news_lines_about_people_are_not_bios(line: str) -> None:
    assert find_boilerplate(body_document(f"Lead.\n{line}\n")) == ()


def test_expert_bio_with_a_follow_up_sentence_is_flagged() -> None:
    line = "John Smith is a senior fellow at the Example Institute. He has written on NATO."
    assert flagged(body_document(f"Lead.\n{line}\n")) == [("author_bio", line)]


def test_header_lines_are_never_flagged() -> None:
    text = "title: Photo: the summit\nsource: Sign up to our newsletter\n---\nBody.\n"
    document = parse_document("t.txt", text.encode())
    assert find_boilerplate(document) == ()


def test_tweet_link_span_inside_a_line() -> None:
    body = "We stand with Ukraine. pic.twitter.com/AbC123 and more\n"
    document = body_document(body)
    [link] = find_boilerplate(document)
    assert link.kind == "tweet_link"
    assert document.text[link.start : link.end] == "pic.twitter.com/AbC123"
    pieces = [document.text[s:e] for s, e in content_spans(document, [link])]
    assert pieces == ["We stand with Ukraine.", "and more"]


# --- content spans -----------------------------------------------------------------


def test_content_spans_are_trimmed_non_empty_lines_of_the_body() -> None:
    document = body_document("  First paragraph.  \r\n\r\n\tSecond one.\r\n   \r\n")
    pieces = [document.text[s:e] for s, e in content_spans(document, ())]
    assert pieces == ["First paragraph.", "Second one."]


def test_content_spans_cut_out_unsorted_boilerplate() -> None:
    document = body_document("Keep A. Drop B. Keep C.\n")
    start = document.body_start
    cuts = [
        Boilerplate(start=start + 16, end=start + 23, kind="tweet_link"),
        Boilerplate(start=start + 8, end=start + 15, kind="tweet_link"),
    ]
    pieces = [document.text[s:e] for s, e in content_spans(document, cuts)]
    assert pieces == ["Keep A."]


def test_iter_lines_handles_every_line_break() -> None:
    text = "a\r\nb\nc\rd"
    assert [text[line.start : line.end] for line in iter_lines(text)] == ["a", "b", "c", "d"]
    assert [line.next for line in iter_lines(text)] == [3, 5, 7, 8]


# --- development corpus ------------------------------------------------------------


def test_nothing_in_the_dev_corpus_is_flagged() -> None:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not next to this checkout")
    paths = sorted(CORPUS.glob("*.txt"))
    assert len(paths) == 15
    for path in paths:
        document = parse_document(path.name, path.read_bytes())
        assert find_boilerplate(document) == (), path.name
        spans = content_spans(document, ())
        assert spans, path.name
        assert_spans_are_file_text(path, document, spans)
