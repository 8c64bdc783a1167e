"""How facts read in a verdict's reasons and ``facts_used`` entries."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from assistant.patient.facts import Condition, Medication, Observation, Plan, Procedure
from assistant.patient.units import format_number

Event = Condition | Medication | Procedure


@lru_cache(maxsize=65536)
def describe_date(day: dt.date | None) -> str:
    """A date for a reason: ISO, or ``undated`` (remembered: a patient's dates recur in every check)."""
    return day.isoformat() if day is not None else "undated"


def describe_observation(obs: Observation) -> str:
    """``concept = value unit (date)`` for a facts_used entry."""
    if obs.value is not None:
        bound = f"{obs.comparator} " if obs.comparator else ""
        text = f"{obs.concept} = {bound}{format_number(obs.value)} {obs.unit or ''}".rstrip()
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


def describe_plan(plan: Plan) -> str:
    """``concept = planned (date)`` or ``concept = none planned`` for a facts_used entry."""
    if not plan.planned:
        return f"{plan.concept} = none planned ({plan.source or 'stated'})"
    return f"{plan.concept} = planned ({describe_date(plan.date)})"
