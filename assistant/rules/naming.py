"""Which measurement a threshold's words name: the vocabulary's observation whose longest name or synonym
the words hold, all else filler ("serum total bilirubin"), with the longer and shorter spans tried when the
words the comparison was cut at do not name one ("Eczema Area and Severity Index", "adequate renal function
as documented by a calculated creatinine clearance"), and the patient's age."""

from __future__ import annotations

import re

from assistant.patient.concepts import ConceptSet, normalize_text

_FILLER = frozenset(
    (
        "serum",
        "plasma",
        "blood",
        "total",
        "absolute",
        "level",
        "levels",
        "count",
        "value",
        "values",
        "performance",
        "status",
        "score",
        "scale",
        "the",
        "a",
        "an",
        "of",
        "in",
        "known",
        "documented",
        "baseline",
        "screening",
        "pretreatment",
        "pre-treatment",
        "adequate",
        "current",
        "whole",
        "venous",
        "fasting",
        "concentration",
        "concentrations",
        "measured",
    )
)

_AGE_FILLER = frozenset(
    (
        "age",
        "aged",
        "years",
        "year",
        "yrs",
        "old",
        "older",
        "younger",
        "at",
        "time",
        "of",
        "entry",
        "enrollment",
        "enrolment",
        "study",
        "screening",
        "inclusion",
        "consent",
        "signing",
        "patient",
        "patients",
        "subject",
        "subjects",
        "participants",
        "participant",
        "be",
        "must",
        "is",
        "are",
    )
)

AGE_WORDS = re.compile(r"\b(?:age|aged|old|older|younger)\b", re.IGNORECASE)
_JOINED_NAME = re.compile(
    r"([A-Za-z][A-Za-z'\-]*(?:\s+[A-Za-z][A-Za-z'\-]*){0,5})\s+(?:and|of|for|&)\s+$", re.IGNORECASE
)


def longer_name(
    text: str, m_start: int, m_end: int, measurement: str, concepts: ConceptSet | None
) -> tuple[str, int, int, str | None]:
    """A measurement whose name holds a joining word the boundary cut it at ("Eczema Area and Severity
    Index"): the longest run of words before it that, with it, names a concept; else the measurement as cut."""
    join = _JOINED_NAME.search(text[:m_start])
    if join is None or concepts is None:
        return measurement, m_start, m_end, None
    words = list(re.finditer(r"[A-Za-z][A-Za-z'\-]*", join.group(1)))
    for first in words:
        start = join.start(1) + first.start()
        concept = measured_concept(text[start:m_end], "", None, concepts)
        if concept is not None and concept != "age":
            return text[start:m_end], start, m_end, concept
    return measurement, m_start, m_end, None


def head_name(
    text: str, m_start: int, m_end: int, measurement: str, unit: str | None, concepts: ConceptSet | None
) -> tuple[str, int, int, str | None]:
    """A measurement named at the end of longer words ("adequate renal function as documented by a calculated
    creatinine clearance"): the longest run of last words that names a concept, the span narrowed to it so the
    words before it stay in the criterion for the compiler to account for; else the measurement as cut."""
    found = _naming_tail(text, m_start, m_end, unit, concepts, whole=False, age=False)
    if found is None:
        return measurement, m_start, m_end, None
    start, concept = found
    return text[start:m_end], start, m_end, concept


_WORD = re.compile(r"(?<![\w'\-])[A-Za-z][\w'\-]*")


def _naming_tail(
    text: str, start: int, end: int, unit: str | None, concepts: ConceptSet | None, *, whole: bool, age: bool
) -> tuple[int, str] | None:
    """Offset and concept of the longest run of last words of ``text[start:end]`` that names a measurement
    (all the words too, with ``whole``; the patient's age too, with ``age``), or None."""
    for word in _WORD.finditer(text[start:end]):
        if not whole and word.start() == 0:
            continue
        first = start + word.start()
        concept = measured_concept(text[first:end].strip(), "", unit, concepts)
        if concept is not None and (age or concept != "age"):
            return first, concept
    return None


_PERSONS = frozenset(("patient", "patients", "subject", "subjects", "participant", "participants", "persons"))


def measured_concept(measurement: str, comparison: str, unit: str | None, concepts: ConceptSet | None) -> str | None:
    """The observation (or ``age``) ``measurement`` names before ``comparison`` in ``unit``, or None. Years of
    the patient are age: "Age ≥ 18", "18 years or older", "Patient over 18 years"."""
    norm = normalize_text(measurement)
    years = unit is not None and re.match(r"y(ea)?rs?$", unit, re.I) is not None
    if (
        re.search(r"\b(age|aged)\b", norm)
        or (years and AGE_WORDS.search(measurement + " " + comparison))
        or (years and norm and set(norm.split()) <= _PERSONS)
    ):
        # "men age ≥ 55": a qualifier other than filler makes it something else than the patient's age
        rest = [w for w in re.sub(r"[()]", " ", norm).split() if w not in _AGE_FILLER and w not in _FILLER]
        return "age" if not rest else None
    if concepts is None or not norm:
        return None
    found = _concept_of(norm, concepts)
    if found is None and re.search(r"[a-z]{3}s$", norm) and not norm.endswith("ss"):
        found = _concept_of(norm[:-1], concepts)  # "platelet counts" names the platelet count
    return found


def _concept_of(norm: str, concepts: ConceptSet) -> str | None:
    """The observation whose longest name or synonym the normalised ``norm`` holds, all else filler."""
    best: tuple[int, str] | None = None
    for syn, match, concept in concepts.mentions(norm, "observation"):
        rest = (norm[: match.start()] + " " + norm[match.end() :]).replace("(", " ").replace(")", " ").split()
        if all(word in _FILLER or word == syn for word in rest) and (
            best is None or (-len(syn), concept.name) < (-best[0], best[1])
        ):
            best = (len(syn), concept.name)
    return best[1] if best else None


def joined_name(
    text: str, start: int, end: int, unit: str | None, concepts: ConceptSet | None
) -> tuple[str, int, str | None]:
    """The words in ``text[start:end]`` before a joining and/or/slash that name a measurement: all of them,
    else the longest run of last words that does ("x ULN and AST/ALT": AST)."""
    found = _naming_tail(text, start, end, unit, concepts, whole=True, age=True)
    if found is None:
        return text[start:end].strip(), start, None
    return text[found[0] : end].strip(), found[0], found[1]


_GENERIC = re.compile(
    r"(?:(?:a|an|the|total|overall|global)\s+)*(?:score|rating|grade|class|stage|status)", re.IGNORECASE
)
_SCALE_WORD = re.compile(
    r"(?P<scale>[A-Za-z].*?[A-Za-z)])\s+(?:(?:exam(?:ination)?|test|total)\s+)?(?:score|status)", re.IGNORECASE
)
"""A scale's name and a word that only says its result is meant: "Mini-Mental State Examination exam score"."""
_SCORE_LEAD = re.compile(
    r"(?:(?:patients?|subjects?|participants?)\s+)?(?:must|should|shall|will)\s+(?:(?:have|obtain|achieve)\s+)?"
    r"(?:(?:a|an|the)\s+)?",
    re.IGNORECASE,
)
"""Words requiring a score before its name: "must have a score", "must score"."""
_BRACKET_END = re.compile(r"(?:\([^()]*\)|\[[^\[\]]*\])\s*$")
_SCALE_AFTER = re.compile(r"\s*(?:points?\s+)?(?:on|in|by|using)\s+(?:the\s+)?", re.IGNORECASE)
_SCALE_STOP = re.compile(r"[,;:.()\[\]]|\b(?:and|or|at|for|within|to|during|in)\b", re.IGNORECASE)


def scale_name(
    text: str, m_start: int, m_end: int, end: int, measurement: str, concepts: ConceptSet | None
) -> tuple[str, int, int, str | None]:
    """A bare "score" or "grade" that stands for the scale named just before it ("Eastern Cooperative Oncology
    Group (ECOG) score", "Mini-mental State Examination (MMSE) [18] score") or after its limit ("a score of
    > 10 on the Epworth sleepiness scale"), when that scale is a score of the vocabulary: the scale's words,
    the span widened to hold them; else the measurement as cut."""
    if concepts is None or m_start < 0:
        return measurement, m_start, m_end, None
    scale = _SCALE_WORD.fullmatch(measurement.strip())
    if scale is not None:  # "Mini-Mental State Examination exam score < 24": the scale's own name before "score"
        concept = measured_concept(scale.group("scale"), "", None, concepts)
        if concept is not None and _is_scale(concept, concepts):
            return measurement, m_start, m_end, concept
    lead = _SCORE_LEAD.match(measurement)
    if lead is not None and lead.end() < len(measurement):  # "must have a score of > 20 on the …": the score
        m_start, measurement = m_start + lead.end(), measurement[lead.end() :]
    if not _GENERIC.fullmatch(measurement.strip()):
        return measurement, m_start, m_end, None
    before = _scale_before(text, m_start, concepts)
    if before is not None:
        first, concept = before
        return text[first:m_end], first, m_end, concept
    after = _SCALE_AFTER.match(text, end)
    if after is not None:
        stop = _SCALE_STOP.search(text, after.end())
        limit = stop.start() if stop else len(text)
        for word in reversed(list(_WORD.finditer(text, after.end(), limit))):
            named = measured_concept(text[after.end() : word.end()], "", None, concepts)
            if named is not None and _is_scale(named, concepts):
                return text[after.end() : word.end()], m_start, word.end(), named
    return measurement, m_start, m_end, None


def _scale_before(text: str, m_start: int, concepts: ConceptSet) -> tuple[int, str] | None:
    """Offset and concept of the scale named by the words right before ``m_start``: their longest run of last
    words, else an abbreviation in a bracket there (brackets of citations or abbreviations skipped)."""
    window_start = max(text.rfind(mark, 0, m_start) for mark in ";:,") + 1
    window = text[window_start:m_start]
    brackets: list[int] = []
    while (bracket := _BRACKET_END.search(window)) is not None:
        brackets.append(window_start + bracket.start())
        window = window[: bracket.start()]
    found = _naming_tail(text, window_start, window_start + len(window.rstrip()), None, concepts, whole=True, age=False)
    if found is not None and _is_scale(found[1], concepts):
        return found
    for start in reversed(brackets):  # the bracket nearest the name first: "(MMSE) [18] score"
        close = text.index(")" if text[start] == "(" else "]", start)
        concept = measured_concept(text[start + 1 : close], "", None, concepts)
        if concept is not None and _is_scale(concept, concepts):
            return start, concept
    return None


def _is_scale(name: str, concepts: ConceptSet) -> bool:
    concept = concepts.concepts.get(name)
    return concept is not None and concept.value == "score"
