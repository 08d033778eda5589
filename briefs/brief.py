"""Briefs from cited claims: merge citations into points, find stance changes, summarise.

Everything here is pure: the caller fetches an actor's cited claims from the store
and passes them in with the request and the topic catalog. Statements and the
summary are our own words and never carry quote marks; only `Evidence.quote`
is verbatim article text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from briefs.models import (
    STANCES,
    ActorRef,
    Brief,
    BriefRequest,
    CitedClaim,
    ClaimGroup,
    Evidence,
    Point,
    SourceRef,
    Stance,
    StanceChange,
)
from briefs.topics import TopicCatalog

CHANGE_EVIDENCE_LIMIT = 3
SUMMARY_POINT_LIMIT = 3

# One template per stance; `point_subject` reads the subject back out of them.
STATEMENT_TEMPLATES: dict[Stance, str] = {
    "supports": "{name} supports {subject}.",
    "opposes": "{name} opposes {subject}.",
    "conditional": "{name} is open to {subject} but has not committed.",
    "undecided": "{name} has not decided on {subject}.",
}
SUMMARY_PHRASES: dict[Stance, str] = {
    "supports": "supports {subject}",
    "opposes": "opposes {subject}",
    "conditional": "is open to {subject} but has not committed",
    "undecided": "has not decided on {subject}",
}
# Only these stances are qualified by conditions; for the others a condition
# would read as if the actor had accepted something it has not.
STANCES_WITH_CONDITIONS: frozenset[Stance] = frozenset({"supports", "conditional"})


# --- dates and ordering ----------------------------------------------------------


def claim_date(cited: CitedClaim) -> dt.date | None:
    """When a claim was made: its own date, else its article's publication date."""
    return cited.claim.date or cited.evidence.published


def newest_first(date: dt.date | None) -> tuple[bool, int]:
    """Sort key putting the newest date first and unknown dates last."""
    return (date is None, -date.toordinal() if date else 0)


def oldest_first(date: dt.date | None) -> tuple[bool, int]:
    """Sort key putting the oldest date first and unknown dates last."""
    return (date is None, date.toordinal() if date else 0)


def newest_first_claim(cited: CitedClaim) -> tuple[bool, int, str, int]:
    """Sort key: newest claim first (unknown dates last), then by document and offset."""
    return (*newest_first(claim_date(cited)), cited.evidence.document, cited.evidence.start)


def oldest_first_claim(cited: CitedClaim) -> tuple[bool, int, str, int]:
    """Sort key: oldest claim first (unknown dates last), then by document and offset."""
    return (*oldest_first(claim_date(cited)), cited.evidence.document, cited.evidence.start)


def _latest(dates: Iterable[dt.date | None]) -> dt.date | None:
    return max((d for d in dates if d is not None), default=None)


def _earliest(dates: Iterable[dt.date | None]) -> dt.date | None:
    return min((d for d in dates if d is not None), default=None)


# --- selection ---------------------------------------------------------------------


def is_stance_claim(cited: CitedClaim) -> bool:
    """Whether a claim states a position (context claims only describe one)."""
    return cited.claim.kind == "stance" and cited.claim.stance is not None


def topic_patterns(topic: str) -> list[re.Pattern[str]]:
    """What must all occur in a claim for it to be on a user's free-text topic.

    Words of three letters or more may occur inside longer ones ("troop" finds
    "troops"); shorter words are noise unless they are all there is ("EU"), and
    then they must occur as whole words, or "eu" would find "Europe".
    """
    words = re.findall(r"\w+", topic.lower())
    long_words = [w for w in words if len(w) > 2]
    if long_words:
        return [re.compile(re.escape(w), re.IGNORECASE) for w in long_words]
    return [re.compile(rf"\b{re.escape(w)}\b", re.IGNORECASE) for w in words]


def select_claims(
    claims: Sequence[CitedClaim],
    *,
    topic: str | None,
    since: dt.date | None,
    topics: TopicCatalog,
) -> list[CitedClaim]:
    """The stance claims that pass the request's topic and date filters."""
    selected = [c for c in claims if is_stance_claim(c)]
    if since is not None:
        selected = [c for c in selected if (d := claim_date(c)) is not None and d >= since]
    if topic is not None:
        wanted = {t.proposition for t in topics.matching(topic)}
        patterns = topic_patterns(topic)
        selected = [c for c in selected if _matches(c, wanted, patterns)]
    return selected


def _matches(cited: CitedClaim, wanted: set[str], patterns: list[re.Pattern[str]]) -> bool:
    if cited.claim.proposition in wanted:
        return True
    proposition, quote = cited.claim.proposition, cited.evidence.quote
    return all(p.search(proposition) or p.search(quote) for p in patterns)


def stance_of(cited: CitedClaim) -> Stance:
    """The stance of a claim already known to be a stance claim."""
    stance = cited.claim.stance
    if stance is None:  # select_claims guarantees this never happens
        raise ValueError("a context claim has no stance")
    return stance


def latest_stance(claims: Sequence[CitedClaim]) -> Stance:
    """The stance of the latest-dated claim; unknown dates count as oldest.

    When claims on that latest day disagree, the stance stated most often that
    day wins; then the one stated most often overall (the better-attested
    reading); then the first in `STANCES`, so the result never depends on order.
    """
    latest = _latest(claim_date(c) for c in claims)
    that_day = Counter(stance_of(c) for c in claims if claim_date(c) == latest)
    overall = Counter(stance_of(c) for c in claims)
    return max(that_day, key=lambda s: (that_day[s], overall[s], -STANCES.index(s)))


# --- evidence, conditions, speakers ------------------------------------------------


def _evidence_key(evidence: Evidence) -> tuple[str, int, int]:
    return (evidence.document, evidence.start, evidence.end)


def unique_claims(claims: Iterable[CitedClaim]) -> list[CitedClaim]:
    """Claims with distinct citations, in the given order (the first of duplicates wins)."""
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for cited in claims:
        key = _evidence_key(cited.evidence)
        if key not in seen:
            seen.add(key)
            unique.append(cited)
    return unique


def evidence_newest_first(claims: Iterable[CitedClaim]) -> tuple[Evidence, ...]:
    """Distinct citations, one article at a time: every document's newest quote (newest
    first, unknown dates last), then every document's second newest, and so on.

    A point's first few quotes so cite as many outlets as stated it: three outlets'
    copies of one story give three quotes from three outlets, not one outlet's every
    sentence, even when one copy came out a day later.
    """
    ordered = unique_claims(sorted(claims, key=newest_first_claim))
    rounds: Counter[str] = Counter()
    keyed: list[tuple[int, tuple[bool, int], str, int, CitedClaim]] = []
    for cited in ordered:
        document = cited.evidence.document
        keyed.append(
            (
                rounds[document],
                newest_first(claim_date(cited)),
                document,
                cited.evidence.start,
                cited,
            )
        )
        rounds[document] += 1
    keyed.sort(key=lambda item: item[:4])
    return tuple(item[4].evidence for item in keyed)


def rank_outlets(claims: Iterable[CitedClaim]) -> tuple[str, ...]:
    """Distinct outlets (the evidence's `source`), most documents first, then the most
    recent; an outlet-less document (a file without a `source:`) is not counted."""
    documents: dict[str, set[str]] = {}
    latest: dict[str, tuple[bool, int]] = {}
    for cited in sorted(claims, key=newest_first_claim):
        outlet = (cited.evidence.source or "").strip()
        if not outlet:
            continue
        documents.setdefault(outlet, set()).add(cited.evidence.document)
        latest.setdefault(outlet, newest_first(claim_date(cited)))
    return tuple(sorted(documents, key=lambda o: (-len(documents[o]), latest[o], o)))


def merge_conditions(condition_lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Union of conditions in first-seen order, ignoring case and contained repeats.

    A condition that is part of a longer kept one ("if a ceasefire" within "if a
    ceasefire is agreed") adds nothing, so the shorter one is dropped.
    """
    distinct: dict[str, str] = {}
    for conditions in condition_lists:
        for condition in conditions:
            text = condition.strip()
            if text and text.casefold() not in distinct:
                distinct[text.casefold()] = text
    folded = list(distinct)
    return tuple(
        distinct[c] for c in folded if not any(c != other and c in other for other in folded)
    )


def rank_speakers(claims: Iterable[CitedClaim]) -> tuple[str, ...]:
    """Distinct speakers, most frequently cited first (ties keep first-seen order)."""
    counts = Counter(
        speaker for c in unique_claims(claims) if (speaker := c.evidence.speaker or c.claim.speaker)
    )
    return tuple(speaker for speaker, _ in counts.most_common())


# --- statements ---------------------------------------------------------------------


def subject_for(proposition: str, topics: TopicCatalog) -> str:
    """How a proposition reads after a verb: the topic's gerund when we know it."""
    topic = topics.for_proposition(proposition)
    return topic.gerund if topic else proposition


def conditions_tail(conditions: Sequence[str]) -> str:
    """The sentence listing a point's conditions, appended to its statement."""
    if not conditions:
        return ""
    return " Conditions: " + "; ".join(c.rstrip(" .;,") for c in conditions) + "."


def make_statement(name: str, stance: Stance, subject: str, conditions: Sequence[str]) -> str:
    """Our one-sentence description of a point (never quoted: these are our words)."""
    statement = STATEMENT_TEMPLATES[stance].format(name=name, subject=subject)
    if stance in STANCES_WITH_CONDITIONS:
        statement += conditions_tail(conditions)
    return statement


def point_subject(point: Point, name: str) -> str:
    """The subject phrase of a point's statement ("sending troops to Ukraine").

    Renderers only see the brief, so they read the subject back out of the
    statement; a statement in another shape falls back to the proposition.
    """
    prefix, suffix = STATEMENT_TEMPLATES[point.stance].format(name=name, subject="\0").split("\0")
    statement = point.statement
    tail = conditions_tail(point.conditions)
    if point.stance in STANCES_WITH_CONDITIONS and tail and statement.endswith(tail):
        statement = statement[: -len(tail)]
    if statement.startswith(prefix) and statement.endswith(suffix):
        subject = statement[len(prefix) : len(statement) - len(suffix)]
        if subject:
            return subject
    return point.proposition


# --- points ---------------------------------------------------------------------------


def build_point(
    name: str,
    proposition: str,
    stance: Stance,
    claims: Sequence[CitedClaim],
    topics: TopicCatalog,
    *,
    quotes: int,
    group: ClaimGroup | None = None,
) -> Point:
    """One point from the claims stating `stance` on `proposition`.

    `group` is the store's count of all such claims when `claims` holds only the newest
    of them; dates and totals then come from it.
    """
    chronological = sorted(claims, key=oldest_first_claim)
    conditions = merge_conditions(c.claim.conditions for c in chronological)
    dates = [claim_date(c) for c in claims]
    evidence = evidence_newest_first(claims)
    if group is not None:
        dates += [group.first_seen, group.last_seen]
    return Point(
        stance=stance,
        proposition=proposition,
        statement=make_statement(name, stance, subject_for(proposition, topics), conditions),
        conditions=conditions,
        speakers=rank_speakers(chronological),
        first_seen=_earliest(dates),
        last_seen=_latest(dates),
        evidence=evidence[:quotes],
        evidence_total=group.total if group is not None else len(evidence),
        outlets=group.outlets if group is not None and group.outlets else rank_outlets(claims),
    )


def group_claims(claims: Iterable[CitedClaim]) -> dict[tuple[str, Stance], list[CitedClaim]]:
    """Claims grouped by (proposition, stance), groups in first-seen order."""
    groups: dict[tuple[str, Stance], list[CitedClaim]] = {}
    for cited in claims:
        groups.setdefault((cited.claim.proposition, stance_of(cited)), []).append(cited)
    return groups


def current_stances(claims: Sequence[CitedClaim]) -> dict[str, Stance]:
    """Each proposition's latest stance."""
    by_proposition: dict[str, list[CitedClaim]] = {}
    for cited in claims:
        by_proposition.setdefault(cited.claim.proposition, []).append(cited)
    return {p: latest_stance(group) for p, group in by_proposition.items()}


def order_points(
    points: Iterable[Point],
    current: dict[str, Stance],
    documents: Mapping[tuple[str, Stance], int],
) -> list[Point]:
    """Current stances first, then the most widely cited (documents, then quotes), the most
    recent, by proposition."""
    return sorted(
        points,
        key=lambda p: (
            current.get(p.proposition) != p.stance,
            -documents.get((p.proposition, p.stance), 0),
            -p.evidence_total,
            newest_first(p.last_seen),
            p.proposition,
            STANCES.index(p.stance),
        ),
    )


# --- changes ----------------------------------------------------------------------------


@dataclass
class _Run:
    """Consecutive dated claims (oldest first) sharing one stance."""

    stance: Stance
    claims: list[CitedClaim] = field(default_factory=list)

    @property
    def first_date(self) -> dt.date | None:
        return claim_date(self.claims[0])

    @property
    def last_date(self) -> dt.date | None:
        return claim_date(self.claims[-1])


def _day_groups(
    day_claims: Sequence[CitedClaim], previous: Stance | None
) -> list[tuple[Stance, list[CitedClaim]]]:
    """One day's claims grouped by stance, the previous run's stance first.

    The order within a day is unknown; continuing the previous stance first
    keeps a day that repeats it from looking like a switch away and back.
    """
    groups: dict[Stance, list[CitedClaim]] = {}
    for cited in day_claims:
        groups.setdefault(stance_of(cited), []).append(cited)
    return sorted(groups.items(), key=lambda item: item[0] != previous)


def stance_runs(claims: Sequence[CitedClaim]) -> list[_Run]:
    """A proposition's dated claims, oldest first, split into runs of equal stance."""
    dated = sorted((c for c in claims if claim_date(c) is not None), key=oldest_first_claim)
    days: dict[dt.date | None, list[CitedClaim]] = {}
    for cited in dated:
        days.setdefault(claim_date(cited), []).append(cited)
    runs: list[_Run] = []
    for day_claims in days.values():
        for stance, group in _day_groups(day_claims, runs[-1].stance if runs else None):
            if runs and runs[-1].stance == stance:
                runs[-1].claims.extend(group)
            else:
                runs.append(_Run(stance, list(group)))
    return runs


def _change(proposition: str, before: _Run, after: _Run) -> StanceChange:
    """A change between two runs, each cited by the quotes nearest the switch."""
    before_claims = unique_claims(reversed(before.claims))[:CHANGE_EVIDENCE_LIMIT]
    after_claims = unique_claims(after.claims)[:CHANGE_EVIDENCE_LIMIT]
    return StanceChange(
        proposition=proposition,
        before=before.stance,
        after=after.stance,
        before_date=before.last_date,
        after_date=after.first_date,
        before_evidence=tuple(c.evidence for c in before_claims),
        after_evidence=tuple(c.evidence for c in after_claims),
    )


def find_changes(claims: Sequence[CitedClaim]) -> list[StanceChange]:
    """Every dated switch of stance, per proposition in first-seen order.

    Runs that meet on the same day are not a change: the articles disagree
    about one moment rather than report a shift.
    """
    by_proposition: dict[str, list[CitedClaim]] = {}
    for cited in claims:
        by_proposition.setdefault(cited.claim.proposition, []).append(cited)
    changes = []
    for proposition, group in by_proposition.items():
        runs = stance_runs(group)
        for before, after in pairwise(runs):
            if before.last_date != after.first_date:
                changes.append(_change(proposition, before, after))
    return changes


# --- summary and sources ----------------------------------------------------------------


def empty_summary(name: str, topic: str | None, since: dt.date | None) -> str:
    """The bottom line when nothing matched: an answer, not an error."""
    on = f" on '{topic}'" if topic else ""
    after = f" since {since.isoformat()}" if since else ""
    return f"No stated positions of {name} found{on}{after} in the corpus."


def summarize(name: str, points: Sequence[Point], changed: set[str], topics: TopicCatalog) -> str:
    """One line from the leading current points; '(latest …)' marks a changed stance."""
    clauses = []
    for point in points[:SUMMARY_POINT_LIMIT]:
        clause = SUMMARY_PHRASES[point.stance].format(
            subject=subject_for(point.proposition, topics)
        )
        if point.proposition in changed and point.last_seen:
            clause += f" (latest {point.last_seen.isoformat()})"
        clauses.append(clause)
    return f"{name} " + "; ".join(clauses) + "."


def collect_sources(
    points: Sequence[Point], changes: Sequence[StanceChange]
) -> tuple[SourceRef, ...]:
    """Distinct cited documents, newest published first, then by document name."""
    evidence = [e for p in points for e in p.evidence] + [
        e for c in changes for e in (*c.before_evidence, *c.after_evidence)
    ]
    by_document: dict[str, SourceRef] = {}
    for item in evidence:
        by_document.setdefault(
            item.document,
            SourceRef(
                document=item.document,
                title=item.title,
                source=item.source,
                url=item.url,
                published=item.published,
            ),
        )
    return tuple(
        sorted(by_document.values(), key=lambda s: (*newest_first(s.published), s.document))
    )


def _as_of(points: Sequence[Point]) -> dt.date | None:
    """The newest known date behind the kept points: claim dates and publication dates."""
    return _latest(
        [p.last_seen for p in points] + [e.published for p in points for e in p.evidence]
    )


# --- the brief ----------------------------------------------------------------------------


def build_brief(
    actor: ActorRef,
    claims: Sequence[CitedClaim],
    request: BriefRequest,
    *,
    topics: TopicCatalog,
    groups: Sequence[ClaimGroup] = (),
) -> Brief:
    """An actor's cited positions as the request asks for them.

    `claims` may be only the newest claims of each (proposition, stance) when the store
    also passes `groups`, its counts over all of them: briefs stay fast on big stores.
    """
    selected = select_claims(claims, topic=request.topic, since=request.since, topics=topics)
    current = current_stances(selected)
    counted = {(g.proposition, g.stance): g for g in groups}
    grouped = group_claims(selected)
    documents = {
        key: counted[key].documents if key in counted else len({c.evidence.document for c in group})
        for key, group in grouped.items()
    }
    points = order_points(
        (
            build_point(
                actor.name,
                proposition,
                stance,
                group,
                topics,
                quotes=request.quotes_per_point,
                group=counted.get((proposition, stance)),
            )
            for (proposition, stance), group in grouped.items()
        ),
        current,
        documents,
    )
    kept = points[: request.limit]
    kept_propositions = {p.proposition for p in kept}
    changes = [c for c in find_changes(selected) if c.proposition in kept_propositions]
    leading = [p for p in kept if current.get(p.proposition) == p.stance]
    summary = (
        summarize(actor.name, leading, {c.proposition for c in changes}, topics)
        if leading
        else empty_summary(actor.name, request.topic, request.since)
    )
    return Brief(
        actor=actor,
        as_of=_as_of(kept),
        summary=summary,
        points=tuple(kept),
        changes=tuple(changes),
        sources=collect_sources(kept, changes),
        topic=request.topic,
        omitted_points=len(points) - len(kept),
    )
