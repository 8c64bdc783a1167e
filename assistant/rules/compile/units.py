"""Units of a threshold as criteria write them: common misspellings put right, and a unit left unstated
read only when the number is plausible in one way alone."""

from __future__ import annotations

import re

from assistant.errors import UnitError
from assistant.patient.concepts import Concept
from assistant.patient.units import converts as check_unit
from assistant.patient.units import to_canonical

#: Spellings of units in criteria that pint does not read, and what they mean.
_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:gm|gms|gr|grams?)(?=/)", re.IGNORECASE), "g"),
    (re.compile(r"^mm\s*hg$", re.IGNORECASE), "mm[Hg]"),
    (re.compile(r"^kgs?$", re.IGNORECASE), "kg"),
    (re.compile(r"^(?:milliseconds?|msecs?)$", re.IGNORECASE), "ms"),
    (re.compile(r"^secs?$", re.IGNORECASE), "s"),
    (re.compile(r"^cc$", re.IGNORECASE), "mL"),
    (re.compile(r"(?<=[a-zA-Z])\s*per\s*(?=[a-zA-Z])", re.IGNORECASE), "/"),
    (re.compile(r"^(?:beats?|b)\s*(?:/|per)\s*min(?:ute)?s?$", re.IGNORECASE), "/min"),
    (re.compile(r"^breaths?\s*(?:/|per)\s*min(?:ute)?s?$", re.IGNORECASE), "/min"),
    (re.compile(r"^(?:m|milli)UI(?=/)", re.IGNORECASE), "m[IU]"),
    (re.compile(r"^UI(?=/)", re.IGNORECASE), "[IU]"),
    (re.compile(r"^copies\s*/", re.IGNORECASE), "{copies}/"),
    (re.compile(r"/\s*min(?:ute)?s?\b", re.IGNORECASE), "/min"),
    (re.compile(r"/\s*(?:hours?|hrs?)\b", re.IGNORECASE), "/h"),
    (re.compile(r"(?<=/)\s*deciliter\b|(?<=/)\s*decilitre\b", re.IGNORECASE), "dL"),
    (re.compile(r"(?<=/)\s*(?:liter|litre)\b", re.IGNORECASE), "L"),
)


def spelled(unit: str) -> str:
    """``unit`` in a spelling the unit converter reads (``gm/dl`` → ``g/dl``, ``mmHG`` → ``mm[Hg]``)."""
    for pattern, repl in _SPELLINGS:
        unit = pattern.sub(repl, unit)
    return unit


def usable(unit: str, concept: Concept) -> str:
    """``unit`` as written when it converts to the concept's unit, else in the converter's spelling (which may
    still not convert: ``converts`` says)."""
    return unit if converts(unit, concept) else spelled(unit)


def converts(unit: str, concept: Concept) -> bool:
    """True when ``unit`` converts to the concept's unit."""
    try:
        check_unit(unit, concept, "criterion")
    except UnitError:
        return False
    return True


def implied_unit(value: float | tuple[float, float], concept: Concept) -> str | None:
    """The unit a number written without one must be in: of the concept's units, those in which every
    number is plausible must all give the same canonical value; None when there is no plausible range,
    no such unit, or two readings differ ("hemoglobin 10": g/dL and mmol/L are both plausible)."""
    if concept.plausible is None or concept.unit is None:
        return None
    low, high = concept.plausible
    numbers = list(value) if isinstance(value, tuple) else [value]
    readings: dict[str, list[float]] = {}
    for unit in (concept.unit, *concept.units):
        try:
            canonical = [to_canonical(n, unit, concept, "criterion") for n in numbers]
        except UnitError:
            continue
        if all(low <= c <= high for c in canonical):
            readings[unit] = canonical
    if not readings:
        return None
    first = next(iter(readings.values()))
    same = all(
        all(abs(a - b) <= 1e-9 * max(1.0, abs(a)) for a, b in zip(r, first, strict=True)) for r in readings.values()
    )
    return next(iter(readings)) if same else None
