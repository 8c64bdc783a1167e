"""One negative result closing a list of infections or their tests is each item's ("HIV, HBsAg and anti-HCV
negative")."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span

from assistant.patient.note.pipeline import term_of
from assistant.patient.note.spans import sentence, sentence_ents, text_of
from assistant.patient.note.vocabulary import concept_details

_RESULT_WORDS = r"(?:serolog(?:y|ies)|antibod(?:y|ies)|antigens?|tests?|testing|screens?|screening|results?)"
_JOIN = re.compile(r"\s*(?:,|/|&|\band\b|\bor\b)\s*(?:and\s+)?", re.IGNORECASE)
_ABBREVIATION = re.compile(r"(?:[A-E]|[A-Z]{1,3}V(?:-?[12])?)\b")
"""An item that names an infection by its letters alone: a hepatitis letter ("Hepatitis B and C") or a virus
("HCV", "HBV", "CMV", "HSV-2")."""
_OWN_RESULT = re.compile(r"\s*(?:\(\s*\+\s*\)|\+|(?:is\s+|was\s+)?(?:positive|reactive|detected))", re.IGNORECASE)
_CLOSING_NEGATIVE = re.compile(
    r"(?:\s+" + _RESULT_WORDS + r")?\s*(?:were|was|are|is|all|both|:|\s)*\s*(?:negative|non-?reactive)\b",
    re.IGNORECASE,
)


def denied_with_a_list(ent: Span) -> bool:
    """True when the infection ``ent`` opens a list of infections or their tests that one negative result
    closes ("HIV, HBsAg and anti-HCV negative", "Hepatitis B and C serologies negative"): the result is each
    item's. Each later item is an infection or an infection's test the vocabulary knows, or an infection's
    letters ("HCV", "C"). "Hypertension and diabetes, troponin negative", "HIV, CXR negative" and "HIV,
    ANA negative" are no such list; "HIV positive, HCV negative" keeps its own result; "HIV, viral load
    undetectable" is no absence of HIV."""
    text = text_of(ent.doc)
    if not _infection(term_of(ent).concept) or re.search(r"positive|reactive|\+", ent.text, re.IGNORECASE):
        return False
    if _OWN_RESULT.match(text, ent.end_char):
        return False
    limit = sentence(ent).end_char
    starts = {e.start_char: e for e in sentence_ents(ent) if e.start_char >= ent.end_char}
    position = ent.end_char
    while (join := _JOIN.match(text, position, limit)) is not None:
        item = starts.get(join.end())
        if item is not None and _infection(term_of(item).concept):
            position = item.end_char
        elif item is None and (word := _ABBREVIATION.match(text, join.end(), limit)) is not None:
            position = word.end()
        else:
            return False
        if _CLOSING_NEGATIVE.match(text, position, limit):
            return True
    return False


def _infection(name: str) -> bool:
    """True for an infection, a concept coded in ICD-10-CM chapter 1 (A00-B99) or defined by a test, or for a
    test that defines one ("HBsAg", "anti-HCV")."""
    concept = concept_details(name)
    if concept is not None and concept.kind == "observation":
        return name in _infection_tests()
    own = (name.removeprefix("icd10:"),) if name.startswith("icd10:") else ()
    codes = (concept.icd10 if concept is not None else ()) or own
    return (concept is not None and concept.defined_by is not None and concept.defined_by.flag) or any(
        code[:1] in ("A", "B") for code in codes
    )


@lru_cache(maxsize=1)
def _infection_tests() -> frozenset[str]:
    """The tests whose result defines an infection (``defined_by`` with ``flag``): HIV antibody/antigen, HBsAg,
    HCV antibody."""
    from assistant.patient.concepts import load_concepts

    return frozenset(
        c.defined_by.observation
        for c in load_concepts().concepts.values()
        if c.defined_by is not None and c.defined_by.flag
    )
