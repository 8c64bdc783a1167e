"""Checks every patient-file reader applies before a value becomes a fact.

A value must be a finite number of a real type (not a boolean, not a string), within the range the
vocabulary calls plausible for its concept; a unit or code must hold no invisible or control
characters; a date must lie in the accepted range (``assistant.dates``) and not after the check
date; a period must not end before it starts; a sex must be one of the administrative codes.
Each failure is a ``PatientDataError`` naming the field and the value, never a silent guess.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from pathlib import Path

from assistant.dates import checked
from assistant.errors import DateRangeError, PatientDataError
from assistant.limits import read_regular_file
from assistant.patient.concepts import Concept
from assistant.patient.facts import Sex
from assistant.patient.units import convert_scale, format_number, is_offset, is_uln, round_sig, to_canonical
from assistant.settings import get_settings

SEX_CODES: dict[str, Sex] = {
    "female": "female",
    "male": "male",
    "other": "other",
    "unknown": "unknown",
    "f": "female",
    "m": "male",
    "o": "other",
    "u": "unknown",
    "unk": "unknown",
}
"""FHIR administrative gender and the common one-letter codes (HL7 v2 table 0001: F, M, O, U)."""


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters, for an error message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def number(raw: object, where: str) -> float | None:
    """``raw`` as a finite float; None when absent; PatientDataError for any other type or a non-finite value."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise PatientDataError(f"{where}: expected a number, got {type(raw).__name__} {shown(raw)}")
    value = float(raw)
    if not math.isfinite(value):
        raise PatientDataError(f"{where}: {shown(raw)} is not a finite number")
    return value


def visible(text: object, where: str) -> str | None:
    """``text`` if it holds no control, format (zero-width, direction) or unassigned characters."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise PatientDataError(f"{where}: expected text, got {type(text).__name__} {shown(text)}")
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cn", "Co", "Cs") and ch not in "\t":
            name = unicodedata.name(ch, "unnamed character")
            raise PatientDataError(f"{where}: {shown(text)} holds an invisible character U+{ord(ch):04X} ({name})")
    return text


def sex(raw: object, where: str) -> Sex | None:
    """The administrative sex a code stands for (female, male, other, unknown; F, M, O, U)."""
    if raw is None:
        return None
    found = SEX_CODES.get(raw.strip().lower()) if isinstance(raw, str) else None
    if found is None:
        raise PatientDataError(
            f"{where}: {shown(raw)} is not a sex; expected female, male, other or unknown (or F, M, O, U)"
        )
    return found


def date(day: dt.date | None, where: str, today: dt.date, as_of: dt.date | None = None) -> dt.date | None:
    """``day`` within the accepted date range, not in the future and not after ``as_of`` (the check date)."""
    if day is None:
        return None
    try:
        checked(day, where)
    except DateRangeError as exc:
        raise PatientDataError(str(exc)) from None
    if day > today:
        raise PatientDataError(f"{where}: {day.isoformat()} is in the future (today is {today.isoformat()})")
    if as_of is not None and day > as_of:
        raise PatientDataError(f"{where}: {day.isoformat()} is after the check date {as_of.isoformat()}")
    return day


def period(start: dt.date | None, end: dt.date | None, where: str, start_name: str, end_name: str) -> None:
    """PatientDataError when a period ends before it starts."""
    if start is not None and end is not None and end < start:
        raise PatientDataError(
            f"{where}.{end_name}: {end.isoformat()} is before {start_name} {start.isoformat()}; a period cannot end "
            "before it starts"
        )


def plausible(value: float, unit: str | None, concept: Concept, where: str) -> None:
    """PatientDataError when ``value`` (in ``unit``) lies outside the concept's plausible range.

    The range is stated in the value's unit when that unit converts, so "1,000,000,000,000 10*9/L" is
    compared with "0 to 5,000 10*9/L" and "900000 /mm3" with "0 to 5,000,000 /mm3".
    """
    bounds = concept.plausible
    if bounds is None or (unit is not None and is_uln(unit)):
        return
    low, high = bounds
    canonical, shown_unit = value, concept.unit or ""
    converted = concept.value == "quantity" and unit is not None and concept.unit is not None
    if converted:
        canonical, shown_unit = to_canonical(value, str(unit), concept, where), str(unit)
    if low <= canonical <= high:
        return
    shown = (
        (_in_unit(low, shown_unit, concept, where), _in_unit(high, shown_unit, concept, where)) if converted else bounds
    )
    rng = f"{format_number(shown[0])} to {format_number(shown[1])}"
    suffix = f" {shown_unit}" if shown_unit else ""
    raise PatientDataError(
        f"{where}: {format_number(value)}{suffix} is not a plausible {concept.label} ({concept.name}: {rng}{suffix}); "
        "a unit or typing error?"
    )


def _in_unit(bound: float, unit: str, concept: Concept, where: str) -> float:
    """A plausible bound of ``concept`` (in its canonical unit) stated in ``unit``, as the value is."""
    if is_offset(unit, concept.unit or ""):
        return convert_scale(bound, concept.unit or "", unit)
    return round_sig(bound / to_canonical(1.0, unit, concept, where))


def file_text(path: Path, what: str = "patient") -> str:
    """The text of a patient file: a regular file within the size limit, in UTF-8 (a BOM is dropped)."""
    data = read_regular_file(path, get_settings(), what)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise PatientDataError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r}); save the file as UTF-8"
        ) from None
