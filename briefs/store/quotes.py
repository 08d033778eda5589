"""QuoteStore: every attributed statement, beside the claims in the Store's database.

One row per statement, with its document's date copied in so that "newest first"
reads an index, not the documents; and one row per speaker with their folded name,
surname and number of statements, so that `quotes SPEAKER` finds whom a user means
with an indexed look-up, however many documents the store holds. A document's rows
are replaced whole when it is ingested again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.engine import Connection, Row

from briefs.errors import StoreError
from briefs.models import Analysis, Attribution, SpeakerRef
from briefs.quotes import QuoteItem, QuoteMention, fold
from briefs.store.schema import documents, span_text
from briefs.store.tables import TablesBeside
from briefs.store.text_once import store_quote_texts_once

metadata = MetaData()

quotes = Table(
    "quotes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_id", String, nullable=False),
    Column("position", Integer, nullable=False),
    Column("published", Date),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    # the words are the document's, at these offsets (each text is stored once)
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("kind", String, nullable=False),
    Column("cue", String),
    Column("speaker_id", String),
    Column("mention", String),
    Column("mention_start", Integer),
    Column("mention_end", Integer),
    Index("quotes_by_document", "doc_id"),
    Index("quotes_by_speaker", "speaker_id", "published"),
    Index("quotes_by_date", "published"),
)
_QUOTE = span_text(quotes.c.start, quotes.c.end)
_SENTENCE = span_text(quotes.c.sentence_start, quotes.c.sentence_end)

speakers = Table(
    "quote_speakers",
    metadata,
    Column("id", String, primary_key=True),
    Column("name", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("affiliation", String),
    Column("folded", String, nullable=False),  # "adaeze okafor"
    Column("surname", String, nullable=False),  # "okafor"
    Column("quotes", Integer, nullable=False),
    Index("quote_speakers_by_name", "folded"),
    Index("quote_speakers_by_surname", "surname"),
)


class QuoteStore(TablesBeside):
    """Saves each analysis's statements and answers `quotes` queries."""

    metadata = metadata
    tables_name = "quote tables"

    def create_schema(self) -> None:
        super().create_schema()
        with self._writing("store each quote's text once") as conn:
            store_quote_texts_once(conn)

    def save(self, analyses: Sequence[Analysis]) -> None:
        """Replace the statements of each analysed document, and recount their speakers."""
        if not analyses:
            return
        doc_ids = [a.document.id for a in analyses]
        rows = [row for a in analyses for row in _rows(a)]
        refs = {q.speaker.id: q.speaker for a in analyses for q in a.quotes if q.speaker}
        with self._writing(f"save the quotes of {len(analyses)} document(s)") as conn:
            old = conn.execute(
                select(quotes.c.speaker_id).distinct().where(quotes.c.doc_id.in_(doc_ids))
            ).scalars()
            touched = {s for s in old if s} | set(refs)
            conn.execute(delete(quotes).where(quotes.c.doc_id.in_(doc_ids)))
            if rows:
                conn.execute(insert(quotes), rows)
            _recount(conn, touched, refs)

    def clone_document(self, doc_id: str, new_id: str) -> None:
        """Copy a document's statements under a new document id (the bench grows stores so)."""
        self.clone_documents([(doc_id, new_id)])

    def clone_documents(self, copies: Sequence[tuple[str, str]]) -> None:
        """Copy each (document id, new id)'s statements, in one transaction."""
        columns = [c for c in quotes.c if c.name not in ("id", "doc_id")]
        copied = select(bindparam("new_id", type_=String), *columns).where(
            quotes.c.doc_id == bindparam("old_id")
        )
        params = [{"old_id": old, "new_id": new} for old, new in copies]
        with self._writing(f"clone the quotes of {len(copies)} document(s)") as conn:
            conn.execute(delete(quotes).where(quotes.c.doc_id == bindparam("new_id")), params)
            conn.execute(
                insert(quotes).from_select(["doc_id", *(c.name for c in columns)], copied), params
            )

    def recount(self) -> None:
        """Recount every speaker's statements (after bulk copies)."""
        with self._writing("recount the speakers") as conn:
            ids = set(conn.execute(select(speakers.c.id)).scalars())
            _recount(conn, ids, {})

    def speaker(self, query: str) -> SpeakerRef | None:
        """The speaker a user means: by id or full name, else by surname; most quoted first."""
        wanted = fold(query)
        if not wanted:
            return None
        with self._reading("find a speaker") as conn:
            for condition in (
                or_(speakers.c.id == query.strip(), speakers.c.folded == wanted),
                speakers.c.surname == wanted,
                speakers.c.folded.endswith(f" {wanted}"),  # "Kosiniak-Kamysz", "von der Leyen"
            ):
                row = conn.execute(
                    select(speakers).where(condition).order_by(speakers.c.quotes.desc()).limit(1)
                ).first()
                if row is not None:
                    return _speaker_ref(row)
        return None

    def speakers(self, prefix: str = "", *, limit: int = 25) -> list[SpeakerRef]:
        """Speakers whose name (or a word of it) starts with `prefix`, most quoted first."""
        wanted = fold(prefix)
        query = select(speakers).order_by(speakers.c.quotes.desc(), speakers.c.name)
        if wanted:
            query = query.where(
                or_(speakers.c.folded.startswith(wanted), speakers.c.folded.contains(f" {wanted}"))
            )
        with self._reading("list the speakers") as conn:
            rows = conn.execute(query.limit(limit)).all()
        return [_speaker_ref(r) for r in rows]

    def all_speaker_names(self, *, limit: int = 5000) -> list[str]:
        """The most quoted speakers' names, for "did you mean" suggestions."""
        query = select(speakers.c.name).order_by(speakers.c.quotes.desc()).limit(limit)
        with self._reading("list the speakers") as conn:
            return list(conn.execute(query).scalars())

    def find(
        self,
        speaker_id: str | None,
        *,
        since: dt.date | None = None,
        limit: int | None = None,
        about: Sequence[str] = (),
    ) -> list[QuoteItem]:
        """Statements newest first (undated last), optionally of one speaker and on a subject.

        `about` holds word stems that must all occur in the statement's sentence; the
        database narrows by the first, Python checks word starts.
        """
        query = _quotes_query()
        if speaker_id is not None:
            query = query.where(quotes.c.speaker_id == speaker_id)
        if since is not None:
            query = query.where(quotes.c.published >= since)
        for stem in about:
            query = query.where(func.lower(_SENTENCE).contains(stem))
        if limit is not None and not about:
            query = query.limit(limit)
        with self._reading("read the quotes") as conn:
            rows = conn.execute(query).all()
        speaker_ids = {r.speaker_id for r in rows if r.speaker_id}
        refs = self._refs(speaker_ids)
        items = [_item(r, refs) for r in rows]
        return items

    def _refs(self, ids: Iterable[str]) -> dict[str, SpeakerRef]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        found: dict[str, SpeakerRef] = {}
        with self._reading("read the speakers") as conn:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                for row in conn.execute(select(speakers).where(speakers.c.id.in_(chunk))):
                    found[row.id] = _speaker_ref(row)
        return found


def _rows(analysis: Analysis) -> list[dict[str, Any]]:
    document = analysis.document
    for quote in analysis.quotes:
        if document.text[quote.start : quote.end] != quote.text:
            raise StoreError(
                f"A quote in {document.name!r} at {quote.start}:{quote.end} does not match "
                "the document text there."
            )
    return [
        _row(document.id, document.published, position, quote)
        for position, quote in enumerate(analysis.quotes)
    ]


def _row(
    doc_id: str, published: dt.date | None, position: int, quote: Attribution
) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "position": position,
        "published": published,
        "start": quote.start,
        "end": quote.end,
        "sentence_start": quote.sentence_start,
        "sentence_end": quote.sentence_end,
        "kind": quote.kind,
        "cue": quote.cue,
        "speaker_id": quote.speaker.id if quote.speaker else None,
        "mention": quote.mention,
        "mention_start": quote.mention_start,
        "mention_end": quote.mention_end,
    }


def _recount(conn: Connection, touched: set[str], refs: dict[str, SpeakerRef]) -> None:
    """Rewrite the speakers a save touched, with their statement counts; drop the silent."""
    if not touched:
        return
    ids = sorted(touched)
    counts: dict[str, int] = dict(
        conn.execute(
            select(quotes.c.speaker_id, func.count())
            .where(quotes.c.speaker_id.in_(ids))
            .group_by(quotes.c.speaker_id)
        ).all()
    )
    known = {
        r.id: _speaker_ref(r) for r in conn.execute(select(speakers).where(speakers.c.id.in_(ids)))
    }
    conn.execute(delete(speakers).where(speakers.c.id.in_(ids)))
    rows = []
    for speaker_id in ids:
        ref = refs.get(speaker_id) or known.get(speaker_id)
        if ref is not None and counts.get(speaker_id):
            rows.append(_speaker_row(ref, counts[speaker_id]))
    if rows:
        conn.execute(insert(speakers), rows)


def _speaker_row(ref: SpeakerRef, count: int) -> dict[str, Any]:
    folded = fold(ref.name)
    return {
        "id": ref.id,
        "name": ref.name,
        "kind": ref.kind,
        "affiliation": ref.affiliation,
        "folded": folded,
        "surname": folded.split()[-1] if folded else "",
        "quotes": count,
    }


def _speaker_ref(row: Row[Any]) -> SpeakerRef:
    return SpeakerRef(id=row.id, name=row.name, kind=row.kind, affiliation=row.affiliation)


def _quotes_query() -> Select[Any]:
    return (
        select(
            quotes,
            _QUOTE.label("quote"),
            _SENTENCE.label("sentence"),
            documents.c.name.label("document"),
            documents.c.title,
            documents.c.source,
            documents.c.url,
        )
        .join(documents, documents.c.id == quotes.c.doc_id)
        .order_by(
            quotes.c.published.is_(None),
            quotes.c.published.desc(),
            quotes.c.doc_id,
            quotes.c.position,
        )
    )


def _item(row: Row[Any], refs: dict[str, SpeakerRef]) -> QuoteItem:
    mention = None
    if row.mention is not None and row.mention_start is not None and row.mention_end is not None:
        mention = QuoteMention(text=row.mention, start=row.mention_start, end=row.mention_end)
    return QuoteItem(
        document=row.document,
        title=row.title,
        source=row.source,
        url=row.url,
        published=row.published,
        quote=row.quote,
        start=row.start,
        end=row.end,
        sentence=row.sentence,
        kind=row.kind,
        cue=row.cue,
        speaker=refs.get(row.speaker_id) if row.speaker_id else None,
        mention=mention,
    )
