"""The stance matrix: who supports, opposes or conditions a topic, one row per actor."""

from __future__ import annotations

from collections.abc import Sequence

from briefs.brief import (
    claim_date,
    evidence_newest_first,
    latest_stance,
    merge_conditions,
    newest_first_claim,
    oldest_first_claim,
    select_claims,
    stance_of,
)
from briefs.models import ActorRef, CitedClaim, MatrixRow, Stance, StanceMatrix
from briefs.topics import TopicCatalog

ROW_EVIDENCE_LIMIT = 3
# Readers scan from backing to opposing; undecided sits between the two camps.
MATRIX_STANCE_ORDER: tuple[Stance, ...] = ("supports", "conditional", "undecided", "opposes")


def group_by_actor(
    topic: str,
    rows: Sequence[tuple[ActorRef, CitedClaim]],
    topics: TopicCatalog,
    issues: frozenset[str] = frozenset(),
) -> dict[str, tuple[ActorRef, list[CitedClaim]]]:
    """On-topic stance claims per country or organisation, actors in first-seen order.

    People are left out: they speak for a country or organisation that is
    already listed, and a row each would count one government several times.
    """
    grouped: dict[str, tuple[ActorRef, list[CitedClaim]]] = {}
    for actor, cited in rows:
        if actor.kind == "person":
            continue
        # a claim on an issue the topic names counts however its quote words it
        on_issue = cited.claim.proposition in issues
        if select_claims([cited], topic=None if on_issue else topic, since=None, topics=topics):
            grouped.setdefault(actor.id, (actor, []))[1].append(cited)
    return grouped


def build_row(actor: ActorRef, claims: Sequence[CitedClaim]) -> MatrixRow:
    """One actor's latest stance, cited by that stance's newest claims."""
    stance = latest_stance(claims)
    same = sorted((c for c in claims if stance_of(c) == stance), key=newest_first_claim)
    chronological = sorted(same, key=oldest_first_claim)
    return MatrixRow(
        actor=actor,
        stance=stance,
        proposition=same[0].claim.proposition,
        conditions=merge_conditions(c.claim.conditions for c in chronological),
        last_seen=claim_date(same[0]),
        evidence=evidence_newest_first(same)[:ROW_EVIDENCE_LIMIT],
    )


def build_matrix(
    topic: str,
    rows: Sequence[tuple[ActorRef, CitedClaim]],
    *,
    topics: TopicCatalog,
    issues: frozenset[str] = frozenset(),
) -> StanceMatrix:
    """Each country's and organisation's latest stance on `topic`, or on the corpus's
    `issues` it names."""
    grouped = group_by_actor(topic, rows, topics, issues)
    matrix_rows = sorted(
        (build_row(actor, claims) for actor, claims in grouped.values()),
        key=lambda r: (MATRIX_STANCE_ORDER.index(r.stance), r.actor.name.casefold(), r.actor.id),
    )
    as_of = max((r.last_seen for r in matrix_rows if r.last_seen), default=None)
    return StanceMatrix(topic=topic, as_of=as_of, rows=tuple(matrix_rows))
