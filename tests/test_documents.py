from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from briefs.documents import find_stated_date, parse_document, too_large_reason
from briefs.errors import DocumentError, SkippedFile

SEEDS = Path(__file__).parents[1] / "seeds"
CORPUS = Path(__file__).parents[2] / "shared" / "corpus" / "articles"

HEADER_FILE = (
    "title: Estonia offers troops\n"
    "source: The Kyiv Independent\n"
    "url: https://example.org/estonia\n"
    "published: 2025-08-22\n"
    "wording: paraphrased\n"
    "---\n"
    "Estonia stands ready, Prime Minister Kristen Michal said on January 6, 2026.\n"
)


def skip_reason(raw: bytes, max_bytes: int = 5_000_000) -> str:
    with pytest.raises(SkippedFile) as caught:
        parse_document("bad.txt", raw, max_bytes=max_bytes)
    return caught.value.reason


# --- header files ----------------------------------------------------------------


def test_header_fields_become_metadata() -> None:
    doc = parse_document("a.txt", HEADER_FILE.encode())
    assert doc.title == "Estonia offers troops"
    assert doc.source == "The Kyiv Independent"
    assert doc.url == "https://example.org/estonia"
    assert doc.published == dt.date(2025, 8, 22)
    assert doc.date_from_text is False


def test_header_body_starts_after_the_dashes_line() -> None:
    doc = parse_document("a.txt", HEADER_FILE.encode())
    assert doc.text[doc.body_start :].startswith("Estonia stands ready")
    assert doc.text == HEADER_FILE


def test_crlf_text_is_kept_verbatim_and_offsets_follow_it() -> None:
    raw = HEADER_FILE.replace("\n", "\r\n").encode()
    doc = parse_document("a.txt", raw)
    assert doc.text == raw.decode()
    assert doc.text[doc.body_start :].startswith("Estonia stands ready")
    assert doc.title == "Estonia offers troops"


def test_unknown_published_falls_back_to_the_date_in_the_file_name() -> None:
    text = HEADER_FILE.replace("2025-08-22", "unknown")
    doc = parse_document("2025-03-14_abc_albanese.txt", text.encode())
    assert doc.published == dt.date(2025, 3, 14)
    assert doc.date_from_text is False


def test_unknown_published_without_name_date_uses_the_body_date() -> None:
    text = HEADER_FILE.replace("2025-08-22", "unknown")
    doc = parse_document("estonia.txt", text.encode())
    assert doc.published == dt.date(2026, 1, 6)
    assert doc.date_from_text is True


def test_unparseable_published_and_no_date_anywhere_gives_none() -> None:
    text = "published: last week\n---\nEstonia stands ready, Michal said on Aug. 22.\n"
    doc = parse_document("estonia.txt", text.encode())
    assert doc.published is None
    assert doc.date_from_text is False


def test_missing_title_uses_the_first_body_line() -> None:
    text = "source: TASS\n---\n\nFico rules out troops\nSlovakia will not send troops.\n"
    doc = parse_document("fico.txt", text.encode())
    assert doc.title == "Fico rules out troops"
    assert doc.source == "TASS"
    assert doc.url is None


def test_markdown_front_matter_is_a_header() -> None:
    text = "---\ntitle: Front matter\n---\nBody line.\n"
    doc = parse_document("a.md", text.encode())
    assert doc.title == "Front matter"
    assert doc.text[doc.body_start :] == "Body line.\n"


def test_key_value_lines_without_closing_dashes_are_body_text() -> None:
    text = "Update: Poland will not send troops\nThe minister said so on Monday.\n"
    doc = parse_document("a.txt", text.encode())
    assert doc.source is None
    assert doc.title == "Update: Poland will not send troops"


# --- raw texts -------------------------------------------------------------------


def test_raw_text_title_is_the_first_non_empty_line() -> None:
    text = "\n  Poland rules out troops  \n\nPoland will not send troops, the minister said.\n"
    doc = parse_document("raw.txt", text.encode())
    assert doc.title == "Poland rules out troops"
    assert doc.text[doc.body_start :].lstrip().startswith("Poland will not send")
    assert doc.source is None
    assert doc.url is None


def test_raw_text_opening_with_an_appeal_keeps_everything_in_the_body() -> None:
    text = (
        "Keep our news free from ads and paywalls by making a donation to support our work!\n"
        "Poland will lead on logistics, Tusk said.\n"
    )
    doc = parse_document("raw.txt", text.encode())
    assert doc.body_start == 0
    assert doc.title == "Poland will lead on logistics, Tusk said."


def test_raw_text_opening_with_a_sentence_is_not_cut_from_the_body() -> None:
    text = "Poland will not send troops, the minister said.\nHe added more.\n"
    doc = parse_document("raw.txt", text.encode())
    assert doc.body_start == 0


def test_long_titles_are_shortened_at_a_word() -> None:
    sentence = "Poland will not send troops " * 10 + "at all."
    doc = parse_document("raw.txt", sentence.encode())
    assert len(doc.title) <= 120
    assert doc.title.endswith("…")
    kept = doc.title.removesuffix("…")
    assert sentence.startswith(kept + " ")


# --- identity --------------------------------------------------------------------


def test_id_is_derived_from_the_name_and_checksum_from_the_bytes() -> None:
    raw = HEADER_FILE.encode()
    doc = parse_document("a.txt", raw)
    assert doc.id == hashlib.sha256(b"a.txt").hexdigest()[:16]
    assert doc.checksum == hashlib.sha256(raw).hexdigest()
    assert parse_document("a.txt", raw, doc_id="given").id == "given"


def test_utf8_bom_is_dropped_from_the_text_but_not_the_checksum() -> None:
    raw = b"\xef\xbb\xbf" + HEADER_FILE.encode()
    doc = parse_document("a.txt", raw)
    assert doc.text == HEADER_FILE
    assert doc.checksum == hashlib.sha256(raw).hexdigest()


# --- skipped files ---------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf\n", "\u00a0\n".encode()])
def test_empty_files_are_skipped(raw: bytes) -> None:
    assert skip_reason(raw) == "empty file"


def test_oversize_file_is_skipped_with_both_sizes() -> None:
    assert skip_reason(b"x" * 2_000, max_bytes=1_000) == "larger than the 1.0 KB cap (2.0 KB)"


def test_too_large_reason_reads_in_megabytes() -> None:
    assert too_large_reason(12_300_000, 5_000_000) == "larger than the 5.0 MB cap (12.3 MB)"
    assert too_large_reason(5_000_001, 5_000_000).endswith("(5,000,001 bytes)")


def test_nul_bytes_mean_binary() -> None:
    assert skip_reason(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == "binary file, not text"


def test_many_control_characters_mean_binary() -> None:
    assert skip_reason(b"ab\x01\x02\x03\x04cd" * 10) == "binary file, not text"


def test_latin1_text_names_the_bad_byte_and_offset() -> None:
    raw = "Caf\u00e9 au lait".encode("latin-1")
    assert skip_reason(raw) == "not UTF-8 text (invalid byte 0xe9 at offset 3)"


def test_utf16_text_is_not_utf8() -> None:
    assert skip_reason("hello".encode("utf-16")).startswith("not UTF-8 text")


def test_skipped_file_is_a_document_error_naming_the_file() -> None:
    with pytest.raises(DocumentError, match=r"^bad\.txt: empty file$"):
        parse_document("bad.txt", b"")


# --- stated dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "— Donald Tusk (@donaldtusk) January 6, 2026",
        "on Jan. 6, 2026 in Paris",
        "on 6 January 2026 in Paris",
        "on 6th of January, 2026",
        "dated 2026-01-06.",
        "on January 6th, 2026",
    ],
)
def test_stated_date_formats(text: str) -> None:
    assert find_stated_date(text) == dt.date(2026, 1, 6)


@pytest.mark.parametrize(
    "text",
    [
        "on Aug. 22 Michal said",
        "BUCHAREST, September 4. Romanian soldiers",
        "in March 2025 the coalition formed",
        "on February 30, 2026",
        "troops may 5, 2026 be sent",
        "between 2025-2026",
    ],
)
def test_dates_without_a_full_day_month_and_year_are_ignored(text: str) -> None:
    assert find_stated_date(text) is None


def test_first_valid_stated_date_wins() -> None:
    text = "On February 30, 2026 nothing; on Sept. 4, 2025 talks; on 6 January 2026 more."
    assert find_stated_date(text) == dt.date(2025, 9, 4)


# --- shared data -----------------------------------------------------------------


def test_seed_002_date_comes_from_the_embedded_tweets() -> None:
    path = SEEDS / "002_290cfcd77583d367.txt"
    doc = parse_document(path.name, path.read_bytes())
    assert doc.published == dt.date(2026, 1, 6)
    assert doc.date_from_text is True
    assert doc.body_start == 0
    assert doc.title.startswith("Poland will be “the lead country”")


def test_seed_000_has_a_headline_and_no_date() -> None:
    path = SEEDS / "000_449e190d31b4c890.txt"
    doc = parse_document(path.name, path.read_bytes())
    assert doc.title == "Poland’s defense minister addresses whether country send troops to Ukraine"
    assert doc.text[doc.body_start :].lstrip().startswith("Poland will not send its troops")
    assert doc.published is None


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not next to this checkout")
    return sorted(CORPUS.glob("*.txt"))


def test_corpus_headers_are_read() -> None:
    for path in corpus_files():
        doc = parse_document(path.name, path.read_bytes())
        header = doc.text[: doc.body_start]
        assert header.endswith("---\n"), path.name
        assert doc.source and doc.url and doc.title, path.name
        assert f"title: {doc.title}\n" in header, path.name
        # Known dates come from the header, unknown ones from the file name.
        assert doc.published == dt.date.fromisoformat(path.name[:10]), path.name
        assert doc.date_from_text is False
