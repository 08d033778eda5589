"""`briefbot quotes`: the JSON contract, the CLI, and verbatim quotes on every shared corpus.

The contract is what external measurement parses (issue 9); its keys and types are
pinned here. The shared corpora sit beside the checkout (../shared); without them
the corpus test is skipped, never faked.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ServiceFactory

from bot.cli import main
from briefs.analyzer import Analyzer
from briefs.files import iter_input_files, read_document
from briefs.models import SpeakerRef
from briefs.quotes import QuoteItem, QuoteList, QuoteMention, QuotesRequest
from briefs.render.quotes import quotes_to_json

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = Path(__file__).parents[1] / "seeds"
CORPORA = [SHARED / "seeds", SHARED / "corpus", *sorted((SHARED / "corpora").glob("*"))]
SPEAKER_KEYS = {"id", "name", "kind", "affiliation"}
QUOTE_KEYS = {
    "document", "title", "source", "url", "published", "quote", "start", "end",
    "sentence", "kind", "cue", "speaker", "mention",
}  # fmt: skip

OKAFOR = SpeakerRef(id="adaeze-okafor", name="Adaeze Okafor", kind="person", affiliation=None)


def _item(**changes: Any) -> QuoteItem:
    fields: dict[str, Any] = {
        "document": "a.txt",
        "title": "T",
        "source": "Wire",
        "url": "https://example.org/a",
        "published": None,
        "quote": "“Yes,”",
        "start": 10,
        "end": 16,
        "sentence": "“Yes,” she said.",
        "kind": "direct",
        "cue": "said",
        "speaker": OKAFOR,
        "mention": QuoteMention(text="she", start=17, end=20),
    }
    return QuoteItem(**{**fields, **changes})


def test_json_contract_keys_and_types() -> None:
    """Exactly the contract's keys, nulls where nothing is known, dates as ISO strings."""
    import datetime as dt

    found = QuoteList(
        speaker=OKAFOR,
        quotes=(
            _item(published=dt.date(2026, 1, 6)),
            _item(speaker=None, mention=None, cue=None, kind="indirect"),
        ),
    )
    payload = json.loads(quotes_to_json(found))
    assert set(payload) == {"speaker", "quotes"}
    assert set(payload["speaker"]) == SPEAKER_KEYS
    first, second = payload["quotes"]
    assert set(first) == QUOTE_KEYS == set(second)
    assert first["published"] == "2026-01-06"
    assert first["mention"] == {"text": "she", "start": 17, "end": 20}
    assert set(first["speaker"]) == SPEAKER_KEYS
    assert (second["speaker"], second["mention"], second["cue"]) == (None, None, None)
    assert json.loads(quotes_to_json(QuoteList(speaker=None, quotes=()))) == {
        "speaker": None,
        "quotes": [],
    }


def test_cli_quotes_json_on_the_seeds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], service: ServiceFactory
) -> None:
    """Ingested seeds: Tusk's statements, newest first, verbatim at their offsets."""
    db = tmp_path / "q.db"
    assert main(["--db", str(db), "ingest", str(SEEDS)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "quotes", "Tusk", "--format", "json", "--limit", "0"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["speaker"]["name"] == "Donald Tusk"
    texts = {p.name: p.read_text("utf-8") for p in SEEDS.glob("*.txt")}
    quotes = payload["quotes"]
    assert any(q["cue"] == "wrote on X" for q in quotes)  # the tweet signed by him
    for quote in quotes:
        assert set(quote) == QUOTE_KEYS
        assert texts[quote["document"]][quote["start"] : quote["end"]] == quote["quote"]
        assert quote["quote"] in quote["sentence"]
        assert quote["speaker"]["id"] == payload["speaker"]["id"]
    dates = [q["published"] or "" for q in quotes]
    assert dates == sorted(dates, reverse=True)


def test_cli_limit_and_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], service: ServiceFactory
) -> None:
    """--limit 1 shows one statement; a misspelt name fails with a suggestion."""
    db = tmp_path / "q.db"
    assert main(["--db", str(db), "ingest", str(SEEDS)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "quotes", "--limit", "1", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["quotes"]) == 1
    assert main(["--db", str(db), "quotes", "Kosiniak-Kamysz", "--format", "markdown"]) == 0
    assert "Kosiniak-Kamysz" in capsys.readouterr().out
    assert main(["--db", str(db), "quotes", "Kosinak"]) == 1
    assert "Did you mean: Władysław Kosiniak-Kamysz?" in capsys.readouterr().err


def test_service_about_filters_by_words(service: ServiceFactory) -> None:
    """--about keeps statements whose sentence has every word (plural or not)."""
    briefs = service()
    briefs.ingest([SEEDS])
    everyone = briefs.quotes(QuotesRequest(limit=0)).quotes
    about = briefs.quotes(QuotesRequest(about="soldiers", limit=0)).quotes
    assert 0 < len(about) < len(everyone)
    assert all("soldier" in q.sentence.lower() for q in about)


@pytest.mark.parametrize("corpus", CORPORA, ids=[c.name for c in CORPORA])
def test_every_quote_of_every_shared_corpus_is_verbatim(analyzer: Analyzer, corpus: Path) -> None:
    """Every statement, sentence and mention indexes its document's text exactly."""
    if not corpus.exists():
        pytest.skip(f"{corpus} is not beside the checkout")
    files = [f for f in iter_input_files([corpus]) if isinstance(f, Path)]
    documents = [read_document(f) for f in files]
    seen = 0
    for analysis in analyzer.analyze_many(documents):
        text = analysis.document.text
        for quote in analysis.quotes:
            seen += 1
            assert text[quote.start : quote.end] == quote.text
            assert quote.sentence_start <= quote.start < quote.end <= quote.sentence_end
            if quote.mention_start is not None and quote.mention_end is not None:
                assert text[quote.mention_start : quote.mention_end] == quote.mention
    assert seen > 0
