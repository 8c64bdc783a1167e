"""Values a note states through their parts: the body mass index of a stated weight and height.

Only when the note states no body mass index of its own, exactly one weight and one height (a second
value of either, or a conflict, leaves it unread), of the same date or undated; the value is kept unrounded
and the rendering names the two values it comes from.
"""

from __future__ import annotations

from assistant.patient.facts import Observation
from assistant.patient.note.mentions import Reading
from assistant.patient.note.types import NoteContext, NoteMention
from assistant.patient.note.vocabulary import concept_details, plausible_range
from assistant.patient.units import format_number, round_sig

BMI, WEIGHT, HEIGHT = "bmi", "body_weight", "body_height"
"""The vocabulary's concepts of the body mass index (kg/m2), body weight (kg) and body height (cm)."""


def derived_bmi(reading: Reading, observations: tuple[Observation, ...]) -> tuple[Observation, ...]:
    """The body mass index of the note's one weight and one height, as a one-item tuple, or nothing."""
    units = {name: getattr(concept_details(name), "unit", None) for name in (BMI, WEIGHT, HEIGHT)}
    if units != {BMI: "kg/m2", WEIGHT: "kg", HEIGHT: "cm"}:
        return ()
    if any(o.concept == BMI for o in observations) or any(m.concept == BMI for m in reading.mentions):
        return ()
    weights = [o for o in observations if o.concept == WEIGHT and o.value is not None]
    heights = [o for o in observations if o.concept == HEIGHT and o.value is not None]
    if len(weights) != 1 or len(heights) != 1:
        return ()
    weight, height = weights[0], heights[0]
    if weight.date is not None and height.date is not None and weight.date != height.date:
        return ()
    assert weight.value is not None and height.value is not None
    value = round_sig(weight.value / (height.value / 100) ** 2)
    bounds = plausible_range(concept_details(BMI))
    if bounds is not None and not bounds[0] <= value <= bounds[1]:
        return ()
    parts = [m for m in reading.mentions if m.fact is weight or m.fact is height]
    if len(parts) != 2:
        return ()
    start, end = min(m.start for m in parts), max(m.end for m in parts)
    fact = Observation(concept=BMI, value=value, unit="kg/m2", date=weight.date, source=reading.source)
    shown = f"{value:.1f}"
    rendering = (
        f"body mass index {shown} kg/m2, computed from weight {format_number(weight.value)} kg and height "
        f"{format_number(height.value)} cm (from '{parts[0].text}', '{parts[1].text}')"
    )
    reading.mentions.append(
        NoteMention(
            kind="observation",
            concept=BMI,
            start=start,
            end=end,
            text=reading.text[start:end],
            rendering=rendering,
            fact=fact,
            context=NoteContext(),
        )
    )
    return (fact,)
