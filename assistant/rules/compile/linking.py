"""Concept linking for the compiler: a phrase of a criterion → a concept rules can name.

``link_phrase`` is the one place the compiler asks what a phrase means. It takes what the linker
returns and nothing else: an embedding match is accepted only as the linker returns it (above its
calibrated threshold), and every link is shown with its code in the rule's note.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.patient.concepts import Concept, ConceptSet, Kind, normalize_text


@dataclass(frozen=True, slots=True)
class Linked:
    """A phrase linked to a concept."""

    concept: str
    """Name usable in a rule (``creatinine``, ``icd10:I21``)."""
    kind: Kind
    """observation, condition, medication or procedure."""
    code: str
    """System-qualified code (``icd10:I21``), or the vocabulary name when the concept has none."""
    label: str
    """What the concept is called."""
    matched: str
    """The phrase as written in the criterion."""
    method: str
    """How it was linked: exact, synonym or embedding."""

    def note(self) -> str:
        """The link as a reviewer reads it in a rule's note."""
        return f'linked "{self.matched}" → {self.code} {self.label} ({self.method})'


def link_phrase(phrase: str, kinds: tuple[Kind, ...], concepts: ConceptSet) -> Linked | None:
    """The concept ``phrase`` names, of one of ``kinds``, or None: the terminology linker of
    ``assistant.vocab`` when it is installed, else the curated vocabulary's names and synonyms."""
    try:
        from assistant.vocab import link
    except ImportError:
        return _vocabulary_link(phrase, kinds, concepts)
    from assistant.settings import get_settings

    found = link(phrase, kinds, embedding=get_settings().compile_link_embedding)
    if found is None:
        return None
    name = str(found.concept)
    curated = concepts.concepts.get(name)
    code = code_of(curated) if curated is not None else name if ":" in name else f"{found.system}:{found.code}"
    return Linked(name, found.kind, code, str(found.label), phrase, str(found.method))


def code_of(concept: Concept) -> str:
    """The concept's code, system-qualified (``icd10:I21``; a class of several ICD-10-CM prefixes as the
    first five and how many more, ``icd10:E08,E09,E10,E11,E13``, ``icd10:I01,I05,I06,I07,I08 +29 more``),
    or its vocabulary name."""
    if concept.icd10:
        shown, more = concept.icd10[:5], len(concept.icd10) - 5
        return f"icd10:{','.join(shown)}" + (f" +{more} more" if more > 0 else "")
    for system, codes in (("rxnorm", concept.rxnorm), ("loinc", concept.loinc), ("snomed", concept.snomed)):
        if codes:
            return f"{system}:{sorted(codes)[0]}"
    return f"vocabulary:{concept.name}"


def _singulars(text: str) -> list[str]:
    forms = [text]
    if text.endswith("ies"):
        forms.append(text[:-3] + "y")
    if text.endswith("s") and not text.endswith("ss"):
        forms.append(text[:-1])
    return forms


def _vocabulary_link(phrase: str, kinds: tuple[Kind, ...], concepts: ConceptSet) -> Linked | None:
    """Exact or synonym match in the curated vocabulary (names, synonyms, singular forms)."""
    norm = normalize_text(phrase)
    if not norm:
        return None
    for kind in kinds:
        for form in _singulars(norm):
            for concept in concepts.concepts.values():
                if concept.kind != kind:
                    continue
                if form == normalize_text(concept.name.replace("_", " ")) or form == normalize_text(concept.label):
                    return Linked(concept.name, kind, code_of(concept), concept.label, phrase, "exact")
                if form in {normalize_text(s) for s in concept.synonyms}:
                    return Linked(concept.name, kind, code_of(concept), concept.label, phrase, "synonym")
    return None
