"""A patient's facts indexed by concept, as of one date.

Built once per patient and date: the most recent observation of each concept (undated ones count as
current; anything dated after ``as_of`` is not yet known and is left out), the records of each
condition, medication and procedure, and what was stated absent. Facts are immutable, so
``context_for`` keeps the context of a facts object for its next check (another protocol, or the
same one again); what the rules look up in it — quantities in canonical units, the records and
statements of absence under a concept, facts_used entries — is worked out on first use and
remembered in the context.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Mapping
from contextlib import suppress
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from assistant.errors import UnitError
from assistant.patient.concepts import Concept
from assistant.patient.facts import AgeUnit, Condition, Conflict, Medication, Observation, PatientFacts, Plan
from assistant.patient.site_ranges import SiteRange
from assistant.patient.units import format_number, is_uln, to_canonical
from assistant.rules.describe import Event, describe_date, describe_event, describe_observation
from assistant.rules.ops import Result
from assistant.rules.windows import period_of

Prepared = tuple[float | None, float | None, tuple[str], str, float | None, str]
"""(value, upper limit of normal, facts_used entry, "value unit (date)", value as a multiple of the upper
limit of normal, that multiple for a reason) of an observation."""
Found = tuple[()] | tuple[list[Event], tuple[str, ...]]
"""A patient's records under a concept with their facts_used entries, or ``()`` when there is none."""


class PatientContext:
    """The facts of one patient, indexed for rule evaluation as of one date."""

    __slots__ = (
        "as_of",
        "age",
        "ages",
        "_facts",
        "sex",
        "latest",
        "events",
        "absent",
        "never",
        "conflicts",
        "site_ranges",
        "_quantities",
        "_described",
        "as_of_text",
        "present_of",
        "absent_of",
        "never_of",
        "known",
        "plans",
    )

    def __init__(self, facts: PatientFacts, as_of: dt.date, site_ranges: Mapping[str, SiteRange] | None = None) -> None:
        self.as_of = as_of
        self.as_of_text = describe_date(as_of)
        """``as_of`` in ISO form, for reasons."""
        self.site_ranges = site_ranges or {}
        self.age = facts.age_on(as_of)
        self._facts = facts
        self.ages: dict[str, tuple[int, int] | None] = {}
        """Unit → age in whole months, weeks or days on ``as_of``, as (least, most), once asked (``age_span``)."""
        self.sex = facts.sex if facts.sex not in (None, "unknown") else None
        latest: dict[str, Observation] = {}
        for obs in facts.observations:
            day = obs.date
            if day is not None and day > as_of:
                continue
            current = latest.get(obs.concept)
            if current is None or (day or as_of, day is not None) >= (current.date or as_of, current.date is not None):
                latest[obs.concept] = obs  # the latest day; on one day, a dated value before an undated one
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
        self.plans: dict[str, list[Plan]] = {}
        """Concept → what the record says is planned for it, or that none is."""
        for plan in facts.plans:
            self.plans.setdefault(plan.concept, []).append(plan)
        stated: list[str] = [*latest, *events, *absent, *(plan_name(c) for c in self.plans)]
        if self.age is not None:
            stated.append("age")
        if self.sex is not None:
            stated.append("sex")
        self.known = frozenset(stated)
        """Names of every fact a rule may read here (concepts, ``age``, ``sex``): a rule whose ``uses`` miss all of
        them reads nothing of this patient, so its result is that of a patient with no facts."""
        self._quantities: dict[str, tuple[Concept, Prepared]] = {}
        self._described: dict[int, str] = {}
        self.present_of: dict[frozenset[str], Found] = {}
        """Name set → ``present(names, name_set)``, once asked (a test reads it before calling the method)."""
        self.absent_of: dict[frozenset[str], tuple[str, ...]] = {}
        """Name set → ``absence(names, name_set)``, once asked."""
        self.never_of: dict[frozenset[str], tuple[str, ...]] = {}
        """Name set → ``absence(names, name_set, past=True)``, once asked."""

    def age_span(self, unit: AgeUnit) -> tuple[int, int] | None:
        """Age in whole ``unit`` on ``as_of`` as (least, most), None when neither a birth date nor an age is
        known (``PatientFacts.age_range_on``); worked out on first use: few rules count age in months."""
        if unit in self.ages:
            return self.ages[unit]
        span = self.ages[unit] = self._facts.age_range_on(self.as_of, unit)
        return span

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
        """The latest observation of ``concept`` prepared once: value and upper limit of normal in the
        concept's canonical unit (value None when it is stated as a multiple of ULN), the facts_used
        entry, the value as given with its date for reasons, and the value as a multiple of the upper
        limit of normal (None without a positive limit) with its text."""
        name = concept.name
        known = self._quantities.get(name)
        if known is not None and known[0] is concept:
            return known[1]
        raw, unit, high = obs.value, obs.unit, obs.reference_high
        value: float | None = None
        uln: float | None = None
        try:
            if raw is not None and not _is_uln(unit):
                value = to_canonical(raw, unit, concept, "unit")
            if high is not None:
                uln = to_canonical(high, obs.reference_high_unit or unit, concept, "reference_high_unit")
        except UnitError as exc:
            raise UnitError(f"{obs.source or 'observation'} ({name}) {exc}") from None
        number = format_number(raw) if raw is not None else "no value"
        number = f"{obs.comparator} {number}" if obs.comparator and raw is not None else number
        given = f"{number} {unit}" if unit else number
        if high is not None:
            day = describe_date(obs.date)
            high_unit = obs.reference_high_unit or unit
            used = f"{obs.concept} = {given}, ULN {format_number(high)} {high_unit or ''}".rstrip() + f" ({day})"
        else:
            assumed = self.site_ranges.get(name)
            if assumed is None:
                day = describe_date(obs.date)
            else:
                uln = assumed.high
                day = f"{describe_date(obs.date)}; {assumed.shown}"
            used = f"{obs.concept} = {given} ({day})"
        self._described[id(obs)] = used
        prepared: Prepared
        if value is None:  # stated as a multiple of ULN
            prepared = (value, uln, (used,), f"{given} ({day})", raw, f"{raw:.3g}" if raw is not None else "")
        elif uln is None or uln <= 0:
            prepared = (value, uln, (used,), f"{given} ({day})", None, "")
        else:
            ratio = float(f"{value / uln:.12g}")
            prepared = (value, uln, (used,), f"{given} ({day})", ratio, f"{ratio:.3g}")
        self._quantities[name] = (concept, prepared)
        return prepared

    def cutoff(self, delta: relativedelta) -> dt.date:
        """``as_of`` minus ``delta``."""
        return _cutoff(self.as_of, delta)

    def records(self, names: tuple[str, ...], name_set: frozenset[str] | None = None) -> list[Event]:
        """Records of the given concepts (sorted names; ``name_set`` the same as a set) that are stated
        present and known by ``as_of``, in the order of ``names``. A concept with a terminology below it has
        thousands of names and a patient a handful of records, so the smaller side is walked."""
        events = self.events
        if not events:
            return []
        if len(names) <= len(events):
            found: list[Event] = []
            many = False
            for name in names:
                hit = events.get(name)
                if hit is not None:
                    if not found:
                        found = hit
                    elif many:
                        found.extend(hit)
                    else:
                        found = [*found, *hit]
                        many = True
            return found
        if name_set is None:
            name_set = frozenset(names)
        hits = name_set.intersection(events)
        if not hits:
            return []
        if len(hits) == 1:
            return events[next(iter(hits))]
        found = []
        for name in sorted(hits):
            found.extend(events[name])
        return found

    def present(self, names: tuple[str, ...], name_set: frozenset[str]) -> Found:
        """``records(names, name_set)`` with their facts_used entries, ``()`` when there is none;
        remembered in ``present_of``."""
        found = self.present_of.get(name_set)
        return found if found is not None else self.find_present(names, name_set)

    def find_present(self, names: tuple[str, ...], name_set: frozenset[str]) -> Found:
        """``present(names, name_set)`` worked out and remembered (for a caller that found it not yet in
        ``present_of``)."""
        if self.events.keys().isdisjoint(name_set):  # walks the smaller side
            found: Found = ()
        else:
            records = self.records(names, name_set)
            found = (records, tuple([self.describe(r) for r in records]))
        self.present_of[name_set] = found
        return found

    def stated_absent(
        self, names: tuple[str, ...], name_set: frozenset[str] | None = None, past: bool = False
    ) -> Event | None:
        """A statement that one of these (broader) concepts is absent, if any (the first in ``names``);
        with ``past`` only a statement that covers the past too ("no history of", "never")."""
        absent = self.never if past else self.absent
        if not absent:
            return None
        if len(names) <= len(absent):  # the first of the names stated absent
            for name in names:
                stated = absent.get(name)
                if stated is not None:
                    return stated
            return None
        if name_set is None:
            name_set = frozenset(names)
        hits = name_set.intersection(absent)
        if not hits:
            return None
        return absent[min(hits)] if len(hits) > 1 else absent[next(iter(hits))]

    def absence(self, names: tuple[str, ...], name_set: frozenset[str], past: bool = False) -> tuple[str, ...]:
        """The facts_used entry of ``stated_absent(names, name_set, past)`` as a one-entry tuple, ``()`` when
        nothing is stated absent; remembered in ``never_of`` (with ``past``) or ``absent_of``."""
        found = (self.never_of if past else self.absent_of).get(name_set)
        return found if found is not None else self.find_absence(names, name_set, past)

    def find_absence(self, names: tuple[str, ...], name_set: frozenset[str], past: bool = False) -> tuple[str, ...]:
        """``absence(names, name_set, past)`` worked out and remembered (for a caller that found it not yet
        in ``never_of`` or ``absent_of``)."""
        absent = self.never if past else self.absent
        stated = None
        if len(names) <= len(absent):  # stated_absent's walk, inline: the first of the names stated absent
            for name in names:
                stated = absent.get(name)
                if stated is not None:
                    break
        else:
            stated = self.stated_absent(names, name_set, past)
        found = (self.describe(stated),) if stated is not None else ()
        (self.never_of if past else self.absent_of)[name_set] = found
        return found

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

    def last_days(self, fact: Event, event_like: bool) -> tuple[dt.date, dt.date] | None:
        """The earliest and latest the last day may be (a month or year known only: ``dated_to``); None if unknown."""
        last = self.last_day(fact, event_like)
        if last is None or fact.dated_to == "day" or last == self.as_of:
            return None if last is None else (last, last)
        first, end = period_of(last, fact.dated_to)
        return first, min(end, self.as_of)

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


Evaluator = Callable[[PatientContext], Result]
"""A compiled rule (or part of one): the patient's context in, a ``Result`` out."""


@lru_cache(maxsize=1024)
def plan_name(concept: str) -> str:
    """The name a rule's ``uses`` give a plan for ``concept`` (``plan:surgery``), apart from its records."""
    return f"plan:{concept}"


def _is_uln(unit: str | None) -> bool:
    """``is_uln(unit)``, remembered per unit: a patient's few units recur in every check."""
    return is_uln(unit)


@lru_cache(maxsize=4096)
def _cutoff(as_of: dt.date, delta: relativedelta) -> dt.date:
    """``as_of`` minus ``delta`` (calendar months and years as dateutil counts them)."""
    return as_of - delta


_CONTEXTS: OrderedDict[tuple[int, dt.date], tuple[PatientFacts, Mapping[str, SiteRange] | None, PatientContext]] = (
    OrderedDict()
)
_KEPT = 64
"""Contexts kept for their facts' next check: a screening run checks each patient against every protocol."""


def context_for(
    facts: PatientFacts, as_of: dt.date, site_ranges: Mapping[str, SiteRange] | None = None
) -> PatientContext:
    """The context of ``facts`` on ``as_of``: built on the first check of this facts object and reused
    while it is checked again with the same site ranges (facts are immutable; the entry holds the object,
    so its id stays its own). The last 64 are kept."""
    key = (id(facts), as_of)
    known = _CONTEXTS.get(key)
    if known is not None and known[0] is facts and known[1] is site_ranges:
        return known[2]
    ctx = PatientContext(facts, as_of, site_ranges)
    _CONTEXTS[key] = (facts, site_ranges, ctx)
    if len(_CONTEXTS) > _KEPT:
        with suppress(KeyError):  # emptied by another thread meanwhile
            _CONTEXTS.popitem(last=False)
    return ctx


def forget_contexts() -> None:
    """Drop every kept context: the next check of any facts object builds its context anew."""
    _CONTEXTS.clear()
