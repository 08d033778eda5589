"""Keeping the read model (briefs/store/schema.py) in step with the claims.

Every write that adds documents calls `add_documents` after inserting their rows, and
every write that removes some calls `forget_documents` before deleting them and
`refresh_groups` after, in the same transaction, so the answers never see the two
disagree.

Adding only adds: counts grow, and each touched (actor, proposition, stance) has its
picks ranked again among its old picks and the new claims. That is exact because a
claim's place in either order depends on its own document's claims alone: a claim
that fell out of a group's picks stays out whatever documents come later. Removing
recounts the touched groups from their claims: rarer, and only those groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, TypeAlias

from sqlalchemy import (
    Connection,
    Select,
    case,
    delete,
    distinct,
    func,
    insert,
    literal_column,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from briefs.store.schema import (
    READ_MODEL_TABLES,
    actor_counts,
    claims,
    documents,
    mentions,
    stance_picks,
    stance_summaries,
)
from briefs.store.sql import chunks, upsert

# The brief's default quotes per point (BriefRequest.quotes_per_point): a brief asking
# for more is read from the claims.
BRIEF_PICKS: Final = 20
# A stance matrix row reads its actor's 12 newest claims (service.MATRIX_CLAIMS_PER_ACTOR).
NEWEST_PICKS: Final = 12
_GROUPS_PER_QUERY: Final = 100  # three bound parameters each

Group: TypeAlias = tuple[str, str, str]  # (actor id, proposition, stance)
_GROUP = (claims.c.actor_id, claims.c.proposition, claims.c.stance)
# A literal, not a bound parameter: PostgreSQL must see the same expression in GROUP BY.
_OUTLET = func.coalesce(documents.c.source, literal_column("''"))


def add_documents(conn: Connection, doc_ids: Sequence[str]) -> None:
    """Count in the claims and mentions of documents just inserted (new to the store)."""
    for chunk in chunks(sorted(doc_ids)):
        _count_actors(conn, chunk, sign=1)
        in_chunk = claims.c.doc_id.in_(chunk)
        _add_summaries(conn, in_chunk)
        _rank_again(conn, in_chunk)


def forget_documents(conn: Connection, doc_ids: Sequence[str]) -> list[Group]:
    """Before deleting documents: take their actors' counts out; the groups they touch,
    which `refresh_groups` recounts once their claims are gone."""
    touched: set[Group] = set()
    for chunk in chunks(sorted(doc_ids)):
        _count_actors(conn, chunk, sign=-1)
        query = select(*_GROUP).distinct().where(_stance_claims(), claims.c.doc_id.in_(chunk))
        touched.update((a, p, s) for a, p, s in conn.execute(query))
    return sorted(touched)


def refresh_groups(conn: Connection, groups: Sequence[Group]) -> None:
    """Recount these groups' summaries and picks from their claims."""
    for chunk in chunks(groups, _GROUPS_PER_QUERY):
        condition = _in_groups(chunk)
        for table_ in (stance_summaries, stance_picks):
            conn.execute(delete(table_).where(_in_groups(chunk, table_.c)))
        _insert_summaries(conn, condition)
        _insert_picks(conn, list(conn.execute(_ranked_picks(condition))))


def rebuild(conn: Connection) -> None:
    """The whole read model again from the claims: a database from before it, migrated."""
    for table_ in READ_MODEL_TABLES:
        conn.execute(delete(table_))
    _insert_summaries(conn, true())
    _insert_picks(conn, list(conn.execute(_ranked_picks(true()))))
    doc_ids = list(conn.scalars(select(documents.c.id)))
    for chunk in chunks(doc_ids):
        _count_actors(conn, chunk, sign=1)


# --- summaries ------------------------------------------------------------------------


def _stance_claims() -> ColumnElement[bool]:
    return (claims.c.kind == "stance") & claims.c.stance.is_not(None)


def _summary_rows(condition: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            *_GROUP,
            _OUTLET.label("outlet"),
            func.count().label("claims"),
            func.count(distinct(claims.c.doc_id)).label("documents"),
            func.min(claims.c.date).label("first_seen"),
            func.max(claims.c.date).label("last_seen"),
        )
        .join_from(claims, documents, claims.c.doc_id == documents.c.id)
        .where(_stance_claims(), condition)
        .group_by(*_GROUP, _OUTLET)
    )


def _insert_summaries(conn: Connection, condition: ColumnElement[bool]) -> None:
    rows = [row._asdict() for row in conn.execute(_summary_rows(condition))]
    if rows:
        conn.execute(insert(stance_summaries), rows)


def _add_summaries(conn: Connection, condition: ColumnElement[bool]) -> None:
    """Add new documents' counts to their groups' rows (new documents: distinct ones add up)."""
    rows = [row._asdict() for row in conn.execute(_summary_rows(condition))]
    if not rows:
        return
    known = stance_summaries.c
    conn.execute(
        upsert(
            conn,
            stance_summaries,
            ["actor_id", "proposition", "stance", "outlet"],
            lambda new: {
                "claims": known.claims + new.claims,
                "documents": known.documents + new.documents,
                "first_seen": _earlier(known.first_seen, new.first_seen),
                "last_seen": _later(known.last_seen, new.last_seen),
            },
        ),
        rows,
    )


def _earlier(known: ColumnElement[Any], new: ColumnElement[Any]) -> ColumnElement[Any]:
    """The earlier of two dates, NULL only when both are (engines' min/least differ)."""
    return case((new.is_(None), known), (known.is_(None), new), (new < known, new), else_=known)


def _later(known: ColumnElement[Any], new: ColumnElement[Any]) -> ColumnElement[Any]:
    return case((new.is_(None), known), (known.is_(None), new), (new > known, new), else_=known)


# --- picks ----------------------------------------------------------------------------


def _rank_again(conn: Connection, new_claims: ColumnElement[bool]) -> None:
    """Rank the touched groups' old picks with the new claims, and keep the first."""
    touched = select(*_GROUP).where(_stance_claims(), new_claims).distinct()
    picks_key = tuple_(stance_picks.c.actor_id, stance_picks.c.proposition, stance_picks.c.stance)
    old_picks = select(stance_picks.c.claim_id).where(picks_key.in_(touched))
    ranked = list(conn.execute(_ranked_picks(or_(new_claims, claims.c.id.in_(old_picks)))))
    conn.execute(delete(stance_picks).where(picks_key.in_(touched)))
    _insert_picks(conn, ranked)


def _ranked_picks(condition: ColumnElement[bool]) -> Select[Any]:
    """The stance claims meeting `condition` that make either cut of their group, with
    (claim id, actor, proposition, stance, brief rank, newest rank).

    The brief's order takes one article at a time (briefs.brief.evidence_newest_first):
    every document's newest claim, then every document's second newest, and so on; the
    newest order is the evidence order. Two windows in the inner query, the third over
    them (a window cannot read another in the same SELECT).
    """
    in_document = func.row_number().over(
        partition_by=[*_GROUP, claims.c.doc_id],
        order_by=(claims.c.date.desc().nulls_last(), claims.c.start, claims.c.id),
    )
    newest = func.row_number().over(
        partition_by=list(_GROUP),
        order_by=(claims.c.date.desc().nulls_last(), documents.c.name, claims.c.start, claims.c.id),
    )
    narrow = (
        select(
            claims.c.id,
            *_GROUP,
            claims.c.date,
            documents.c.name,
            claims.c.start,
            in_document.label("document_round"),
            newest.label("newest_rank"),
        )
        .join_from(claims, documents, claims.c.doc_id == documents.c.id)
        .where(_stance_claims(), condition)
        .subquery()
    )
    brief = func.row_number().over(
        partition_by=[narrow.c.actor_id, narrow.c.proposition, narrow.c.stance],
        order_by=(
            narrow.c.document_round,
            narrow.c.date.desc().nulls_last(),
            narrow.c.name,
            narrow.c.start,
            narrow.c.id,
        ),
    )
    ranked = select(
        narrow.c.id,
        narrow.c.actor_id,
        narrow.c.proposition,
        narrow.c.stance,
        brief.label("brief_rank"),
        narrow.c.newest_rank,
    ).subquery()
    return select(ranked).where(
        or_(ranked.c.brief_rank <= BRIEF_PICKS, ranked.c.newest_rank <= NEWEST_PICKS)
    )


def _insert_picks(conn: Connection, ranked: Sequence[Any]) -> None:
    rows = [
        {
            "claim_id": claim_id,
            "actor_id": actor_id,
            "proposition": proposition,
            "stance": stance,
            "brief_rank": brief if brief <= BRIEF_PICKS else None,
            "newest_rank": newest if newest <= NEWEST_PICKS else None,
        }
        for claim_id, actor_id, proposition, stance, brief, newest in ranked
    ]
    if rows:
        conn.execute(insert(stance_picks), rows)


# --- actors ---------------------------------------------------------------------------


def _count_actors(conn: Connection, doc_ids: Sequence[str], *, sign: int) -> None:
    """Add (sign 1) or take out (sign -1) these documents' share of each actor's counts."""
    in_chunk = claims.c.doc_id.in_(doc_ids)
    counts: dict[str, list[int]] = {}
    claim_counts = select(
        claims.c.actor_id, func.count(), func.count(case((claims.c.kind == "stance", 1)))
    ).where(in_chunk)
    for actor_id, any_kind, stance in conn.execute(claim_counts.group_by(claims.c.actor_id)):
        counts[actor_id] = [any_kind, stance, 0]
    # COUNT(DISTINCT) below: a document citing and mentioning an actor counts once.
    cited_in = union_all(
        select(claims.c.actor_id, claims.c.doc_id).where(in_chunk),
        select(mentions.c.actor_id, mentions.c.doc_id).where(mentions.c.doc_id.in_(doc_ids)),
    ).subquery()
    citing = select(cited_in.c.actor_id, func.count(distinct(cited_in.c.doc_id)))
    for actor_id, documents_ in conn.execute(citing.group_by(cited_in.c.actor_id)):
        counts.setdefault(actor_id, [0, 0, 0])[2] = documents_
    if not counts:
        return
    known = actor_counts.c
    conn.execute(
        upsert(
            conn,
            actor_counts,
            ["actor_id"],
            lambda new: {
                "claims": known.claims + new.claims,
                "stance_claims": known.stance_claims + new.stance_claims,
                "documents": known.documents + new.documents,
            },
        ),
        [
            {
                "actor_id": actor_id,
                "claims": sign * any_kind,
                "stance_claims": sign * stance,
                "documents": sign * documents_,
            }
            for actor_id, (any_kind, stance, documents_) in sorted(counts.items())
        ],
    )


def _in_groups(groups: Sequence[Group], columns: Any = claims.c) -> ColumnElement[bool]:
    """Rows of these groups; the one-column conditions let the planner use an index."""
    condition: ColumnElement[bool] = (
        columns.actor_id.in_(sorted({a for a, _, _ in groups}))
        & columns.proposition.in_(sorted({p for _, p, _ in groups}))
        & tuple_(columns.actor_id, columns.proposition, columns.stance).in_(list(groups))
    )
    return condition
