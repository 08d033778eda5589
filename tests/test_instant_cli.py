"""Questions on the command line never import spaCy: only ingest needs the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from bot.cli import main
code = main(["--db", sys.argv[1], *sys.argv[2:]])
print("spacy" in sys.modules, code)
"""


@pytest.mark.parametrize(
    "command",
    [["position", "poland"], ["who", "troops"], ["issues"], ["actors"], ["quotes"]],
)
def test_a_question_imports_no_spacy(tmp_path: Path, command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(tmp_path / "empty.db"), *command],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    imported, _code = done.stdout.split()[-2:]
    assert imported == "False", done.stdout + done.stderr
