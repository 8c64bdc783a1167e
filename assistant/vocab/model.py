"""The result of linking a phrase to the vocabulary."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.patient.concepts import Kind

Method = Literal["exact", "synonym", "embedding"]


@dataclass(frozen=True, slots=True)
class Link:
    """A phrase linked to one concept of the vocabulary."""

    concept: str
    """Concept name usable in rules and facts: ``creatinine``, ``icd10:I21``, ``hpo:HP:0002098``."""
    kind: Kind
    """observation, condition, medication or procedure."""
    system: str
    """``vocabulary`` (curated files), ``ICD-10-CM``, ``HPO`` or ``LOINC``."""
    code: str
    """The code in that system (``I21``, ``HP:0002098``, ``2160-0``), or the concept name for curated ones."""
    label: str
    """Preferred name, for reasons and review."""
    matched: str
    """The vocabulary name or synonym that matched."""
    method: Method
    """How it matched: exact preferred name, synonym, or nearest name by embedding."""
    score: float
    """1.0 for exact and synonym matches, the cosine similarity for an embedding match."""
