"""The `briefbot` command line, end to end on real files, the real model and SQLite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "seeds.db"
    assert main(["--db", str(db), "ingest", str(SEEDS)]) == 0
    return db


def test_ingest_skips_bad_files_with_reasons_and_keeps_going(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad files get one line each; good ones are ingested; the summary counts both."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "000_449e190d31b4c890.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    code, out, err = run(capsys, "--db", str(tmp_path / "t.db"), "ingest", str(folder))
    assert code == 0
    assert out.strip() == "1 ingested, 0 unchanged, 3 skipped"
    assert len([line for line in err.splitlines() if line.startswith("skipped ")]) == 3
    assert "empty" in err and "binary" in err and "UTF-8" in err


def test_ingest_fails_only_when_nothing_could_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only bad files: non-zero exit, still a summary."""
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, _ = run(
        capsys, "--db", str(tmp_path / "t.db"), "ingest", str(tmp_path / "empty.txt")
    )
    assert code == 1
    assert out.strip() == "0 ingested, 0 unchanged, 1 skipped"


def test_reingest_is_a_no_op_and_a_changed_file_replaces_its_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unchanged files add nothing; an edited file is analysed again, not duplicated."""
    article = tmp_path / "a.txt"
    article.write_text(
        "title: T\nsource: Wire\nurl: https://example.org/a\npublished: 2026-01-06\n---\n"
        "Poland will not send its troops to Ukraine, Prime Minister Donald Tusk said.\n",
        "utf-8",
    )
    db = str(tmp_path / "t.db")
    assert run(capsys, "--db", db, "ingest", str(article))[1].strip().startswith("1 ingested")
    assert (
        run(capsys, "--db", db, "ingest", str(article))[1].strip()
        == "0 ingested, 1 unchanged, 0 skipped"
    )
    before = json.loads(run(capsys, "--db", db, "position", "poland", "--format", "json")[1])
    article.write_text(article.read_text("utf-8").replace("will not send", "will send"), "utf-8")
    assert run(capsys, "--db", db, "ingest", str(article))[1].strip().startswith("1 ingested")
    after = json.loads(run(capsys, "--db", db, "position", "poland", "--format", "json")[1])
    assert [p["stance"] for p in before["points"]] == ["opposes"]
    assert [p["stance"] for p in after["points"]] == ["supports"]
    assert len(after["points"][0]["evidence"]) == 1


def test_unknown_actor_is_one_line_on_stderr_with_suggestions(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A typo gets a non-zero exit and a "did you mean" line, nothing on stdout."""
    code, out, err = run(capsys, "--db", str(seeded_db), "position", "polnd")
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Did you mean" in err and "Poland" in err


def test_known_actor_without_positions_gets_a_brief_saying_so(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Germany is named in the seeds but states nothing: the brief says so."""
    code, out, _ = run(capsys, "--db", str(seeded_db), "position", "germany", "--format", "json")
    brief = json.loads(out)
    assert code == 0
    assert brief["points"] == []
    assert "No stated positions of Germany" in brief["summary"]


def test_position_json_quotes_are_verbatim_in_the_seed_files(
    seeded_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every cited quote is the seed file's text at [start, end)."""
    code, out, _ = run(capsys, "--db", str(seeded_db), "position", "poland", "--format", "json")
    brief = json.loads(out)
    assert code == 0 and brief["points"]
    for point in brief["points"]:
        for evidence in point["evidence"]:
            text = (SEEDS / evidence["document"]).read_text("utf-8")
            assert text[evidence["start"] : evidence["end"]] == evidence["quote"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_who_troops_lists_poland_against_and_uk_france_for(
    seeded_db: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """The stance matrix on the seeds, in every format."""
    code, out, _ = run(capsys, "--db", str(seeded_db), "who", "troops", "--format", fmt)
    assert code == 0
    if fmt == "json":
        rows = {r["actor"]["name"]: r["stance"] for r in json.loads(out)["rows"]}
        assert rows["Poland"] == "opposes"
        assert rows["United Kingdom"] == rows["France"] == "supports"
    else:
        assert "Poland" in out and "United Kingdom" in out and "France" in out


def test_bad_date_is_a_usage_error(seeded_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--since must be a date; argparse says so and exits 2."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(seeded_db), "position", "poland", "--since", "yesterday"])
    assert exit_info.value.code == 2
    assert "not a date" in capsys.readouterr().err
