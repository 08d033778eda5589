"""General English words that take a position: data for `briefs.nlp.positions`.

Lemmas, not patterns, so that the parse decides what each word governs. Every word
here is ordinary political and business language, valid on any story; a word that
only means a stance on one subject does not belong here.
"""

from __future__ import annotations

from briefs.models import Stance

STANCE_VERBS: dict[str, Stance] = {
    # commitment and backing
    **dict.fromkeys(
        [
            "back",
            "support",
            "endorse",
            "welcome",
            "favour",
            "favor",
            "champion",
            "advocate",
            "praise",
            "hail",
            "applaud",
            "propose",
            "demand",
            "urge",
            "approve",
            "sign",
            "ratify",
            "adopt",
            "pledge",
            "promise",
            "vow",
            "accept",
            "want",
            "seek",
            "defend",
            "embrace",
            "commit",
            "agree",
            "request",
            "recommend",
            "prefer",
            "insist",
            "greenlight",
            "unveil",
            "plan",
            "intend",
            "aim",
            "offer",
            "promote",
            "like",
            "press",
            "push",
            "suggest",
            "require",
            "order",
        ],
        "supports",
    ),
    # refusal and criticism
    **dict.fromkeys(
        [
            "oppose",
            "reject",
            "refuse",
            "block",
            "veto",
            "resist",
            "criticise",
            "criticize",
            "condemn",
            "dismiss",
            "denounce",
            "slam",
            "decry",
            "boycott",
            "scrap",
            "deplore",
            "lament",
            "attack",
            "blast",
            "fight",
            "contest",
            "challenge",
            "protest",
            "spurn",
            "disapprove",
            "abandon",
            "accuse",
        ],
        "opposes",
    ),
    # openness without commitment
    **dict.fromkeys(["consider", "explore", "weigh", "study", "examine", "mull"], "conditional"),
    # declining to take a side
    **dict.fromkeys(["abstain", "decline"], "undecided"),
}

# Verb + particle or preposition: "call for", "vote against", "rule out", "sign up".
PHRASAL_STANCES: dict[tuple[str, str], Stance] = {
    ("call", "for"): "supports",
    ("push", "for"): "supports",
    ("press", "for"): "supports",
    ("argue", "for"): "supports",
    ("vote", "for"): "supports",
    ("campaign", "for"): "supports",
    ("lobby", "for"): "supports",
    ("sign", "up"): "supports",
    ("come", "out"): "supports",  # "came out in favour of"; "came out against" is the preposition's
    ("stand", "behind"): "supports",
    ("stand", "by"): "supports",
    ("go", "along"): "supports",
    ("get", "behind"): "supports",
    ("insist", "on"): "supports",
    ("rule", "out"): "opposes",
    ("vote", "against"): "opposes",
    ("argue", "against"): "opposes",
    ("campaign", "against"): "opposes",
    ("warn", "against"): "opposes",
    ("speak", "against"): "opposes",
    ("speak", "out"): "opposes",
    ("object", "to"): "opposes",
    ("lobby", "against"): "opposes",
    ("push", "back"): "opposes",
    ("come", "against"): "opposes",
    ("call", "on"): "supports",
    ("call", "upon"): "supports",
    ("ask", "for"): "supports",
    ("work", "for"): "supports",
    ("put", "forward"): "supports",
    ("hold", "back"): "undecided",
    ("hold", "off"): "undecided",
    ("count", "on"): "supports",  # "had been counting on sealing the accord"
    ("bank", "on"): "supports",
    ("hope", "for"): "supports",
}

# Adjectives and prepositions that predicate a stance of their subject: "is ready to".
STANCE_ADJECTIVES: dict[str, Stance] = {
    **dict.fromkeys(
        [
            "ready",
            "willing",
            "prepared",
            "keen",
            "eager",
            "determined",
            "committed",
            "happy",
            "glad",
            "pleased",
            "delighted",
        ],
        "supports",
    ),
    **dict.fromkeys(["supportive", "positive", "favourable", "favorable"], "supports"),
    **dict.fromkeys(["opposed", "hostile", "unwilling", "reluctant", "unable"], "opposes"),
    **dict.fromkeys(["critical"], "opposes"),  # "sceptical about" doubts; it need not oppose
    **dict.fromkeys(["open"], "conditional"),
    **dict.fromkeys(["undecided", "uncommitted"], "undecided"),
}
STANCE_PREPOSITIONS: dict[str, Stance] = {"against": "opposes", "favour": "supports"}
# Particles that make a phrasal verb even where the parse calls them adverbs ("go along with").
PARTICLES = frozenset({"along", "out", "back", "off", "up", "behind", "down"})
# Duties a holder denies: "is not obliged to meet the target" opposes meeting it. Unnegated,
# a duty states no position of the holder's own ("is required to report").
DENIED_DUTIES = frozenset({"obliged", "obligated", "required", "bound", "compelled"})
# Feelings about the matter at hand, with or without an object: "were sharply disappointed".
FEELINGS: dict[str, Stance] = {
    **dict.fromkeys(["delighted", "pleased", "glad", "satisfied", "thrilled"], "supports"),
    **dict.fromkeys(
        ["disappointed", "dismayed", "unimpressed", "furious", "outraged", "appalled", "shocked"],
        "opposes",
    ),
}
# "in its present form": a stance on this version of a thing, not on the thing.
VERSION_NOUNS = frozenset({"form", "state", "shape", "version", "guise"})
VERSION_NOW = frozenset({"present", "current", "existing", "proposed"})
# Prepositions of whoever is asked to act: "called on the council", "appealed to Brussels".
ADDRESSEES = frozenset({"on", "upon"})
# Verbs whose that-clause is what the holder wants done: "demanded that allies pay more".
DEMANDING = frozenset(
    {
        "demand",
        "urge",
        "insist",
        "propose",
        "recommend",
        "ask",
        "request",
        "call",
        "press",
        "push",
        "expect",
    }
)
# Deciding, negated: "had not decided" is no position yet.
DECIDING = frozenset({"decide", "determine"})
# Not having these is being undecided: "has not taken a position", "no decision was made".
DECISIONS = frozenset({"position", "decision", "view", "stance", "side", "line"})
DECISION_VERBS = frozenset({"take", "make", "reach", "have", "adopt", "form"})
# Declining, which states a position only with what is declined: "declined to back the plan".
DECLINING = frozenset({"decline"})
# Saying nothing on the matter: "declined to comment", "refused to discuss the figure".
SILENCES = frozenset({"comment", "discuss", "say", "speculate", "elaborate", "answer", "respond"})

# Judgements of a thing: "the plan is unacceptable", "a historic accord".
NEGATIVE_EVALUATIONS = frozenset(
    {
        "unacceptable",
        "wrong",
        "bad",
        "mistake",
        "disaster",
        "betrayal",
        "sham",
        "illusion",
        "unfair",
        "unjust",
        "dangerous",
        "reckless",
        "flawed",
        "misguided",
        "ruse",
        "scandal",
        "insufficient",
        "unrealistic",
        "unworkable",
        "harmful",
        "outrageous",
        "absurd",
        "nonsense",
        "irresponsible",
        "worst",
        "unfunded",
        "empty",
        "hollow",
        "counterproductive",
        "disastrous",
        "undemocratic",
        "loophole",
        "failure",
        "threat",
        "provocation",
    }
)
POSITIVE_EVALUATIONS = frozenset(
    {
        "good",
        "positive",
        "historic",
        "welcome",
        "necessary",
        "essential",
        "vital",
        "right",
        "fair",
        "win",
        "breakthrough",
        "success",
        "opportunity",
        "step",
        "best",
        "landmark",
        "milestone",
        "sensible",
        "solid",
        "balanced",
    }
)
# Verbs that put a label on a thing: "called the plan a sham", "described it as fair".
LABELLING_VERBS = frozenset(
    {
        *("call", "describe", "consider", "label", "regard", "deem", "brand", "term", "dub"),
        *("judge", "treat", "view", "see", "hail", "denounce", "decry"),
    }
)
# What a label does that damns it: "an intervention threatening its security".
HARMING = frozenset({"threaten", "undermine", "damage", "endanger", "jeopardise", "jeopardize"})
EXCESS = frozenset({"too", "overly", "excessively", "unduly"})
COPULAS = frozenset({"be", "remain", "seem", "look", "call", "consider", "describe", "label"})

# Talks, under a stance word: "remains willing to talk about the date" is openness.
TALKING = frozenset({"talk", "discuss", "negotiate", "debate", "revisit", "reconsider"})
# Leaving a thing, as a stance against it: "should stay out", "will pull out of the deal".
WITHDRAWALS = frozenset(
    {
        ("stay", "out"),
        ("keep", "out"),
        ("pull", "out"),
        ("back", "out"),
        ("opt", "out"),
        ("walk", "away"),
        ("stay", "away"),
        ("call", "off"),
    }
)
# What a holder may have none of: "had no need to reach it", "has no intention of joining".
INTENTIONS = frozenset({"need", "intention", "plan", "reason", "desire", "wish", "interest"})
WITHDRAWING = frozenset({"withdraw", "quit", "refrain"})
# Modals of what ought to be done: "the leaders should have the last word".
DEONTIC_MODALS = frozenset({"should", "must", "ought"})
# Modals of what the holder might do: "could contribute troops" is openness.
POSSIBILITY_MODALS = frozenset({"could", "might", "may"})
# Modals of the holder's own commitment; "could" and "might" commit to nothing.
COMMITTING_MODALS = frozenset({"will", "would", "shall", "wo", "'ll", "must"})
# Verbs a holder commits to doing; other verbs after "will" describe, they do not commit.
COMMITMENT_ACTIONS = frozenset(
    {
        "spend",
        "reach",
        "meet",
        "hit",
        "send",
        "deploy",
        "raise",
        "increase",
        "cut",
        "reduce",
        "contribute",
        "provide",
        "ratify",
        "sign",
        "implement",
        "introduce",
        "ban",
        "invest",
        "fund",
        "pay",
        "deliver",
        "put",
        "allocate",
        "double",
        "freeze",
        "scrap",
        "approve",
        "vote",
        "join",
        "lift",
        "impose",
        "end",
        "close",
        "keep",
        "accept",
        "honour",
        "honor",
        "comply",
        "adopt",
        "phase",
        "build",
        "hire",
        "act",
        "serve",
        "lead",
        "host",
        "station",
        "offer",
        "finance",
        "support",
    }
)
# Nouns for people and bodies one meets: "would meet the company this week" is no pledge.
PARTIES_MET = frozenset(
    {
        "company",
        "union",
        "council",
        "government",
        "minister",
        "leader",
        "official",
        "representative",
        "delegation",
        "counterpart",
        "management",
        "board",
        "committee",
        "resident",
        "family",
        "reporter",
    }
)
# Verbs that, even negated after a modal, state no position: "will not say", "would not comment".
NOT_COMMITMENTS = frozenset(
    {
        "be",
        "have",
        "say",
        "comment",
        "tell",
        "know",
        "speak",
        "reveal",
        "disclose",
        "specify",
        "give",
        "take",
        "attend",
        "travel",
        "visit",
        "happen",
        "come",
        "go",
        "get",
        "make",
        "see",
        "last",
        "need",
    }
)

# Stretches of time, never what a position is about: "pressing for a long time".
SPANS = frozenset({"time", "while", "moment", "year", "month", "week", "day", "decade", "hour"})
# Lemmas too light to tell one proposition from another.
LIGHT = frozenset(
    {
        "plan",
        "proposal",
        "idea",
        "move",
        "step",
        "thing",
        "way",
        "issue",
        "matter",
        "question",
        "part",
        "kind",
        "form",
        "version",
        "new",
        "current",
        "latest",
        "such",
        "other",
        "own",
        "further",
    }
)

# "the completion of the agreement", "the end of the talks": about what they complete.
EVENT_NOUNS = frozenset(
    {
        "completion",
        "conclusion",
        "end",
        "signing",
        "signature",
        "adoption",
        "approval",
        "ratification",
        "passage",
        "launch",
        "introduction",
        "implementation",
        # a thing only thought of: "the prospect of ratifying it", "the idea of a levy"
        "prospect",
        "idea",
        "possibility",
        "notion",
    }
)

# What a thing would do, as a judgement of it: "the deal would threaten farmers".
CONSEQUENCES: dict[str, Stance] = {
    **dict.fromkeys(
        [
            "threaten",
            "harm",
            "damage",
            "hurt",
            "undermine",
            "endanger",
            "destroy",
            "weaken",
            "jeopardise",
            "jeopardize",
            "ruin",
            "kill",
            "cripple",
        ],
        "opposes",
    ),
    **dict.fromkeys(
        ["help", "boost", "benefit", "strengthen", "create", "improve", "protect", "save"],
        "supports",
    ),
}
HYPOTHETICAL = frozenset({"would", "will", "could", "'d", "wo", "'ll"})

# Verbs that carry a stance noun: "voiced their rejection", "expressed support".
LIGHT_VERBS = frozenset(
    {
        "voice",
        "express",
        "signal",
        "declare",
        "give",
        "reaffirm",
        "restate",
        "repeat",
        "state",
        "put",
        "add",
        "indicate",
        "make",
        "level",
        "pass",
        "adopt",
        "table",
        "approve",
        "issue",
    }
)
# What a holder takes on as its own: "the country's key tasks include protecting the flank".
TASKS = frozenset({"task", "priority", "role", "aim", "goal", "job", "mission", "responsibility"})
# Texts a body adopts with a stance in them: "passed a resolution against the draft".
RESOLUTIONS = frozenset({"resolution", "motion", "declaration", "amendment", "petition"})
# Verbs by which a thing gets a stance from others: "the target won the support of S&D".
WINNING_VERBS = frozenset({"win", "receive", "get", "gain", "secure", "earn", "attract", "draw"})
STANCE_NOUNS: dict[str, Stance] = {
    **dict.fromkeys(
        [
            "support",
            "backing",
            "approval",
            "endorsement",
            "commitment",
            "blessing",
            "readiness",
            "willingness",
            "signature",
        ],
        "supports",
    ),
    **dict.fromkeys(
        [
            "rejection",
            "opposition",
            "objection",
            "refusal",
            "veto",
            "disapproval",
            "reluctance",
            "resistance",
            "criticism",
            "condemnation",
        ],
        "opposes",
    ),
    **dict.fromkeys(["openness"], "conditional"),
}
# What an action needs, not what it is: "summon the courage to sign it" is about signing it.
ENABLING_NOUNS = frozenset(
    {"courage", "will", "strength", "resolve", "determination", "nerve", "wisdom", "decision"}
)
# Stopping a thing: not doing it lets the thing pass ("will not block the plan"), unlike
# "did not rule it out" or "did not reject it", which only leave it open.
OBSTRUCTING = frozenset({"block", "veto", "obstruct", "derail", "torpedo", "stall"})
# Winning a term in a negotiation shows the winner wanted it: "Poland won a review clause".
GAINING_VERBS = frozenset({"secure", "win", "obtain", "extract", "insert", "negotiate"})
GAINS = frozenset(
    {
        *("clause", "concession", "exemption", "exception", "delay", "guarantee", "safeguard"),
        *("wording", "amendment", "derogation", "opt-out", "flexibility", "review", "waiver"),
        *("assurance", "change", "revision", "carve-out", "extension", "compensation"),
    }
)
# What a holder makes a thing when it backs it: "made the target one of its flagship goals".
PRIORITIES = frozenset(
    {"priority", "goal", "flagship", "centrepiece", "centerpiece", "cornerstone", "aim"}
)
