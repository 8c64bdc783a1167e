"""Reading a question about every indexed protocol: is it one, and what does it ask about?

Three kinds: ``patient`` ("Which trials could this patient join?"), ``facts`` (a stated value or a
named condition, medication or procedure: "Which of the loaded trials allow ECOG 3?", "Which trials
exclude patients with brain metastases?") and ``search`` (anything else, answered by retrieval in
each protocol). Values are read by the chat's fact reader; conditions, medications and procedures
are linked by the vocabulary linker (exact names and synonyms only, never a guess by similarity).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Procedure
from assistant.vocab.model import Link

CrossKind = Literal["patient", "facts", "search"]
Polarity = Literal["allow", "exclude"]

_PLACES = r"(?:trials|protocols|studies)"
_PLACE = r"(?:trials?|protocols?|stud(?:y|ies))"
_NOT_VERB = r"(?!(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|had|may|must|the|this|that)\b)"
_WORDS = rf"(?:{_NOT_VERB}[\w-]+\s+){{0,2}}"
CROSS_CUES: tuple[str, ...] = (
    rf"\bwhich\s+(?:of\s+)?(?:the\s+|these\s+|our\s+|my\s+)?{_WORDS}{_PLACE}\b",
    rf"\b(?:what|any|how\s+many)\s+(?:of\s+)?(?:the\s+|these\s+|our\s+|my\s+)?{_WORDS}{_PLACES}\b",
    rf"\b(?:across|in|of|among|for)\s+(?:all|every|each|any)\s+(?:of\s+)?(?:the\s+)?{_WORDS}{_PLACE}\b",
    rf"\ball\s+(?:the\s+)?(?:loaded|indexed|available|open|our)\s+{_PLACES}\b",
)
"""A question about the indexed protocols as a set, not about one of them."""

JOIN_CUES: tuple[str, ...] = (
    r"\b(?:could|can|may|might|would|will)\s+(?:this|the|my|our|that)\s+(?:patient|pt|person|man|woman|subject)\s+"
    r"(?:join|enrol+|enter|be\s+(?:eligible|enrol+ed|included)|qualify|take\s+part|participate|go\s+on)\b",
    r"\b(?:could|can|may|might|would|will)\s+(?:she|he|they)\s+(?:join|enrol+|enter|be\s+(?:eligible|enrol+ed|included)"
    r"|qualify|take\s+part|participate|go\s+on)\b",
    r"\b(?:is|are)\s+(?:this|the|my|our|that)\s+(?:patient|pt|person)\s+(?:eligible|a\s+candidate)\b",
    r"\b(?:eligible|suitable|a\s+candidate)\s+for\b.*\b(?:this|my|the)\s+patient\b",
    r"\bfor\s+(?:this|my|the|our)\s+patient\b",
)
"""A question about the patient of the conversation (or the file given) against every protocol."""

EXCLUDE_CUES = (
    r"\b(?:exclude[sd]?|excluding|exclusion|bar(?:s|red)?|rule[sd]?\s+out|not\s+allow\w*|forbid\w*|refuse\w*)\b"
)
ALLOW_CUES = r"\b(?:allow\w*|accept\w*|permit\w*|admit\w*|include[sd]?|take[sn]?|enrol\w*|eligible|okay|ok)\b"
_SUBJECT = re.compile(
    r"\b(?:with|who\s+(?:have|has|had|are|is|take|takes)|having|has|had|on|taking|after|of)\s+(.+?)(?:[?.!;]|$)",
    re.IGNORECASE,
)
_AFTER_VERB = re.compile(EXCLUDE_CUES + r"|" + ALLOW_CUES, re.IGNORECASE)
_AGE = re.compile(
    r"\b(?:aged?|age\s+of|at\s+age)\s*(\d{1,3})\b|\b(\d{1,3})\s*-?\s*(?:years?|yrs?|y)\s*-?\s*old\b", re.IGNORECASE
)
_SEX = re.compile(r"\b(women|woman|female|females|men|man|male|males)\b", re.IGNORECASE)
_FILLER = frozenset(
    "a an the any all patient patients people person subjects participants who with have has had having known "
    "prior previous history of current active and or on taking after aged age year years old women woman men man "
    "female male females males".split()
)
_MAX_WORDS = 6


@dataclass(frozen=True, slots=True)
class CrossQuestion:
    """What a cross-protocol question asks."""

    text: str
    """The question as asked."""
    kind: CrossKind
    """patient, facts or search."""
    polarity: Polarity = "allow"
    """Whether it asks which protocols allow or which exclude."""
    facts: PatientFacts = field(default_factory=PatientFacts)
    """The single synthetic patient the stated values and named concepts make (``facts`` kind)."""
    stated: tuple[str, ...] = ()
    """What was read from the question, as shown back (``ecog = 3``, ``brain metastases (vocabulary)``)."""
    concepts: frozenset[str] = frozenset()
    """Names the facts are about (concepts, ``age``, ``sex``): the rules that read one of them are evaluated."""
    links: tuple[Link, ...] = ()
    """Vocabulary links of the named conditions, medications and procedures."""


def _matches(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in patterns)


def is_cross_question(message: str) -> bool:
    """True when the message asks about the indexed protocols as a set."""
    return _matches(CROSS_CUES, message) and not re.search(r"\bNCT\d{8}\b", message)


def _linked(subject: str) -> list[Link]:
    """The concepts a phrase names: longest word spans first, each word used once, filler words skipped."""
    from assistant.vocab import link

    words = re.findall(r"[\w'-]+", subject)
    used = [w.lower() in _FILLER or w.isdigit() for w in words]
    found: list[Link] = []
    for size in range(min(_MAX_WORDS, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            span = range(start, start + size)
            if any(used[i] for i in span):
                continue
            hit = link(" ".join(words[i] for i in span), ("condition", "medication", "procedure"), embedding=False)
            if hit is not None:
                found.append(hit)
                for i in span:
                    used[i] = True
    return found


def _synthetic(links: list[Link], base: PatientFacts) -> PatientFacts:
    conditions = [Condition(concept=x.concept, source="question") for x in links if x.kind == "condition"]
    medications = [Medication(concept=x.concept, source="question") for x in links if x.kind == "medication"]
    procedures = [Procedure(concept=x.concept, source="question") for x in links if x.kind == "procedure"]
    return base.model_copy(
        update={"conditions": tuple(conditions), "medications": tuple(medications), "procedures": tuple(procedures)}
    )


def read_cross_question(message: str, today: dt.date) -> CrossQuestion:
    """What the cross-protocol question ``message`` asks, as of ``today``."""
    from assistant.chat.extract import extract_facts

    if _matches(JOIN_CUES, message):
        return CrossQuestion(message, "patient")
    polarity: Polarity = "exclude" if re.search(EXCLUDE_CUES, message, re.IGNORECASE) else "allow"
    verb = _AFTER_VERB.search(message)
    rest = message[verb.end() :] if verb else message
    subject = _SUBJECT.search(rest)
    extracted = extract_facts(message, today)
    if not extracted.facts.observations and subject:  # "patients with ECOG 3": values said of patients in general
        extracted = extract_facts(subject.group(1), today)
    facts = PatientFacts(observations=extracted.facts.observations)
    stated = [m.rendering for m in extracted.mentions if isinstance(m.fact, Observation)]
    concepts = {o.concept for o in facts.observations}
    age = _AGE.search(message)
    if age:
        facts = facts.model_copy(update={"age": float(age.group(1) or age.group(2))})
        stated.append(f"age = {int(facts.age or 0)} years")
        concepts.add("age")
    sex = _SEX.search(message)
    if sex:
        word = sex.group(1).lower()
        facts = facts.model_copy(update={"sex": "female" if word.startswith(("wom", "fem")) else "male"})
        stated.append(f"sex = {facts.sex}")
        concepts.add("sex")
    links = _linked(subject.group(1) if subject else rest)  # "…exclude patients with X?", "…exclude prior X?"
    if links:
        facts = _synthetic(links, facts)
        stated += [f"{x.label} ({x.system}{'' if x.system == 'vocabulary' else ' ' + x.code})" for x in links]
        concepts |= {x.concept for x in links}
    if not concepts:
        return CrossQuestion(message, "search", polarity)
    return CrossQuestion(message, "facts", polarity, facts, tuple(stated), frozenset(concepts), tuple(links))
