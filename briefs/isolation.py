"""Per-document isolation: a document the engine fails on never stops the others.

Documents are analysed in chunks, as `Analyzer.analyze_many` batches them for speed.
When a chunk fails, its documents are analysed again one at a time, so only the one
that fails is left out, with a one-line reason the caller reports; the rest of the
chunk and every later chunk go on. Filing an analysis under the corpus's issues is
guarded the same way. Every source of documents (files, feeds, pages) goes through
`BriefingService.ingest_documents`, which uses this.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol

from briefs.models import Analysis, Document

ANALYSIS_CHUNK = 16  # documents per analyze_many call: the analyzer's own batch size
_DETAIL_MAX = 120  # characters of the error kept in the reason


class DocumentAnalyzer(Protocol):
    """What isolation needs of the analyzer (`briefs.analyzer.Analyzer`)."""

    def analyze(self, document: Document) -> Analysis: ...

    def analyze_many(self, documents: Iterable[Document]) -> Iterator[Analysis]: ...


def analyse_isolated(
    analyzer: DocumentAnalyzer,
    documents: Sequence[Document],
    failed: dict[str, str],
    *,
    file: Callable[[Analysis], Analysis],
) -> Iterator[Analysis]:
    """The filed analyses of `documents`; each one that fails goes into `failed` (id → reason).

    `file` files an analysis (under the issues); it runs once per analysis, never twice.
    """
    for start in range(0, len(documents), ANALYSIS_CHUNK):
        chunk = documents[start : start + ANALYSIS_CHUNK]
        for analysis in analyse_chunk(analyzer, chunk, failed):
            try:
                filed = file(analysis)
            except Exception as exc:
                failed[analysis.document.id] = failure_reason(exc)
                continue
            yield filed


def failure_reason(exc: BaseException, *, doing: str = "analysed") -> str:
    """One line for a document the engine failed on: "could not be analysed (ValueError: …)"."""
    lines = str(exc).strip().splitlines()
    detail = lines[0][:_DETAIL_MAX] if lines else ""
    cause = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return f"could not be {doing} ({cause})"


def analyse_chunk(
    analyzer: DocumentAnalyzer, chunk: Sequence[Document], failed: dict[str, str]
) -> list[Analysis]:
    """One chunk's analyses; a document that fails goes into `failed` (briefs/parallel.py
    runs this in its workers)."""
    try:
        return list(analyzer.analyze_many(chunk))
    except Exception as exc:
        if len(chunk) == 1:  # nothing to tell apart: the one document is the culprit
            failed[chunk[0].id] = failure_reason(exc)
            return []
    return _one_by_one(analyzer, chunk, failed)


def _one_by_one(
    analyzer: DocumentAnalyzer, chunk: Sequence[Document], failed: dict[str, str]
) -> list[Analysis]:
    analyses: list[Analysis] = []
    for document in chunk:
        try:
            analyses.append(analyzer.analyze(document))
        except Exception as exc:
            failed[document.id] = failure_reason(exc)
    return analyses
