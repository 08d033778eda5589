"""Ordinary news on mixed subjects (city politics, health, business, sport) against its gold.

The corpus in tests/data/mixed_news has nothing to do with the catalog's topics: every
position in it is open-world. The articles are ingested through the command line into a
temporary database, then the `actors` list and the briefs of the busiest actors are read
back as JSON and compared with gold.json. The .txt files are passed one by one: the
folder's README.md would otherwise be read as an article.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, TypedDict

import pytest

from bot.cli import main

FOLDER = Path(__file__).resolve().parent / "data" / "mixed_news"
GOLD = FOLDER / "gold.json"
COVERAGE = 0.8  # share of a gold sentence a cited quote must cover, as in `briefbot eval`
STANCES = {"supports", "opposes", "conditional", "undecided"}
TOP = 5

Span = tuple[str, int, int]  # file, start, end


class GoldEvidence(TypedDict):
    file: str
    quote: str


class GoldEntry(TypedDict):
    actor: str
    issue: str
    stance: str
    conditions: str
    as_of: str
    evidence: list[GoldEvidence]
    speaker: str


def articles() -> list[Path]:
    """The article files (the folder also holds gold.json and a README, which are not news)."""
    return sorted(FOLDER.glob("*.txt"))


def texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in articles()}


def load_gold() -> list[GoldEntry]:
    entries: list[GoldEntry] = json.loads(GOLD.read_text(encoding="utf-8"))
    return entries


def key(name: str) -> str:
    """Actor names compare case-insensitively, with spacing normalised."""
    return " ".join(name.split()).casefold()


def gold_spans() -> dict[str, list[Span]]:
    """Every gold evidence sentence, located in its file, by actor key."""
    files = texts()
    spans: dict[str, list[Span]] = defaultdict(list)
    for entry in load_gold():
        for evidence in entry["evidence"]:
            start = files[evidence["file"]].find(evidence["quote"])
            assert start >= 0, evidence
            spans[key(entry["actor"])].append(
                (evidence["file"], start, start + len(evidence["quote"]))
            )
    return spans


def covers(evidence: dict[str, Any], span: Span) -> bool:
    """A cited quote counts for a gold sentence it overlaps by at least COVERAGE of its length."""
    file, start, end = span
    if evidence["document"] != file:
        return False
    overlap = min(int(evidence["end"]), end) - max(int(evidence["start"]), start)
    return overlap >= COVERAGE * (end - start)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the CLI; fail with its stderr unless it exits 0; return its stdout."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, f"briefbot {' '.join(argv)} exited {code}: {err}"
    return out


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A fresh database holding the mixed-news articles, ingested by the CLI."""
    path = tmp_path / "m.db"
    out = run(capsys, "--db", str(path), "ingest", *(str(p) for p in articles()))
    assert f"{len(articles())} ingested" in out, out
    return path


def actor_list(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(
        run(capsys, "--db", str(db), "actors", "--format", "json")
    )
    return listed


def brief(capsys: pytest.CaptureFixture[str], db: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        run(capsys, "--db", str(db), "position", name, "--format", "json")
    )
    return found


def busiest(listed: list[dict[str, Any]]) -> list[str]:
    """Names of the TOP actors with the most claims (ties keep the order `actors` prints)."""
    ranked = sorted(listed, key=lambda a: -int(a["claims"]))
    return [a["actor"]["name"] for a in ranked[:TOP]]


# --- the corpus itself --------------------------------------------------------------


def test_corpus_and_gold_are_well_formed() -> None:
    """22+ headed reports of 120-250 words; 50+ gold entries over 25+ actors, quotes verbatim."""
    files = texts()
    assert len(files) >= 22
    for name, text in files.items():
        header, sep, body = text.partition("\n---\n")
        assert sep, f"{name}: no header"
        fields = [line.split(":", 1)[0] for line in header.splitlines()]
        assert fields == ["title", "source", "url", "published"], name
        assert re.search(r"^published: \d{4}-\d{2}-\d{2}$", header, re.M), name
        assert 120 <= len(body.split()) <= 250, f"{name}: {len(body.split())} words"
    gold = load_gold()
    assert len(gold) >= 50
    assert len({key(e["actor"]) for e in gold}) >= 25
    seen: set[tuple[str, str, str]] = set()
    for entry in gold:
        assert entry["stance"] in STANCES, entry
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["as_of"]), entry
        assert entry["evidence"] and entry["speaker"], entry
        files_of_entry = {e["file"] for e in entry["evidence"]}
        assert len(files_of_entry) == 1, entry  # one entry per (actor, issue, article)
        triple = (key(entry["actor"]), entry["issue"], files_of_entry.pop())
        assert triple not in seen, triple
        seen.add(triple)
        for evidence in entry["evidence"]:
            text = files[evidence["file"]]
            body = text.partition("\n---\n")[2]
            assert evidence["quote"] in body, evidence
            assert f"published: {entry['as_of']}\n" in text, entry


# --- the engine on it ---------------------------------------------------------------


def test_every_cited_quote_is_exact_at_its_offsets(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever the engine cites, for any actor, is the file's text at the cited offsets."""
    files = texts()
    cited = 0
    for listed in actor_list(capsys, db):
        for point in brief(capsys, db, listed["actor"]["name"])["points"]:
            for evidence in point["evidence"]:
                assert evidence["document"] in files, evidence
                text = files[evidence["document"]]
                assert text[evidence["start"] : evidence["end"]] == evidence["quote"], evidence
                cited += 1
    assert cited > 0


def test_actors_lists_the_gold_actors_with_two_or_more_entries(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`actors` names at least 80% of the gold actors that hold two or more gold entries."""
    counts = Counter(key(e["actor"]) for e in load_gold())
    wanted = {name for name, n in counts.items() if n >= 2}
    listed = {key(a["actor"]["name"]) for a in actor_list(capsys, db)}
    missing = sorted(wanted - listed)
    assert len(wanted & listed) >= 0.8 * len(wanted), f"missing {len(missing)}: {missing}"


def test_busiest_actors_cite_gold_evidence_in_every_point(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each point of the five busiest actors' briefs cites a gold sentence of that actor."""
    spans = gold_spans()
    failures: list[str] = []
    for name in busiest(actor_list(capsys, db)):
        mine = spans.get(key(name), [])
        if not mine:
            failures.append(f"{name}: not a gold actor")
            continue
        for point in brief(capsys, db, name)["points"]:
            if not any(covers(e, span) for e in point["evidence"] for span in mine):
                quotes = [e["quote"] for e in point["evidence"]]
                failures.append(f"{name}: {point['stance']} {point['proposition']!r} {quotes}")
    assert not failures, "\n".join(failures)
