"""Digests: what changed in one ingestion window, from claims the store split by it.

Pure, like briefs: the store reads the claims whose documents were ingested in the
window (`after`) and, for the same (actor, proposition) pairs, the newest ones
ingested earlier (`before`); this module decides what is news. A pair the window
touches is news when its latest stance moved (a change) or when it had no stance
before (new positions); a repeated stance is not news, though its article still
counts as a new source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from briefs.brief import (
    CHANGE_EVIDENCE_LIMIT,
    build_point,
    claim_date,
    group_claims,
    is_stance_claim,
    latest_stance,
    newest_first,
    newest_first_claim,
    oldest_first_claim,
    stance_of,
    unique_claims,
)
from briefs.models import (
    STANCES,
    ActorRef,
    CitedClaim,
    Digest,
    DigestChange,
    DigestPoint,
    DigestRequest,
    SourceRef,
    StanceChange,
)
from briefs.topics import TopicCatalog

# A digest is read at a glance: a few quotes per side of a change and per new point.
DIGEST_QUOTES = CHANGE_EVIDENCE_LIMIT

ActorClaim = tuple[ActorRef, CitedClaim]
Pair = tuple[str, str]  # (actor id, proposition)


# --- selection ---------------------------------------------------------------------------


def wanted_actor_ids(request: DigestRequest, actors: Sequence[ActorRef]) -> frozenset[str]:
    """The actor ids a digest covers: the resolved actors, else the request's own ids.

    Empty means every country and organisation.
    """
    return frozenset(a.id for a in actors) or frozenset(request.actors)


def topic_propositions(topic: str | None, topics: TopicCatalog) -> frozenset[str] | None:
    """The propositions a topic names in the catalog; None when there is no topic."""
    if topic is None:
        return None
    return frozenset(t.proposition for t in topics.matching(topic))


def selected(
    claims: Iterable[ActorClaim], actor_ids: frozenset[str], propositions: frozenset[str] | None
) -> list[ActorClaim]:
    """The stance claims of the wanted actors on the wanted propositions.

    With no actors asked for, people are left out: they speak for a country or
    organisation whose own claims are already there.
    """
    return [
        (actor, cited)
        for actor, cited in claims
        if is_stance_claim(cited)
        and (actor.id in actor_ids if actor_ids else actor.kind != "person")
        and (propositions is None or cited.claim.proposition in propositions)
    ]


def by_pair(claims: Iterable[ActorClaim]) -> dict[Pair, tuple[ActorRef, list[CitedClaim]]]:
    """Claims grouped by (actor, proposition), pairs in first-seen order."""
    pairs: dict[Pair, tuple[ActorRef, list[CitedClaim]]] = {}
    for actor, cited in claims:
        pairs.setdefault((actor.id, cited.claim.proposition), (actor, []))[1].append(cited)
    return pairs


# --- news ----------------------------------------------------------------------------------


def stance_change(
    proposition: str, earlier: Sequence[CitedClaim], window: Sequence[CitedClaim]
) -> StanceChange | None:
    """The change the window made to a proposition's latest stance, or None if it made none.

    The stance after the window is the latest over all the claims, not the window's
    alone: an old article ingested today does not undo what was said since. Each side
    is cited by its quotes nearest the switch: the newest earlier claims of the old
    stance, the window's oldest claims of the new one.
    """
    was = latest_stance(earlier)
    now = latest_stance([*earlier, *window])
    before = unique_claims(
        sorted((c for c in earlier if stance_of(c) == was), key=newest_first_claim)
    )
    after = unique_claims(
        sorted((c for c in window if stance_of(c) == now), key=oldest_first_claim)
    )
    if now == was or not after:  # no move, or none the window can cite
        return None
    return StanceChange(
        proposition=proposition,
        before=was,
        after=now,
        before_date=claim_date(before[0]),
        after_date=claim_date(after[0]),
        before_evidence=tuple(c.evidence for c in before[:DIGEST_QUOTES]),
        after_evidence=tuple(c.evidence for c in after[:DIGEST_QUOTES]),
    )


def new_positions(
    actor: ActorRef, window: Sequence[CitedClaim], topics: TopicCatalog
) -> list[DigestPoint]:
    """One point per stance the window states, merged as a brief merges them."""
    return [
        DigestPoint(
            actor=actor,
            point=build_point(
                actor.name, proposition, stance, claims, topics, quotes=DIGEST_QUOTES
            ),
        )
        for (proposition, stance), claims in group_claims(window).items()
    ]


def new_sources(
    documents: Iterable[SourceRef], window: Iterable[ActorClaim]
) -> tuple[SourceRef, ...]:
    """The documents carrying a selected window claim, once each, newest published first."""
    carried = {cited.evidence.document for _, cited in window}
    distinct = {d.document: d for d in documents if d.document in carried}
    return tuple(sorted(distinct.values(), key=lambda s: (*newest_first(s.published), s.document)))


# --- order ---------------------------------------------------------------------------------


def change_order(item: DigestChange) -> tuple[bool, int, str, str, str]:
    """Newest change first (unknown dates last), then by actor and proposition."""
    return (
        *newest_first(item.change.after_date),
        item.actor.name.casefold(),
        item.actor.id,
        item.change.proposition,
    )


def point_order(item: DigestPoint) -> tuple[int, bool, int, str, str, str, int]:
    """Most cited first, then the most recent, then by actor, proposition and stance."""
    point = item.point
    return (
        -point.evidence_total,
        *newest_first(point.last_seen),
        item.actor.name.casefold(),
        item.actor.id,
        point.proposition,
        STANCES.index(point.stance),
    )


# --- the digest ----------------------------------------------------------------------------


def digest_actors(
    request: DigestRequest, actors: Sequence[ActorRef], seen: Iterable[ActorClaim]
) -> tuple[ActorRef, ...]:
    """The actors a digest is about: the resolved ones, else those of the request's ids seen."""
    if actors:
        return tuple(actors)
    refs = {actor.id: actor for actor, _ in seen}
    return tuple(refs[i] for i in dict.fromkeys(request.actors) if i in refs)


def build_digest(
    request: DigestRequest,
    before: Sequence[ActorClaim],
    after: Sequence[ActorClaim],
    new_documents: Sequence[SourceRef],
    *,
    topics: TopicCatalog,
    actors: Sequence[ActorRef] = (),
) -> Digest:
    """What changed in the request's window: stance changes, new positions, new sources.

    `after` holds the claims ingested in the window, `before` the newest ones ingested
    earlier on the same (actor, proposition) pairs, `new_documents` the window's
    documents. `actors` are the request's actors resolved by the caller; without them
    `request.actors` are taken as actor ids.
    """
    actor_ids = wanted_actor_ids(request, actors)
    propositions = topic_propositions(request.topic, topics)
    window = selected(after, actor_ids, propositions)
    earlier = by_pair(selected(before, actor_ids, propositions))
    changes: list[DigestChange] = []
    points: list[DigestPoint] = []
    for pair, (actor, claims) in by_pair(window).items():
        if pair not in earlier:
            points += new_positions(actor, claims, topics)
        elif change := stance_change(pair[1], earlier[pair][1], claims):
            changes.append(DigestChange(actor=actor, change=change))
    return Digest(
        since=request.start,
        until=request.until,
        topic=request.topic,
        actors=digest_actors(request, actors, [*window, *before]),
        changes=tuple(sorted(changes, key=change_order)),
        new_positions=tuple(sorted(points, key=point_order)),
        new_sources=new_sources(new_documents, window),
    )
