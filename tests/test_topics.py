"""The topic catalog: cues, which topic a clause is about, user queries, user files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefs.errors import DocumentError
from briefs.topics import Topic, TopicCatalog


@pytest.fixture(scope="module")
def topics() -> TopicCatalog:
    return TopicCatalog.load()


@pytest.mark.parametrize(
    ("text", "topic_id"),
    [
        ("Poland will not send its troops to Ukraine", "troops"),
        ("will send troops to support a multinational force", "troops"),
        ("providing support for a potential allied mission in Ukraine", "logistics"),
        (
            "the country's key tasks include protecting NATO's eastern flank and logistics",
            "eastern-flank",
        ),
        ("security guarantees should be worked out jointly", "security-guarantees"),
        ("the weather was fine", None),
    ],
)
def test_a_clause_is_about_the_topic_it_names_first(
    topics: TopicCatalog, text: str, topic_id: str | None
) -> None:
    """find() takes the earliest cue in the text; no cue, no topic."""
    found = topics.find(text)
    assert (found.id if found else None) == topic_id


def test_cue_forms_prefix_whole_word_and_regex() -> None:
    """`troop*` takes any ending, `force` only the word, `re:` a regular expression."""
    topic = Topic(
        id="t", proposition="p", gerund="g", cues=("troop*", "force", r"re:bas(?:e|ing)\s+rights")
    )
    assert topic.occurs_in("Troopers arrived") and topic.occurs_in("a small force")
    assert not topic.occurs_in("the forces") and topic.occurs_in("basing rights")


@pytest.mark.parametrize(
    ("query", "topic_id"),
    [
        ("troops", "troops"),
        ("security guarantees", "security-guarantees"),
        ("logistics", "logistics"),
    ],
)
def test_user_queries_name_topics(topics: TopicCatalog, query: str, topic_id: str) -> None:
    """`who troops` and `--topic logistics` find their topics."""
    assert topic_id in {t.id for t in topics.matching(query)}


def test_a_user_file_adds_and_replaces_topics(tmp_path: Path) -> None:
    """BRIEFBOT_TOPICS_FILE: a new topic is added, a known id is replaced."""
    extra = tmp_path / "topics.json"
    extra.write_text(
        json.dumps(
            {
                "topics": [
                    {
                        "id": "grain",
                        "proposition": "export grain",
                        "gerund": "exporting grain",
                        "cues": ["grain"],
                    },
                    {
                        "id": "troops",
                        "proposition": "send troops to Ukraine",
                        "gerund": "sending troops to Ukraine",
                        "cues": ["boots"],
                    },
                ]
            }
        ),
        "utf-8",
    )
    catalog = TopicCatalog.load([extra])
    assert catalog.find("grain exports resumed").id == "grain"  # type: ignore[union-attr]
    assert catalog.find("boots on the ground").id == "troops"  # type: ignore[union-attr]
    assert catalog.find("troops") is None  # the user's troops topic replaced the cues


def test_a_malformed_topics_file_is_a_clear_error(tmp_path: Path) -> None:
    """A broken user file names itself in a one-line error."""
    bad = tmp_path / "bad.json"
    bad.write_text('{"topics": [{"id": 1}]}', "utf-8")
    with pytest.raises(DocumentError, match=r"bad\.json"):
        TopicCatalog.load([bad])
