"""Age tests counted in months, weeks or days ("Age 6 months to 17 years", "Infants less than 12 weeks of age")."""

from __future__ import annotations

from collections.abc import Callable

from assistant.patient.facts import AgeUnit
from assistant.patient.units import format_number
from assistant.rules.context import PatientContext
from assistant.rules.ops import FALSE, TRUE, UNKNOWN, Result, compare


def age_in_units(
    unit: AgeUnit, op: str, limit: float | tuple[float, float], shown: str, missing: tuple[str, ...]
) -> Callable[[PatientContext], Result]:
    """An age test in whole months, weeks or days: decided when the least and the most age the record allows
    (one value from a date of birth; a span from an age stated in years) agree."""

    def test(ctx: PatientContext) -> Result:
        span = ctx.age_span(unit)
        if span is None:
            return UNKNOWN, f"no date of birth or age on record (the criterion counts age in {unit})", (), missing
        least, most = span
        if isinstance(limit, tuple):
            truth = (
                TRUE
                if limit[0] <= least and most <= limit[1]
                else FALSE
                if most < limit[0] or least > limit[1]
                else UNKNOWN
            )
        else:
            low, high = compare(least, op, limit), compare(most, op, limit)
            truth = (TRUE if low else FALSE) if low == high else UNKNOWN
        age = (
            format_number(float(least))
            if least == most
            else f"{format_number(float(least))} to {format_number(float(most))}"
        )
        if truth == UNKNOWN:
            return truth, f"age {age} {unit} on {ctx.as_of_text}: a date of birth decides {shown}", (), missing
        verb = "is" if truth == TRUE else "is not"
        return (
            truth,
            f"age {age} {unit} on {ctx.as_of_text} {verb} {shown}",
            (f"age = {age} {unit} ({ctx.as_of_text})",),
            (),
        )

    return test
