"""read_stance on clause texts: stance, verbatim conditions, modality and negation."""

from __future__ import annotations

import pytest

from briefs.nlp.stance import read_stance

SUPPORTS = [
    ("will deploy forces", "will deploy forces"),
    ("would send troops", "would send troops"),
    ("ready", "is ready to send troops"),
    ("prepared", "is prepared to send soldiers"),
    ("must", "must send troops"),
    ("commitment", "is committed to a reassurance force"),
    ("negated-refusal", "did not reject the proposal"),
    ("terms-attached", "will send troops once a peace deal is signed"),
    ("unless-terms", "would contribute troops unless parliament objects"),
]

OPPOSES = [
    ("will-not-send", "will not send its troops"),
    ("will-not-send-full", "Poland will not send its troops to Ukraine"),
    ("never", "will never send soldiers"),
    ("contraction", "won't send troops"),
    ("rejected", "rejected the proposal"),
    ("ruled-out", "ruled out sending troops"),
    ("refused", "refused to send troops"),
    ("under-no-circumstances", "would under no circumstances take part"),
    ("not-prepared", "is not prepared to deploy troops"),
    ("will-not-accept", "will not accept foreign troops"),
    ("there-will-be-no", "there will be no Polish troops on the ground"),
    (
        "under-any-scenario",
        "will not involve the presence of Polish troops in Ukraine under any scenario",
    ),
]

CONDITIONAL = [
    ("not-rule-out", "does not rule out sending troops"),
    ("could-contribute", "could contribute troops"),
    ("might", "might send troops"),
    ("prepared-to-consider", "is prepared to consider taking part"),
    ("declining-to-rule-out", "declining to rule the option out"),
    ("frame-cue", "said ; declining to rule the option out"),
    ("not-excluded", "has not excluded sending troops"),
    ("open-to", "is open to sending troops"),
    ("would-consider", "would consider sending troops"),
]

UNDECIDED = [
    ("too-early", "it is too early to decide"),
    ("too-early-announcements", "is still too early to make any overly optimistic announcements"),
    ("matter-for-poland", "whether to send soldiers was a matter for Poland alone to decide"),
    ("not-yet-decided", "has not yet decided whether to send troops"),
    ("yet-to-decide", "is yet to decide on a contribution"),
]


@pytest.mark.parametrize("text", [t for _, t in SUPPORTS], ids=[i for i, _ in SUPPORTS])
def test_commitments_support(text: str) -> None:
    """A commitment (with or without stated terms) reads as supports."""
    assert read_stance(text).stance == "supports"


@pytest.mark.parametrize("text", [t for _, t in OPPOSES], ids=[i for i, _ in OPPOSES])
def test_refusals_and_negated_commitments_oppose(text: str) -> None:
    """A refusal or a negated commitment reads as opposes."""
    assert read_stance(text).stance == "opposes"


@pytest.mark.parametrize("text", [t for _, t in CONDITIONAL], ids=[i for i, _ in CONDITIONAL])
def test_openness_without_commitment_is_conditional(text: str) -> None:
    """Openness without a commitment (could, consider, not ruling out) reads as conditional."""
    assert read_stance(text).stance == "conditional"


@pytest.mark.parametrize("text", [t for _, t in UNDECIDED], ids=[i for i, _ in UNDECIDED])
def test_explicit_refusal_to_decide_is_undecided(text: str) -> None:
    """Saying it is too early, or that the decision is someone's alone, reads as undecided."""
    assert read_stance(text).stance == "undecided"


def test_description_without_cues_has_no_stance() -> None:
    """A clause that only describes an event has no stance (it becomes context)."""
    assert read_stance("met in Paris on Monday").stance is None


def test_supports_with_condition_keeps_condition_verbatim() -> None:
    """'will deploy forces if a ceasefire is established' supports, with its condition verbatim."""
    reading = read_stance("will deploy forces if a ceasefire is established")
    assert reading.stance == "supports"
    assert reading.conditions == ("if a ceasefire is established",)
    assert reading.negated is False


@pytest.mark.parametrize(
    ("text", "condition"),
    [
        ("would deploy troops if a ceasefire is established", "if a ceasefire is established"),
        ("would send troops only if a ceasefire holds", "only if a ceasefire holds"),
        ("would contribute troops unless parliament objects", "unless parliament objects"),
        ("would send troops provided that Kyiv agrees", "provided that Kyiv agrees"),
        ("would send troops as long as the UN approves", "as long as the UN approves"),
        ("would send troops on condition that a truce holds", "on condition that a truce holds"),
        ("will send troops once a peace deal is signed", "once a peace deal is signed"),
        ("will send troops after a ceasefire is agreed", "after a ceasefire is agreed"),
        ("will send troops only with a UN mandate", "only with a UN mandate"),
    ],
    ids=[
        "if",
        "only-if",
        "unless",
        "provided-that",
        "as-long-as",
        "on-condition",
        "once",
        "after-ceasefire",
        "only-with",
    ],
)
def test_condition_phrases_are_extracted_verbatim(text: str, condition: str) -> None:
    """Each condition marker yields its phrase, verbatim and trimmed, as the only condition."""
    reading = read_stance(text)
    assert reading.conditions == (condition,)
    assert condition in text


def test_negation_inside_condition_does_not_negate_the_clause() -> None:
    """'could contribute troops provided the government did not object' is conditional."""
    reading = read_stance("could contribute troops provided the government did not object")
    assert reading.stance == "conditional"
    assert reading.conditions == ("provided the government did not object",)
    assert reading.negated is False


def test_negation_inside_condition_leaves_commitment_supporting() -> None:
    """'will send troops provided the government does not object' still supports."""
    reading = read_stance("will send troops provided the government does not object")
    assert reading.stance == "supports"
    assert reading.negated is False


@pytest.mark.parametrize(
    "text",
    ["not only supports the mission but will lead it", "is not only ready to send troops"],
    ids=["not-only-supports", "not-only-ready"],
)
def test_not_only_is_not_a_negation(text: str) -> None:
    """'not only' adds emphasis; it neither negates nor turns support into opposition."""
    reading = read_stance(text)
    assert reading.negated is False
    assert reading.stance == "supports"


@pytest.mark.parametrize(
    ("text", "negated"),
    [
        ("will not send troops", True),
        ("will never send troops", True),
        ("won't send troops", True),
        ("will send troops", False),
        ("does not mean it is not participating", False),
    ],
    ids=["not", "never", "contraction", "plain", "double-negation"],
)
def test_negation_flag(text: str, negated: bool) -> None:
    """`negated` is true for an odd number of negations and false otherwise."""
    assert read_stance(text).negated is negated


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("will send troops", "will"),
        ("would send troops", "would"),
        ("could contribute troops", "could"),
        ("might send troops", "might"),
        ("must send troops", "must"),
        ("should send troops", "should"),
        ("can send troops", "can"),
        ("is ready to send troops", None),
        ("could deploy troops if Kyiv would ask", "could"),
    ],
    ids=[
        "will",
        "would",
        "could",
        "might",
        "must",
        "should",
        "can",
        "none",
        "first-outside-condition",
    ],
)
def test_modality_is_the_clause_modal(text: str, modality: str | None) -> None:
    """The modality is the first modal verb of the clause outside its conditions, or None."""
    assert read_stance(text).modality == modality


def test_condition_modal_is_not_the_clause_modality() -> None:
    """A modal inside the condition ('if Kyiv would ask') is not the clause's modality."""
    assert read_stance("is ready to deploy if Kyiv would ask").modality is None
