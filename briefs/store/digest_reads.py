"""The store's reads for a digest: the window's claims and the stance before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, tuple_

from briefs.models import ActorRef, CitedClaim, SourceRef
from briefs.store.cited import AnyRow, newest_per_partition, stance_claims_with_actors, trusted
from briefs.store.schema import claims, documents


def window_claims_query(since: dt.datetime, until: dt.datetime) -> Select[Any]:
    """Every stance claim of the documents ingested in (since, until].

    Actors and propositions are left to `DigestFilter`: given a condition on either,
    SQLite (which keeps no statistics unless ANALYZE ran) reads every claim of that
    actor or proposition instead of the window's few documents by their index.
    """
    return stance_claims_with_actors().where(
        documents.c.ingested_at > since, documents.c.ingested_at <= until
    )


def earlier_claims_query(
    pairs: Sequence[tuple[str, str]], since: dt.datetime, per_pair: int
) -> Select[Any]:
    """The `per_pair` newest claims of each (actor, proposition) ingested up to `since`."""
    query = stance_claims_with_actors().where(
        or_(documents.c.ingested_at <= since, documents.c.ingested_at.is_(None)),
        # the single-column conditions let the planner use the actor and proposition
        # indexes; the pair condition then drops the other combinations
        claims.c.actor_id.in_(sorted({actor_id for actor_id, _ in pairs})),
        claims.c.proposition.in_(sorted({proposition for _, proposition in pairs})),
        tuple_(claims.c.actor_id, claims.c.proposition).in_(list(pairs)),
    )
    return newest_per_partition(query, (claims.c.actor_id, claims.c.proposition), per_pair)


@dataclass(frozen=True)
class DigestFilter:
    """Which window claims a digest wants, tested on the raw rows."""

    actor_ids: frozenset[str]  # none: every country and organisation
    propositions: frozenset[str] | None  # None: all

    def keeps(self, row: AnyRow) -> bool:
        if self.actor_ids:
            if row.actor_id not in self.actor_ids:
                return False
        elif row.actor_kind == "person":
            return False
        return self.propositions is None or row.proposition in self.propositions


def optional_set(items: Collection[str] | None) -> frozenset[str] | None:
    return None if items is None else frozenset(items)


def sources_of(found: Iterable[tuple[ActorRef, CitedClaim]]) -> tuple[SourceRef, ...]:
    """The distinct documents citing these claims, in the order the claims come."""
    by_document: dict[str, SourceRef] = {}
    for _, cited in found:
        evidence = cited.evidence
        if evidence.document not in by_document:
            by_document[evidence.document] = trusted(
                SourceRef,
                {
                    "document": evidence.document,
                    "title": evidence.title,
                    "source": evidence.source,
                    "url": evidence.url,
                    "published": evidence.published,
                },
            )
    return tuple(by_document.values())
