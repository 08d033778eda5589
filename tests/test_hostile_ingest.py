"""Hostile input at ingest (issue 10, repro 2): one file never aborts a batch.

Reproduced the way it was found: `briefbot ingest` on real files and folders, with the
real spaCy model and SQLite. A file that is one 1.24 MB paragraph (over spaCy's
`nlp.max_length`, which raised E088 and ended the run with exit 1) is analysed in
bounded pieces; a binary file gets one line; 150 good articles are stored and
answerable; a tree of 600 nested folders is walked without RecursionError.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from conftest import make_service

from bot.cli import main
from briefs.pieces import bounded_spans

TAIL = "Poland will not send troops to Ukraine, Prime Minister Donald Tusk said on Monday."
SPACY_MAX_LENGTH = 1_000_000  # nlp.max_length's default: a longer text raised E088


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_paragraph_file(path: Path, size: int = 1_240_000) -> str:
    """A headline and one paragraph of `size` characters (a ledger dump: long tokens keep
    the parse quick), ending with a stance sentence that only a full read can find."""
    parts = ["Ledger dump without line breaks\n\n"]
    length, entry = len(parts[0]), 0
    while length < size:
        digest = hashlib.sha256(str(entry).encode()).hexdigest() * 8
        parts.append(f"Entry {entry} checksum {digest}. ")
        length += len(parts[-1])
        entry += 1
    text = "".join(parts) + TAIL + "\n"
    path.write_text(text, encoding="utf-8")
    return text


def good_article(n: int) -> str:
    """A short article of its own outlet and day, in which France takes a stance."""
    return (
        f"title: Paris on the mission, report {n}\nsource: Wire {n % 7}\n"
        f"url: https://wire{n % 7}.example/{n}\npublished: 2026-01-{1 + n % 28:02d}\n---\n"
        f"France is ready to deploy troops to Ukraine after a ceasefire, President Emmanuel "
        f"Macron said in statement number {n}.\n"
    )


def test_a_folder_with_a_huge_paragraph_a_binary_file_and_150_articles_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 150 articles are stored and answerable, the one-paragraph file is read to its
    last sentence, and the binary file has one line saying why."""
    folder = tmp_path / "batch"
    folder.mkdir()
    huge = one_paragraph_file(folder / "000-ledger.txt")
    assert max(len(line) for line in huge.splitlines()) > SPACY_MAX_LENGTH
    (folder / "001-image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    for n in range(150):
        (folder / f"article-{n:03d}.txt").write_text(good_article(n), encoding="utf-8")
    db = str(tmp_path / "t.db")

    code, out, err = run(capsys, "--db", db, "ingest", str(folder))

    assert code == 0, err
    assert out.strip() == "151 ingested, 0 unchanged, 1 skipped"
    (line,) = err.splitlines()
    assert line == f"skipped {folder / '001-image.txt'}: binary file, not text"
    code, out, _ = run(capsys, "--db", db, "position", "france", "--format", "json")
    assert code == 0
    (point,) = json.loads(out)["points"]
    assert point["stance"] == "supports" and point["evidence_total"] == 150
    code, out, _ = run(capsys, "--db", db, "position", "poland", "--format", "json")
    (quote,) = json.loads(out)["points"][0]["evidence"]
    assert quote["quote"] == TAIL and quote["start"] == huge.index(TAIL) > SPACY_MAX_LENGTH


def test_a_file_the_analyzer_fails_on_is_skipped_and_the_batch_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-document isolation: an analyzer failure on one file of a chunk costs that file
    only, with its reason; the chunk's other files and later chunks are saved."""
    service = make_service(tmp_path / "t.db")
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(40):
        (folder / f"a{n:02d}.txt").write_text(good_article(n), encoding="utf-8")
    real: Callable[..., object] = service.analyzer.analyze_many

    def fails_on_a17(documents: Sequence[object]) -> object:
        if any(getattr(d, "name", "") == "a17.txt" for d in documents):
            raise RuntimeError("the parser gave up")
        return real(documents)

    monkeypatch.setattr(service.analyzer, "analyze_many", fails_on_a17)
    lines: list[str] = []
    report = service.ingest([folder], on_skip=lambda s: lines.append(f"{s.path}: {s.reason}"))
    assert len(report.ingested) == 39 and "a17.txt" not in report.ingested
    reason = "could not be analysed (RuntimeError: the parser gave up)"
    assert lines == [f"{folder / 'a17.txt'}: {reason}"]
    assert service.store.document_count() == 39


def test_600_nested_folders_are_walked_without_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The walk keeps its own stack: deeper than the recursion limit allows, no traceback."""
    deepest = tmp_path / "tree"
    for _ in range(600):
        deepest = deepest / "d"
    deepest.mkdir(parents=True)
    (deepest / "bottom.txt").write_text(good_article(1), encoding="utf-8")
    (tmp_path / "tree" / "top.txt").write_text(good_article(2), encoding="utf-8")
    assert sys.getrecursionlimit() < 2 * 600  # a recursive walk takes two frames a level
    code, out, err = run(capsys, "--db", str(tmp_path / "t.db"), "ingest", str(tmp_path / "tree"))
    assert (code, out.strip(), err) == (0, "2 ingested, 0 unchanged, 0 skipped", "")


def test_bounded_pieces_cover_a_long_span_exactly_at_sentence_ends() -> None:
    """Pieces join back to the span (only spaces between them), each within the bound,
    each ending at a sentence end where there is one."""
    text = "".join(f"Sentence number {n} is here. " for n in range(2000)).strip()
    pieces = bounded_spans(text, [(0, len(text))], max_chars=1000)
    assert all(end - start <= 1000 for start, end in pieces)
    assert all(text[end - 1] == "." for _, end in pieces)
    assert " ".join(text[s:e] for s, e in pieces) == text
    unbroken = "x" * 2500
    cuts = bounded_spans(unbroken, [(0, 2500)], max_chars=1000)
    assert cuts == [(0, 1000), (1000, 2000), (2000, 2500)]
