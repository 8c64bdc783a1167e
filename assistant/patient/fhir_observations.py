"""FHIR Observations → ``Observation`` facts: quantities in UCUM units, bounds, flags and scores, each checked as
``assistant.patient.fhir`` checks every resource (the bundle reader calls ``read_observation``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, get_args

from assistant.errors import PatientDataError
from assistant.patient import validate
from assistant.patient.concepts import Concept, Kind
from assistant.patient.facts import Comparator, DatedTo, Observation
from assistant.patient.units import converts

UCUM = "http://unitsofmeasure.org"


class _Reader(Protocol):
    """What reading an Observation needs of the bundle reader."""

    def concept(self, code: Any, kind: Kind) -> Concept | None: ...

    def date(self, value: Any, where: str, birth: bool = False) -> dt.date | None: ...

    def period(self, ref: str, field: str, value: Any) -> None: ...


_BOUNDS: tuple[str, ...] = get_args(Comparator)
"""FHIR Quantity comparators that bound a value; "ad" (sufficient to achieve a total) is none."""
_POSITIVE = frozenset(
    {"positive", "pos", "detected", "det", "present", "reactive", "true", "yes", "10828004", "260373001", "la6576-8"}
)
_NEGATIVE = frozenset(
    {
        "negative",
        "neg",
        "not detected",
        "nd",
        "absent",
        "non-reactive",
        "nonreactive",
        "false",
        "no",
        "260385009",
        "260415000",
        "la6577-6",
    }
)


def read_observation(reader: _Reader, ref: str, res: Any) -> list[Observation]:
    if res.status in ("entered-in-error", "cancelled"):
        return []
    concept = reader.concept(res.code, "observation")
    if concept is None:
        return []
    when = (
        res.effectiveDateTime
        or (res.effectivePeriod.end or res.effectivePeriod.start if res.effectivePeriod else None)
        or res.effectiveInstant
        or res.issued
    )
    day = reader.date(when, f"{ref} effectiveDateTime")
    if res.effectivePeriod is not None:
        reader.period(ref, "effectivePeriod", res.effectivePeriod)
    fields: dict[str, Any] = {"concept": concept.name, "date": day, "dated_to": dated_to(when), "source": ref}
    if concept.value == "flag":
        fields["flag"] = _flag(reader, ref, res)
    elif res.valueQuantity is not None:
        fields.update(quantity(reader, ref, "valueQuantity", res.valueQuantity, concept))
        fields["comparator"] = _comparator(reader, ref, res.valueQuantity)
    elif res.valueInteger is not None:
        fields["value"] = validate.number(res.valueInteger, f"{ref} valueInteger")
    elif res.valueCodeableConcept is not None and concept.value == "score":
        fields["value"] = _score(reader, ref, res.valueCodeableConcept, concept)
    elif res.valueString is not None and concept.value == "score":
        fields["value"] = _number(res.valueString, f"{ref} valueString")
    elif res.dataAbsentReason is not None:
        return []
    else:
        kinds = "valueQuantity or valueInteger" if concept.value != "flag" else "a value"
        raise PatientDataError(f"{ref} value[x]: missing; {concept.label} needs {kinds} (or a dataAbsentReason)")
    if fields.get("value") is not None and fields["value"] < 0:
        raise PatientDataError(f"{ref} value: negative {concept.label} {fields['value']:g}")
    if fields.get("value") is not None:
        validate.plausible(fields["value"], fields.get("unit"), concept, f"{ref} value")
    for i, rng in enumerate(res.referenceRange or ()):
        if rng.high is not None and concept.value == "quantity":
            high = quantity(reader, ref, f"referenceRange[{i}].high", rng.high, concept)
            validate.plausible(high["value"], high["unit"], concept, f"{ref} referenceRange[{i}].high")
            fields["reference_high"] = high["value"]
            fields["reference_high_unit"] = high["unit"]
            break
    return [Observation(**fields)]


def quantity(reader: _Reader, ref: str, field: str, qty: Any, concept: Concept) -> dict[str, Any]:
    if qty.value is None:
        raise PatientDataError(f"{ref} {field}.value: missing")
    validate.visible(qty.unit, f"{ref} {field}.unit")
    validate.visible(qty.code, f"{ref} {field}.code")
    unit = qty.code if qty.system == UCUM and qty.code else (qty.unit or qty.code)
    value = validate.number(as_float(qty.value, f"{ref} {field}.value"), f"{ref} {field}.value") or 0.0
    if concept.value == "quantity":
        converts(unit, concept, f"{ref} {field}.unit")
        if value < 0:
            raise PatientDataError(f"{ref} {field}.value: negative {concept.label} {value:g}")
    return {"value": value, "unit": unit}


def _comparator(reader: _Reader, ref: str, qty: Any) -> str | None:
    """The bound a lab reported instead of a value ("<" for a viral load of "<20 copies/mL"), or None."""
    given = qty.comparator
    if given is None:
        return None
    if given not in _BOUNDS:
        raise PatientDataError(
            f"{ref} valueQuantity.comparator: {given!r} is not a bound the checker reads; "
            f"expected one of {', '.join(_BOUNDS)}"
        )
    return str(given)


def _flag(reader: _Reader, ref: str, res: Any) -> bool | None:
    if res.valueBoolean is not None:
        return bool(res.valueBoolean)
    texts: list[str] = []
    if res.valueCodeableConcept is not None:
        texts += [c.code for c in res.valueCodeableConcept.coding or () if c.code]
        texts += [c.display for c in res.valueCodeableConcept.coding or () if c.display]
        texts += [res.valueCodeableConcept.text] if res.valueCodeableConcept.text else []
    if res.valueString is not None:
        texts.append(res.valueString)
    for interp in res.interpretation or ():
        texts += [c.code for c in interp.coding or () if c.code in ("POS", "NEG", "DET", "ND")]
    for text in texts:
        norm = text.strip().lower()
        if norm in _POSITIVE:
            return True
        if norm in _NEGATIVE:
            return False
    if res.dataAbsentReason is not None:
        return None
    shown = ", ".join(repr(t) for t in texts) or "nothing"
    raise PatientDataError(
        f"{ref} value[x]: cannot read {shown} as positive or negative; give valueBoolean, valueString "
        "'positive'/'negative' or a SNOMED/LOINC answer code"
    )


def _score(reader: _Reader, ref: str, value: Any, concept: Concept) -> float:
    for coding in value.coding or ():
        if coding.code in concept.answers:
            return concept.answers[coding.code]
    for text in (value.text, *(c.code for c in value.coding or ()), *(c.display for c in value.coding or ())):
        if text is not None:
            try:
                return _number(text, "")
            except PatientDataError:
                continue
    raise PatientDataError(f"{ref} valueCodeableConcept: no {concept.label} score in it")


def as_float(value: Any, where: str) -> float:
    """A FHIR decimal as a float; PatientDataError when it is not a finite number."""
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise PatientDataError(f"{where}: {validate.shown(value)} is not a number") from None


def _number(text: str, where: str) -> float:
    cleaned = text.strip().lower().removeprefix("ecog").removeprefix("grade").strip()
    try:
        return float(cleaned)
    except ValueError:
        raise PatientDataError(f"{where}: {text!r} is not a number") from None


def dated_to(*values: Any) -> DatedTo:
    """How precisely FHIR dates are given, the coarsest of them: "2024" a year, "2024-12" a month."""
    parts = [len(str(v).split("T")[0].split("-")) for v in values if v is not None and not isinstance(v, dt.date)]
    coarsest = min(parts, default=3)
    return "year" if coarsest == 1 else "month" if coarsest == 2 else "day"
