"""Values no name claims that can only be a second value of something read: "Platelets 80,000/mm3 …
Correction from the lab: 200,000/mm3". Such a value is a repeat or a correction; which one holds is not
for the reader to guess, so the concept it belongs to is put in conflict and neither value is used.

Read in a clinician's message only (``Reading.question``): a value belongs to the nearest value read before
it in its sentence whose concept its unit converts to, at a plausible level, else to the only such concept
of the message. Bounds, reference ranges and limits ("ULN 110", "range 150-400", "< 50") are not values.
"""

from __future__ import annotations

import re

from assistant.errors import UnitError
from assistant.patient.facts import Observation
from assistant.patient.note.dates import find_dates
from assistant.patient.note.reading import Reading, UsedSpans
from assistant.patient.note.types import NoteMention
from assistant.patient.note.values import THOUSANDS, convert, is_thousands, looks_like_unit, values_in
from assistant.patient.note.vocabulary import concept_details, plausible_range
from assistant.patient.units import is_uln

_NOT_A_VALUE = re.compile(
    r"(?:range|normal|ref(?:erence)?|uln|limit|threshold|cut-?off|between|from|[<>≤≥]|[-–]|\bto|\bor)\W*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.?!](?=\s)|\n")


def _fits(mention: NoteMention, number: float, unit: str) -> bool:
    """Whether ``number`` in ``unit`` is a plausible value of the concept of ``mention``."""
    fact = mention.fact
    if not isinstance(fact, Observation) or fact.value is None or is_uln(fact.unit):
        return False
    concept = concept_details(fact.concept)
    if concept is None or concept.value != "quantity" or not concept.unit:
        return False
    try:
        converted = convert(number, unit, concept, "unit")
    except UnitError:
        return False
    bounds = plausible_range(concept)
    return bounds is None or bounds[0] <= converted <= bounds[1]


def find_second_values(clean: str, reading: Reading) -> None:
    """Fill ``reading.second_values`` with the values of ``clean`` that can only repeat or correct one read."""
    taken = UsedSpans([*reading.used_spans, *((d.start, d.end) for d in find_dates(clean, reading.today, reading.age))])
    read = [m for m in reading.mentions if isinstance(m.fact, Observation)]
    for value in values_in(clean, 0, len(clean)):
        if value.unit is None or not looks_like_unit(value.unit) or value.comparator is not None:
            continue
        if value.second is not None or taken.covers(value.start):
            continue
        if _NOT_A_VALUE.search(clean, max(0, value.start - 24), value.start):
            continue
        unit = THOUSANDS if is_thousands(value.unit) else value.unit
        ends = [m.end() for m in _SENTENCE_END.finditer(clean, 0, value.start)]
        sentence_start = ends[-1] if ends else 0
        compatible = [m for m in read if m.end <= value.start and _fits(m, value.number, unit)]
        near = [m for m in compatible if m.start >= sentence_start]
        concepts = {m.fact.concept for m in compatible if isinstance(m.fact, Observation)}
        owners = near[-1:] or (compatible[-1:] if reading.question and len(concepts) == 1 else [])
        if not owners:
            continue
        fact = owners[0].fact
        assert isinstance(fact, Observation)
        reading.second_values.setdefault(fact.concept, []).append(value.text)
        reading.used_spans.append((value.start, value.end))
