"""Phrasings of the chat's fact reader that name conditions, built from the vocabulary, not typed here.

A confirmed diagnosis ("histologically confirmed X", "X was biopsy-proven") and a tumour size ("a 12-cm
X") are read for every neoplasm of the curated vocabulary (a condition coded in ICD-10-CM chapter II,
C00–D49), under each of its names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.chat import lexicon as lx
from assistant.chat.lexicon import FactKind
from assistant.patient.concepts import load_concepts


def _is_neoplasm(prefix: str) -> bool:
    code = prefix.upper()
    return code.startswith("C") or (code[:1] == "D" and code[1:3].isdigit() and int(code[1:3]) <= 49)


@lru_cache(maxsize=1)
def neoplasm_names() -> tuple[tuple[str, str], ...]:
    """(concept, name as a pattern) for every curated neoplasm, longest names first."""
    found: list[tuple[str, str]] = []
    for concept in load_concepts().concepts.values():
        if concept.kind == "condition" and concept.icd10 and all(_is_neoplasm(p) for p in concept.icd10):
            for name in dict.fromkeys(concept.synonyms):
                found.append((concept.name, r"\s+".join(re.escape(word) for word in name.split())))
    return tuple(sorted(found, key=lambda item: -len(item[1])))


@lru_cache(maxsize=1)
def tumour_words() -> str:
    """The nouns a tumour size is stated of, the vocabulary's neoplasm names included."""
    return "(?:" + "|".join([lx.TUMOUR_NOUNS] + [name for _, name in neoplasm_names()]) + ")"


@lru_cache(maxsize=1)
def fact_phrases() -> tuple[tuple[str, FactKind, str], ...]:
    """The lexicon's fact phrases, then a confirmed diagnosis of each neoplasm of the vocabulary."""
    by_concept: dict[str, list[str]] = {}
    for concept, name in neoplasm_names():
        by_concept.setdefault(concept, []).append(name)
    kind: FactKind = "condition"
    diagnoses = tuple(
        (concept, kind, template.format(name="(?:" + "|".join(names) + ")"))
        for concept, names in by_concept.items()
        for template in lx.DIAGNOSIS_PHRASES
    )
    return diagnoses + lx.FACT_PHRASES
