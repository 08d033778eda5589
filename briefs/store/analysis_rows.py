"""Analyses checked against their document and flattened into rows, one list per table.

Only the document row carries words; the others carry offsets into its text, which
check_spans proves right before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from briefs.errors import StoreError
from briefs.models import Analysis, Claim, Document, Mention, Sentence

Rows: TypeAlias = list[dict[str, Any]]


def latest_per_document(analyses: Sequence[Analysis]) -> list[Analysis]:
    """One analysis per document id, the last one given winning."""
    return list({analysis.document.id: analysis for analysis in analyses}.values())


def check_spans(analysis: Analysis) -> None:
    document = analysis.document
    for claim in analysis.claims:
        if not 0 <= claim.start < claim.end <= len(document.text):
            raise StoreError(
                f"A claim of {claim.actor_id!r} in {document.name!r} cites the span "
                f"{claim.start}:{claim.end}, which is empty or outside its "
                f"{len(document.text)} characters."
            )
    located: list[Sentence | Mention] = [*analysis.sentences, *analysis.mentions]
    for item in located:
        if not _slice_matches(document.text, item.start, item.end, item.text):
            raise StoreError(
                f"A {type(item).__name__.lower()} of {document.name!r} at "
                f"{item.start}:{item.end} does not match the document text there."
            )


def _slice_matches(text_: str, start: int, end: int, expected: str) -> bool:
    return 0 <= start <= end <= len(text_) and text_[start:end] == expected


@dataclass
class AnalysisRows:
    """Analyses flattened into executemany parameter lists, one per table."""

    documents: Rows = field(default_factory=list)
    sentences: Rows = field(default_factory=list)
    mentions: Rows = field(default_factory=list)
    claims: Rows = field(default_factory=list)

    @classmethod
    def of(cls, analyses: Iterable[Analysis]) -> AnalysisRows:
        rows = cls()
        for analysis in analyses:
            rows.add(analysis)
        return rows

    def add(self, analysis: Analysis) -> None:
        document = analysis.document
        doc_id = document.id
        self.documents.append(_document_row(document))
        for sentence in analysis.sentences:
            self.sentences.append(
                {
                    "doc_id": doc_id,
                    "idx": sentence.index,
                    "paragraph": sentence.paragraph,
                    "start": sentence.start,
                    "end": sentence.end,
                }
            )
        self.mentions.extend(
            {
                "doc_id": doc_id,
                "sentence_index": mention.sentence_index,
                "actor_id": mention.actor_id,
                "start": mention.start,
                "end": mention.end,
            }
            for mention in analysis.mentions
        )
        self.claims.extend(_claim_row(doc_id, claim) for claim in analysis.claims)


def _document_row(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "name": document.name,
        "title": document.title,
        "source": document.source,
        "url": document.url,
        "published": document.published,
        "date_from_text": document.date_from_text,
        "text": document.text,
        "body_start": document.body_start,
        "checksum": document.checksum,
        "ingested_at": document.ingested_at,
    }


def _claim_row(doc_id: str, claim: Claim) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "actor_id": claim.actor_id,
        "kind": claim.kind,
        "stance": claim.stance,
        "proposition": claim.proposition,
        "conditions": list(claim.conditions),
        "modality": claim.modality,
        "negated": claim.negated,
        "speaker_id": claim.speaker_id,
        "speaker": claim.speaker,
        "sentence_index": claim.sentence_index,
        "start": claim.start,
        "end": claim.end,
        "date": claim.date,
        "phrase": claim.phrase,
        "phrase_start": claim.phrase_start,
        "phrase_end": claim.phrase_end,
        "confidence": claim.confidence,
    }
