"""A patient's facts indexed by concept for one check, as of one date.

Built once per check: the most recent observation of each concept (undated ones count as
current; anything dated after ``as_of`` is not yet known and is left out), the records of each
condition, medication and procedure, and what was stated absent. Quantities are converted to
canonical units on first use and remembered for the rest of the check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from assistant.errors import UnitError
from assistant.patient.concepts import Concept
from assistant.patient.facts import Condition, Conflict, Medication, Observation, PatientFacts, Procedure
from assistant.patient.site_ranges import SiteRange
from assistant.patient.units import format_number, is_uln, to_canonical

Event = Condition | Medication | Procedure
Prepared = tuple[float | None, float | None, tuple[str], str]
"""(value, upper limit of normal, facts_used entry, "value unit (date)") of an observation."""


@lru_cache(maxsize=65536)
def describe_date(day: dt.date | None) -> str:
    """A date for a reason: ISO, or ``undated`` (remembered: a patient's dates recur in every check)."""
    return day.isoformat() if day is not None else "undated"


def describe_observation(obs: Observation) -> str:
    """``concept = value unit (date)`` for a facts_used entry."""
    if obs.value is not None:
        text = f"{obs.concept} = {format_number(obs.value)} {obs.unit or ''}".rstrip()
    elif obs.flag is not None:
        text = f"{obs.concept} = {'positive' if obs.flag else 'negative'}"
    else:
        text = f"{obs.concept} = no value"
    if obs.reference_high is not None:
        text += f", ULN {format_number(obs.reference_high)} {obs.reference_high_unit or obs.unit or ''}".rstrip()
    return f"{text} ({describe_date(obs.date)})"


def describe_event(fact: Event) -> str:
    """``concept = present/absent … (dates)`` for a facts_used entry."""
    if not fact.present:
        return f"{fact.concept} = absent{'' if fact.covers_past else ' now'} ({fact.source or 'stated'})"
    if isinstance(fact, Condition):
        if fact.active is None and fact.abatement is None:
            status = "in the history"
        else:
            status = "active" if fact.active and fact.abatement is None else "resolved"
        dates = f"onset {describe_date(fact.onset)}"
        if fact.abatement is not None:
            dates += f", resolved {fact.abatement.isoformat()}"
        return f"{fact.concept} = {status} ({dates})"
    if isinstance(fact, Medication):
        dose = f" {format_number(fact.dose)} {fact.dose_unit or ''}".rstrip() if fact.dose is not None else ""
        if dose and fact.per_day:
            dose += "/day"
        end = "ongoing" if fact.active and fact.end is None else describe_date(fact.end)
        return f"{fact.concept} = taken{dose} ({describe_date(fact.start)} to {end})"
    return f"{fact.concept} = performed ({describe_date(fact.date)})"


class PatientContext:
    """The facts of one patient, indexed for rule evaluation as of one date."""

    __slots__ = (
        "as_of",
        "age",
        "sex",
        "latest",
        "events",
        "absent",
        "never",
        "conflicts",
        "site_ranges",
        "_quantities",
        "_described",
    )

    def __init__(self, facts: PatientFacts, as_of: dt.date, site_ranges: Mapping[str, SiteRange] | None = None) -> None:
        self.as_of = as_of
        self.site_ranges = site_ranges or {}
        self.age = facts.age_on(as_of)
        self.sex = facts.sex if facts.sex not in (None, "unknown") else None
        latest: dict[str, Observation] = {}
        for obs in facts.observations:
            day = obs.date
            if day is not None and day > as_of:
                continue
            current = latest.get(obs.concept)
            if current is None or (day or as_of) >= (current.date or as_of):
                latest[obs.concept] = obs
        self.latest = latest
        events: dict[str, list[Event]] = {}
        absent: dict[str, Event] = {}
        never: dict[str, Event] = {}
        for group, first in ((facts.conditions, "onset"), (facts.medications, "start"), (facts.procedures, "date")):
            for fact in group:
                if not fact.present:
                    absent[fact.concept] = fact
                    if fact.covers_past:
                        never[fact.concept] = fact
                    continue
                day = getattr(fact, first)
                if day is not None and day > as_of:
                    continue
                known = events.get(fact.concept)
                if known is None:
                    events[fact.concept] = [fact]
                else:
                    known.append(fact)
        self.events = events
        self.absent = absent
        self.never = never
        """Concept → a statement of absence that covers the past too (``absent`` holds every one)."""
        self.conflicts: dict[str, Conflict] = {c.concept: c for c in facts.conflicts}
        """Concept (or ``age``/``sex``) → what was stated about it in ways that cannot all be used."""
        self._quantities: dict[str, Prepared] = {}
        self._described: dict[int, str] = {}

    def describe(self, fact: Observation | Event) -> str:
        """The facts_used entry of a fact, remembered for the rest of the check."""
        key = id(fact)
        text = self._described.get(key)
        if text is None:
            text = self._described[key] = (
                describe_observation(fact) if isinstance(fact, Observation) else describe_event(fact)
            )
        return text

    def quantity(self, concept: Concept, obs: Observation) -> Prepared:
        """The latest observation of ``concept`` prepared once per check: value and upper limit of normal
        in the concept's canonical unit (value None when it is stated as a multiple of ULN), the
        facts_used entry, and the value as given with its date for reasons."""
        known = self._quantities.get(concept.name)
        if known is not None:
            return known
        value: float | None = None
        uln: float | None = None
        try:
            if obs.value is not None and not is_uln(obs.unit):
                value = to_canonical(obs.value, obs.unit, concept, "unit")
            if obs.reference_high is not None:
                uln = to_canonical(
                    obs.reference_high, obs.reference_high_unit or obs.unit, concept, "reference_high_unit"
                )
        except UnitError as exc:
            raise UnitError(f"{obs.source or 'observation'} ({concept.name}) {exc}") from None
        assumed = self.site_ranges.get(concept.name) if obs.reference_high is None else None
        if assumed is not None:
            uln = assumed.high
        day = describe_date(obs.date) if assumed is None else f"{describe_date(obs.date)}; {assumed.shown}"
        number = format_number(obs.value) if obs.value is not None else "no value"
        given = f"{number} {obs.unit}" if obs.unit else number
        if obs.reference_high is not None:
            high_unit = obs.reference_high_unit or obs.unit
            used = f"{obs.concept} = {given}, ULN {format_number(obs.reference_high)} {high_unit or ''}".rstrip()
        else:
            used = f"{obs.concept} = {given}"
        used = f"{used} ({day})"
        self._described[id(obs)] = used
        prepared = (value, uln, (used,), f"{given} ({day})")
        self._quantities[concept.name] = prepared
        return prepared

    def cutoff(self, delta: relativedelta) -> dt.date:
        """``as_of`` minus ``delta``."""
        return _cutoff(self.as_of, delta)

    def records(self, names: tuple[str, ...], name_set: frozenset[str] | None = None) -> list[Event]:
        """Records of the given concepts (sorted names; ``name_set`` the same as a set) that are stated
        present and known by ``as_of``. A concept with a terminology below it has thousands of names
        and a patient a handful of records, so the patient's side is intersected with the names."""
        events = self.events
        if not events:
            return []
        if len(names) == 1:
            return events.get(names[0], [])
        if name_set is None:
            name_set = frozenset(names)
        hits = name_set.intersection(events)
        if not hits:
            return []
        if len(hits) == 1:
            return events[next(iter(hits))]
        found: list[Event] = []
        for name in sorted(hits):
            found.extend(events[name])
        return found

    def stated_absent(
        self, names: tuple[str, ...], name_set: frozenset[str] | None = None, past: bool = False
    ) -> Event | None:
        """A statement that one of these (broader) concepts is absent, if any (the first in ``names``);
        with ``past`` only a statement that covers the past too ("no history of", "never")."""
        absent = self.never if past else self.absent
        if not absent:
            return None
        if name_set is None:
            name_set = frozenset(names)
        hits = name_set.intersection(absent)
        if not hits:
            return None
        return absent[min(hits)] if len(hits) > 1 else absent[next(iter(hits))]

    def last_day(self, fact: Event, event_like: bool) -> dt.date | None:
        """The last day the record was true: as_of while ongoing; None when not known."""
        if isinstance(fact, Condition):
            if event_like:
                return fact.onset
            if fact.abatement is not None:
                return fact.abatement
            return self.as_of if fact.active else None
        if isinstance(fact, Medication):
            if fact.end is not None:
                return min(fact.end, self.as_of)
            return self.as_of if fact.active else None
        return fact.date

    def is_current(self, fact: Event) -> bool | None:
        """True when a condition is active, or a medication is being taken, on ``as_of``; None when a
        condition is recorded without saying whether it still is (a past medical history entry)."""
        if isinstance(fact, Condition):
            if fact.abatement is not None and fact.abatement < self.as_of:
                return False
            return fact.active
        if isinstance(fact, Medication):
            return fact.active and (fact.end is None or fact.end >= self.as_of)
        return False


@lru_cache(maxsize=4096)
def _cutoff(as_of: dt.date, delta: relativedelta) -> dt.date:
    """``as_of`` minus ``delta`` (calendar months and years as dateutil counts them)."""
    return as_of - delta
