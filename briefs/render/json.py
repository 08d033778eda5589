"""JSON: the brief contract that external measurements are built on, plus matrix, actors
and digests.

The contract is spelled out key by key here rather than left to `model_dump`,
so that a field added to a model cannot silently change it. Dates are
"YYYY-MM-DD" or null; a digest's window edges are ISO 8601 moments in UTC
("2026-01-12T07:00:00Z"). Output is indented by 2 and keeps non-ASCII text as is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from briefs.models import (
    ActorRef,
    ActorSummary,
    Brief,
    Digest,
    DigestChange,
    DigestPoint,
    Evidence,
    MatrixRow,
    Point,
    SourceRef,
    StanceChange,
    StanceMatrix,
)
from briefs.render.wording import date_text

JsonObject = dict[str, Any]


def dumps(value: Any) -> str:
    """The one JSON spelling every renderer uses."""
    return json.dumps(value, indent=2, ensure_ascii=False)


def actor_json(actor: ActorRef) -> JsonObject:
    """The contract's `actor` object."""
    return {"id": actor.id, "name": actor.name, "kind": actor.kind}


def evidence_json(evidence: Evidence) -> JsonObject:
    """The contract's evidence item."""
    return {
        "document": evidence.document,
        "title": evidence.title,
        "source": evidence.source,
        "url": evidence.url,
        "published": date_text(evidence.published),
        "quote": evidence.quote,
        "start": evidence.start,
        "end": evidence.end,
        "speaker": evidence.speaker,
    }


def point_json(point: Point) -> JsonObject:
    """The contract's point object."""
    return {
        "stance": point.stance,
        "proposition": point.proposition,
        "statement": point.statement,
        "conditions": list(point.conditions),
        "speakers": list(point.speakers),
        "first_seen": date_text(point.first_seen),
        "last_seen": date_text(point.last_seen),
        "evidence": [evidence_json(e) for e in point.evidence],
        "evidence_total": point.evidence_total,
        "outlets": list(point.outlets),
    }


def change_json(change: StanceChange) -> JsonObject:
    """The contract's change object."""
    return {
        "proposition": change.proposition,
        "before": change.before,
        "after": change.after,
        "before_date": date_text(change.before_date),
        "after_date": date_text(change.after_date),
        "before_evidence": [evidence_json(e) for e in change.before_evidence],
        "after_evidence": [evidence_json(e) for e in change.after_evidence],
    }


def source_json(source: SourceRef) -> JsonObject:
    """The contract's source object."""
    return {
        "document": source.document,
        "title": source.title,
        "source": source.source,
        "url": source.url,
        "published": date_text(source.published),
    }


def brief_json(brief: Brief) -> JsonObject:
    """A brief as the contract's JSON object (before serialisation)."""
    return {
        "actor": actor_json(brief.actor),
        "as_of": date_text(brief.as_of),
        "summary": brief.summary,
        "points": [point_json(p) for p in brief.points],
        "changes": [change_json(c) for c in brief.changes],
        "sources": [source_json(s) for s in brief.sources],
        "topic": brief.topic,
        "omitted_points": brief.omitted_points,
    }


def brief_to_json(brief: Brief) -> str:
    """A brief as contract JSON."""
    return dumps(brief_json(brief))


def matrix_row_json(row: MatrixRow) -> JsonObject:
    """One actor's row of a stance matrix."""
    return {
        "actor": actor_json(row.actor),
        "stance": row.stance,
        "proposition": row.proposition,
        "conditions": list(row.conditions),
        "last_seen": date_text(row.last_seen),
        "evidence": [evidence_json(e) for e in row.evidence],
    }


def matrix_to_json(matrix: StanceMatrix) -> str:
    """A stance matrix as JSON: topic, as_of and its rows."""
    return dumps(
        {
            "topic": matrix.topic,
            "as_of": date_text(matrix.as_of),
            "rows": [matrix_row_json(r) for r in matrix.rows],
        }
    )


def actors_to_json(summaries: Sequence[ActorSummary]) -> str:
    """Known actors as a JSON list of {actor, claims, documents}."""
    return dumps(
        [
            {"actor": actor_json(s.actor), "claims": s.claims, "documents": s.documents}
            for s in summaries
        ]
    )


# --- digests ---------------------------------------------------------------------------------


def moment_json(moment: dt.datetime) -> str:
    """A moment as ISO 8601 in UTC: '2026-01-12T07:00:00Z'."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def digest_change_json(item: DigestChange) -> JsonObject:
    """A digest's change: the actor, then the brief contract's change keys."""
    return {"actor": actor_json(item.actor), **change_json(item.change)}


def digest_point_json(item: DigestPoint) -> JsonObject:
    """A digest's new position: the actor and the brief contract's point object."""
    return {"actor": actor_json(item.actor), "point": point_json(item.point)}


def digest_json(digest: Digest) -> JsonObject:
    """A digest as its JSON object (before serialisation), key by key."""
    return {
        "since": moment_json(digest.since),
        "until": moment_json(digest.until),
        "topic": digest.topic,
        "actors": [actor_json(a) for a in digest.actors],
        "changes": [digest_change_json(c) for c in digest.changes],
        "new_positions": [digest_point_json(p) for p in digest.new_positions],
        "new_sources": [source_json(s) for s in digest.new_sources],
        "empty": digest.empty,
    }


def digest_to_json(digest: Digest) -> str:
    """A digest as JSON: since, until, topic, actors, changes, new_positions, new_sources, empty."""
    return dumps(digest_json(digest))
