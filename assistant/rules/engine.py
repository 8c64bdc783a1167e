"""Compile validated rule trees into evaluators: closures over a ``PatientContext``.

Every check runs the same closures; thresholds are converted to canonical units, labels and
messages are prepared once, when the rules are loaded. Each evaluator returns a ``Result``
(truth, reason, facts used, missing data) — see ``assistant.rules.ops``.
"""

from __future__ import annotations

from assistant.errors import RulesError
from assistant.patient.concepts import ConceptSet
from assistant.patient.units import format_number
from assistant.rules import schema as s
from assistant.rules.age import age_in_units
from assistant.rules.context import Evaluator, PatientContext
from assistant.rules.observations import observation
from assistant.rules.occurrences import dose_of, occurrence, since, uses_of
from assistant.rules.ops import (
    FALSE,
    NEGATED,
    OP_TEXT,
    REVIEW,
    TRUE,
    UNKNOWN,
    Result,
    combine_all,
    combine_any,
    combine_two,
    compare,
    either,
)
from assistant.rules.plans import planned

_SWAPPING = s.ConditionTest | s.MedicationTest | s.ProcedureTest | s.ObservationTest
"""Tests that swap true and false themselves when negated, saving a wrapper call."""


def compile_node(
    node: s.Node, concepts: ConceptSet, where: str, negated: bool = False
) -> tuple[Evaluator, frozenset[str]]:
    """An evaluator for ``node`` (for its negation with ``negated``) and the names of the facts it may read
    (concepts, ``age``, ``sex``)."""
    if isinstance(node, s.NotOf) and isinstance(node.node, _SWAPPING):
        return compile_node(node.node, concepts, f"{where}.not", not negated)
    if negated and not isinstance(node, _SWAPPING):
        return _negated(*compile_node(node, concepts, where))
    if isinstance(node, s.AllOf | s.AnyOf):
        kids = node.all if isinstance(node, s.AllOf) else node.any
        key = "all" if isinstance(node, s.AllOf) else "any"
        compiled = [compile_node(k, concepts, f"{where}.{key}[{i}]") for i, k in enumerate(kids)]
        fns = tuple(c[0] for c in compiled)
        uses = frozenset().union(*(c[1] for c in compiled))
        return (_all_of(fns) if isinstance(node, s.AllOf) else _any_of(fns)), uses
    if isinstance(node, s.NotOf):
        return _negated(*compile_node(node.node, concepts, f"{where}.not"))
    if isinstance(node, s.NeedsReview):
        result: Result = (REVIEW, f"needs review: {node.needs_review}", (), ())
        return (lambda ctx: result), frozenset()
    if isinstance(node, s.Permissive):
        allowed: Result = (TRUE, f"permits only: {node.permissive}", (), ())
        return (lambda ctx: allowed), frozenset()
    if isinstance(node, s.ObservationTest):
        concept = concepts.get(node.observation, ("observation",), f"{where}.observation")
        return observation(node, concept, where, negated)
    if isinstance(node, s.AgeTest):
        return _age(node), frozenset({"age"})
    if isinstance(node, s.SexTest):
        return _sex(node), frozenset({"sex"})
    if isinstance(node, s.ConditionTest | s.MedicationTest | s.ProcedureTest):
        return _occurrence_node(node, concepts, where, negated)
    if isinstance(node, s.PlannedTest):
        concept = concepts.get(node.planned, ("procedure", "medication"), f"{where}.planned")
        return planned(node, concept, concepts)
    if isinstance(node, s.SinceTest):
        concept = concepts.get(node.since, ("medication", "procedure", "condition"), f"{where}.since")
        return since(node, concept, concepts), uses_of(concept, concepts)
    raise RulesError(f"{where}: unsupported test {type(node).__name__}")


def _all_of(fns: tuple[Evaluator, ...]) -> Evaluator:
    """Conjunction of the evaluators (every one runs: the facts used are those of all of them)."""
    if len(fns) == 2:
        first, second = fns
        return lambda ctx: combine_two(first(ctx), second(ctx))
    return lambda ctx: combine_all([f(ctx) for f in fns])


def _any_of(fns: tuple[Evaluator, ...]) -> Evaluator:
    """Disjunction of the evaluators: the first true alternative decides, the rest are not run."""
    if len(fns) == 2:
        first, second = fns

        def any_of_two(ctx: PatientContext) -> Result:
            result = first(ctx)
            if result[0] == TRUE:
                return result
            return either(result, second(ctx))

        return any_of_two

    def any_of(ctx: PatientContext) -> Result:
        results = []
        for f in fns:
            result = f(ctx)
            if result[0] == TRUE:
                return result
            results.append(result)
        return combine_any(results)

    return any_of


def _negated(inner: Evaluator, uses: frozenset[str]) -> tuple[Evaluator, frozenset[str]]:
    """``inner`` with true and false swapped (unknown and review kept)."""
    swap = NEGATED

    def not_of(ctx: PatientContext) -> Result:
        result = inner(ctx)
        return swap[result[0]], result[1], result[2], result[3]

    return not_of, uses


def _occurrence_node(
    node: s.ConditionTest | s.MedicationTest | s.ProcedureTest, concepts: ConceptSet, where: str, negated: bool = False
) -> tuple[Evaluator, frozenset[str]]:
    if isinstance(node, s.ConditionTest):
        concept = concepts.get(node.condition, ("condition",), f"{where}.condition")
        evaluate = occurrence(concept, node.within, None, concepts, negated, node.ever)
        if node.qualifier:
            evaluate = _qualified(evaluate, concept.label, node.qualifier, FALSE if negated else TRUE)
    elif isinstance(node, s.MedicationTest):
        concept = concepts.get(node.medication, ("medication",), f"{where}.medication")
        dose = dose_of(node.dose, f"{where}.dose") if node.dose is not None else None
        evaluate = occurrence(concept, node.within, dose, concepts, negated, node.ever)
    else:
        concept = concepts.get(node.procedure, ("procedure",), f"{where}.procedure")
        evaluate = occurrence(concept, node.within, None, concepts, negated)
    return evaluate, uses_of(concept, concepts)


def _qualified(evaluate: Evaluator, label: str, qualifier: str, present: int) -> Evaluator:
    """``evaluate``, but the condition found present is unknown: whether it is ``qualifier`` (severe,
    clinically significant) is a clinician's judgement; its absence still decides."""
    missing = (f"whether the {label} is {qualifier}",)

    def test(ctx: PatientContext) -> Result:
        result = evaluate(ctx)
        if result[0] == present:
            return UNKNOWN, f"{result[1]}; whether {qualifier}: a clinician judges", result[2], missing
        return result

    return test


# --------------------------------------------------------------------------------- age and sex


def _age(node: s.AgeTest) -> Evaluator:
    op, limit = node.age, node.value
    shown = (
        f"between {format_number(limit[0])} and {format_number(limit[1])}"
        if isinstance(limit, tuple)
        else f"{OP_TEXT[op]} {format_number(limit)}"
    )
    missing = ("date of birth (or age)",)
    if node.unit not in (None, "years"):
        return age_in_units(node.unit, op, limit, f"{shown} {node.unit}", missing)

    def test(ctx: PatientContext) -> Result:
        if ctx.age is None:
            return UNKNOWN, "no date of birth or age on record", (), missing
        truth = TRUE if compare(ctx.age, op, limit) else FALSE
        verb = "is" if truth == TRUE else "is not"
        age = format_number(ctx.age)
        return (
            truth,
            f"age {age} years on {ctx.as_of_text} {verb} {shown}",
            (f"age = {age} years ({ctx.as_of_text})",),
            (),
        )

    return test


def _sex(node: s.SexTest) -> Evaluator:
    wanted = frozenset(node.sex)
    shown = " or ".join(node.sex)

    def test(ctx: PatientContext) -> Result:
        if ctx.sex is None:
            return UNKNOWN, "sex not recorded", (), ("sex",)
        truth = TRUE if ctx.sex in wanted else FALSE
        return truth, f"sex {ctx.sex}{'' if truth == TRUE else ' (not ' + shown + ')'}", (f"sex = {ctx.sex}",), ()

    return test
