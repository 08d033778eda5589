"""Word lists the rules read: data, not code.

Stance cues are regular expressions over the lower-cased text of one clause with its
condition phrases removed. They follow the stance definitions of the gold files:
a commitment with stated terms is still `supports`; openness without commitment is
`conditional`; an explicit refusal to decide is `undecided`.
"""

from __future__ import annotations

import re

REPORTING_VERBS = frozenset(
    [
        "say",
        "tell",
        "add",
        "stress",
        "emphasise",
        "emphasize",
        "note",
        "announce",
        "confirm",
        "state",
        "argue",
        "insist",
        "warn",
        "claim",
        "reiterate",
        "declare",
        "indicate",
        "signal",
        "suggest",
        "explain",
        "concede",
        "reply",
        "describe",
        "accuse",
        "write",
        "post",
        "tweet",
        "assert",
        "acknowledge",
        "maintain",
        "underline",
        "underscore",
        "point",
        "report",
        "remark",
        "comment",
        "caution",
        "predict",
        "believe",
        "think",
        "recall",
        "admit",
        "deny",
        "brief",
    ]
)

# Nouns that stand for "the person named before" when they head a speaker phrase.
SPEAKER_NOUNS = frozenset(
    [
        "minister",
        "president",
        "premier",
        "chancellor",
        "official",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "leader",
        "general",
        "admiral",
        "commander",
        "chief",
        "head",
        "secretary",
        "envoy",
        "diplomat",
        "ambassador",
        "taoiseach",
        "tánaiste",
        "tanaiste",
        "office",
        "ministry",
        "government",
        "officer",
        "mep",
        "mp",
        "lawmaker",
        "commissioner",
        "chairman",
        "chairwoman",
        "director",
        "mayor",
        "councillor",
        "senator",
    ]
)

SUBJECT_PRONOUNS_SPEAKER = frozenset({"we", "our", "us"})
SUBJECT_PRONOUNS_PERSON = frozenset({"he", "she", "i"})
SUBJECT_PRONOUNS_THING = frozenset({"it", "its"})
SUBJECT_PRONOUNS_PLURAL = frozenset({"they", "their", "them"})

# Markers that open a condition clause ("if a ceasefire is established").
CONDITION_MARKERS = frozenset({"if", "unless", "provided", "providing", "once", "as long as"})
CONDITION_PHRASES = re.compile(
    r"\b(?:(?:only\s+)?(?:if|unless|once|provided(?:\s+that)?|providing\s+that|as\s+long\s+as"
    r"|on\s+(?:the\s+)?condition\s+that|so\s+long\s+as)\b[^,;.]*"
    r"|only\s+with\s+[^,;.]*"
    r"|(?:with|under)\s+(?:a|an)\s+(?:[\w.-]+\s+){0,2}(?:mandate|backstop|approval)\b"
    r"|(?:after|following)\s+(?:a|the|any)\s+(?:\w+\s+){0,2}"
    r"(?:ceasefire|truce|peace(?:\s+(?:deal|agreement|settlement))?|war|armistice)"
    r"(?:\s+(?:is|has been|was)\s+\w+)?"
    r"|under\s+security\s+guarantees)",
    re.IGNORECASE,
)


def _cues(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Withholding details is no stance: "did not specify how many troops", "declined to name them".
WITHHELD_DETAILS = _cues(
    r"(?:\bnot|n['’]t|\bdeclin\w*\s+to)\s+(?:specify|say|disclose|reveal|name|give|detail)\s+"
    r"(?:\w+\s+){0,4}?(?:how\s+(?:many|much|large|big)|which|when|where|the\s+(?:number|size|names?|countries))\b",
)

UNDECIDED = _cues(
    r"\btoo\s+early\b",
    r"\bpremature\b",
    r"\bundecided\b",
    r"\bnot\s+(?:yet\s+)?(?:decided|made\s+up\s+(?:their|its|his|her)\s+minds?)\b",
    r"\byet\s+to\s+(?:decide|make\s+up)\b",
    r"\bdeclin\w*\s+to\s+(?:say|commit|decide|specify|be\s+drawn)\b",
    r"\b(?:matter|decision|question|choice)\s+(?:\w+\s+){0,3}(?:for|up\s+to)\s+\w+"
    r"(?:\s+alone)?\s+to\s+decide\b",
    r"\bdecide\s+for\s+(?:itself|themselves|himself|herself)\b",
    r"\bintends\s+to\s+decide\b",
    r"\b(?:decision|choice)\s+(?:was|is|would\s+be)\s+\w+(?:'s|’s)\s+own\b",
)

# Negated refusals mean openness: "declining to rule it out", "not excluded".
# Negated reluctance is commitment: "will not hesitate to send troops".
NEGATED_RELUCTANCE = _cues(
    r"(?:\bnot|n['’]t)\s+(?:\w+\s+)?hesitat\w*",
    r"(?:\bnot|n['’]t)\s+(?:\w+\s+)?(?:stand|stay)\s+idly\s+by\b",
)

OPEN_NEGATED_REFUSAL = _cues(
    r"(?:\bnot|n['’]t|\bnever|\bwithout|\bdeclin\w*\s+to|\brefus\w*\s+to)\s+(?:\w+\s+){0,2}"
    r"rul\w*\s+(?:\w+\s+){0,3}out\b",
    r"\bnot\s+(?:be\s+)?exclud\w*",
    r"\bwas\s+not\s+excluded\b",
    r"\bwould\s+not\s+shy\s+away\b",
)

OPPOSES = _cues(
    r"\brul\w*\s+(?:\w+\s+){0,3}out\b",
    r"\b(?:warn\w*|argu\w*|spoke|speak\w*|campaign\w*|vot\w*|(?:is|are|was|were|remains?|stands?))"
    r"\s+(?:\w+\s+)?against\b",
    r"\breject\w*\b",
    r"\boppos\w*\b",
    r"\brefus\w*\b",
    r"\bdismiss\w*\b",
    r"\bunacceptable\b",
    r"\bnot\s+(?:\w+\s+)?accept\b",
    r"\bstay\s+out\b",
    r"\bkeep\s+(?:\w+\s+){0,2}(?:troops|soldiers|forces)\s+out\b",
    r"\bno\s+intention\b",
    r"\bunder\s+no\s+circumstances\b",
    r"\b(?:legitimate|fair)\s+(?:\w+\s+)?targets?\b",
    r"\bthreat\w*\s+(?:to\s+)?its\s+security\b",
    r"\bnothing\s+to\s+do\s+with\b",
    r"\bunrelated\s+to\b",
    r"\breckless\b",
    r"\bhalf-baked\b",
    r"\bmade\s+no\s+sense\b",
    r"\bescalat\w*\b",
    r"\bmilitarisation\b|\bmilitarization\b",
)

CONDITIONAL = _cues(
    r"\b(?:could|might|may)\b",
    r"\bconsider\w*\b",
    r"\bweigh\w*\b",
    r"\bassess\w*\b",
    r"\bopen\s+to\b",
    r"\bpossib\w*\b",
    r"\boption\b",
    r"\bexplor\w*\b",
)

SUPPORTS = _cues(
    r"\bready\b",
    r"\breadiness\b",
    r"\bprepared\b",
    r"\bwilling\w*\b",
    r"\bcommit\w*\b",
    r"\bpledg\w*\b",
    r"\b(?:will|would|shall)\b",
    r"\bconfirm\w*\b",
    r"\boffer\w*\b",
    r"\bback(?:s|ed|ing)?\b",
    r"\bsupport\w*\b",
    r"\blead(?:s|ing)?\b",
    r"\bagree\w*\b",
    r"\bsign(?:s|ed|ing)?\b|\bsignatures?\b",
    r"\bput\s+their\s+names\b",
    r"\brequest\w*\b",
    r"\bwelcom\w*\b",
    r"\bessential\b",
    r"\bmust\b",
    r"\b(?:has|had|have)\s+to\b",
    r"\bshould\b",
    r"\bannounc\w*\b",
    r"\bdeclar\w*\b",
    r"\bparticipat\w*\b",
    r"\btake\s+part\b",
    r"\bjoin\w*\b",
    r"\bcontribut\w*\b",
    r"\bsen[dt]\w*\b",
    r"\bdeploy\w*\b",
    r"\bprovid\w*\b",
    r"\bhub\b|\bcent(?:re|er)\b",
    r"\brole\b",
    r"\bone\s+voice\b",
    r"\bstand\w*\s+(?:by|with|behind)\b",
    r"\bpriority\b|\bkey\s+tasks?\b|\btasks?\b|\bjobs?\b",
    r"\bpropos\w*\b|\bsuggest\w*\b|\bcall\w*\s+for\b|\burg\w*\b|\badvocat\w*\b",
    r"\brais\w*\s+the\s+idea\b",
    r"\b(?:hope|aim|plan|intend|seek|want)\w*\s+to\b",
)

# Negations that turn a commitment into a refusal.
NEGATION = _cues(
    r"\bnot\b(?!\s+(?:only|just|least|yet\s+clear))",
    r"n['’]t\b",
    r"\bnever\b",
    r"\bno\b",
    r"\bnone\b",
    r"\bneither\b",
    r"\bnor\b",
)

# Nouns that state their agent's stance: "the commitment by France", "Moscow's opposition".
STANCE_NOUNS = frozenset(
    [
        "commitment",
        "pledge",
        "offer",
        "readiness",
        "willingness",
        "refusal",
        "opposition",
        "rejection",
        "proposal",
        "backing",
    ]
)

# Contracted negative modals, read as their modal: "won't" is "will" + "not".
CONTRACTED_MODALS = {
    "won't": "will",
    "wouldn't": "would",
    "can't": "can",
    "cannot": "can",
    "couldn't": "could",
    "shouldn't": "should",
    "mustn't": "must",
    "mightn't": "might",
    "shan't": "shall",
}

MODALS = ("will", "would", "could", "might", "may", "must", "should", "shall", "can")

# A clause with these words talks about a thing already named: "reject the proposal".
ANAPHORIC_OBJECTS = _cues(
    r"\bthe\s+(?:proposal|idea|plan|option|offer|mission|force|request|suggestion|move|document)\b",
    r"\bsuch\s+a\s+(?:mission|force|deployment)\b",
)


# People of a country who are not its state: "French farmers protested" is not France.
OWN_PEOPLE_NOT_STATE = frozenset(
    {
        "farmer",
        "producer",
        "worker",
        "company",
        "firm",
        "business",
        "employer",
        "citizen",
        "people",
        "voter",
        "consumer",
        "resident",
        "student",
        "doctor",
        "nurse",
        "fisherman",
        "exporter",
        "industry",
        "media",
        "press",
        "newspaper",
        "economist",
        "analyst",
        "expert",
        "critic",
        "activist",
        "protester",
        "opposition",
    }
)

# Frames that charge someone with a wish or deed: "Moscow accuses Poland of wanting …".
ACCUSING = frozenset({"accuse", "blame", "charge"})

# A country's legislature, a body of its own: "the Austrian parliament voted against it".
LEGISLATURES = frozenset({"parliament", "senate", "congress", "legislature", "assembly"})
