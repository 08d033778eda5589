from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from briefs.errors import SkippedFile
from briefs.files import iter_input_files, read_document

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def listed(paths: list[Path], root: Path) -> list[str]:
    """Found files as paths relative to `root`; skips as "skip <name>: <reason>"."""
    out = []
    for item in iter_input_files(paths):
        if isinstance(item, SkippedFile):
            out.append(f"skip {Path(item.path).relative_to(root)}: {item.reason}")
        else:
            out.append(item.relative_to(root).as_posix())
    return out


def skip_reason(path: Path, max_bytes: int = 5_000_000) -> str:
    with pytest.raises(SkippedFile) as caught:
        read_document(path, max_bytes=max_bytes)
    assert caught.value.path == str(path)
    return caught.value.reason


# --- listing -------------------------------------------------------------------------


def test_folders_are_walked_recursively_in_name_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a/z.md", "a/b/c.txt", "c.TXT", "a/a.txt"]:
        write(tmp_path / "in" / name, "text")
    assert listed([tmp_path / "in"], tmp_path) == [
        "in/a/a.txt",
        "in/a/b/c.txt",
        "in/a/z.md",
        "in/b.txt",
        "in/c.TXT",
    ]


def test_hidden_files_and_folders_are_ignored_silently(tmp_path: Path) -> None:
    write(tmp_path / "in" / ".draft.txt", "text")
    write(tmp_path / "in" / ".git" / "notes.txt", "text")
    write(tmp_path / "in" / "kept.txt", "text")
    assert listed([tmp_path / "in"], tmp_path) == ["in/kept.txt"]


def test_other_files_in_a_folder_are_skipped_with_a_reason(tmp_path: Path) -> None:
    write(tmp_path / "in" / "photo.png", PNG)
    write(tmp_path / "in" / "story.txt", "text")
    assert listed([tmp_path / "in"], tmp_path) == [
        "skip in/photo.png: not a .txt or .md file",
        "in/story.txt",
    ]


def test_files_given_directly_keep_argument_order(tmp_path: Path) -> None:
    second = write(tmp_path / "z.txt", "text")
    first = write(tmp_path / "a.md", "text")
    other = write(tmp_path / "data.csv", "a,b")
    assert listed([second, first, other], tmp_path) == [
        "z.txt",
        "a.md",
        "skip data.csv: not a .txt or .md file",
    ]


def test_missing_path_is_skipped(tmp_path: Path) -> None:
    assert listed([tmp_path / "nowhere"], tmp_path) == ["skip nowhere: no such file or folder"]


def test_a_file_reached_twice_is_listed_once(tmp_path: Path) -> None:
    story = write(tmp_path / "in" / "story.txt", "text")
    assert listed([tmp_path / "in", story], tmp_path) == ["in/story.txt"]


def test_symlink_loops_end(tmp_path: Path) -> None:
    write(tmp_path / "in" / "story.txt", "text")
    (tmp_path / "in" / "loop").symlink_to(tmp_path / "in", target_is_directory=True)
    assert listed([tmp_path / "in"], tmp_path) == ["in/story.txt"]


# --- reading -------------------------------------------------------------------------


def test_header_file_is_read(tmp_path: Path) -> None:
    text = (
        "title: T\r\nsource: S\r\nurl: https://e.org\r\npublished: 2025-09-04\r\n---\r\nBody.\r\n"
    )
    path = write(tmp_path / "story.txt", text)
    document = read_document(path, max_bytes=1_000)
    assert document.text == text
    assert (document.title, document.source, document.url) == ("T", "S", "https://e.org")
    assert document.published == dt.date(2025, 9, 4)
    assert document.text[document.body_start :] == "Body.\r\n"
    assert document.name == "story.txt"


def test_raw_file_is_read_and_dated_by_its_name(tmp_path: Path) -> None:
    path = write(tmp_path / "2025-08-20_rbc.txt", "Headline\n\nPoland will not send troops.\n")
    document = read_document(path, max_bytes=1_000)
    assert document.title == "Headline"
    assert document.published == dt.date(2025, 8, 20)
    assert document.source is None


def test_document_id_comes_from_the_resolved_path(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", "Headline\nBody.\n")
    expected = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    assert read_document(path, max_bytes=1_000).id == expected
    relative = Path(os.path.relpath(path))
    assert read_document(relative, max_bytes=1_000).id == expected


def test_binary_file_is_skipped(tmp_path: Path) -> None:
    assert skip_reason(write(tmp_path / "image.txt", PNG)) == "binary file, not text"


def test_empty_file_is_skipped(tmp_path: Path) -> None:
    assert skip_reason(write(tmp_path / "empty.txt", b"")) == "empty file"


def test_latin1_file_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.txt", "Caf\u00e9".encode("latin-1"))
    assert skip_reason(path) == "not UTF-8 text (invalid byte 0xe9 at offset 3)"


def test_oversize_file_is_skipped_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", "x" * 5_000)
    assert skip_reason(path, max_bytes=1_000) == "larger than the 1.0 KB cap (5.0 KB)"


def test_folder_is_not_a_document(tmp_path: Path) -> None:
    assert skip_reason(tmp_path) == "is a folder, not a file"


def test_missing_file_is_skipped(tmp_path: Path) -> None:
    assert skip_reason(tmp_path / "gone.txt") == "no such file or folder"


def test_unreadable_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", "text")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod cannot lock a file away from root, who may run these tests.
    monkeypatch.setattr(Path, "open", refuse)
    assert skip_reason(path) == "cannot be read (permission denied)"
