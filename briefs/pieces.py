"""Bounded pieces: a paragraph too long for one parse is read as several.

spaCy refuses a text over `nlp.max_length` (E088, a million characters by default) and
needs memory in proportion to what it parses at once, so a file that is one enormous
paragraph (a scraped page without line breaks, a transcript) was rejected whole. The
analyzer parses paragraph spans; `bounded_spans` cuts any span longer than the bound
into consecutive pieces, at a sentence end where there is one, else at a space, else
exactly at the bound. The pieces cover the span without gaps or overlap, so every
offset still indexes the stored text and nothing the user ingested goes unread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# Far above any real paragraph (a long one is ~3,000 characters), far below spaCy's
# million: ordinary articles are parsed exactly as before, and one parse stays small.
PIECE_MAX_CHARS = 20_000

# A sentence end: terminal punctuation (and closing quotes/brackets), then whitespace.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+")
_SPACE = re.compile(r"\s+")


def bounded_spans(
    text: str, spans: Iterable[tuple[int, int]], *, max_chars: int = PIECE_MAX_CHARS
) -> list[tuple[int, int]]:
    """`spans` with every span longer than `max_chars` cut into pieces of at most that."""
    if max_chars < 1:
        raise ValueError("a piece holds at least one character")
    bounded: list[tuple[int, int]] = []
    for start, end in spans:
        bounded.extend(_pieces(text, start, end, max_chars))
    return bounded


def _pieces(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    while end - start > max_chars:
        cut = _cut(text, start, start + max_chars)
        yield start, _trimmed_end(text, start, cut)
        start = _trimmed_start(text, cut, end)
    if start < end:
        yield start, end


def _cut(text: str, start: int, limit: int) -> int:
    """Where to end a piece that starts at `start` and may not pass `limit`."""
    # Search only the last part of the window: a cut near the bound keeps pieces large.
    window_start = start + (limit - start) // 2
    for pattern in (_SENTENCE_END, _SPACE):
        last = None
        for match in pattern.finditer(text, window_start, limit):
            last = match
        if last is not None:
            return last.end()
    return limit  # one "word" longer than the bound: cut it, reading on is better than dropping


def _trimmed_end(text: str, start: int, cut: int) -> int:
    while cut > start + 1 and text[cut - 1].isspace():
        cut -= 1
    return cut


def _trimmed_start(text: str, cut: int, end: int) -> int:
    while cut < end and text[cut].isspace():
        cut += 1
    return cut
