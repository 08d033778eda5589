"""Finding input files on disk and reading them into `Document`s.

A file that cannot be ingested is reported as a `SkippedFile` value (when
listing) or exception (when reading) with a one-line reason, so one bad file
never stops a batch.
"""

from __future__ import annotations

import errno
import hashlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from briefs.documents import DEFAULT_MAX_BYTES, parse_document, too_large_reason
from briefs.errors import SkippedFile
from briefs.models import Document

TEXT_SUFFIXES = frozenset({".txt", ".md"})

_NOT_TEXT = "not a .txt or .md file"
_MISSING = "no such file or folder"


def iter_input_files(paths: Sequence[Path]) -> Iterator[Path | SkippedFile]:
    """The text files named by `paths`, folders walked recursively in name order.

    Hidden entries inside folders are ignored; everything else that cannot be
    used comes out as a `SkippedFile`. A file reached twice is listed once.
    """
    seen: set[Path] = set()
    for path in paths:
        for found in _expand(path, set()):
            if isinstance(found, Path):
                key = found.resolve()
                if key in seen:
                    continue
                seen.add(key)
            yield found


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """The `Document` in `path`; raises `SkippedFile` with a reason when it cannot be used.

    The size is checked before reading, so a huge file is never loaded.
    """
    try:
        if path.is_dir():
            raise SkippedFile(str(path), "is a folder, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise SkippedFile(str(path), too_large_reason(size, max_bytes))
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise SkippedFile(str(path), _os_reason(exc)) from exc
    try:
        return parse_document(path.name, raw, doc_id=_path_id(path), max_bytes=max_bytes)
    except SkippedFile as exc:
        # The user knows the file by the path they gave, not by its bare name.
        raise SkippedFile(str(path), exc.reason) from exc


def _expand(path: Path, walked: set[Path]) -> Iterator[Path | SkippedFile]:
    """`path` itself when it is a text file, or the text files under it when it is a folder."""
    if path.is_dir():
        yield from _walk(path, walked)
    else:
        yield _as_input(path)


def _as_input(path: Path) -> Path | SkippedFile:
    """A path that is not a folder: the file to read, or why it is not one."""
    if not path.exists():
        return SkippedFile(str(path), _MISSING)
    if not path.is_file():
        return SkippedFile(str(path), "not a regular file")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        return SkippedFile(str(path), _NOT_TEXT)
    return path


def _walk(root: Path, walked: set[Path]) -> Iterator[Path | SkippedFile]:
    """Depth first, in name order, on a stack of our own rather than Python's: a tree
    of 600 nested folders would pass the interpreter's recursion limit."""
    stack: list[Iterator[Path]] = []
    yield from _enter(root, walked, stack)
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif entry.is_dir():
            yield from _enter(entry, walked, stack)
        else:
            yield _as_input(entry)


def _enter(folder: Path, walked: set[Path], stack: list[Iterator[Path]]) -> Iterator[SkippedFile]:
    """Push the folder's visible entries onto `stack`; a folder that cannot be listed is
    skipped with its reason, and one already walked (a symlink loop) is passed over."""
    real = folder.resolve()
    if real in walked:
        return
    walked.add(real)
    try:
        entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    except OSError as exc:
        yield SkippedFile(str(folder), _os_reason(exc))
        return
    stack.append(entry for entry in entries if not entry.name.startswith("."))


def _path_id(path: Path) -> str:
    """Stable id of a file: the same path always names the same document."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:16]


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return _MISSING
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied)"
    if exc.errno == errno.EISDIR:
        return "is a folder, not a file"
    detail = (exc.strerror or type(exc).__name__).lower()
    return f"cannot be read ({detail})"
