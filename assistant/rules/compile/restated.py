"""A limit restated in other units in a bracket after it ("bilirubin ≥ 100 µmol/L (5.8 mg/dL)", "Hb < 105 g/L
[10.5 g/dL]", "at least 60 kg (132 lbs)"): set aside when the two agree once converted, so the bracket is
not taken for words the compiler left unread; a bracket that disagrees stays, and the criterion with it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.errors import UnitError
from assistant.patient.concepts import ConceptSet
from assistant.patient.units import to_canonical
from assistant.rules.compile.units import converts, usable
from assistant.rules.extract import Threshold, parse_number

_BRACKET = re.compile(
    r"\s*[\(\[]\s*(?:approximately\s+|approx\.?\s+|~\s*|≈\s*)?(?:[<>≤≥]=?\s*)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>[A-Za-zµμ%][\w%µμ²³^]*(?:\s*/\s*[\w.²³^]+)*)\s*[\)\]]",
    re.IGNORECASE,
)
_AGREE = 0.05
"""How far apart (as a share of the limit) two statements of one limit may be: conversion factors are rounded
in protocols ("100 µmol/L (5.8 mg/dL)" is 5.85)."""


@dataclass(frozen=True)
class Restated:
    """A bracket after a threshold that states its limit once more in another unit."""

    span: tuple[int, int]
    """Where the bracket stands in the criterion text."""
    words: str
    """The bracket as written."""


def restated_limits(text: str, found: list[Threshold], concepts: ConceptSet) -> list[Restated]:
    """The brackets right after a threshold of ``found`` that restate its limit in a unit that converts to the
    same value (within 5%)."""
    restated: list[Restated] = []
    for t in found:
        match = _BRACKET.match(text, t.end)
        if match is None or t.concept is None or t.concept == "age" or t.uln or isinstance(t.value, tuple):
            continue
        concept = concepts.concepts[t.concept]
        if concept.value != "quantity" or t.unit is None:
            continue
        units = [usable(u, concept) for u in (t.unit, re.sub(r"\s+", "", match["unit"]))]
        if not all(converts(u, concept) for u in units) or units[0] == units[1]:
            continue
        try:
            first = to_canonical(t.value, units[0], concept, "limit")
            second = to_canonical(parse_number(match["num"], units[1]), units[1], concept, "restated limit")
        except UnitError:
            continue
        if first and abs(first - second) <= _AGREE * abs(first):
            restated.append(Restated((match.start(), match.end()), match.group().strip()))
    return restated
