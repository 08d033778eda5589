"""Propositions: the short normalised phrases that stances are taken toward.

The catalog is data (`briefs/data/topics.json`), so users can extend it without
code. A topic is found in text by its cues; a user's `--topic troops` is matched
against each topic's id, proposition and cues.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from importlib import resources
from pathlib import Path

from pydantic import Field

from briefs.errors import DocumentError
from briefs.models import Frozen


class Topic(Frozen):
    """A proposition and the words that signal it."""

    id: str
    proposition: str
    gerund: str
    cues: tuple[str, ...] = Field(min_length=1)
    place: str | None = None  # actor id of where the proposition happens ("ukraine")
    # actor id a document must be about for the topic to apply (defaults to `place`)
    about: str | None = None

    @property
    def world(self) -> str | None:
        return self.about or self.place

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """One regex over all cues; `troop*` matches troops, `force` only force, and a cue
        written `re:…` is a regular expression ("re:support\\w* for a (\\w+ )?mission")."""
        parts = []
        for cue in self.cues:
            if cue.startswith("re:"):
                parts.append(cue[3:])
                continue
            body = re.escape(cue.rstrip("*")).replace(r"\ ", r"\s+")
            parts.append(body + (r"\w*" if cue.endswith("*") else ""))
        return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)

    def first_cue(self, text: str) -> int | None:
        """Where this topic's first cue starts in `text`, if anywhere."""
        found = self.pattern.search(text)
        return found.start() if found else None

    def occurs_in(self, text: str) -> bool:
        """Whether any cue of this topic occurs in `text`."""
        return self.pattern.search(text) is not None


class TopicCatalog:
    """The ordered list of known topics."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)
        self._by_proposition = {t.proposition: t for t in self.topics}

    @classmethod
    def load(cls, extra_files: Iterable[Path] = (), *, bundled: bool = True) -> TopicCatalog:
        """The bundled topics, then any user files (a user topic with a known id replaces it).

        Topics are optional curation: with `bundled=False` and no files, every issue is
        found in the corpus itself.
        """
        topics: dict[str, Topic] = {}
        if bundled:
            text = resources.files("briefs").joinpath("data/topics.json").read_text("utf-8")
            topics = {t.id: t for t in _parse_topics(text, "bundled topics")}
        for path in extra_files:
            for topic in _parse_topics(path.read_text("utf-8"), str(path)):
                topics[topic.id] = topic
        return cls(list(topics.values()))

    def find(self, text: str) -> Topic | None:
        """The topic whose cue comes first in `text` (catalog order breaks a tie).

        A clause names what it is about early: "will send troops to support a force" is
        about troops, "providing support for a mission in Ukraine" about a supporting role.
        """
        found = [
            (at, n, t) for n, t in enumerate(self.topics) if (at := t.first_cue(text)) is not None
        ]
        return min(found, key=lambda hit: hit[:2])[2] if found else None

    def in_world_of(self, named: Callable[[str], bool]) -> TopicCatalog:
        """The topics that can apply to a document: a topic set in a place ("send troops
        to Ukraine") only where the document is about that place (`named(place)`), so a
        story on army budgets is never read as one on troops for Ukraine."""
        kept = [t for t in self.topics if t.world is None or named(t.world)]
        return self if len(kept) == len(self.topics) else TopicCatalog(kept)

    def for_proposition(self, proposition: str) -> Topic | None:
        """The topic that owns a proposition, if any."""
        return self._by_proposition.get(proposition)

    def matching(self, query: str) -> tuple[Topic, ...]:
        """Topics a user's free-text query names: by id, proposition words or cue."""
        words = [w for w in re.findall(r"\w+", query.lower()) if len(w) > 2]
        if not words:
            return ()
        hits = []
        for topic in self.topics:
            haystack = " ".join((topic.id, topic.proposition, *topic.cues)).lower()
            if topic.occurs_in(query) or all(w.rstrip("s") in haystack for w in words):
                hits.append(topic)
        return tuple(hits)


def _parse_topics(raw: str, origin: str) -> list[Topic]:
    try:
        data = json.loads(raw)
        return [Topic.model_validate(item) for item in data["topics"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{origin}: not a valid topics file ({exc})") from exc
