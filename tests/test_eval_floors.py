"""The engine's scores on the shared gold sets stay at or above their floors.

Floors only ever rise: raise them when the engine improves, never lower them to
make a change pass. The shared data sits beside the checkout (../shared); without
it these tests are skipped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"

FLOORS = {
    # name: (gold file, articles folder, recall, stance accuracy, exactness, point precision)
    "corpus": (
        SHARED / "corpus" / "gold.json",
        SHARED / "corpus" / "articles",
        0.95,
        0.95,
        1.0,
        0.85,
    ),
    "seeds": (SHARED / "seeds" / "gold.json", SHARED / "seeds", 0.85, 1.0, 1.0, 0.90),
    "mercosur": (
        CORPORA / "mercosur" / "gold.json",
        CORPORA / "mercosur" / "articles",
        0.69,
        0.97,
        1.0,
        0.85,
    ),
    "nato-spending": (
        CORPORA / "nato-spending" / "gold.json",
        CORPORA / "nato-spending" / "articles",
        0.57,
        0.89,
        1.0,
        0.71,
    ),
    "climate-2040": (
        CORPORA / "climate-2040" / "gold.json",
        CORPORA / "climate-2040" / "articles",
        0.60,
        0.97,
        1.0,
        0.84,
    ),
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_eval_meets_its_floors(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`briefbot eval` on the gold set reports figures at or above every floor."""
    gold, articles, recall, stance, exactness, point_precision = FLOORS[name]
    if not gold.exists():
        pytest.skip(f"{gold} is not here")
    code = main(
        [
            "eval",
            "--gold",
            str(gold),
            str(articles),
            "--min-recall",
            str(recall),
            "--min-stance-accuracy",
            str(stance),
            "--min-exactness",
            str(exactness),
            "--min-point-precision",
            str(point_precision),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert out.startswith("recall: ")
