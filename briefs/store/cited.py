"""Cited claims as the store reads them back: the columns, their order and the rows
rebuilt into models without validation (they were validated once, when saved)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel
from sqlalchemy import Row, Select, Text, cast, func, select
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlalchemy.sql.elements import ColumnElement

from briefs.models import ActorRef, CitedClaim, Claim, Evidence
from briefs.store.schema import actors, claims, documents, span_text

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
_Model = TypeVar("_Model", bound=BaseModel)

# Column order is what `cited_claim_from_row` unpacks.
CITED_CLAIM_COLUMNS = (
    claims.c.actor_id,
    claims.c.kind,
    claims.c.stance,
    claims.c.proposition,
    # As text: most lists are empty, and spotting "[]" beats a JSON decode per row.
    cast(claims.c.conditions, Text).label("conditions"),
    claims.c.modality,
    claims.c.negated,
    claims.c.speaker_id,
    claims.c.speaker,
    claims.c.sentence_index,
    claims.c.start,
    claims.c.end,
    claims.c.date,
    # the quote is its document's words at the claim's span, stored once there
    span_text(claims.c.start, claims.c.end).label("quote"),
    documents.c.name,
    documents.c.title,
    documents.c.source,
    documents.c.url,
    documents.c.published,
    claims.c.phrase,
    claims.c.phrase_start,
    claims.c.phrase_end,
    claims.c.confidence,
)

# The evidence order: newest first, unknown dates last, then document and position.
NEWEST_CLAIM_ORDER = (
    claims.c.date.desc().nulls_last(),
    documents.c.name,
    claims.c.start,
    claims.c.id,
)


def cited_claims_query(since: dt.date | None) -> Select[Any]:
    """Every claim with its document's columns, newest first."""
    query = (
        select(*CITED_CLAIM_COLUMNS)
        .join_from(claims, documents, claims.c.doc_id == documents.c.id)
        .order_by(*NEWEST_CLAIM_ORDER)
    )
    if since is not None:
        query = query.where(claims.c.date >= since)  # NULL dates drop out here
    return query


def stance_claims_with_actors(since: dt.date | None = None) -> Select[Any]:
    """Stance claims with their evidence and their actor's three columns last."""
    return (
        cited_claims_query(since)
        .add_columns(
            actors.c.id.label("actor_ref_id"),
            actors.c.name.label("actor_name"),
            actors.c.kind.label("actor_kind"),
        )
        .join(actors, actors.c.id == claims.c.actor_id)
        .where(claims.c.kind == "stance")
    )


def newest_first(columns: ReadOnlyColumnCollection[str, Any]) -> tuple[Any, ...]:
    """NEWEST_CLAIM_ORDER over a subquery's columns (the id breaks no tie left there)."""
    return (columns.date.desc().nulls_last(), columns.name, columns.start)


def newest_per_partition(
    query: Select[Any], partition: Sequence[ColumnElement[Any]], limit: int
) -> Select[Any]:
    """The same rows and order, keeping the `limit` newest of each partition (SQL window)."""
    rank = (
        func.row_number()
        .over(partition_by=list(partition), order_by=NEWEST_CLAIM_ORDER)
        .label("newest_rank")
    )
    ranked = query.add_columns(rank).order_by(None).subquery()
    kept = [c for c in ranked.c if c.key != "newest_rank"]
    return select(*kept).where(ranked.c.newest_rank <= limit).order_by(*newest_first(ranked.c))


def actor_claims(rows: Iterable[AnyRow]) -> tuple[tuple[ActorRef, CitedClaim], ...]:
    """Rows of a query with the three actor columns last, as (actor, cited claim) pairs."""
    refs: dict[str, ActorRef] = {}  # one shared (immutable) ref per actor
    found: list[tuple[ActorRef, CitedClaim]] = []
    for row in rows:
        actor_id, name, kind = row[-3:]
        if actor_id not in refs:
            refs[actor_id] = trusted(ActorRef, {"id": actor_id, "name": name, "kind": kind})
        found.append((refs[actor_id], cited_claim_from_row(row)))
    return tuple(found)


def cited_claim_from_row(row: Row[Any]) -> CitedClaim:
    (
        actor_id,
        kind,
        stance,
        proposition,
        conditions,
        modality,
        negated,
        speaker_id,
        speaker,
        sentence_index,
        start,
        end,
        date,
        quote,
        document,
        title,
        source,
        url,
        published,
        phrase,
        phrase_start,
        phrase_end,
        confidence,
    ) = row[: len(CITED_CLAIM_COLUMNS)]
    claim = {
        **_unstored_claim_fields(),
        "actor_id": actor_id,
        "kind": kind,
        "stance": stance,
        "proposition": proposition,
        "conditions": _conditions(conditions),
        "modality": modality,
        "negated": bool(negated),
        "speaker_id": speaker_id,
        "speaker": speaker,
        "sentence_index": sentence_index,
        "start": start,
        "end": end,
        "date": date,
        "phrase": phrase,
        "phrase_start": phrase_start,
        "phrase_end": phrase_end,
        "key_words": (),
        "phrase_head": None,
        "anaphoric": False,
        "confidence": 1.0 if confidence is None else confidence,
    }
    evidence = {
        "document": document,
        "title": title,
        "source": source,
        "url": url,
        "published": published,
        "quote": quote,
        "start": start,
        "end": end,
        "speaker": speaker,
    }
    return trusted(
        CitedClaim,
        {"claim": trusted(Claim, claim), "evidence": trusted(Evidence, evidence)},
    )


@cache
def _unstored_claim_fields() -> dict[str, Any]:
    """Defaults of the Claim fields the store keeps no column for (the engine's working
    notes, such as key words): a field added to Claim reads back as its default."""
    stored = {"conditions", *(column.key for column in CITED_CLAIM_COLUMNS)}
    return {
        name: info.get_default(call_default_factory=True)
        for name, info in Claim.model_fields.items()
        if name not in stored
    }


def _conditions(stored: str) -> tuple[str, ...]:
    return () if stored == "[]" else tuple(json.loads(stored))


def trusted(model: type[_Model], values: dict[str, Any]) -> _Model:
    """`model.model_construct(**values)` for a dict holding every field, minus its cost.

    model_construct loops over the fields looking up aliases and defaults, which
    is most of the time of a 5,000-claim read; these rows were validated when they
    were saved and name every field, so the loop has nothing to add. This sets
    exactly the attributes model_construct sets.
    """
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", values)
    object.__setattr__(instance, "__pydantic_fields_set__", _every_field(model))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", None)
    return instance


@cache
def _every_field(model: type[BaseModel]) -> set[str]:
    """One fields-set shared by all trusted instances of a model.

    Sharing is safe for frozen models, which never add to it (model_copy copies it
    first), and it spares the garbage collector a tracked set per instance.
    """
    return set(model.model_fields)
