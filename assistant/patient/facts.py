"""The typed patient facts every reader produces and the checker consumes.

Facts name *concepts* from the vocabulary in ``corpus/concepts.yaml`` (``platelets``, ``ast``,
``brain_metastases``, ``warfarin`` …), never free text, so a rule and a fact meet on one name.
Missing data is simply absent: nothing here has a "normal" default.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, Field

Sex = Literal["female", "male", "other", "unknown"]
Comparator = Literal["<", "<=", ">", ">="]
AgeUnit = Literal["years", "months", "weeks", "days"]


DatedTo = Literal["day", "month", "year"]


class _Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Observation(_Fact):
    """A measured or graded value: a lab, a score, a size, a test result."""

    concept: str = Field(description="Concept name, e.g. 'platelets'.")
    value: float | None = Field(default=None, description="Numeric value, when the observation is a quantity.")
    unit: str | None = Field(
        default=None,
        description="Unit as given (UCUM or common), e.g. '10*9/L'; 'ULN' for a multiple of the upper limit of normal.",
    )
    comparator: Comparator | None = Field(
        default=None,
        description="Set when the value is a bound the lab reported, not a measurement (FHIR Quantity.comparator): "
        "'>' with 90 for an eGFR of '>90', '<' with 20 for a viral load of '<20 copies/mL'.",
    )
    flag: bool | None = Field(
        default=None, description="Qualitative result: True positive/present, False negative/absent."
    )
    date: dt.date | None = Field(default=None, description="When it was measured; undated facts count as current.")
    dated_to: DatedTo = Field(
        default="day",
        description="How precisely the date is known: 'month' or 'year' stands for any day of it, so a window "
        "whose start falls inside it is not met by this value.",
    )
    reference_high: float | None = Field(default=None, description="Upper limit of normal of the measuring lab.")
    reference_high_unit: str | None = Field(default=None, description="Unit of reference_high.")
    source: str = Field(default="", description="Where the fact came from, e.g. 'Observation/plt-1' or 'message'.")


class Condition(_Fact):
    """A diagnosis or clinical state, stated present or stated absent."""

    concept: str = Field(description="Concept name, e.g. 'brain_metastases'.")
    present: bool = Field(default=True, description="False when the record or message states it is absent.")
    covers_past: bool = Field(
        default=True,
        description="For a statement of absence: True when it covers the past too ('no history of', 'never'), "
        "False when only the present ('denies chest pain', 'no active hepatitis'); then it settles no "
        "'history of' or time-window criterion.",
    )
    active: bool | None = Field(
        default=True,
        description="False when resolved/inactive (FHIR clinicalStatus); None when a history states it without "
        "saying whether it is still current.",
    )
    onset: dt.date | None = Field(default=None, description="Onset date, when known.")
    abatement: dt.date | None = Field(default=None, description="Resolution date, when known.")
    dated_to: DatedTo = Field(
        default="day",
        description="How precisely its dates are known: 'month' ('in March 2025') or 'year' ('in 2019') stands for "
        "any day of that month or year, so a time window whose start falls inside it is not decided.",
    )
    source: str = Field(default="", description="Where the fact came from.")


class Medication(_Fact):
    """A medication taken, being taken, or stated not taken."""

    concept: str = Field(description="Concept name, e.g. 'warfarin'.")
    present: bool = Field(default=True, description="False when it is stated the patient does not take it.")
    covers_past: bool = Field(
        default=True,
        description="For a statement of absence: True when it covers the past too ('no history of', 'never'), "
        "False when only the present ('denies chest pain', 'no active hepatitis'); then it settles no "
        "'history of' or time-window criterion.",
    )
    dose: float | None = Field(default=None, description="Dose per administration or per day.")
    dose_unit: str | None = Field(default=None, description="Unit of the dose, e.g. 'mg'.")
    per_day: bool = Field(default=True, description="True when dose is a daily dose.")
    start: dt.date | None = Field(default=None, description="First day taken.")
    end: dt.date | None = Field(default=None, description="Last day taken; None while ongoing.")
    active: bool = Field(default=True, description="True while the patient is still taking it.")
    dated_to: DatedTo = Field(
        default="day",
        description="How precisely its dates are known: 'month' ('in March 2025') or 'year' ('in 2019') stands for "
        "any day of that month or year, so a time window whose start falls inside it is not decided.",
    )
    source: str = Field(default="", description="Where the fact came from.")


class Procedure(_Fact):
    """A procedure performed (surgery, radiotherapy, biopsy …), or stated not performed."""

    concept: str = Field(description="Concept name, e.g. 'radiotherapy'.")
    present: bool = Field(default=True, description="False when it is stated the patient never had it.")
    covers_past: bool = Field(
        default=True,
        description="For a statement of absence: True when it covers the past too ('no history of', 'never'), "
        "False when only the present ('denies chest pain', 'no active hepatitis'); then it settles no "
        "'history of' or time-window criterion.",
    )
    date: dt.date | None = Field(default=None, description="When it was performed (end date of a period).")
    dated_to: DatedTo = Field(
        default="day",
        description="How precisely its dates are known: 'month' ('in March 2025') or 'year' ('in 2019') stands for "
        "any day of that month or year, so a time window whose start falls inside it is not decided.",
    )
    source: str = Field(default="", description="Where the fact came from.")


class Plan(_Fact):
    """A procedure or treatment planned, scheduled or booked, not yet given; or stated not planned."""

    concept: str = Field(description="Concept name of the procedure or medication, e.g. 'surgery'.")
    planned: bool = Field(default=True, description="False when it is stated that none is planned.")
    date: dt.date | None = Field(default=None, description="The day it is planned for, when stated.")
    source: str = Field(default="", description="Where the fact came from.")


class Review(_Fact):
    """A clinician's decision on a criterion that no data can decide ("medically fit to undergo surgery")."""

    criterion: str = Field(description="Full criterion id, e.g. 'NCT01234567:I26'.")
    met: bool = Field(description="True when the reviewer judged the criterion met.")
    by: str = Field(min_length=1, description="Who decided (name or role); a review without a reviewer is refused.")
    date: dt.date | None = Field(default=None, description="When the decision was made.")
    note: str = Field(default="", description="The reviewer's reason, in their words.")


class Conflict(_Fact):
    """A fact stated in ways that cannot all be true, or stated but unusable: no value of it is used.

    A criterion that reads the concept is ``unknown`` and its reason shows what was stated, so two
    platelet counts in one message, a correction, or a garbled value never silently become one of
    them, and never let an older value from a loaded file stand in for what was just said.
    """

    concept: str = Field(description="Concept name, or 'age' / 'sex'.")
    kind: Literal["observation", "condition", "medication", "procedure", "age", "sex"] = Field(
        description="Which part of PatientFacts the concept belongs to."
    )
    values: tuple[str, ...] = Field(min_length=1, description="What was stated, verbatim, in order.")
    reason: str = Field(default="", description="Why none is used, e.g. 'two values stated'; shown in the verdict.")
    source: str = Field(default="", description="Where the statements came from, e.g. 'message' or 'note'.")

    def describe(self, label: str | None = None) -> str:
        """The conflict as a clinician reads it, e.g. ``platelet count stated more than once with
        different values ('80,000/mm3', '200,000/mm3')``."""
        stated = ", ".join(repr(v) for v in self.values)
        if len(self.values) == 1:
            return f"{stated} — {self.reason or 'not usable'}"
        return f"{label or self.concept.replace('_', ' ')} {self.reason or 'stated with different values'} ({stated})"


class PatientFacts(_Fact):
    """Everything known about one patient, from any number of sources."""

    patient_id: str | None = Field(
        default=None, description="Identifier in the source record; kept out of logs by default."
    )
    birth_date: dt.date | None = Field(default=None, description="Date of birth.")
    age: float | None = Field(
        default=None, description="Age in years when stated directly (a message); birth_date wins when both are known."
    )
    sex: Sex | None = Field(default=None, description="Administrative sex.")
    observations: tuple[Observation, ...] = Field(default=(), description="Labs, scores, sizes, tests.")
    conditions: tuple[Condition, ...] = Field(default=(), description="Diagnoses, stated present or absent.")
    medications: tuple[Medication, ...] = Field(default=(), description="Medications.")
    procedures: tuple[Procedure, ...] = Field(default=(), description="Procedures.")
    plans: tuple[Plan, ...] = Field(default=(), description="Procedures and treatments planned, not yet given.")
    reviews: tuple[Review, ...] = Field(default=(), description="Clinicians' decisions on judgement criteria.")
    conflicts: tuple[Conflict, ...] = Field(
        default=(), description="Facts stated in disagreeing or unusable ways; criteria reading them are unknown."
    )

    def merged_with(self, newer: PatientFacts) -> PatientFacts:
        """These facts updated by ``newer``: scalar fields it states win, facts of the same concept are
        replaced. A conflict in ``newer`` replaces every older fact of its concept (the older value is
        not used in its place); a fact in ``newer`` settles an older conflict of its concept."""
        conflicted = {c.concept for c in newer.conflicts}

        def replace(old: tuple, new: tuple) -> tuple:  # type: ignore[type-arg]
            concepts = {f.concept for f in new} | conflicted
            return tuple(f for f in old if f.concept not in concepts) + tuple(new)

        stated = {f.concept for group in (newer.observations, newer.conditions, newer.medications) for f in group}
        stated |= {f.concept for f in newer.procedures}
        if newer.age is not None or newer.birth_date is not None:
            stated.add("age")
        if newer.sex is not None:
            stated.add("sex")
        kept = tuple(c for c in self.conflicts if c.concept not in stated and c.concept not in conflicted)
        age_conflict = "age" in conflicted
        return PatientFacts(
            patient_id=newer.patient_id or self.patient_id,
            birth_date=None if age_conflict else newer.birth_date or self.birth_date,
            age=None if age_conflict else newer.age if newer.age is not None else self.age,
            sex=None if "sex" in conflicted else newer.sex or self.sex,
            observations=replace(self.observations, newer.observations),
            conditions=replace(self.conditions, newer.conditions),
            medications=replace(self.medications, newer.medications),
            procedures=replace(self.procedures, newer.procedures),
            plans=replace(self.plans, newer.plans),
            reviews=tuple(r for r in self.reviews if r.criterion not in {n.criterion for n in newer.reviews})
            + newer.reviews,
            conflicts=kept + newer.conflicts,
        )

    def age_on(self, day: dt.date) -> float | None:
        """Age in whole years on ``day`` (from birth_date), else the stated age, else None."""
        if self.birth_date is not None:
            return float(whole_age(self.birth_date, day, "years"))
        return self.age

    def age_range_on(self, day: dt.date, unit: AgeUnit) -> tuple[int, int] | None:
        """Age in whole ``unit`` on ``day``, as (least, most): one value from the date of birth; from a stated
        age in whole years, the least and most a birthday matching it gives; None when neither is known."""
        if self.birth_date is not None:
            whole = whole_age(self.birth_date, day, unit)
            return whole, whole
        if self.age is None or self.age != int(self.age) or self.age < 0:
            return None
        years = int(self.age)
        youngest = day - relativedelta(years=years)
        oldest = day - relativedelta(years=years + 1) + dt.timedelta(days=1)
        return whole_age(youngest, day, unit), whole_age(oldest, day, unit)


def whole_age(birth: dt.date, day: dt.date, unit: AgeUnit) -> int:
    """Completed years, months, weeks or days from ``birth`` to ``day`` (a month is completed on the same day
    of a later month, or on its last day when that month is shorter: dateutil's relativedelta)."""
    if unit in ("days", "weeks"):
        days = (day - birth).days
        return days if unit == "days" else days // 7
    if unit == "years":  # a year is completed on the birthday
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    span = relativedelta(day, birth)
    return span.years * 12 + span.months
