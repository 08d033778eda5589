"""The words that attribute speech: reporting verbs, nouns and phrases.

Lemmas, as spaCy's lemmatizer gives them. The follows the quote-attribution
guidelines' cues (say, tell, ask, write, urge, warn, insist, concede, argue, add,
note, reply, vow, admit, confirm, testify, rule, recall, ...) and the spoken and
written forms news uses around them. "according to" and noun cues ("the minister's
statement that") are read separately.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one spaced string, so long lists stay a few lines."""
    return frozenset(text.split())


SPEECH_VERBS = word_set(
    """
    acclaim accuse acknowledge add admit advise affirm agree allege announce answer
    appeal argue ask assert assure aver bark beg blame boast call caution challenge chant
    charge claim clarify comment complain concede conclude concur condemn confide confirm
    contend counter criticise criticize cry declare decree demand deny describe disclose
    dispute emphasise emphasize encourage estimate exclaim explain forecast growl gush
    hail highlight hypothesize implore indicate inform insist instruct joke lament laugh
    list maintain marvel mention muse mutter narrate note object observe offer opine
    plead pledge point posit post praise predict press proclaim promise propose protest
    question quip read reassure recall recollect recommend recount reiterate relate
    remark remind repeat reply report request respond retort reveal rule say scream shout
    sigh signal snap specify speculate state stipulate stress suggest summarise summarize
    surmise tell testify theorize tout tweet underline urge vow warn welcome whisper
    wonder worry write yell
    """
)

# Verbs whose object is the quoted words: `blamed "two moments of sleep"`, `called it "…"`.
LABELLING_VERBS = word_set(
    """
    accuse blame brand call characterise characterize criticise criticize decry denounce
    describe dismiss hail label praise slam term
    """
)

# Nouns that carry what someone said: "the minister's statement that …", "in a statement".
SPEECH_NOUNS = word_set(
    """
    admission allegation announcement answer appeal argument assertion assurance banner
    bulletin call claim comment complaint contention decision demand email estimate
    explanation finding insistence interview letter memo message note notice petition
    pitch plea pledge policy position post prediction promise proposal question
    recommendation release remark reply report request response ruling sign speech
    statement suggestion testimony threat tweet verdict view vow warning
    """
)

# Documents and signs speak for their author ("the memo said", "a sign read").
DOCUMENT_NOUNS = word_set(
    """
    advisory banner brochure bulletin chant complaint decision document email filing
    flyer lawsuit leaflet letter memo message motion newsletter note notice notices order
    pamphlet petition placard plan policy post poster proposal recommendation release
    report ruling sign slogan statement study submission summary survey tweet update
    website
    """
)

# Words that say nobody spoke: "declined to say", "did not respond to requests for comment".
SILENCE_VERBS = word_set(
    """
    decline fail neither never nor not refuse
    """
)

# Subjects of a cue that are no speakers: "it" in "it is said", "there".
NOT_SPEAKERS = word_set(
    """
    that there these this those what which who
    """
)

PERSONAL_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
PLURAL_PRONOUNS = word_set(
    """
    our their them they us we
    """
)
THING_PRONOUNS = word_set(
    """
    it its
    """
)
FIRST_PERSON = word_set(
    """
    i me my our us we
    """
)
