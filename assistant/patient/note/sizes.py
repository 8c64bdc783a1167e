"""The size of a tumour a note gives beside its name: "a 4-cm lung adenocarcinoma", "tumour 7 cm", "tumor measuring
12 x 8 cm" (the largest dimension). It is read for a malignant primary tumour only (ICD-10-CM C00–C76,
C80–C97, the vocabulary's concepts coded so, HPO terms named as malignant) and for the bare words for a tumour
(HPO Neoplasm, ICD-10-CM D49: "tumour", "tumor"): a "3 cm liver lesion", a "4 cm liver metastasis" (C77–C79,
secondary) or a "2 cm lipoma" is not the tumour a criterion on tumour size means. The size becomes an
observation of the vocabulary's tumour-size concept (LOINC 21889-1, Size Tumor), when the vocabulary has one."""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Span

from assistant.patient.concepts import Concept, load_concepts
from assistant.patient.note.spans import sentence, text_of
from assistant.patient.note.vocabulary import Term, concept_details

TUMOUR_SIZE_LOINC = "21889-1"
"""LOINC Size Tumor: the concept a tumour's stated size is an observation of."""
NEOPLASM_HPO = "HP:0002664"
"""HPO Neoplasm: the term of the bare words "tumour", "tumor", "neoplasm"."""

_NUM = r"\d{1,3}(?:\.\d+)?"
_DIMENSIONS = (
    rf"(?P<size>{_NUM})(?:\s*[x×]\s*{_NUM}){{0,2}}\s*-?\s*(?P<unit>cm|mm)\b"
    r"(?!\s+(?:from|away|above|below|proximal|distal|beyond|off|margins?|clearance|deep|wide|long|of\s+normal))"
)
"""A size (the first, largest dimension); not a distance or a margin ("5 cm from the anal verge")."""
_BEFORE = re.compile(rf"\b{_DIMENSIONS}\s+(?:[A-Za-z-]+\s+){{0,2}}$", re.IGNORECASE)
_AFTER = re.compile(
    rf"^\s*(?:,\s*)?(?:(?:of|measuring|measures|measured|sized|size|is|was|about|approximately)\s+){{0,2}}{_DIMENSIONS}",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def tumour_size_concept() -> Concept | None:
    """The vocabulary's tumour-size concept (by its LOINC code), if it has one."""
    return next((c for c in load_concepts().concepts.values() if TUMOUR_SIZE_LOINC in c.loinc), None)


def _malignant_primary(code: str) -> bool:
    letter, digits = code[:1], code[1:3]
    return letter == "C" and digits.isdigit() and not 77 <= int(digits) <= 79


_MALIGNANT_LABEL = re.compile(r"carcinoma|sarcoma|cancer|malignan|melanoma", re.IGNORECASE)
"""HPO sorts neoplasms by site, not behaviour: its malignant ones say so in their names ("Lung adenocarcinoma")."""


def is_primary_tumour(term: Term) -> bool:
    """True when the term names a malignant primary tumour, or is a bare word for a tumour: HPO's Neoplasm,
    ICD-10-CM's D49 (neoplasm of unspecified behaviour, "tumor")."""
    if term.code in (NEOPLASM_HPO, "D49"):
        return True
    if term.system == "ICD-10-CM":
        return term.code is not None and _malignant_primary(term.code)
    if term.system == "HPO":
        return bool(_MALIGNANT_LABEL.search(term.label)) and "metasta" not in term.label.lower()
    concept = concept_details(term.concept)
    return concept is not None and bool(concept.icd10) and all(_malignant_primary(c) for c in concept.icd10)


def size_beside(ent: Span) -> tuple[float, str, int, int] | None:
    """The size written just before or just after a tumour's name: (size, unit, start, end) in the note."""
    text = text_of(ent.doc)
    sent_start = sentence(ent).start_char
    before = _BEFORE.search(text, sent_start, ent.start_char)
    if before is not None:
        return float(before.group("size")), before.group("unit").lower(), before.start(), ent.end_char
    after = _AFTER.match(text[ent.end_char : sentence(ent).end_char])
    if after is not None:
        return float(after.group("size")), after.group("unit").lower(), ent.start_char, ent.end_char + after.end()
    return None
