"""The surface terms the note reader matches, and the concept details (units, ranges) its values need.

The terms come from one function, ``vocabulary_terms``; it reads the shared vocabulary's ``terms()``
when that package is installed and the concept file (names and synonyms per kind) otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from assistant.patient.concepts import KINDS, LOINC, RXNORM, SNOMED, Concept, load_concepts


@dataclass(frozen=True, slots=True)
class Term:
    """One lower-case surface term and the concept it names."""

    text: str
    """Lower-case words as matched in a note."""
    concept: str
    """Concept name."""
    kind: str
    """observation, condition, medication or procedure."""
    system: str | None
    """Code system of ``code``."""
    code: str | None
    """A code of the concept, when known."""
    label: str = ""
    """The concept's preferred name, for renderings."""


def _from_concepts() -> Iterator[Term]:
    for concept in load_concepts().concepts.values():
        system, code = _first_code(concept)
        for text in (concept.name.replace("_", " "), concept.label.lower(), *concept.synonyms):
            yield Term(text.lower(), concept.name, concept.kind, system, code, concept.label)


def _from_vocab() -> Iterator[Term]:
    """Each term with its best link, then with its best link of each kind: the words of a laboratory value
    may name a drug too ("magnesium"), and the reader picks the sense the note's words call for."""
    from assistant.vocab import terms  # type: ignore[attr-defined,unused-ignore]

    for kinds in (KINDS, *((kind,) for kind in KINDS)):
        for text, link in terms(kinds):
            yield Term(text, link.concept, link.kind, link.system, link.code, link.label)


def _first_code(concept: Concept) -> tuple[str | None, str | None]:
    for system, codes in ((LOINC, concept.loinc), (SNOMED, concept.snomed), (RXNORM, concept.rxnorm)):
        if codes:
            return system, sorted(codes)[0]
    if concept.icd10:
        return "http://hl7.org/fhir/sid/icd-10-cm", concept.icd10[0]
    return None, None


@lru_cache(maxsize=1)
def vocabulary_terms() -> tuple[Term, ...]:
    """Every distinct (term, concept) pair of the vocabulary, read once per process."""
    try:
        source = list(_from_vocab())
    except ImportError:
        source = list(_from_concepts())
    source += list(pair_terms())
    seen: set[tuple[str, str]] = set()
    out: list[Term] = []
    for term in source:
        key = (term.text, term.concept)
        if term.text.strip() and key not in seen:
            seen.add(key)
            out.append(term)
    return tuple(out)


@lru_cache(maxsize=1)
def drug_allergy_term() -> Term | None:
    """The vocabulary's condition named "drug allergy", which "NKDA" (no known drug allergies) denies."""
    return next((t for t in vocabulary_terms() if t.text == "drug allergy" and t.kind == "condition"), None)


def concept_details(name: str) -> Concept | None:
    """The concept's unit, value kind and molar mass, when the concept file has it."""
    return load_concepts().concepts.get(name)


def plausible_range(concept: Concept | None) -> tuple[float, float] | None:
    """The concept's plausible (low, high) range in its canonical unit, when the vocabulary states one."""
    value = getattr(concept, "plausible", None)
    if isinstance(value, tuple | list) and len(value) == 2:
        return float(value[0]), float(value[1])
    return None


PAIR_CONCEPT = "systolic_diastolic"
"""The pseudo-concept of a pair of readings written "152/94"; it is read as its two parts."""


@lru_cache(maxsize=1)
def pair_parts() -> tuple[str, str] | None:
    """The systolic and diastolic concepts of the vocabulary, when it has both."""
    found: dict[str, str] = {}
    for concept in load_concepts().concepts.values():
        for part in ("systolic", "diastolic"):
            if concept.kind == "observation" and concept.label.lower().startswith(part + " "):
                found.setdefault(part, concept.name)
    return (found["systolic"], found["diastolic"]) if len(found) == 2 else None


def pair_terms() -> Iterator[Term]:
    """Terms for a systolic/diastolic pair: the words the two concepts' synonyms share after their first word."""
    parts = pair_parts()
    if parts is None:
        return
    names: list[set[str]] = []
    for name in parts:
        concept = load_concepts().concepts[name]
        names.append({s.partition(" ")[2] for s in (concept.label.lower(), *concept.synonyms) if " " in s})
    for text in sorted(names[0] & names[1]):
        yield Term(text, PAIR_CONCEPT, "observation", None, None, "blood pressure")
