"""Facts a note states through others: the body mass index of a stated weight and height, and the absence
of pregnancy a recent negative pregnancy test shows.

The body mass index only when the note states none of its own, exactly one weight and one height (a second
value of either, or a conflict, leaves it unread), of the same date or undated; the value is kept unrounded
and the rendering names the two values it comes from. Not pregnant only when every pregnancy test the note
reads is negative, the latest is undated or at most ``note_pregnancy_test_days`` before the note, and the
note says nothing of a pregnancy itself; the absence covers the present only.
"""

from __future__ import annotations

import datetime as dt

from assistant.patient.facts import Condition, Observation
from assistant.patient.note.reading import Reading
from assistant.patient.note.types import NoteContext, NoteMention
from assistant.patient.note.vocabulary import concept_details, plausible_range
from assistant.patient.units import format_number, round_sig

BMI, WEIGHT, HEIGHT = "bmi", "body_weight", "body_height"
PREGNANCY_TEST, PREGNANT = "pregnancy_test", "pregnant"
"""The vocabulary's positive/negative pregnancy test (hCG) and its condition of pregnancy."""
"""The vocabulary's concepts of the body mass index (kg/m2), body weight (kg) and body height (cm)."""


def derived_bmi(reading: Reading, observations: tuple[Observation, ...]) -> tuple[Observation, ...]:
    """The body mass index of the note's one weight and one height, as a one-item tuple, or nothing."""
    units = {name: getattr(concept_details(name), "unit", None) for name in (BMI, WEIGHT, HEIGHT)}
    if units != {BMI: "kg/m2", WEIGHT: "kg", HEIGHT: "cm"}:
        return ()
    if any(o.concept == BMI for o in observations) or any(m.concept == BMI for m in reading.mentions):
        return ()
    weights = [o for o in observations if o.concept == WEIGHT and o.value is not None and o.comparator is None]
    heights = [o for o in observations if o.concept == HEIGHT and o.value is not None and o.comparator is None]
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


def derived_not_pregnant(
    reading: Reading, observations: tuple[Observation, ...], within_days: int
) -> tuple[Condition, ...]:
    """Not pregnant at the note's date, as a one-item tuple, when its pregnancy tests show it; else nothing."""
    tests = [o for o in observations if o.concept == PREGNANCY_TEST]
    if not tests or any(o.flag is not False for o in tests):
        return ()
    if any(m.concept == PREGNANT for m in reading.mentions):
        return ()
    dated = [o.date for o in tests if o.date is not None]
    if len(dated) < len(tests) and dated:
        return ()  # an undated test beside dated ones: which is the latest is not known
    latest = max(dated) if dated else None
    if latest is not None and not reading.today - dt.timedelta(days=within_days) <= latest <= reading.today:
        return ()
    parts = [m for m in reading.mentions if any(m.fact is o for o in tests)]
    if not parts:
        return ()
    source = parts[-1]
    fact = Condition(concept=PREGNANT, present=False, covers_past=False, source=reading.source)
    when = f"on {latest.isoformat()}" if latest is not None else "undated, so current"
    reading.mentions.append(
        NoteMention(
            kind="condition",
            concept=PREGNANT,
            start=source.start,
            end=source.end,
            text=source.text,
            rendering=f"not pregnant now: pregnancy test negative ({when}; from '{source.text}')",
            fact=fact,
            context=NoteContext(),
        )
    )
    return (fact,)
