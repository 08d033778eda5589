"""Self-evaluation's figures on hand-built briefs: evidence and point precision, the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import _report_text, main
from briefs.evaluation import EvalReport, GoldEntry, GoldEvidence, score
from briefs.models import ActorRef, Brief, Evidence, Point

POLAND = "Poland will not send troops to Ukraine."
FRANCE = "France is ready to lead the mission."
OTHER = "The weather in Warsaw was mild."
TEXT = f"{POLAND} {FRANCE} {OTHER}"
FILES = {"a.txt": TEXT, "b.txt": TEXT}
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def quote(sentence: str, *, document: str = "a.txt", chars: int | None = None) -> Evidence:
    """A verbatim citation of `sentence` (its first `chars` characters) in `document`."""
    start = TEXT.index(sentence)
    end = start + (len(sentence) if chars is None else chars)
    return Evidence(
        document=document,
        title="T",
        source=None,
        url=None,
        published=None,
        quote=TEXT[start:end],
        start=start,
        end=end,
        speaker=None,
    )


def point(*evidence: Evidence) -> Point:
    return Point(
        stance="opposes", proposition="send troops to Ukraine", statement="s", evidence=evidence
    )


def brief(name: str, *points: Point) -> Brief:
    actor = ActorRef(id=name.lower(), name=name, kind="country")
    return Brief(actor=actor, as_of=None, summary="", points=points)


def entry(actor: str, *sentences: str, file: str = "a.txt") -> GoldEntry:
    return GoldEntry(
        actor=actor,
        issue="troops_to_ukraine",
        stance="will_not_send",
        evidence=[GoldEvidence(file=file, quote=s) for s in sentences],
    )


GOLD = [entry("Poland", POLAND), entry("France", FRANCE)]


def test_a_quote_counts_only_when_it_is_gold_for_the_briefs_own_actor() -> None:
    """Gold for another actor, too short a span, or another document: not gold evidence."""
    briefs = {
        "Poland": brief(
            "Poland",
            point(quote(POLAND), quote(OTHER)),  # one gold quote of two: a gold point
            point(quote(FRANCE)),  # gold, but for France only
            point(quote(POLAND, chars=len(POLAND) // 2)),  # covers half the gold sentence
            point(quote(POLAND, document="b.txt")),  # same offsets, another document
        ),
        "France": brief("France", point(quote(FRANCE))),
        "Nowhere": None,
    }
    report = score(GOLD, briefs, FILES, {})
    assert (report.quotes, report.gold_quotes) == (6, 2)
    assert (report.points, report.gold_points) == (5, 2)
    assert report.evidence_precision == pytest.approx(2 / 6)
    assert report.point_precision == pytest.approx(2 / 5)


def test_any_gold_entry_of_the_actor_counts_and_a_point_counts_once() -> None:
    """Evidence of a second entry of the same actor is gold; two gold quotes make one point."""
    gold = [entry("Poland", POLAND), entry("Poland", OTHER, file="b.txt")]
    briefs = {
        "Poland": brief(
            "Poland",
            point(quote(POLAND), quote(OTHER, document="b.txt")),
            point(quote(OTHER)),  # the second entry's sentence, but in a.txt
        )
    }
    report = score(gold, briefs, FILES, {})
    assert (report.gold_quotes, report.quotes) == (2, 3)
    assert (report.gold_points, report.points) == (1, 2)


def test_a_quote_just_covering_the_gold_sentence_counts() -> None:
    """Covering `COVERAGE` of the gold sentence is enough, a little less is not."""
    enough = -(-len(POLAND) * 8 // 10)  # ceil(0.8 * length)
    briefs = {
        "Poland": brief(
            "Poland", point(quote(POLAND, chars=enough)), point(quote(POLAND, chars=enough - 1))
        )
    }
    report = score(GOLD, briefs, FILES, {})
    assert (report.gold_quotes, report.gold_points, report.points) == (1, 1, 2)


def test_gold_evidence_missing_from_its_file_matches_nothing() -> None:
    gold = [entry("Poland", "A sentence that is not in the file.")]
    report = score(gold, {"Poland": brief("Poland", point(quote(POLAND)))}, FILES, {})
    assert (report.gold_quotes, report.gold_points) == (0, 0)
    assert report.evidence_precision == report.point_precision == 0.0


def test_no_points_give_zero_precision() -> None:
    """Nothing cited: no precision to claim (exactness stays 1, as no quote is wrong)."""
    report = score(GOLD, {"Poland": brief("Poland"), "France": None}, FILES, {})
    assert (report.quotes, report.points) == (0, 0)
    assert report.evidence_precision == report.point_precision == 0.0
    assert report.exactness == 1.0


def test_report_prints_precision_after_exactness_and_before_the_misses() -> None:
    report = EvalReport(
        entries=4,
        found=3,
        stance_correct=3,
        quotes=8,
        verbatim=8,
        gold_quotes=6,
        points=5,
        gold_points=4,
    )
    lines = _report_text(report).splitlines()
    assert lines[:6] == [
        "recall: 0.750 (3/4)",
        "stance accuracy: 1.000 (3/3)",
        "exactness: 1.000 (8/8)",
        "evidence precision: 0.750 (6/8)",
        "point precision: 0.800 (4/5)",
        "misses (0):",
    ]


def test_eval_fails_below_a_precision_floor(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--min-evidence-precision` and `--min-point-precision` are floors like the others."""
    sentence = (SEEDS / "000_449e190d31b4c890.txt").read_text("utf-8").splitlines()[-1]
    gold = tmp_path / "gold.json"
    evidence = [{"file": "000_449e190d31b4c890.txt", "quote": sentence}]
    record = {"actor": "Poland", "issue": "troops_to_ukraine", "stance": "will_not_send"}
    gold.write_text(json.dumps([{**record, "evidence": evidence}]), "utf-8")
    argv = ["eval", "--gold", str(gold), str(SEEDS)]
    code = main([*argv, "--min-evidence-precision", "1.01", "--min-point-precision", "1.01"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "evidence precision: " in out and "point precision: " in out
    assert "below the floor: evidence precision" in err
    assert "below the floor: point precision" in err
