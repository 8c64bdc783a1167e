"""Which sense the words of a condition take when a measured value follows them.

A short condition name followed by a value whose unit belongs to one measurement only is that measurement:
"MI 5/50 HPF" is a mitotic index (a count per high-power field), not a myocardial infarction. The unit
decides only when exactly one observation concept of the vocabulary accepts it at a plausible level.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Span

from assistant.errors import UnitError
from assistant.patient.concepts import load_concepts
from assistant.patient.note.sizes import tumour_size_concept
from assistant.patient.note.spans import text_of
from assistant.patient.note.values import THOUSANDS, convert, is_thousands, looks_like_unit, value_after
from assistant.patient.note.vocabulary import Term, plausible_range

_UCUM_TIME = frozenset({"a", "mo", "wk", "d", "h", "min", "s", "ms"})
"""UCUM's units of time: a concept measured in one (life expectancy, a duration) is never the sense of a name
a duration follows ("MI 3 months ago" dates the infarction)."""


def _is_time(unit: str) -> bool:
    return unit.strip() in _UCUM_TIME


@lru_cache(maxsize=256)
def _only_concept(number: float, unit: str) -> str | None:
    """The one observation concept ``number`` in ``unit`` is a plausible value of, else None."""
    found: list[str] = []
    for concept in load_concepts().concepts.values():
        if concept.kind != "observation" or concept.value != "quantity" or not concept.unit or _is_time(concept.unit):
            continue  # "MI 3 months ago": a time after a name dates it
        try:
            converted = convert(number, unit, concept, concept.name)
        except UnitError:
            continue
        bounds = plausible_range(concept)
        if bounds is None or bounds[0] <= converted <= bounds[1]:
            found.append(concept.name)
    return found[0] if len(found) == 1 else None


def measured_sense(ent: Span, limit: int) -> Term | None:
    """The measurement a condition's words stand for when the value after them has a unit only it takes."""
    if len(ent.text) > 4 or not ent.text.isupper():
        return None
    value = value_after(text_of(ent.doc), ent.end_char, limit)
    if value is None or value.unit is None or not looks_like_unit(value.unit):
        return None
    unit = THOUSANDS if is_thousands(value.unit) else value.unit
    if value.second is not None:  # "5/50 HPF": one count per 50 fields
        unit = f"/{value.second:g}{value.unit}"
    name = _only_concept(value.number, unit)
    size = tumour_size_concept()
    if name is None or (size is not None and name == size.name):  # "sarcoma of 12 cm": the tumour's size
        return None
    concept = load_concepts().concepts[name]
    return Term(ent.text.lower(), name, "observation", None, None, concept.label)
