"""Words around a condition, medication, procedure or test: negation, timing qualifiers, subjects,
judgement words, narrowing clauses and test results. Names of what occurs are never listed here."""

from __future__ import annotations

#: Leading words stating that the criterion's subject is absent.
NEGATIONS: tuple[str, ...] = (
    "no",
    "without",
    "absence of",
    "free of",
    "not have",
    "does not have",
    "do not have",
    "has not had",
    "have not had",
    "never had",
    "no evidence of",
    "no clinical evidence of",
    "no signs of",
)

#: Qualifiers before a condition, drug or procedure, and how each times it: "ever" (at any time),
#: "now" (present or current), "recent" (a window must be stated).
QUALIFIERS: dict[str, str] = {
    "current or past history of": "ever",
    "current or previous": "ever",
    "active or history of": "ever",
    "past or current": "ever",
    "past history of": "ever",
    "prior history of": "ever",
    "a history of": "ever",
    "any history of": "ever",
    "history of": "ever",
    "known history of": "ever",
    "prior": "ever",
    "previous": "ever",
    "previously": "ever",
    "past": "ever",
    "prior treatment with": "ever",
    "previous treatment with": "ever",
    "prior use of": "ever",
    "previous use of": "ever",
    "known": "now",
    "existing": "now",
    "pre-existing": "now",
    "active": "now",
    "current": "now",
    "currently": "now",
    "ongoing": "now",
    "concurrent": "now",
    "concomitant": "now",
    "documented": "now",
    "confirmed": "now",
    "diagnosis of": "now",
    "diagnosed with": "now",
    "a diagnosis of": "now",
    "presence of": "now",
    "evidence of": "now",
    "clinical evidence of": "now",
    "use of": "now",
    "current use of": "now",
    "treatment with": "now",
    "taking": "now",
    "currently taking": "now",
    "receiving": "now",
    "currently receiving": "now",
    "on": "now",
    "recent": "recent",
    "recently": "recent",
    "current or recent": "recent",
    "histologically or cytologically confirmed": "now",
    "cytologically or histologically confirmed": "now",
    "histologically confirmed": "now",
    "cytologically confirmed": "now",
    "pathologically confirmed": "now",
    "histologically proven": "now",
    "histologically documented": "now",
    "biopsy-proven": "now",
    "biopsy proven": "now",
    "confirmed diagnosis of": "now",
    "documented diagnosis of": "now",
    "documented history of": "ever",
    "exposure to": "ever",
    "prior exposure to": "ever",
    "clinical diagnosis of": "now",
    "a clinical diagnosis of": "now",
    "currently using": "now",
    "using": "now",
    "therapy with": "now",
    "treated with": "now",
    "administration of": "now",
    "prior therapy with": "ever",
    "previous therapy with": "ever",
    "undergone": "ever",
    "any": "now",
    "anticancer": "now",
    "systemic": "now",
    "a": "now",
    "an": "now",
    "current diagnosis of": "now",
    "diagnosed or suspected": "now",
    "known or suspected": "now",
    "suspected or known": "now",
    "confirmed or suspected": "now",
    "suspected or confirmed": "now",
    "documented or suspected": "now",
    "must have": "now",
    "must have had": "ever",
    "history or current": "ever",
    "history or current use of": "ever",
    "established diagnosis of": "now",
    "personal history of": "ever",
    "evidence or history of": "ever",
    "history or evidence of": "ever",
    "infected with": "now",
    "affected by": "now",
    "coexisting": "now",
    "co-existing": "now",
    "underlying": "now",
    "unresolved": "now",
    "intercurrent": "now",
    "received": "ever",
    "who received": "ever",
    "who have received": "ever",
    "who has received": "ever",
    "previously received": "ever",
    "receipt of": "ever",
    "been treated with": "ever",
    "been previously treated with": "ever",
    "previously treated with": "ever",
    "been exposed to": "ever",
    "participation in": "now",
    "concurrent participation in": "now",
    "current participation in": "now",
    "participating in": "now",
    "currently participating in": "now",
    "enrolled in": "now",
    "currently enrolled in": "now",
    "enrollment in": "now",
    "concurrent enrollment in": "now",
    "concurrent enrolment in": "now",
    "enrolment in": "now",
    "involved in": "now",
    "taking part in": "now",
    "previous participation in": "ever",
    "prior participation in": "ever",
    "participated in": "ever",
    "previously participated in": "ever",
}
_BY_WHOM = ("histologically", "cytologically", "pathologically", "radiologically", "clinically")
_SHOWN = ("confirmed", "documented", "proven", "verified")
for _first in _BY_WHOM:
    for _shown in _SHOWN:
        for _joint in (" ", "-"):
            QUALIFIERS.setdefault(f"{_first}{_joint}{_shown}", "now")
            for _second in _BY_WHOM:
                if _second != _first:
                    QUALIFIERS.setdefault(f"{_first} or {_second}{_joint}{_shown}", "now")
                    QUALIFIERS.setdefault(f"{_first} and/or {_second}{_joint}{_shown}", "now")
"""How a diagnosis was shown ("histologically or cytologically-documented", "pathologically proven"): it is
present now; the way it was shown is the record's, not a condition of the criterion."""
"""A suspicion joined to a diagnosis ("Diagnosed or suspected X") widens what counts, it does not weaken it:
X recorded decides as X present, X stated absent as X absent. A receipt stated in the past ("Patients who
have received a live vaccine within 30 days …", "Prior receipt of any X", "have been treated with X") is
timed by its window, else at any time."""

#: Leading words naming who the criterion is about; they add nothing to its meaning.
SUBJECTS: tuple[str, ...] = (
    "patients with",
    "patient with",
    "subjects with",
    "subject with",
    "participants with",
    "participant with",
    "individuals with",
    "people with",
    "patients in",
    "patient in",
    "subjects in",
    "participants in",
    "patients who have",
    "subjects who have",
    "patients who had",
    "subjects who had",
    "patient has",
    "subject has",
    "patients having",
    "subjects having",
    "the patient has",
    "the subject has",
    "the participant has",
    "the patient is",
    "the subject is",
    "patient is",
    "subject is",
    "participant has",
    "participants who have",
    "individuals who have",
    "has",
    "have",
    "had",
    "having",
    "patients",
    "subjects",
    "participants",
    "patients who are",
    "subjects who are",
    "participants who are",
    "who are",
)

#: Words joining a sex to what its patients have ("Women with SLE", "Men who have hypogonadism"): the
#: criterion concerns patients of that sex only.
SEX_LEAD_LINKS: tuple[str, ...] = ("with", "who have", "who had", "having", "who are taking", "taking")

#: Words after a medication's name that only say it is taken ("magnesium therapy", "analgesic use",
#: "Antimalarials taken within the last 2 weeks").
MEDICATION_USE: tuple[str, ...] = (
    "use",
    "usage",
    "therapy",
    "treatment",
    "intake",
    "administration",
    "medication",
    "medications",
    "drug",
    "drugs",
    "taken",
    "received",
    "administered",
)

#: A positive test result stated before what was tested ("Positive blood screen for", "Seropositive for").
POSITIVE_RESULT = (
    r"^(?:a\s+|known\s+)?(?:sero)?positive\s+(?:(?:blood|serum|plasma|urine|laboratory|lab|serological|serology)\s+)*"
    r"(?:(?:screen|screening|test|testing|result|assay)\s+)?(?:for|of)?\s*"
)

#: A negative test result stated before what was tested ("Negative hepatitis B surface antigen test").
NEGATIVE_RESULT = (
    r"^(?:a\s+|documented\s+)?(?:sero)?negative\s+(?:(?:blood|serum|plasma|urine|laboratory|lab|serological|serology)\s+)*"
    r"(?:(?:screen|screening|test|testing|result|assay)\s+)?(?:for|of)?\s*"
)

#: Words after what was tested that only say it is a test ("HIV test", "HBsAg result").
TEST_WORDS: tuple[str, ...] = (
    "test",
    "testing",
    "test result",
    "result",
    "results",
    "screen",
    "screening test",
    "assay",
)

#: Words opening a later item of a list that say "the rest of this class" ("ankylosing spondylitis or any other
#: inflammatory arthritis"): X or (Y other than X) is X or Y, so the item reads as the class itself.
OTHER_ITEM: tuple[str, ...] = ("any other", "other", "or other", "and other")

#: Qualifiers that may also be the first word of a name ("systemic corticosteroids", "active tuberculosis").
NAMING_QUALIFIERS: frozenset[str] = frozenset(
    ("systemic", "active", "anticancer", "chronic", "concomitant", "persistent", "early")
)

#: Judgement words on a condition ("Severe hepatic impairment", "Clinically significant heart disease"): the
#: condition's absence decides the criterion; its presence leaves it for a clinician to judge. Words of its
#: course, stage or extent ("new or worsening chest pain", "newly diagnosed", "metastatic breast cancer")
#: narrow it the same way: the records say whether the patient has it, not whether it is new or metastatic.
SEVERITY: tuple[str, ...] = (
    "clinically significant",
    "clinically relevant",
    "clinically important",
    "medically significant",
    "significant",
    "severe",
    "serious",
    "uncontrolled",
    "poorly controlled",
    "unstable",
    "clinically unstable",
    "relevant",
    "symptomatic",
    "untreated",
    "refractory",
    "intractable",
    "persistent",
    "life-threatening",
    "life threatening",
    "debilitating",
    "disabling",
    "overt",
    "early",
    "acute",
    "major",
    "chronic",
    "progressive",
    "actively progressing",
    "symptomatic or untreated",
    "untreated or symptomatic",
    "symptomatic and/or untreated",
    "untreated and/or symptomatic",
    "symptomatic, untreated, or actively progressing",
    "allogeneic",
    "autologous",
    "new or worsening",
    "new or worsened",
    "new onset",
    "new-onset",
    "newly diagnosed",
    "uncontrollable",
    "decompensated",
    "compensated",
    "mild",
    "moderate",
    "mild to moderate",
    "moderate to severe",
    "moderate or severe",
    "recurrent",
    "metastatic",
    "advanced",
    "locally advanced",
    "unresectable",
)

#: Words opening a clause that narrows the condition before it ("ascites requiring drainage", "angioedema
#: drug related", "CNV other than due to nAMD"): the condition's absence decides, its presence is left for
#: review, as with a judgement word. Only a clause with no list in it ("or", "and", a comma) is read so.
NARROWING: tuple[str, ...] = (
    "requiring",
    "that required",
    "that requires",
    "that require",
    "which required",
    "which requires",
    "needing",
    "due to",
    "secondary to",
    "caused by",
    "related to",
    "associated with",
    "attributed to",
    "other than",
    "affecting",
    "involving",
    "resulting in",
    "with",
    "without",
    "on",
    "to",
    "that",
    "which",
    "not controlled by",
    "despite",
    "drug related",
    "drug-related",
    "before",
    "prior to",
    "after",
    "following",
    "documented by",
    "confirmed by",
    "as confirmed by",
    "diagnosed by",
    "as diagnosed by",
    "as defined by",
    "defined by",
    "according to",
    "based on",
    "excluding",
    "except",
    "apart from",
    "unless",
    "suspicious for",
    "suggestive of",
    "consistent with",
    "in which",
)

#: Words that keep an item of a list from standing as a test left for review when it links to no concept
#: (besides the narrowing words): they may qualify the other items or make an exception to them ("cancer,
#: unless curatively treated", "hepatitis B or C infection requiring treatment", "in the opinion of").
UNLINKED_ITEM_STOPS: tuple[str, ...] = (
    "if",
    "provided",
    "allowed",
    "permitted",
    "acceptable",
    "eligible",
    "not",
    "no",
    "but",
    "may",
    "can",
    "will",
    "would",
    "could",
    "should",
    "must",
    "investigator",
    "opinion",
    "judgement",
    "judgment",
    "considered",
    "deemed",
)

#: Words an abbreviation may pass over between the words it abbreviates ("Assessment of SpondyloArthritis
#: International Society (ASAS)", "heart failure with reduced ejection fraction (HFrEF)").
ABBREVIATION_LINKS: frozenset[str] = frozenset(("of", "and", "the", "for", "in", "on", "to", "with", "&"))
