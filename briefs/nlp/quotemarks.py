"""Quotation marks in one paragraph: where each outermost quotation opens and closes.

Straight double quotes pair up in order; curly ones (“ ”, ‘ ’) nest. A curly ’ is
also the apostrophe, so it closes a single quotation only where no letter follows
("I’m" and "Jarrah’s" stay apostrophes). A quotation still open at the end of the
paragraph is carried over: news opens a mark on each paragraph of a long quote and
closes it only at the end, so such a span runs to the paragraph's end, unclosed.
"""

from __future__ import annotations

from dataclasses import dataclass

OPENING = {"“": "”", "‘": "’", '"': '"', "„": "“", "«": "»"}
QUOTE_CHARS = frozenset('“”‘’"„«»')


@dataclass(frozen=True)
class Quoted:
    """One outermost quotation: offsets in the paragraph text, marks included."""

    start: int
    end: int  # exclusive: after the closing mark, or the paragraph's end when unclosed
    closed: bool

    def inner(self, text: str) -> str:
        """The quoted words without their marks."""
        return text[self.start + 1 : self.end - 1 if self.closed else self.end]


def find_quoted(text: str) -> list[Quoted]:
    """Outermost quotations of a paragraph, in order."""
    found: list[Quoted] = []
    stack: list[tuple[str, int]] = []  # (expected closing mark, offset of the opening one)
    for i, char in enumerate(text):
        if char not in QUOTE_CHARS:
            continue
        if stack and _closes(text, i, stack[-1][0]):
            _, start = stack.pop()
            if not stack:
                found.append(Quoted(start, i + 1, True))
            continue
        if _opens(text, i):
            stack.append((OPENING[char], i))
    if stack:
        start = stack[0][1]
        end = len(text.rstrip())
        if end > start + 1:
            found.append(Quoted(start, end, False))
    return found


def _opens(text: str, i: int) -> bool:
    char = text[i]
    if char not in OPENING:
        return False
    after = text[i + 1 : i + 2]
    if not after or after.isspace():
        return False  # a mark followed by a space opens nothing
    if char in "‘":
        before = text[i - 1 : i]
        # ‘90s is an elision, not a quotation
        return not (before.isalnum() or (after.isdigit() and text[i + 2 : i + 3].isdigit()))
    return True


def _closes(text: str, i: int, expected: str) -> bool:
    char = text[i]
    if char != expected:
        return False
    if char == "’":
        after = text[i + 1 : i + 2]
        before = text[i - 1 : i]
        return not after.isalpha() and not before.isspace()
    if char == '"':
        # a straight mark after a space opens a new quotation rather than closing one
        return not text[i - 1 : i].isspace() or not text[i + 1 : i + 2].strip()
    return True


def is_open_start(text: str) -> bool:
    """Whether a paragraph starts with an opening mark (a quotation, or its continuation)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in OPENING and _opens(stripped, 0)
