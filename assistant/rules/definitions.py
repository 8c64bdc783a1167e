"""Conditions the vocabulary defines by one measurement (``defined_by``: thrombocytopenia is a platelet
count below 150 x10^9/L; HIV infection by the HIV antibody/antigen result): when the patient's record names
the condition neither present nor absent, a recent value of the measurement shows it present or absent now.
Only a current test ("Thrombocytopenia") is decided so; a normal value today says nothing of a history or a
window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from assistant.errors import RulesError
from assistant.patient.concepts import Concept, ConceptSet
from assistant.patient.units import format_number
from assistant.rules import schema as s
from assistant.rules.context import PatientContext
from assistant.rules.observations import observation
from assistant.rules.ops import OP_TEXT, TRUE, UNKNOWN, Result

Decide = Callable[[PatientContext], Result | None]
"""A condition's status read from its measurement, or None when the measurement cannot say."""


def defined_by(concept: Concept, concepts: ConceptSet, yes: int, no: int, max_days: int) -> Decide | None:
    """The test of ``concept`` through its defining measurement, or None when it has no definition. The
    latest value counts when it is undated or at most ``max_days`` before the check date."""
    definition = concept.defined_by
    if definition is None:
        return None
    where = f"{concept.name}.defined_by"
    measured = concepts.get(definition.observation, ("observation",), f"{where}.observation")
    if definition.flag:
        return _by_result(concept, measured, definition.positive_decides, definition.source, yes, no, max_days)
    assert definition.op is not None and definition.value is not None and definition.unit is not None
    node = s.ObservationTest(observation=measured.name, op=definition.op, value=definition.value, unit=definition.unit)
    try:
        test, _ = observation(node, measured, where)
    except RulesError as exc:
        raise RulesError(f"vocabulary: {exc}") from None
    shown = f"{measured.label} {OP_TEXT[definition.op]} {format_number(definition.value)} {definition.unit}"
    basis = f"defined as {shown} ({definition.source})"
    name, label, oldest = measured.name, concept.label, dt.timedelta(days=max_days)

    def decide(ctx: PatientContext) -> Result | None:
        obs = ctx.latest.get(name)
        if obs is None or obs.value is None or (obs.date is not None and ctx.as_of - obs.date > oldest):
            return None
        status, reason, used, _ = test(ctx)
        if status == UNKNOWN:
            return None
        present = status == TRUE
        return (yes if present else no), f"{label} {'present' if present else 'absent'}: {reason}; {basis}", used, ()

    return decide


def _by_result(
    concept: Concept, measured: Concept, positive_decides: bool, source: str, yes: int, no: int, max_days: int
) -> Decide:
    """The test of ``concept`` through a positive/negative result: negative shows it absent; positive shows
    it present when ``positive_decides``, else leaves it to the record."""
    name, label, oldest = measured.name, concept.label, dt.timedelta(days=max_days)
    basis = f"defined by the {measured.label} result ({source})"

    def decide(ctx: PatientContext) -> Result | None:
        obs = ctx.latest.get(name)
        if obs is None or obs.flag is None or (obs.date is not None and ctx.as_of - obs.date > oldest):
            return None
        if obs.flag and not positive_decides:
            return None
        used = (ctx.describe(obs),)
        shown = f"{measured.label} {'positive' if obs.flag else 'negative'}"
        return (yes if obs.flag else no), f"{label} {'present' if obs.flag else 'absent'}: {shown}; {basis}", used, ()

    return decide
