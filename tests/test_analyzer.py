"""The NLP step on hand-written texts: actors, people, speakers, stances, conditions, offsets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from briefs.models import Actor, Analysis, Claim

AnalyzeText = Callable[..., Analysis]
STORY_TITLE = "Allies weigh sending troops to Ukraine"


@pytest.fixture
def analyze_text(analyze_text: AnalyzeText) -> AnalyzeText:
    """These sentences come from stories about troops for Ukraine: their headline says so,
    as a real article's would (the catalog's Ukraine topics read only such stories)."""

    def in_story(body: str, **kwargs: str) -> Analysis:
        kwargs.setdefault("title", STORY_TITLE)
        return analyze_text(body, **kwargs)

    return in_story


TROOPS = "send troops to Ukraine"
LOGISTICS = "lead logistics for Ukraine"
FLANK = "protect NATO's eastern flank"
COALITION = "take part in the Coalition of the Willing"


def stances(analysis: Analysis) -> set[tuple[str, str | None, str]]:
    """(actor id, stance, proposition) of every claim."""
    return {(c.actor_id, c.stance, c.proposition) for c in analysis.claims}


def claims_of(analysis: Analysis, actor_id: str) -> list[Claim]:
    return [c for c in analysis.claims if c.actor_id == actor_id]


def only_claim(analysis: Analysis, actor_id: str) -> Claim:
    found = claims_of(analysis, actor_id)
    assert len(found) == 1, f"expected one claim for {actor_id}, got {analysis.claims}"
    return found[0]


def people(analysis: Analysis) -> dict[str, Actor]:
    return {a.id: a for a in analysis.actors if a.kind == "person"}


# --- actors ----------------------------------------------------------------------

ACTOR_FORMS = [
    ("demonym-subject", "Romanian soldiers will not be sent to Ukraine.", "romania", "opposes"),
    ("capital-metonym", "Warsaw is not prepared to deploy troops to Ukraine.", "poland", "opposes"),
    (
        "kremlin-said",
        "The Kremlin said foreign troops in Ukraine were unacceptable.",
        "russia",
        "opposes",
    ),
    (
        "according-to-kremlin",
        "According to the Kremlin, Western troops in Ukraine would be unacceptable.",
        "russia",
        "opposes",
    ),
    (
        "capital-said-it",
        "Moscow has repeatedly said it would regard Western troops in Ukraine as legitimate "
        "targets.",
        "russia",
        "opposes",
    ),
    (
        "capital-as-speaker",
        "Hungarian troops will not take part in any mission in Ukraine, Budapest said.",
        "hungary",
        "opposes",
    ),
    ("alias", "Britain will send troops to Ukraine.", "united-kingdom", "supports"),
    (
        "metonym-speaker",
        "Downing Street said British troops could be deployed to Ukraine.",
        "united-kingdom",
        "conditional",
    ),
    ("organisation", "NATO is ready to protect the eastern flank.", "nato", "supports"),
    ("possessive", "Poland’s soldiers will not be sent to Ukraine.", "poland", "opposes"),
]


@pytest.mark.parametrize(
    ("body", "actor_id", "stance"),
    [row[1:] for row in ACTOR_FORMS],
    ids=[row[0] for row in ACTOR_FORMS],
)
def test_actor_named_by_any_catalog_form_holds_the_claim(
    analyze_text: AnalyzeText, body: str, actor_id: str, stance: str
) -> None:
    """Names, aliases, demonyms, capitals and metonyms all attribute the claim to the actor."""
    analysis = analyze_text(body)
    assert [c.actor_id for c in analysis.claims] == [actor_id]
    assert analysis.claims[0].stance == stance


def test_demonym_subject_is_the_country(analyze_text: AnalyzeText) -> None:
    """'Romanian soldiers will not be sent to Ukraine' is Romania opposing sending troops."""
    claim = only_claim(analyze_text("Romanian soldiers will not be sent to Ukraine."), "romania")
    assert (claim.stance, claim.proposition, claim.negated) == ("opposes", TROOPS, True)


def test_capital_subject_is_the_country(analyze_text: AnalyzeText) -> None:
    """'Warsaw is not prepared to deploy troops' is Poland opposing sending troops."""
    claim = only_claim(
        analyze_text("Warsaw is not prepared to deploy troops to Ukraine."), "poland"
    )
    assert (claim.stance, claim.proposition) == ("opposes", TROOPS)


def test_kremlin_as_speaker_is_russia(analyze_text: AnalyzeText) -> None:
    """'The Kremlin said ...' makes Russia the holder and the Kremlin the displayed speaker."""
    analysis = analyze_text("The Kremlin said it would never accept European troops in Ukraine.")
    claim = only_claim(analysis, "russia")
    assert (claim.stance, claim.proposition) == ("opposes", TROOPS)
    assert claim.speaker_id is None
    assert claim.speaker == "The Kremlin"


def test_mentioned_actors_are_listed(analyze_text: AnalyzeText) -> None:
    """Countries named in the text are analysis actors, with mentions at their words."""
    analysis = analyze_text("Warsaw is not prepared to deploy troops to Ukraine.")
    assert {"poland", "ukraine"} <= {a.id for a in analysis.actors}
    warsaw = next(m for m in analysis.mentions if m.actor_id == "poland")
    assert warsaw.text == "Warsaw"
    assert analysis.document.text[warsaw.start : warsaw.end] == "Warsaw"


# --- people ----------------------------------------------------------------------


def test_titled_person_with_demonym_gets_affiliation_and_title(analyze_text: AnalyzeText) -> None:
    """'Polish Defense Minister Jan Kowalski said ...' is a titled person affiliated with Poland."""
    analysis = analyze_text(
        "Polish Defense Minister Jan Kowalski said Poland will not send troops to Ukraine."
    )
    person = people(analysis)["jan-kowalski"]
    assert (person.name, person.affiliation, person.title) == (
        "Jan Kowalski",
        "poland",
        "Defense Minister",
    )
    claim = only_claim(analysis, "jan-kowalski")
    assert claim.speaker == "Defense Minister Jan Kowalski"


def test_surname_merges_with_full_name_from_catalog(analyze_text: AnalyzeText) -> None:
    """'Tusk' later in the document is the same person as 'Donald Tusk'."""
    analysis = analyze_text(
        "Donald Tusk spoke to reporters in Paris.\n\n"
        "Tusk said Poland would not send troops to Ukraine.\n\n"
        "“Poland will lead logistics for Ukraine,” Tusk added."
    )
    assert list(people(analysis)) == ["donald-tusk"]
    assert {c.speaker_id for c in analysis.claims} == {"donald-tusk"}
    assert stances(analysis) == {
        ("poland", "opposes", TROOPS),
        ("donald-tusk", "opposes", TROOPS),
        ("poland", "supports", LOGISTICS),
        ("donald-tusk", "supports", LOGISTICS),
    }


def test_surname_merges_with_full_name_unknown_to_catalog(analyze_text: AnalyzeText) -> None:
    """A bare surname reuses the person (id, title, affiliation) named in full earlier."""
    analysis = analyze_text(
        "Polish Defense Minister Jan Kowalski visited Kyiv on Monday.\n\n"
        "Kowalski said Poland would not send troops to Ukraine."
    )
    assert list(people(analysis)) == ["jan-kowalski"]
    assert "Kowalski" in people(analysis)["jan-kowalski"].aliases
    claim = only_claim(analysis, "jan-kowalski")
    assert claim.speaker == "Defense Minister Jan Kowalski"
    assert only_claim(analysis, "poland").stance == "opposes"


@pytest.mark.parametrize(
    ("body", "person_id"),
    [
        (
            "Tusk, who represented Poland in the talks, said Poland would lead logistics "
            "for Ukraine.",
            "donald-tusk",
        ),
        (
            "Anna Nowak, who represented Poland in the talks, said Poland would lead logistics "
            "for Ukraine.",
            "anna-nowak",
        ),
    ],
    ids=["catalog-person", "unknown-person"],
)
def test_relative_clause_gives_affiliation(
    analyze_text: AnalyzeText, body: str, person_id: str
) -> None:
    """'X, who represented Poland in the talks, said ...' affiliates X with Poland."""
    analysis = analyze_text(body)
    assert people(analysis)[person_id].affiliation == "poland"
    assert stances(analysis) == {
        ("poland", "supports", LOGISTICS),
        (person_id, "supports", LOGISTICS),
    }


def test_relative_clause_affiliation_lets_we_speak_for_the_country(
    analyze_text: AnalyzeText,
) -> None:
    """Once Nowak is known to represent Poland, her 'too early' counts for Poland and for her."""
    analysis = analyze_text(
        "Anna Nowak, who represented Poland in the talks, said that it is too early to decide "
        "on sending troops."
    )
    assert stances(analysis) == {
        ("poland", "undecided", TROOPS),
        ("anna-nowak", "undecided", TROOPS),
    }


def test_apposition_gives_affiliation_and_title(analyze_text: AnalyzeText) -> None:
    """'Anna Nowak, Poland's defence minister, said ...' gives Poland and 'Defence Minister'."""
    analysis = analyze_text(
        "Anna Nowak, Poland's defence minister, said Poland would lead logistics for Ukraine."
    )
    person = people(analysis)["anna-nowak"]
    assert (person.affiliation, person.title) == ("poland", "Defence Minister")


def test_apposition_title_keeps_its_adjective(analyze_text: AnalyzeText) -> None:
    """'Donald Tusk, Poland's prime minister, said ...' keeps the whole title 'Prime Minister'."""
    analysis = analyze_text(
        "Donald Tusk, Poland's prime minister, said Poland would lead logistics for Ukraine."
    )
    person = people(analysis)["donald-tusk"]
    assert (person.affiliation, person.title) == ("poland", "Prime Minister")


def test_catalog_person_keeps_catalog_affiliation(analyze_text: AnalyzeText) -> None:
    """A catalog person named without context still speaks for their catalog country."""
    analysis = analyze_text("Friedrich Merz said Germany would lead logistics for Ukraine.")
    person = people(analysis)["friedrich-merz"]
    assert (person.affiliation, person.title) == ("germany", "Chancellor")
    assert stances(analysis) == {
        ("germany", "supports", LOGISTICS),
        ("friedrich-merz", "supports", LOGISTICS),
    }


@pytest.mark.parametrize(
    ("body", "person_id", "country"),
    [
        (
            "Władysław Kosiniak-Kamysz said Poland would lead logistics for Ukraine.",
            "wladyslaw-kosiniak-kamysz",
            "poland",
        ),
        (
            "Wladyslaw Kosiniak-Kamysz said Poland would lead logistics for Ukraine.",
            "wladyslaw-kosiniak-kamysz",
            "poland",
        ),
        (
            "Recep Tayyip Erdogan said Turkey would lead logistics for Ukraine.",
            "recep-tayyip-erdogan",
            "turkey",
        ),
        ("Erdoğan said Turkey would lead logistics for Ukraine.", "recep-tayyip-erdogan", "turkey"),
    ],
    ids=["diacritics", "ascii-folded", "full-name-ascii", "alias-surname"],
)
def test_catalog_person_is_found_under_any_spelling(
    analyze_text: AnalyzeText, body: str, person_id: str, country: str
) -> None:
    """With or without diacritics, a catalog person is recognised and speaks for their country."""
    analysis = analyze_text(body)
    assert list(people(analysis)) == [person_id]
    assert stances(analysis) == {
        (country, "supports", LOGISTICS),
        (person_id, "supports", LOGISTICS),
    }


# --- quotes and speakers -----------------------------------------------------------

QUOTED = [
    ("curly-name-said", "“Poland will lead logistics for Ukraine,” Tusk said."),
    ("straight-name-said", '"Poland will lead logistics for Ukraine," Tusk said.'),
    ("curly-said-name", "“Poland will lead logistics for Ukraine,” said Tusk."),
    ("plain-told-reporters", "Poland will lead logistics for Ukraine, Tusk told reporters."),
    ("said-that", "Tusk said that Poland would lead logistics for Ukraine."),
]


@pytest.mark.parametrize("body", [q for _, q in QUOTED], ids=[i for i, _ in QUOTED])
def test_quoted_statement_is_attributed_to_its_speaker(
    analyze_text: AnalyzeText, body: str
) -> None:
    """Straight or curly quotes, either word order: Tusk speaks, for himself and Poland."""
    analysis = analyze_text(body)
    assert stances(analysis) == {
        ("poland", "supports", LOGISTICS),
        ("donald-tusk", "supports", LOGISTICS),
    }
    assert {(c.speaker_id, c.speaker) for c in analysis.claims} == {
        ("donald-tusk", "Prime Minister Donald Tusk")
    }


@pytest.mark.parametrize("separator", [" ", "\n\n"], ids=["same-paragraph", "next-paragraph"])
@pytest.mark.parametrize(
    "quote",
    [
        "“We will not send Polish soldiers to Ukraine. This is the government’s position for "
        "many months,” he said.",
        "\"We will not send Polish soldiers to Ukraine. This is the government's position for "
        'many months," he said.',
    ],
    ids=["curly", "straight"],
)
def test_multi_sentence_quote_with_he_said_is_the_named_person(
    analyze_text: AnalyzeText, separator: str, quote: str
) -> None:
    """A multi-sentence quote ending 'he said' is the person named just before; 'we' is Poland."""
    analysis = analyze_text(
        "Polish Defense Minister Jan Kowalski spoke in Warsaw on Monday." + separator + quote
    )
    assert stances(analysis) == {("poland", "opposes", TROOPS), ("jan-kowalski", "opposes", TROOPS)}
    assert {c.speaker_id for c in analysis.claims} == {"jan-kowalski"}
    assert {c.sentence_index for c in analysis.claims} == {1}


def test_he_said_resolves_to_the_last_person_acting_as_subject(analyze_text: AnalyzeText) -> None:
    """With two people named before the quote, 'he said' is the one who acted (the subject):
    Kowalski met Merz, so 'he' is Kowalski, for Poland."""
    analysis = analyze_text(
        "Polish Defense Minister Jan Kowalski met German Chancellor Friedrich Merz in Warsaw. "
        "“We will not send soldiers to Ukraine. This is our position,” he said."
    )
    assert stances(analysis) == {
        ("poland", "opposes", TROOPS),
        ("jan-kowalski", "opposes", TROOPS),
    }
    assert {c.speaker_id for c in analysis.claims} == {"jan-kowalski"}


def test_he_said_with_no_person_as_subject_is_the_last_person_named(
    analyze_text: AnalyzeText,
) -> None:
    """No person was a subject before: 'he' is the last person the text named (Merz)."""
    analysis = analyze_text(
        "The talks in Warsaw were hosted by German Chancellor Friedrich Merz. "
        "“We will not send soldiers to Ukraine. This is our position,” he said."
    )
    assert stances(analysis) == {
        ("germany", "opposes", TROOPS),
        ("friedrich-merz", "opposes", TROOPS),
    }


def test_according_to_a_person_makes_them_the_speaker(analyze_text: AnalyzeText) -> None:
    """'..., according to Polish Defense Minister Jan Kowalski' is Kowalski speaking for Poland."""
    analysis = analyze_text(
        "Poland will not send its troops to Ukraine, according to Polish Defense Minister "
        "Jan Kowalski."
    )
    assert stances(analysis) == {("poland", "opposes", TROOPS), ("jan-kowalski", "opposes", TROOPS)}
    assert {c.speaker for c in analysis.claims} == {"Defense Minister Jan Kowalski"}


def test_told_reporters_that(analyze_text: AnalyzeText) -> None:
    """'X told reporters that ...' is reported speech by X."""
    analysis = analyze_text(
        "Polish Defense Minister Jan Kowalski told reporters that Poland would not send troops "
        "to Ukraine."
    )
    assert stances(analysis) == {("poland", "opposes", TROOPS), ("jan-kowalski", "opposes", TROOPS)}
    assert {c.speaker_id for c in analysis.claims} == {"jan-kowalski"}


def test_reported_speech_with_they_refers_to_the_frame_subject(analyze_text: AnalyzeText) -> None:
    """'the UK and France confirmed that they would deploy forces' is both countries supporting."""
    analysis = analyze_text(
        "By contrast, the UK and France confirmed today that they would deploy forces if a "
        "ceasefire is established."
    )
    assert stances(analysis) == {
        ("united-kingdom", "supports", TROOPS),
        ("france", "supports", TROOPS),
    }


def test_reported_speech_keeps_undecided(analyze_text: AnalyzeText) -> None:
    """'Tusk said that it is still too early to decide on sending troops' is undecided."""
    analysis = analyze_text(
        "Speaking afterwards, Tusk said that it is still too early to decide on sending troops."
    )
    assert stances(analysis) == {
        ("poland", "undecided", TROOPS),
        ("donald-tusk", "undecided", TROOPS),
    }


def test_embedded_tweet_is_said_by_its_signature_author(analyze_text: AnalyzeText) -> None:
    """A tweet above '— Donald Tusk (@donaldtusk) ...' is Tusk speaking; 'we' is Poland."""
    analysis = analyze_text(
        "We will not send Polish troops to Ukraine.\n— Donald Tusk (@donaldtusk) January 6, 2026\n"
    )
    assert stances(analysis) == {("poland", "opposes", TROOPS), ("donald-tusk", "opposes", TROOPS)}
    assert {c.speaker_id for c in analysis.claims} == {"donald-tusk"}


# --- stance, negation, conditions -----------------------------------------------------

SENTENCE_STANCES = [
    ("will-not-send", "Hungary will not send troops to Ukraine.", "opposes"),
    ("never", "Hungary will never send soldiers to Ukraine.", "opposes"),
    ("rejected", "Hungary rejected sending troops to Ukraine.", "opposes"),
    (
        "under-no-circumstances",
        "The Netherlands said it would under no circumstances take part in a deployment of troops.",
        "opposes",
    ),
    ("does-not-rule-out", "Romania does not rule out sending troops to Ukraine.", "conditional"),
    ("could", "Italy could contribute troops to a mission in Ukraine.", "conditional"),
    (
        "prepared-to-consider",
        "Spain is prepared to consider taking part in a peacekeeping mission.",
        "conditional",
    ),
    (
        "too-early",
        "The Czech government said it is too early to decide on sending troops to Ukraine.",
        "undecided",
    ),
    ("will-deploy", "Germany will deploy forces if a ceasefire is established.", "supports"),
    (
        "not-only",
        "Poland not only supports the mission but will send troops to Ukraine.",
        "supports",
    ),
]


@pytest.mark.parametrize(
    ("body", "stance"),
    [row[1:] for row in SENTENCE_STANCES],
    ids=[row[0] for row in SENTENCE_STANCES],
)
def test_sentence_stance_on_troops(analyze_text: AnalyzeText, body: str, stance: str) -> None:
    """Each sentence yields one claim on sending troops with the expected stance."""
    analysis = analyze_text(body)
    assert [(c.stance, c.proposition) for c in analysis.claims] == [(stance, TROOPS)]


def test_negated_commitment_is_flagged(analyze_text: AnalyzeText) -> None:
    """'will not send' opposes, is negated and keeps its modal 'will'."""
    claim = only_claim(analyze_text("Hungary will not send troops to Ukraine."), "hungary")
    assert (claim.stance, claim.negated, claim.modality) == ("opposes", True, "will")


def test_plain_commitment_is_not_negated(analyze_text: AnalyzeText) -> None:
    """'would deploy' supports, is not negated, with modality 'would'."""
    claim = only_claim(analyze_text("Germany would deploy troops to Ukraine."), "germany")
    assert (claim.stance, claim.negated, claim.modality) == ("supports", False, "would")


def test_condition_lands_verbatim_in_claim(analyze_text: AnalyzeText) -> None:
    """'if a ceasefire is established' is the claim's only condition, verbatim from the sentence."""
    analysis = analyze_text("Germany will deploy forces if a ceasefire is established.")
    claim = only_claim(analysis, "germany")
    assert claim.stance == "supports"
    assert claim.conditions == ("if a ceasefire is established",)
    assert claim.conditions[0] in analysis.document.text[claim.start : claim.end]


@pytest.mark.parametrize(
    ("body", "stance", "condition"),
    [
        (
            "Italy could contribute troops provided that the government did not object.",
            "conditional",
            "provided that the government did not object",
        ),
        (
            "Italy would contribute troops unless parliament objects.",
            "supports",
            "unless parliament objects",
        ),
        (
            "Italy would contribute troops as long as parliament approves.",
            "supports",
            "as long as parliament approves",
        ),
        (
            "Italy would contribute troops as long as the United Nations approves.",
            "supports",
            "as long as the United Nations approves",
        ),
        (
            "Italy would contribute troops once a peace deal is signed.",
            "supports",
            "once a peace deal is signed",
        ),
        (
            "Italy would contribute troops on condition that a ceasefire holds.",
            "supports",
            "on condition that a ceasefire holds",
        ),
    ],
    ids=[
        "provided-that-negated",
        "unless",
        "as-long-as",
        "actor-in-condition",
        "once",
        "on-condition",
    ],
)
def test_conditions_keep_their_clause_and_do_not_negate(
    analyze_text: AnalyzeText, body: str, stance: str, condition: str
) -> None:
    """A condition clause is kept whole, and a 'not' inside it does not negate the claim."""
    claim = only_claim(analyze_text(body), "italy")
    assert (claim.stance, claim.conditions, claim.negated) == (stance, (condition,), False)


def test_condition_clause_is_not_a_separate_claim(analyze_text: AnalyzeText) -> None:
    """The subject of a condition ('the government did not object') holds no claim of its own."""
    analysis = analyze_text("Britain would deploy troops if Ukraine requests them.")
    assert stances(analysis) == {("united-kingdom", "supports", TROOPS)}


# --- holders: a person and their country; coordination ----------------------------------


def test_person_statement_counts_for_person_and_country(analyze_text: AnalyzeText) -> None:
    """One statement by a minister gives two identical claims: the person's and the country's."""
    analysis = analyze_text(
        "Polish Defense Minister Jan Kowalski said Poland will not send troops to Ukraine."
    )
    country, person = only_claim(analysis, "poland"), only_claim(analysis, "jan-kowalski")
    assert country.model_dump(exclude={"actor_id"}) == person.model_dump(exclude={"actor_id"})
    assert (country.stance, country.proposition, country.speaker_id) == (
        "opposes",
        TROOPS,
        "jan-kowalski",
    )


def test_coordinated_subjects_each_hold_the_claim(analyze_text: AnalyzeText) -> None:
    """'Poland, Germany, Spain and Italy rejected the proposal' (of a force): four opposes."""
    analysis = analyze_text(
        "France proposed a peacekeeping force for Ukraine. "
        "Poland, Germany, Spain and Italy rejected the proposal."
    )
    rejecting = {
        (c.actor_id, c.stance, c.proposition) for c in analysis.claims if c.sentence_index == 1
    }
    assert rejecting == {
        ("poland", "opposes", TROOPS),
        ("germany", "opposes", TROOPS),
        ("spain", "opposes", TROOPS),
        ("italy", "opposes", TROOPS),
    }


def test_the_proposal_refers_back_across_a_line_break(analyze_text: AnalyzeText) -> None:
    """'the proposal' on the next line (its own paragraph) still means the force proposed above."""
    analysis = analyze_text(
        "France proposed sending a peacekeeping force to Ukraine.\n"
        "Poland, Germany, Spain and Italy rejected the proposal."
    )
    rejecting = {
        (c.actor_id, c.stance, c.proposition) for c in analysis.claims if c.sentence_index == 1
    }
    assert rejecting == {
        (actor, "opposes", TROOPS) for actor in ("poland", "germany", "spain", "italy")
    }


def test_coordinated_subjects_with_explicit_topic(analyze_text: AnalyzeText) -> None:
    """'Poland, Germany, Spain and Italy rejected sending troops' gives four opposes claims."""
    analysis = analyze_text("Poland, Germany, Spain and Italy rejected sending troops to Ukraine.")
    assert stances(analysis) == {
        (actor, "opposes", TROOPS) for actor in ("poland", "germany", "spain", "italy")
    }


def test_one_claim_per_actor_and_proposition_per_sentence(analyze_text: AnalyzeText) -> None:
    """Two clauses of one sentence on the same proposition give one claim per actor."""
    analysis = analyze_text(
        "Hungary will not send troops to Ukraine and Hungary will never deploy soldiers there."
    )
    assert [(c.actor_id, c.proposition) for c in analysis.claims] == [("hungary", TROOPS)]


# --- offsets, dates, boilerplate --------------------------------------------------------

MIXED = (
    "WARSAW, Jan. 6. Polish Defense Minister Jan Kowalski spoke in Warsaw on Monday.\n\n"
    "“We will not send Polish soldiers to Ukraine. This is our position,” he said.\n"
    "Romanian soldiers will not be sent to Ukraine either, and Bucharest said it would "
    "protect the eastern flank.\n\n"
    "By contrast, the UK and France confirmed that they would deploy forces if a ceasefire "
    "is established. Władysław Kosiniak‑Kamysz said Poland would lead logistics for Ukraine."
)


def test_every_claim_spans_exactly_its_sentence(analyze_text: AnalyzeText) -> None:
    """Each claim's start/end equal its sentence's, so text[start:end] is the sentence."""
    analysis = analyze_text(MIXED)
    assert len(analysis.claims) >= 6
    for claim in analysis.claims:
        sentence = analysis.sentences[claim.sentence_index]
        assert sentence.index == claim.sentence_index
        assert (claim.start, claim.end) == (sentence.start, sentence.end)
        assert analysis.document.text[claim.start : claim.end] == sentence.text


def test_claims_are_dated_by_the_document(analyze_text: AnalyzeText) -> None:
    """Every claim carries the document's published date."""
    analysis = analyze_text(MIXED, published="2025-09-04")
    assert analysis.claims
    assert {c.date for c in analysis.claims} == {dt.date(2025, 9, 4)}


BOILERPLATE_LINES = [
    (
        "donation",
        "Keep our news free from ads and paywalls by making a donation to support our work, "
        "as Poland will send troops to Ukraine!",
    ),
    ("newsletter", "Sign up to our weekly newsletter on Polish troops in Ukraine."),
    ("image-credit", "Photo: Polish troops will be sent to Ukraine (Reuters)"),
    (
        "author-bio",
        "Jan Kowalski is a correspondent for Test Wire. He has written on why Poland will send "
        "troops to Ukraine.",
    ),
]


@pytest.mark.parametrize(
    "line", [b for _, b in BOILERPLATE_LINES], ids=[i for i, _ in BOILERPLATE_LINES]
)
def test_boilerplate_lines_produce_no_claims(analyze_text: AnalyzeText, line: str) -> None:
    """Site furniture is skipped: only the article sentence after it yields a claim."""
    article = "Hungary will never send soldiers to Ukraine."
    analysis = analyze_text(line + "\n" + article)
    assert stances(analysis) == {("hungary", "opposes", TROOPS)}
    assert [s.text for s in analysis.sentences] == [article]
    assert analysis.boilerplate


def test_text_without_actors_or_topics_has_no_claims(analyze_text: AnalyzeText) -> None:
    """Prose with no known actor or proposition yields sentences but no claims."""
    analysis = analyze_text("The weather in the capital was mild. Markets closed higher.")
    assert len(analysis.sentences) == 2
    assert analysis.claims == ()
