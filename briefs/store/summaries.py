"""Answers read off the read model: a few rows per answer, whatever the corpus size.

Each function returns exactly what the matching scan of the claims in
briefs/store/scans.py returns (tests/test_read_model.py holds them to it); the store
falls back to the scans for what the read model does not keep (a `since` date, more
quotes per point than it picks).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, distinct, func, select

from briefs.models import ActorRef, ActorSummary, CitedClaim, ClaimGroup, IssueSummary
from briefs.store.cited import (
    actor_claims,
    cited_claim_from_row,
    cited_claims_query,
    newest_per_partition,
    stance_claims_with_actors,
)
from briefs.store.scans import fold_claim_groups
from briefs.store.schema import actor_counts, actors, claims, stance_picks, stance_summaries


def brief_claims(conn: Connection, actor_id: str, per_group: int) -> list[CitedClaim]:
    """The first `per_group` claims of each of an actor's (proposition, stance), newest first."""
    query = (
        cited_claims_query(None)
        .join(stance_picks, stance_picks.c.claim_id == claims.c.id)
        .where(stance_picks.c.actor_id == actor_id, stance_picks.c.brief_rank <= per_group)
    )
    return [cited_claim_from_row(row) for row in conn.execute(query)]


def claim_groups(conn: Connection, actor_id: str) -> list[ClaimGroup]:
    s = stance_summaries.c
    query = select(
        s.proposition, s.stance, s.outlet, s.claims, s.documents, s.first_seen, s.last_seen
    ).where(s.actor_id == actor_id)
    return fold_claim_groups(conn.execute(query).all())


def newest_claims_on(
    conn: Connection, propositions: Collection[str], per_actor: int, *, collectives_only: bool
) -> tuple[tuple[ActorRef, CitedClaim], ...]:
    """Each actor's `per_actor` newest stance claims on any of these propositions."""
    query = (
        stance_claims_with_actors()
        .join(stance_picks, stance_picks.c.claim_id == claims.c.id)
        .where(
            stance_picks.c.proposition.in_(sorted(propositions)),
            stance_picks.c.newest_rank <= per_actor,
        )
    )
    if collectives_only:
        query = query.where(actors.c.kind != "person")
    return actor_claims(conn.execute(newest_per_partition(query, (claims.c.actor_id,), per_actor)))


def proposition_summaries(conn: Connection) -> list[IssueSummary]:
    s = stance_summaries.c
    query = select(
        s.proposition, func.count(distinct(s.actor_id)), func.sum(s.claims), func.max(s.last_seen)
    ).group_by(s.proposition)
    return [
        IssueSummary(label=label, actors=actors_, claims=int(count), last_seen=last)
        for label, actors_, count, last in conn.execute(query)
    ]


def actor_summaries(conn: Connection) -> list[ActorSummary]:
    """Actors with at least one claim: stance claims and documents citing them."""
    c = actor_counts.c
    query: Any = (
        select(actors.c.id, actors.c.name, actors.c.kind, c.stance_claims, c.documents)
        .join_from(actors, actor_counts, c.actor_id == actors.c.id)
        .where(c.claims > 0)
        .order_by(c.stance_claims.desc(), actors.c.name, actors.c.id)
    )
    return [
        ActorSummary.model_construct(
            actor=ActorRef.model_construct(id=actor_id, name=name, kind=kind),
            claims=claim_count,
            documents=document_count,
        )
        for actor_id, name, kind, claim_count, document_count in conn.execute(query)
    ]
