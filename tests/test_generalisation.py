"""Sentences written for these tests, in news style but outside the dev corpus.

The engine is also measured on articles it has never seen, so rules must be general:
each row is one sentence and the stance its main actor should get on sending troops.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefs.models import Analysis

AnalyzeText = Callable[..., Analysis]

TROOPS = "send troops to Ukraine"
STORY_TITLE = "Allies weigh sending troops to Ukraine"


@pytest.fixture
def analyze_text(analyze_text: AnalyzeText) -> AnalyzeText:
    """These sentences come from stories about troops for Ukraine: their headline says so,
    as a real article's would (the catalog's Ukraine topics read only such stories)."""

    def in_story(body: str, **kwargs: str) -> Analysis:
        kwargs.setdefault("title", STORY_TITLE)
        return analyze_text(body, **kwargs)

    return in_story


SENTENCES = [
    (
        "Hungary will not take part in any mission in Ukraine, Foreign Minister Péter "
        "Szijjártó said on Tuesday.",
        "hungary",
        "opposes",
    ),
    (
        "Belgium is ready to contribute F-16 fighter jets and a small contingent to a "
        "reassurance force, Defence Minister Theo Francken told parliament.",
        "belgium",
        "supports",
    ),
    (
        "Finland's President Alexander Stubb said it was too early to discuss sending "
        "Finnish soldiers.",
        "finland",
        "undecided",
    ),
    (
        "The Czech government has not ruled out deploying troops once a peace agreement "
        "is in place, according to Prime Minister Petr Fiala.",
        "czechia",
        "conditional",
    ),
    (
        "Norway said it would consider sending military instructors to Ukraine after a ceasefire.",
        "norway",
        "conditional",
    ),
    (
        "Sweden's defence minister, Pål Jonson, stressed that Stockholm would only send "
        "troops with a clear mandate.",
        "sweden",
        "supports",
    ),
    (
        "Lithuania has offered to send troops, President Gitanas Nausėda announced.",
        "lithuania",
        "supports",
    ),
    (
        "Italy's Prime Minister Giorgia Meloni rejected the idea of sending Italian troops "
        "to Ukraine.",
        "italy",
        "opposes",
    ),
    (
        "Germany's Chancellor Friedrich Merz said Berlin would not send Bundeswehr soldiers "
        "to Ukraine for now but would help fund the mission.",
        "germany",
        "opposes",
    ),
    ("Japan will provide financial support but no troops, officials said.", "japan", "opposes"),
    (
        "The Kremlin rejected any presence of European troops in Ukraine, spokesman Dmitry "
        "Peskov said.",
        "russia",
        "opposes",
    ),
]


@pytest.mark.parametrize(
    ("sentence", "actor", "stance"), SENTENCES, ids=[row[1] for row in SENTENCES]
)
def test_unseen_sentence_gets_the_expected_stance(
    analyze_text, sentence: str, actor: str, stance: str
) -> None:
    """The sentence's actor holds the expected stance on sending troops."""
    analysis: Analysis = analyze_text(sentence)
    found = {c.stance for c in analysis.claims if c.actor_id == actor and c.proposition == TROOPS}
    assert found == {stance}
    for claim in analysis.claims:
        assert (
            analysis.document.text[claim.start : claim.end]
            == analysis.sentences[claim.sentence_index].text
        )


@pytest.mark.parametrize(
    ("sentence", "actor", "proposition"),
    [
        (
            "Romania will help support a peacekeeping operation, President Nicusor Dan said.",
            "romania",
            "lead logistics for Ukraine",
        ),
        (
            "The United Kingdom will send troops to support a multinational force, Prime "
            "Minister Keir Starmer said.",
            "united-kingdom",
            TROOPS,
        ),
    ],
    ids=["supporting-role", "troops-to-support"],
)
def test_the_topic_named_first_in_the_clause_wins(
    analyze_text, sentence: str, actor: str, proposition: str
) -> None:
    """Supporting a mission is a supporting role; sending troops to support one is troops."""
    analysis: Analysis = analyze_text(sentence)
    assert {c.proposition for c in analysis.claims if c.actor_id == actor} == {proposition}


def test_a_frame_in_another_clause_does_not_speak_for_a_different_actor(analyze_text) -> None:
    """ "Croatia has ruled it out, while Slovenia said …": Slovenia did not say Croatia's part."""
    analysis: Analysis = analyze_text(
        "Croatia has ruled out sending troops, while Slovenia said it was still assessing the "
        "request."
    )
    by_actor = {c.actor_id: c for c in analysis.claims if c.proposition == TROOPS}
    assert by_actor["croatia"].stance == "opposes" and by_actor["croatia"].speaker is None
    assert by_actor["slovenia"].stance == "conditional"


def test_its_minister_is_not_another_countrys_minister(analyze_text) -> None:
    """ "its foreign minister said" after a Greek minister: not the Greek one."""
    analysis: Analysis = analyze_text(
        "Greek Prime Minister Kyriakos Mitsotakis said Athens had no plans to deploy troops to "
        "Ukraine.\n\nLatvia would be ready to contribute soldiers, provided the mission has a "
        "clear mandate, its foreign minister said."
    )
    latvia = next(c for c in analysis.claims if c.actor_id == "latvia")
    assert latvia.stance == "supports"
    assert latvia.speaker_id is None and latvia.speaker == "its foreign minister"
    assert latvia.conditions == ("provided the mission has a clear mandate",)
