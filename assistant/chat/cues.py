"""The cue lists routing reads a chat message by: words of eligibility, follow-ups, new patients, timing
questions, treatment steps, the study's own events, schedule roles and topics. Data, not code."""

from __future__ import annotations

from typing import Literal

Role = Literal["start", "surgery", "other"]
"""The role a date has in the schedule."""

ELIGIBILITY_QUESTIONS: tuple[str, ...] = (
    r"\b(?:can|could|may|would|will)\s+(?:she|he)\s+(?:be\s+)?(?:enrol(?:l?ed)?|enroll|join|participate|take\s+part"
    r"|go\s+on|be\s+included|be\s+randomi[sz]ed|qualify)\b",
    r"\b(?:is|would|will)\s+(?:she|he)\s+(?:be\s+)?(?:eligible|ineligible|excluded|included|a\s+candidate|ok|okay)\b",
    r"(?-i:\b(?:is|would|will|can|could)\s+(?:Mr|Mrs|Ms|Miss|Dr)?\.?\s*(?!It\b|This\b|That\b|There\b|The\b)"
    r"[A-Z][a-z]+\s+(?:be\s+)?(?i:eligible|enrol|enroll|included|excluded|qualify))",
    r"\bdoes\s+(?:she|he)\s+(?:qualify|meet)\b",
)
"""Questions about one person's eligibility, beyond the words of ``extract.PATIENT_REFERENCES``."""

FOLLOW_UP_OPENERS: tuple[str, ...] = (
    r"^\s*(?:and|also|plus|but|now|actually|correction|update|oh|ok(?:ay)?|what\s+about|how\s+about|what\s+if)\b",
    r"\b(?:her|his)\s+\w+",
    r"^\s*\w+(?:\s+\w+)?\s+(?:is|was|are|now)\s+\d",
)
"""How a follow-up about the patient already in the conversation opens."""

NEW_PATIENT: tuple[str, ...] = (
    r"\b(?:another|a\s+new|a\s+different|the\s+next|a\s+second|new)\s+(?:patient|pt|case)\b",
    r"\bdifferent\s+patient\b",
)
"""A new patient: the facts gathered so far no longer apply."""

TIMING_QUESTIONS: tuple[str, ...] = (
    r"\bwhen\b",
    r"\bhow\s+long\b",
    r"\bhow\s+many\s+(?:days|weeks|months|years)\b",
    r"\bwhat\s+dates?\b",
    r"\bwhich\s+(?:date|day|week|month)\b",
    r"\bdates?\b",
    r"\btime\s*-?\s*line\b",
    r"\bschedule[ds]?\b",
    r"\bcalendar\b",
    r"\bduration\b",
    r"\bby\s+when\b",
    r"\buntil\b",
    r"\bhow\s+soon\b",
    r"\bdue\b",
    r"\btiming\b",
    r"\bwindow\b",
    r"\bhow\s+long\s+(?:after|before)\b",
    r"\bweeks?\s+(?:after|before)\b",
)
"""Words that ask about time."""

TREATMENT_STEPS: tuple[str, ...] = (
    r"\bsurgery\b",
    r"\bsurgical\b",
    r"\bresection\b",
    r"\boperation\b",
    r"\bpost-?\s?operative(?:ly)?\b",
    r"\bpre-?\s?operative(?:ly)?\b",
    r"\bperi-?\s?operative\b",
    r"\badjuvant\b",
    r"\bneo-?adjuvant\b",
    r"\btreatment\b",
    r"\btherapy\b",
    r"\bdos(?:e|es|ing)\b",
    r"\bcourse\b",
    r"\bfollow-?\s?up\b",
    r"\bvisits?\b",
    r"\brestart\b",
    r"\bresume\b",
    r"\bstart\b",
    r"\bstop\b",
    r"\bcomplet(?:e|ed|ion)\b",
    r"\bdrug\b",
    r"\bmedication\b",
)
"""Steps of the treatment a timing question can be about; the names of the medications the schedule files
schedule are steps too (``assistant.chat.steps``)."""

STUDY_EVENTS: tuple[str, ...] = (
    r"\b(?:when|what\s+date)\s+(?:did|does|do|was|is|will|were)\s+(?:the\s+)?(?:study|trial|recruitment|enrol\w*"
    r"|accrual)\b(?!\s+(?:drug|treatment|medication|therapy))",
    r"\b(?:study|trial)\s+(?:start|end|completion|close|closing)\s*(?:date)?\b",
    r"\b(?:start|completion|end|first\s+posted|last\s+update)\s+date\b",
)
"""Questions about the study's own dates (the record's fields), not a patient's timeline."""

ELIGIBILITY_WAITS: tuple[str, ...] = (
    r"\b(?:can|could|may|must|should)\s+(?:a|the|my|this)?\s*(?:patient|subject|participant|person|someone|one|they"
    r"|she|he|you)?\s*(?:start|begin|enter|join|go\s+on|be\s+(?:enrol\w*|included|randomi[sz]ed|eligible)|enrol\w*"
    r"|participate|take\s+part|qualify)\b(?:\s+(?:the|in|on|into)\s+(?:the\s+)?(?:study|trial|protocol))?",
    r"\bsince\s+(?:the\s+)?(?:prior|previous|last|their|his|her|any)\b",
    r"\b(?:wait|washout|wash-out)\b",
    r"\bhow\s+(?:long|many\s+(?:days|weeks|months))\s+(?:since|after)\s+(?:prior|previous|last)?\s*"
    r"(?:chemo\w*|radio\w*|radiation|biologic\w*|investigational|immuno\w*|steroid\w*|transplant\w*)\b",
)
"""Eligibility questions about the time since a prior treatment ("how long after radiotherapy can a patient
start the study?"): the protocol's criteria answer them, not the trial's timeline."""

ROLE_CUES: dict[Role, str] = {
    "surgery": r"\b(?:surgery|surgical|operation|operated|resection|resected|gastrectomy|laparotomy|op)\b",
    "start": r"\b(?:start(?:ed|s|ing)?|began|begun|begin(?:s|ning)?|commenc(?:e|ed|ing)|initiat(?:e|ed|ing)"
    r"|first\s+dose)\b",
}
"""Words that give a date its role in the schedule; "<scheduled medication> from/since <date>" is a start too."""

TOPICS: tuple[tuple[str, str], ...] = (
    ("exclusion criteria", r"\bexclusions?(?:\s+criteri(?:a|on))?\b"),
    ("inclusion criteria", r"\binclusions?(?:\s+criteri(?:a|on))?\b"),
    ("eligibility", r"\beligib\w*|\bcriteri(?:a|on)\b|\benrol\w*"),
    ("schedule", r"\bschedule\b|\btime\s*-?\s*line\b|\bcalendar\b"),
    ("dosing", r"\bdos(?:e|es|ing|age)\b"),
    ("outcomes", r"\b(?:outcomes?|end\s*-?\s*points?|recurrence|survival)\b"),
    ("contacts", r"\b(?:contacts?|sites?|locations?|sponsor|investigators?)\b"),
    ("design", r"\b(?:phase|enrol?lment|randomi[sz]\w*|arms?|design|masking)\b"),
)
"""What a message is about, kept by the conversation for follow-ups ("what about the exclusion criteria?")."""
