"""Open-world positions: stances on any subject, read from general language.

The sentences are about subjects no catalog lists (city transport, health, labour,
sport, business), so each claim here comes from the open reader.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from briefs.analyzer import Analyzer
from briefs.documents import parse_document
from briefs.issues import IssueBook, query_words
from briefs.models import Analysis

AnalyzeText = Callable[..., Analysis]

CASES = [
    (
        "rejects",
        "The Royal College of Nursing rejected the pay offer from the hospital trust on Monday.",
        "royal-college-of-nursing",
        "opposes",
        "pay offer from the hospital trust",
    ),
    (
        "calls-for",
        "Greenpeace called for a ban on bottom trawling in protected waters.",
        "greenpeace",
        "supports",
        "ban on bottom trawling in protected waters",
    ),
    (
        "negated-commitment",
        "Spain will not meet the spending target this decade, its government said.",
        "spain",
        "opposes",
        "meet the spending target",  # when is not what
    ),
    (
        "evaluation",
        "Unison said the new roster was unacceptable.",
        "unison",
        "opposes",
        "new roster",
    ),
    (
        "ready-to",
        "Germany is ready to approve the rail merger.",
        "germany",
        "supports",
        "rail merger",
    ),
    (
        "vote-against",
        "Canada voted against the fishing quota at the summit.",
        "canada",
        "opposes",
        "fishing quota",
    ),
    (
        "considers",
        "France is considering a tax on sugary drinks.",
        "france",
        "conditional",
        "tax on sugary drinks",
    ),
    (
        "passive-with-agent",
        "The congestion charge was rejected by the Chamber of Commerce on Monday.",
        "chamber-of-commerce",
        "opposes",
        "congestion charge",
    ),
    (
        "participle-with-agent",
        "The council debated a new parking levy proposed by the Green Party.",
        "green-party",
        "supports",
        "new parking levy",
    ),
    (
        "relative-clause-object",
        "The tram extension, which the Chamber of Commerce opposes, was approved.",
        "chamber-of-commerce",
        "opposes",
        "tram extension",
    ),
    (
        "relative-clause-subject-demands",
        "The Nurses Union, which has demanded that hospitals hire more staff, met ministers.",
        "nurses-union",
        "supports",
        "hire more staff",
    ),
    (
        "particle-parsed-as-adverb",
        "The Transport Workers Union will not go along with the new rota.",
        "transport-workers-union",
        "opposes",
        "new rota",
    ),
    (
        "denied-duty",
        "Ryanair said it was not obliged to refund the fares.",
        "ryanair",
        "opposes",
        "refund the fares",
    ),
    (
        "not-yet-ready",
        "The Teachers Union is not yet ready to accept the pay offer.",
        "teachers-union",
        "conditional",
        "pay offer",
    ),
    (
        "calls-on-someone-to-act",
        "Greenpeace called on the government to ban bottom trawling.",
        "greenpeace",
        "supports",
        "ban bottom trawling",
    ),
    (
        "subject-cut-by-an-aside",
        "Denmark, he said, will raise its pension age to 70.",
        "denmark",
        "supports",
        "raise its pension age to 70",
    ),
    (
        "declines-to-comment-on-the-matter-at-hand",
        "Germany backed the fare freeze. Spain declined to comment.",
        "spain",
        "undecided",
        "fare freeze",
    ),
    (
        "labels-a-thing",
        "The Consumers' Association called the new tariff a sham.",
        "consumers-association",
        "opposes",
        "new tariff",
    ),
    (
        "describes-as",
        "Norway described the fishing pact as a landmark deal.",
        "norway",
        "supports",
        "fishing pact",
    ),
    (
        "contrasting-while-clause",
        "Denmark backed the bridge toll, while Sweden abstained.",
        "sweden",
        "undecided",
        "bridge toll",
    ),
    (
        "members-named-with-such-as",
        "Countries such as those of Chile and Peru rejected the fishing quota.",
        "peru",
        "opposes",
        "fishing quota",
    ),
    (
        "too-much",
        "Unison said the new roster was too rigid for night staff.",
        "unison",
        "opposes",
        "new roster",
    ),
    (
        "speaker-demands-of-others",
        "The council should scrap the parking levy, the Green Party said.",
        "green-party",
        "opposes",
        "parking levy",
    ),
    (
        "ought-to-do",
        "Unison argues that the hospital trust should hire more night nurses.",
        "unison",
        "supports",
        "hire more night nurses",
    ),
    (
        "withdrawal",
        "Britain will pull out of the fishing pact.",
        "united-kingdom",
        "opposes",
        "fishing pact",
    ),
    (
        "no-intention",
        "Italy has no intention of joining the fishing pact.",
        "italy",
        "opposes",
        "join the fishing pact",
    ),
    (
        "expects-of-others",
        "Greenpeace expects every trawler to carry an observer.",
        "greenpeace",
        "supports",
        "carry an observer",
    ),
    (
        "willing-to-talk-is-open",
        "Denmark remains willing to talk about the target year.",
        "denmark",
        "conditional",
        "target year",
    ),
    (
        "could-is-openness",
        "Norway could contribute ferries to the island service if asked.",
        "norway",
        "conditional",
        "contribute ferries to the island service",
    ),
    (
        "own-people-in-the-passive",
        "Dutch engineers will not be sent to the border posts.",
        "netherlands",
        "opposes",
        "send engineers to the border posts",
    ),
    (
        "readiness-to",
        "Finland declared its readiness to host the summit.",
        "finland",
        "supports",
        "host the summit",
    ),
    (
        "puts-its-signature-to",
        "Chile put its signature to the fisheries accord.",
        "chile",
        "supports",
        "fisheries accord",
    ),
    (
        "description-of-a-body-named-before",
        "The Transport Union met on Monday. The union rejected the pay offer.",
        "transport-union",
        "opposes",
        "pay offer",
    ),
    (
        "votes-to-do",
        "Riverton City Council voted 31 to 19 to introduce a congestion charge.",
        "riverton-city-council",
        "supports",
        "introduce a congestion charge",
    ),
    (
        "fact-in-an-after-clause",
        "Fares will stay frozen after Millbrook Metropolitan Council agreed to extend the "
        "fare freeze.",
        "millbrook-metropolitan-council",
        "supports",
        "extend the fare freeze",
    ),
    (
        "no-position-yet",
        "Kingsmead Health Trust backed the hospital merger. The Transit Workers Union said it had "
        "not yet taken a position.",
        "transit-workers-union",
        "undecided",
        "hospital merger",
    ),
    (
        "too-early",
        "Kingsmead Health Trust backed the hospital merger. The Care Standards Commission said it "
        "was too early to take a view.",
        "care-standards-commission",
        "undecided",
        "hospital merger",
    ),
    (
        "passes-a-resolution-against",
        "The Dutch parliament passed a resolution against the fishing quota.",
        "parliament-netherlands",
        "opposes",
        "fishing quota",
    ),
    (
        "signals-a-no-vote",
        "Germany backed the fishing pact. So far Poland and Hungary have signalled a no vote.",
        "hungary",
        "opposes",
        "fishing pact",
    ),
    (
        "there-will-be-none-of-its-own",
        "Oslo said there will be no Norwegian trawlers in the protected zone.",
        "norway",
        "opposes",
        "trawlers in the protected zone",
    ),
    (
        "its-own-task",
        "Canada said its priority was to protect the fishing communities.",
        "canada",
        "supports",
        "protect the fishing communities",
    ),
    (
        "ready-on-condition-stays-a-commitment",
        "Chile is ready to sign the fishing pact on condition that Peru signs too.",
        "chile",
        "supports",
        "fishing pact",
    ),
    (
        "abstains-on-the-matter-at-hand",
        "Poland backed the congestion charge. Italy abstained.",
        "italy",
        "undecided",
        "congestion charge",
    ),
    (
        "ready-to-consider-is-conditional",
        "Norway is prepared to consider joining the fishing pact with Chile.",
        "norway",
        "conditional",
        "join the fishing pact with Chile",
    ),
    (
        "a-place-named-inside-the-proposition-stays",
        "Ireland is ready to open its ports to Canadian trawlers.",
        "ireland",
        "supports",
        "open its ports to Canadian trawlers",
    ),
    (
        "label-after-a-noun-phrase",
        "Unison called the council's plan for longer shifts fundamentally unfair.",
        "unison",
        "opposes",
        "council's plan for longer shifts",
    ),
    (
        "a-signal-beside-another-clause",
        "Norway backed the cod quota. Denmark has signalled a no vote,"
        " and doubts have also been raised by Sweden.",
        "denmark",
        "opposes",
        "cod quota",
    ),
    (
        "the-courage-to-act-is-about-the-act",
        "Chile urged Peru to find the courage to sign the fishing pact.",
        "chile",
        "supports",
        "sign the fishing pact",
    ),
    (
        "what-they-asked-for-is-the-subject",
        "A fare freeze is exactly what Unison had asked for, a sign of the mood in the city.",
        "unison",
        "supports",
        "fare freeze",
    ),
    (
        "positive-about-the-prospect-of-an-act",
        "Chile said it was positive about the prospect of joining the fishing pact.",
        "chile",
        "supports",
        "join the fishing pact",
    ),
    (
        "critical-of",
        "Unison is critical of the new hospital roster.",
        "unison",
        "opposes",
        "new hospital roster",
    ),
    (
        "not-blocking-lets-it-pass",
        "Denmark will not block the cod quota, its fisheries minister said.",
        "denmark",
        "supports",
        "cod quota",
    ),
    (
        "treated-as-a-harm",
        "Oslo would treat the new trawler quota as a measure threatening its fisheries.",
        "norway",
        "opposes",
        "new trawler quota",
    ),
    (
        "hailed-as",
        "Chile hailed the fishing pact as a breakthrough.",
        "chile",
        "supports",
        "fishing pact",
    ),
    (
        "counting-on",
        "Peru had been counting on signing the fishing pact with Chile.",
        "peru",
        "supports",
        "sign the fishing pact with Chile",
    ),
    (
        "motions-in-which-it-rejects",
        "The Riverton City Council has passed two motions in which it rejects the ferry levy.",
        "riverton-city-council",
        "opposes",
        "ferry levy",
    ),
    (
        "voted-by-a-tally-to",
        "The Riverton City Council voted by 31 to 19, with two abstentions, to scrap the"
        " ferry levy.",
        "riverton-city-council",
        "supports",
        "scrap the ferry levy",
    ),
    (
        "a-term-won-was-wanted",
        "Iceland also won an exemption for its coastal fleet.",
        "iceland",
        "supports",
        "exemption for its coastal fleet",
    ),
    (
        "made-it-a-priority",
        "Norway had made the cod quota one of the flagship goals of its presidency.",
        "norway",
        "supports",
        "cod quota",
    ),
]


def _claim_for(analysis: Analysis, actor_id: str) -> tuple[str | None, str | None]:
    claims = [c for c in analysis.claims if c.actor_id == actor_id and c.kind == "stance"]
    assert claims, f"no stance claim for {actor_id}: {analysis.claims}"
    return claims[0].stance, claims[0].phrase


@pytest.mark.parametrize(
    ("body", "actor", "stance", "phrase"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_open_position(
    analyze_text: AnalyzeText, body: str, actor: str, stance: str, phrase: str
) -> None:
    assert _claim_for(analyze_text(body), actor) == (stance, phrase)


def test_a_body_the_text_never_names_holds_nothing(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("The union said the new roster was unacceptable.")
    assert analysis.claims == ()


def test_a_refusal_of_this_version_leaves_the_door_open(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("France rejects the housing bill in its current form.")
    assert _claim_for(analysis, "france") == ("conditional", "housing bill")


def test_what_is_done_to_a_holder_is_no_stance_of_theirs(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Spain warned that its farmers risked being pushed out of the market.")
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_a_messenger_speaks_for_no_one(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Environmental groups attacked the fishing quota, the Spanish news agency EFE reported."
    )
    assert [c.actor_id for c in analysis.claims if c.kind == "stance"] == []


def test_an_office_is_no_organisation(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Jane Doe, an MEP, rejected the fishing quota.")
    assert "mep" not in {a.id for a in analysis.actors}


def test_a_shorter_name_is_the_body_named_before(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "The Patriots for Europe group met on Monday. The Patriots rejected the fishing quota."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert holders == {"patriots-for-europe"}


def test_a_person_speaks_for_the_body_their_title_names(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Francie Gorman, president of the Irish Farmers' Association, said the fishing quota "
        "was unacceptable."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert holders == {"irish-farmers-association", "francie-gorman"}


def test_an_unnamed_spokesperson_is_not_the_last_person_named(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Kevin Doyle of the Ferry Workers Union backed the strike. "
        '"We are against this strike," a spokesperson for Island Link said.'
    )
    against = {c.actor_id for c in analysis.claims if c.stance == "opposes"}
    assert not against & {"kevin-doyle", "ferry-workers-union"}


def test_meeting_someone_is_no_pledge(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Germany said it would meet the company this week.")
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_a_demand_made_of_someone_is_not_their_position(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("The union insisted that the Ferry Company must raise wages.")
    assert "ferry-company" not in {c.actor_id for c in analysis.claims if c.kind == "stance"}


def test_expecting_a_failure_is_no_support(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Poland expects the fishing talks to fail.")
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_an_office_speaks_for_the_body_just_named(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Oakline Dairies recommended the offer. Its chair, Peter Lunn, said: "
        '"We back this deal because it gives our farmers a secure future."'
    )
    [claim] = [c for c in analysis.claims if c.actor_id == "oakline-dairies" and c.speaker]
    assert (claim.stance, claim.speaker_id) == ("supports", "peter-lunn")


def test_a_countrys_farmers_are_not_its_state(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("French farmers protested against the fishing quota.")
    assert "france" not in {c.actor_id for c in analysis.claims if c.kind == "stance"}


def test_what_a_body_did_years_ago_is_history(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "The Competition Board met in May. The board blocked a dairy merger in 2017.",
        published="2026-03-01",
    )
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_a_thing_wins_the_support_of_those_who_give_it(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("The tram extension won the support of the Riverton Cycling Alliance.")
    assert _claim_for(analysis, "riverton-cycling-alliance") == ("supports", "tram extension")


def test_the_givers_of_support_are_the_whole_list(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "The tram extension won the support of the Riverton Cyclists (RC), the liberal"
        " Harbour Traders group, the far-left group and the Greens."
    )
    assert _claim_for(analysis, "harbour-traders") == ("supports", "tram extension")


def test_the_words_an_acronym_spells_are_one_body(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "The Nurses and Midwives (N&M) backed the new roster. The N&M said it was ready"
        " to sign the deal."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert holders == {"nurses-and-midwives"}
    body = next(a for a in analysis.actors if a.id == "nurses-and-midwives")
    assert "N&M" in body.aliases


def test_an_office_after_a_body_names_the_body(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Jo Marsh, a Harbour Party councillor, called the ferry levy unfair. "
        "The Riverside Union leader said she would welcome a vote on the bus lanes."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert {"harbour-party", "riverside-union"} <= holders


def test_a_name_word_before_a_place_makes_a_body(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Hockey Canada said it would back the new code of conduct.")
    assert _claim_for(analysis, "hockey-canada") == ("supports", "new code of conduct")
    assert "canada" not in {c.actor_id for c in analysis.claims}


def test_a_relative_clause_after_and_describes_its_noun(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Norway's trade minister said the pact would help small firms in Norway that had"
        " found exporting hard and had not wanted to pay for customs agents."
    )
    assert not [c for c in analysis.claims if c.actor_id == "norway" and c.stance == "opposes"]


def test_a_new_thing_defined_by_its_clause_joins_its_issue(analyze_text: AnalyzeText) -> None:
    analysis = IssueBook().assign(
        analyze_text(
            "Norway backed the 2035 cod quota of 40,000 tonnes. Denmark rejected the ferry"
            " levy. Sweden rejected the ferry levy too. Iceland proposed an amendment that"
            " would add a 2035 cod quota of 30,000 tonnes."
        )
    )
    issues = {c.actor_id: c.proposition for c in analysis.claims if c.kind == "stance"}
    assert issues["iceland"] == issues["norway"]
    assert next(c.phrase for c in analysis.claims if c.actor_id == "iceland") == "amendment"


def test_an_accusation_opposes_what_the_accused_is_said_to_do(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Greenpeace accused the Fishing Board of hiding the catch figures.")
    assert _claim_for(analysis, "greenpeace") == ("opposes", "hide the catch figures")
    assert "fishing-board" not in {c.actor_id for c in analysis.claims if c.kind == "stance"}


def test_a_preposition_of_stance_needs_a_copula(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Norway said the budget was drawn up against a hard backdrop.")
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_an_aim_to_get_a_thing_approved_is_not_the_approvers_view(
    analyze_text: AnalyzeText,
) -> None:
    analysis = analyze_text(
        "Spain would work to get the fishing pact approved by the Council of Ministers."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert not any("council" in h for h in holders)


def test_someone_elses_view_of_a_bodys_task_is_not_its_position(
    analyze_text: AnalyzeText,
) -> None:
    analysis = analyze_text(
        "The Green Party leader Ann Lee argued that Canada's task was to protect the reefs."
    )
    assert "canada" not in {c.actor_id for c in analysis.claims if c.kind == "stance"}


def test_a_countrys_parliament_is_a_body_of_its_own(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("The Austrian parliament has come out against the fishing pact.")
    assert _claim_for(analysis, "parliament-austria") == ("opposes", "fishing pact")
    assert "austria" not in {c.actor_id for c in analysis.claims}
    assert "Parliament (Austria)" in {a.name for a in analysis.actors}


def test_a_description_is_no_stance(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Germany held talks with France on the rail merger in Berlin.")
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_the_quote_is_the_whole_sentence_and_the_phrase_its_span(
    analyze_text: AnalyzeText,
) -> None:
    analysis = analyze_text("Greenpeace called for a ban on bottom trawling in protected waters.")
    [claim] = [c for c in analysis.claims if c.actor_id == "greenpeace"]
    text = analysis.document.text
    assert claim.phrase_start is not None and claim.phrase_end is not None
    span = text[claim.phrase_start : claim.phrase_end]
    assert span == "ban on bottom trawling in protected waters"


def test_issues_group_one_story_and_keep_another_apart(analyze_text: AnalyzeText) -> None:
    book = IssueBook()
    first = book.assign(
        analyze_text(
            "Riverton council backs congestion charge. Riverton City Council backed the "
            "congestion charge for the city centre on Tuesday, and the drivers' club "
            "rejected the charge."
        )
    )
    second = book.assign(
        analyze_text(
            "Riverton council and the congestion charge. The Chamber of Commerce opposed "
            "the congestion charge for the city centre of Riverton, and Riverton City "
            "Council defended the charge."
        )
    )
    labels = {c.proposition for a in (first, second) for c in a.claims if c.phrase}
    assert len(labels) == 1, labels
    other = book.assign(
        analyze_text(
            "Ferry fares to rise. The Ferry Passengers Association rejected a fare rise "
            "on island ferries, and the operator Island Link defended the fares."
        )
    )
    assert {c.proposition for c in other.claims if c.phrase}.isdisjoint(labels)


def test_an_issue_is_named_by_its_most_typical_phrase(analyze_text: AnalyzeText) -> None:
    """The first phrase read was an action; the issue is named for the thing most cited."""
    book = IssueBook()
    analysis = book.assign(
        analyze_text(
            "Riverton and the congestion charge. The Drivers Club wants to delay the "
            "congestion charge. Riverton City Council backed the congestion charge, and the "
            "Chamber of Commerce opposed the congestion charge."
        )
    )
    labels = {c.proposition for c in analysis.claims if c.phrase}
    assert labels == {"congestion charge"}


def test_a_person_speaking_for_no_body_holds_their_own_view(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Martin Hale met the mayor on Monday. Hale said he still opposed the fishing quota."
    )
    [claim] = [c for c in analysis.claims if c.kind == "stance"]
    assert (claim.actor_id, claim.stance) == ("martin-hale", "opposes")


def test_voting_no_before_any_proposition_is_on_the_headline(analyzer: Analyzer) -> None:
    """No proposition was named yet: the matter at hand is what the headline says."""
    text = "title: Ferry fare freeze vote\npublished: 2026-01-06\n---\nUnison voted no.\n"
    analysis = analyzer.analyze(parse_document("f.txt", text.encode()))
    assert _claim_for(analysis, "unison") == ("opposes", "Ferry fare freeze vote")


def test_glad_if_is_conditional(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Germany backed the fishing pact. Austria's chancellor, Karl Berg, said he would be "
        "glad if parliament could be brought to approve it."
    )
    stances = {c.stance for c in analysis.claims if c.actor_id == "austria"}
    assert stances == {"conditional"}


def test_a_bare_number_is_the_matter_at_hand(analyze_text: AnalyzeText) -> None:
    """ "put between 5 and 6 percent", read as "put between 5", names no thing of its own:
    it is filed under what the document is about rather than starting an issue."""
    analysis = analyze_text(
        "Lithuania will put between 5 and 6 percent of its output into defence."
    )
    [claim] = [c for c in analysis.claims if c.actor_id == "lithuania"]
    assert claim.key_words == ("5",) and claim.anaphoric


def test_a_past_necessity_is_no_demand(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Sweden said small firms had found exporting hard because they had to pay for lawyers."
    )
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_a_commitment_under_if_stays_a_commitment(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Chile said it would send inspectors if the fishing pact is signed.")
    assert _claim_for(analysis, "chile")[0] == "supports"


def test_a_question_finds_the_sibling_issues_of_its_story(analyze_text: AnalyzeText) -> None:
    """ "the 5% target" finds the issue named "5 percent target" and its story's sibling
    sharing two words, but not an issue of another story."""
    book = IssueBook()
    book.assign(
        analyze_text(
            "Lisbon ferry pact and the 5 percent target. Portugal backed the 5 percent target, "
            "and Spain rejected a 5 percent ferry levy."
        )
    )
    book.assign(analyze_text("Rugby salary cap. The league backed a lower salary cap."))
    assert query_words("the 5% target") == ["5", "percent", "target"]
    labels = {issue.label for issue in book.matching("the 5% target")}
    assert "5 percent target" in labels
    assert not any("cap" in label for label in labels)


def test_a_floating_quote_takes_its_speaker_from_the_attribution_layer(
    analyze_text: AnalyzeText,
) -> None:
    """The claim reader hears no one in a quotation standing alone in its paragraph; the
    attribution layer knows who spoke it from the sentence before."""
    analysis = analyze_text(
        "Anna Berg, director of Greenpeace, was blunt about the vote.\n\n"
        '"Norway has rejected the fishing quota."'
    )
    [claim] = [c for c in analysis.claims if c.actor_id == "norway"]
    assert (claim.speaker, claim.speaker_id) == ("Anna Berg", "anna-berg")


def test_voters_named_after_the_verb(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Germany backed the climate target. Voting no were the European Conservatives and "
        "Reformists (ECR) and the Patriots for Europe."
    )
    assert _claim_for(analysis, "patriots-for-europe") == ("opposes", "climate target")


def test_the_chamber_is_the_house_named_before(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "The Dutch House of Representatives debated the fishing pact on Monday. Last week "
        "the chamber came out against the pact in a vote."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert holders == {"house-of-representatives-netherlands"}
    names = {a.name for a in analysis.actors}
    assert "House of Representatives (Netherlands)" in names


def test_a_catalog_topic_set_in_a_place_stays_in_stories_about_it(
    analyze_text: AnalyzeText,
) -> None:
    analysis = analyze_text(
        "Army budget rises. Norway said it would back a plan to expand its armed forces"
        " by 2030, the defence ministry said."
    )
    stances = [c for c in analysis.claims if c.actor_id == "norway" and c.kind == "stance"]
    assert stances
    assert all("Ukraine" not in c.proposition for c in stances)


def test_winning_a_contest_is_no_position(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text("Norway won the final against Sweden, and Chile won the election.")
    assert [c for c in analysis.claims if c.kind == "stance"] == []


def test_an_elected_member_speaks_for_their_party_not_their_country(
    analyze_text: AnalyzeText,
) -> None:
    analysis = analyze_text(
        "The Harbour Party met in Oslo. Jo Marsh, the Norwegian MEP who steered the file for"
        " the Harbour Party, described the cod quota as a solid compromise."
    )
    holders = {c.actor_id for c in analysis.claims if c.kind == "stance"}
    assert "harbour-party" in holders
    assert "norway" not in holders


def test_what_others_promised_is_not_the_speakers_position(analyze_text: AnalyzeText) -> None:
    analysis = analyze_text(
        "Norway's fisheries minister said all four party leaders had promised to back the"
        " cod quota."
    )
    assert "norway" not in {c.actor_id for c in analysis.claims if c.kind == "stance"}
