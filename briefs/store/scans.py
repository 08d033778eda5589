"""Answers read by scanning the claims: what the read model (briefs/store/summaries.py)
must reproduce, and what the store still reads for the requests it does not keep (a
`since` date, more quotes per point). Each scan costs the claims it reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Select, case, distinct, func, select, union

from briefs.models import ActorRef, ActorSummary, CitedClaim, ClaimGroup, IssueSummary
from briefs.store.cited import (
    AnyRow,
    actor_claims,
    cited_claim_from_row,
    cited_claims_query,
    newest_per_partition,
    stance_claims_with_actors,
)
from briefs.store.schema import actors, claims, documents, mentions


def cited_claims(
    conn: Connection,
    actor_id: str,
    *,
    since: dt.date | None,
    include_context: bool,
    per_group: int | None,
) -> list[CitedClaim]:
    """An actor's claims with their evidence, newest first (unknown dates last)."""
    query = cited_claims_query(since).where(claims.c.actor_id == actor_id)
    if not include_context:
        query = query.where(claims.c.kind == "stance")
    if per_group is not None:
        kept = _first_per_group_by_document(query, per_group)
        query = query.where(claims.c.id.in_(kept))
    # Built while streaming: each row is freed as soon as it is used.
    return [cited_claim_from_row(row) for row in conn.execute(query)]


def claim_groups(conn: Connection, actor_id: str, *, since: dt.date | None) -> list[ClaimGroup]:
    """Counts, dates and outlets of an actor's stance claims per (proposition, stance).

    One query, grouped by outlet too (a document has one outlet, so its distinct
    documents add up), folded per (proposition, stance) here.
    """
    query = (
        select(
            claims.c.proposition,
            claims.c.stance,
            documents.c.source,
            func.count(),
            func.count(distinct(claims.c.doc_id)),
            func.min(claims.c.date),
            func.max(claims.c.date),
        )
        .join_from(claims, documents, claims.c.doc_id == documents.c.id)
        .where(claims.c.actor_id == actor_id, claims.c.kind == "stance")
        .group_by(claims.c.proposition, claims.c.stance, documents.c.source)
    )
    if since is not None:
        query = query.where(claims.c.date >= since)
    return fold_claim_groups(conn.execute(query).all())


def claims_on_propositions(
    conn: Connection,
    propositions: Collection[str],
    *,
    since: dt.date | None,
    per_actor: int | None,
    collectives_only: bool,
) -> tuple[tuple[ActorRef, CitedClaim], ...]:
    """Stance claims on any of these propositions, by any known actor."""
    query = stance_claims_with_actors(since).where(claims.c.proposition.in_(list(propositions)))
    if collectives_only:
        query = query.where(actors.c.kind != "person")
    if per_actor is not None:
        query = newest_per_partition(query, (claims.c.actor_id,), per_actor)
    return actor_claims(conn.execute(query))


def proposition_summaries(conn: Connection, *, since: dt.date | None) -> list[IssueSummary]:
    """Per proposition: actors and stance claims, and the latest claim date."""
    query = (
        select(
            claims.c.proposition,
            func.count(func.distinct(claims.c.actor_id)),
            func.count(),
            func.max(claims.c.date),
        )
        .where(claims.c.kind == "stance")
        .group_by(claims.c.proposition)
    )
    if since is not None:
        query = query.where(claims.c.date >= since)
    return [
        IssueSummary(label=label, actors=actors_, claims=count, last_seen=last)
        for label, actors_, count, last in conn.execute(query)
    ]


def actor_summaries(conn: Connection) -> list[ActorSummary]:
    """Actors with at least one claim: stance claims and documents citing them."""
    return [
        ActorSummary.model_construct(
            actor=ActorRef.model_construct(id=actor_id, name=name, kind=kind),
            claims=claim_count,
            documents=document_count,
        )
        for actor_id, name, kind, claim_count, document_count in conn.execute(
            _actor_summaries_query()
        )
    ]


def fold_claim_groups(rows: Sequence[AnyRow]) -> list[ClaimGroup]:
    """(proposition, stance, outlet, claims, documents, first, last) rows, per outlet, folded
    into one group each; outlets most documents first, then the most recent, then by name."""
    folded: dict[tuple[str, str], list[AnyRow]] = {}
    for row in rows:
        folded.setdefault((row[0], row[1]), []).append(row)
    groups = []
    for (proposition, stance), parts in folded.items():
        named = [p for p in parts if p[2] is not None and p[2].strip()]
        named.sort(key=lambda p: (-p[4], *_newest_date_first(p[6]), p[2]))
        firsts = [p[5] for p in parts if p[5] is not None]
        lasts = [p[6] for p in parts if p[6] is not None]
        groups.append(
            ClaimGroup(
                proposition=proposition,
                stance=stance,
                total=sum(p[3] for p in parts),
                documents=sum(p[4] for p in parts),
                first_seen=min(firsts, default=None),
                last_seen=max(lasts, default=None),
                outlets=tuple(p[2] for p in named),
            )
        )
    return groups


def _newest_date_first(day: dt.date | None) -> tuple[bool, int]:
    return (day is None, -day.toordinal() if day else 0)


def _first_per_group_by_document(query: Select[Any], limit: int) -> Select[Any]:
    """The ids of the first `limit` claims of each (proposition, stance) among `query`'s,
    taken one article at a time: every document's newest claim (newest first), then every
    document's second newest, and so on. A point's few quotes so cite as many outlets as
    stated it (three outlets' copies of one story: three quotes, three outlets) rather
    than one outlet's every sentence; `briefs.brief.evidence_newest_first` orders them
    the same way.

    Two windows, one per subquery (a window cannot read another in the same SELECT),
    over narrow rows: only the kept ids go back to the full query.
    """
    group = (claims.c.proposition, claims.c.stance)
    in_document = (
        func.row_number()
        .over(
            partition_by=[*group, claims.c.doc_id],
            order_by=(claims.c.date.desc().nulls_last(), claims.c.start, claims.c.id),
        )
        .label("document_round")
    )
    narrow = (
        query.with_only_columns(
            claims.c.id, *group, claims.c.date, documents.c.name, claims.c.start, in_document
        )
        .order_by(None)
        .subquery()
    )
    rank = (
        func.row_number()
        .over(
            partition_by=[narrow.c.proposition, narrow.c.stance],
            order_by=(
                narrow.c.document_round,
                narrow.c.date.desc().nulls_last(),
                narrow.c.name,
                narrow.c.start,
                narrow.c.id,
            ),
        )
        .label("group_rank")
    )
    ranked = select(narrow.c.id, rank).subquery()
    return select(ranked.c.id).where(ranked.c.group_rank <= limit)


def _actor_summaries_query() -> Select[Any]:
    stance_counts = (
        select(
            claims.c.actor_id,
            func.count(case((claims.c.kind == "stance", 1))).label("claims"),
        )
        .group_by(claims.c.actor_id)
        .subquery()
    )
    # UNION (not UNION ALL) leaves one row per actor and document.
    cited_in = union(
        select(claims.c.actor_id, claims.c.doc_id),
        select(mentions.c.actor_id, mentions.c.doc_id),
    ).subquery()
    document_counts = (
        select(cited_in.c.actor_id, func.count().label("documents"))
        .group_by(cited_in.c.actor_id)
        .subquery()
    )
    return (
        select(
            actors.c.id,
            actors.c.name,
            actors.c.kind,
            stance_counts.c.claims,
            document_counts.c.documents,
        )
        .join_from(actors, stance_counts, stance_counts.c.actor_id == actors.c.id)
        .join(document_counts, document_counts.c.actor_id == actors.c.id)
        .order_by(stance_counts.c.claims.desc(), actors.c.name, actors.c.id)
    )
