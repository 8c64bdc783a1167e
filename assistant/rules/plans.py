"""The ``planned`` test: a procedure or treatment planned, scheduled or booked, not yet given ("Planned major
surgery during the study", "Planned living kidney transplant within 6 months").

A plan for the concept or a narrower one makes it true; with ``within``, only a plan for a day inside the window
after the as-of date does, and a plan whose day is not stated leaves it unknown. A statement that none is planned,
of the concept or a broader one ("no surgery planned" covers a planned hip replacement), makes it false. A record
that states both is a conflict: unknown. Nothing on record is unknown, never false.
"""

from __future__ import annotations

from assistant.patient.concepts import Concept, ConceptSet
from assistant.rules import schema as s
from assistant.rules.context import Evaluator, PatientContext, plan_name
from assistant.rules.describe import describe_date, describe_plan
from assistant.rules.ops import FALSE, TRUE, UNKNOWN, Result
from assistant.rules.windows import delta_of


def planned(node: s.PlannedTest, concept: Concept, concepts: ConceptSet) -> tuple[Evaluator, frozenset[str]]:
    """The evaluator of ``node`` on ``concept`` and the plan names it reads."""
    below = tuple(sorted(concepts.descendants(concept.name) | {concept.name}))
    above = tuple(sorted(concepts.ancestors(concept.name) | {concept.name}))
    delta = delta_of(node.within) if node.within is not None else None
    span = node.within.text() if node.within is not None else ""
    window = f" within {span}" if span else ""
    label = concept.label
    labels = {name: concepts.get(name).label for name in concepts.ancestors(concept.name)}
    missing = (f"whether {label} is planned{window} (and for when)",)
    nothing: Result = (UNKNOWN, f"no record of a plan for {label} either way", (), missing)

    def test(ctx: PatientContext) -> Result:
        plans = ctx.plans
        if not plans:
            return nothing
        found = [p for name in below for p in plans.get(name, ()) if p.planned]
        denied = [p for name in above for p in plans.get(name, ()) if not p.planned]
        wider = [p for name in above for p in plans.get(name, ()) if p.planned and name != concept.name]
        if (found or wider) and denied:  # "No surgery planned. Surgery booked for next week."
            shown = tuple(describe_plan(p) for p in (*found, *wider, *denied))
            return UNKNOWN, f"{label}: the record both states a plan and none", shown, (f"which is right for {label}",)
        if denied:
            return FALSE, f"{label}: none planned", tuple(describe_plan(p) for p in denied), ()
        if not found and wider:  # "surgery planned" for "planned major surgery": which surgery is not said
            used = tuple(describe_plan(p) for p in wider)
            return UNKNOWN, f"{labels[wider[0].concept]} planned: whether it is {label} is not stated", used, missing
        if not found:
            return nothing
        if delta is None:
            return TRUE, f"{label}: planned", tuple(describe_plan(p) for p in found), ()
        end = ctx.as_of + delta
        inside = [p for p in found if p.date is not None and ctx.as_of <= p.date <= end]
        if inside:
            return (
                TRUE,
                f"{label}: planned for {describe_date(inside[0].date)},{window}",
                (describe_plan(inside[0]),),
                (),
            )
        used = tuple(describe_plan(p) for p in found)
        if any(p.date is None or p.date < ctx.as_of for p in found):  # undated, or a day gone: done or not?
            return UNKNOWN, f"{label}: planned, the day not stated or already past", used, missing
        return FALSE, f"{label}: planned only for a day after the next {span}", used, ()

    return test, frozenset(plan_name(name) for name in (*below, *above))
