"""Time in criteria: time units, windows and what they are counted back from (number words: ``assistant.numbers``)."""

from __future__ import annotations

#: Time units as written → the unit of a rule's window.
TIME_UNITS: dict[str, str] = {
    "day": "days",
    "days": "days",
    "week": "weeks",
    "weeks": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "month": "months",
    "months": "months",
    "mo": "months",
    "mos": "months",
    "year": "years",
    "years": "years",
    "yr": "years",
    "yrs": "years",
    "y": "years",
}

#: Hours as written in a window ("within the last 24 hours"): read in whole days, as dated records are kept.
HOUR_UNITS: tuple[str, ...] = ("hours", "hour", "hrs", "hr", "h")

#: What a window may be counted back from ("within 3 months prior to screening").
ANCHORS: tuple[str, ...] = (
    "screening visit",
    "screening",
    "study entry",
    "entry",
    "enrollment",
    "enrolment",
    "randomization",
    "randomisation",
    "registration",
    "study start",
    "start of study",
    "start of treatment",
    "start of study treatment",
    "initiation of study treatment",
    "study treatment",
    "study drug",
    "trial treatment",
    "trial drug",
    "trial medication",
    "study medication",
    "study intervention",
    "study enrollment",
    "study enrolment",
    "study randomization",
    "treatment",
    "the first dose of study drug",
    "the first dose of study treatment",
    "the first dose",
    "first dose",
    "study drug administration",
    "baseline",
    "day 1",
    "inclusion",
    "consent",
    "signing informed consent",
    "signing the informed consent",
    "study",
    "the study",
    "visit 1",
)

#: Words naming the moment of an anchor ("the first dose of study treatment", "initiation of study drug"):
#: they may stand before any anchor above.
ANCHOR_MOMENTS: tuple[str, ...] = (
    "first dose of",
    "first administration of",
    "first day of",
    "first infusion of",
    "initiation of",
    "start of",
    "beginning of",
    "time of",
)

#: Words joining a window to its anchor.
ANCHOR_LINKS: tuple[str, ...] = ("prior to", "before", "of", "preceding", "from", "until")

#: Words opening a window.
WINDOW_OPENERS: tuple[str, ...] = (
    "within the past",
    "within the last",
    "within the previous",
    "within the preceding",
    "within past",
    "within last",
    "within",
    "in the past",
    "in the last",
    "in the previous",
    "during the past",
    "during the last",
    "over the past",
    "over the last",
)

#: When a finding is stated to be present, at the end of a phrase ("at screening"): it only says "now".
NOW_ANCHORS = (
    r"\s*,?\s+(?:at|during|on)\s+(?:the\s+)?(?:time\s+of\s+)?"
    r"(?:screening|baseline|study\s+entry|entry|enrol?lment|randomi[sz]ation|registration|inclusion)(?:\s+visit)?$"
)

#: Words before a window that say a value was taken in it ("creatinine ≤ 1.5 mg/dL obtained within 14 days
#: prior to registration"): the window dates the measurement.
MEASURED_IN_WINDOW: tuple[str, ...] = (
    "obtained",
    "measured",
    "performed",
    "drawn",
    "collected",
    "done",
    "taken",
    "assessed",
)
