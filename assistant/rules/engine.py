"""Compile validated rule trees into evaluators: closures over a ``PatientContext``.

Every check runs the same closures; thresholds are converted to canonical units, labels and
messages are prepared once, when the rules are loaded. Each evaluator returns a ``Result``
(truth, reason, facts used, missing data) — see ``assistant.rules.ops``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from assistant.errors import RulesError, UnitError
from assistant.patient.concepts import Concept, ConceptSet
from assistant.patient.facts import Medication
from assistant.patient.units import factor as unit_factor
from assistant.patient.units import format_number, ureg
from assistant.rules import schema as s
from assistant.rules.context import PatientContext, describe_date
from assistant.rules.ops import (
    COMPARATORS,
    FALSE,
    OP_TEXT,
    REVIEW,
    TRUE,
    UNKNOWN,
    Result,
    combine_all,
    combine_any,
    compare,
    negate,
)

Evaluator = Callable[[PatientContext], Result]


def compile_node(node: s.Node, concepts: ConceptSet, where: str) -> tuple[Evaluator, frozenset[str]]:
    """An evaluator for ``node`` and the names of the facts it may read (concepts, ``age``, ``sex``)."""
    if isinstance(node, s.AllOf | s.AnyOf):
        kids = node.all if isinstance(node, s.AllOf) else node.any
        key = "all" if isinstance(node, s.AllOf) else "any"
        compiled = [compile_node(k, concepts, f"{where}.{key}[{i}]") for i, k in enumerate(kids)]
        fns = tuple(c[0] for c in compiled)
        uses = frozenset().union(*(c[1] for c in compiled))
        if isinstance(node, s.AllOf):
            return (lambda ctx: combine_all([f(ctx) for f in fns])), uses

        def any_of(ctx: PatientContext) -> Result:
            results = []
            for f in fns:
                result = f(ctx)
                if result[0] == TRUE:  # the first true alternative decides; the rest are not needed
                    return result
                results.append(result)
            return combine_any(results)

        return any_of, uses
    if isinstance(node, s.NotOf) and isinstance(node.node, s.ConditionTest | s.MedicationTest | s.ProcedureTest):
        return _occurrence_node(node.node, concepts, f"{where}.not", negated=True)
    if isinstance(node, s.NotOf):
        inner, uses = compile_node(node.node, concepts, f"{where}.not")
        return (lambda ctx: negate(inner(ctx))), uses
    if isinstance(node, s.NeedsReview):
        result: Result = (REVIEW, f"needs review: {node.needs_review}", (), ())
        return (lambda ctx: result), frozenset()
    if isinstance(node, s.Permissive):
        allowed: Result = (TRUE, f"permits only: {node.permissive}", (), ())
        return (lambda ctx: allowed), frozenset()
    if isinstance(node, s.ObservationTest):
        return _observation(node, concepts.get(node.observation, ("observation",), f"{where}.observation"), where)
    if isinstance(node, s.AgeTest):
        return _age(node), frozenset({"age"})
    if isinstance(node, s.SexTest):
        return _sex(node), frozenset({"sex"})
    if isinstance(node, s.ConditionTest | s.MedicationTest | s.ProcedureTest):
        return _occurrence_node(node, concepts, where)
    if isinstance(node, s.SinceTest):
        concept = concepts.get(node.since, ("medication", "procedure", "condition"), f"{where}.since")
        return _since(node, concept, concepts), _uses(concept, concepts)
    raise RulesError(f"{where}: unsupported test {type(node).__name__}")


def _occurrence_node(
    node: s.ConditionTest | s.MedicationTest | s.ProcedureTest, concepts: ConceptSet, where: str, negated: bool = False
) -> tuple[Evaluator, frozenset[str]]:
    if isinstance(node, s.ConditionTest):
        concept = concepts.get(node.condition, ("condition",), f"{where}.condition")
        evaluate = _occurrence(concept, node.within, None, concepts, negated, node.ever)
        if node.qualifier:
            evaluate = _qualified(evaluate, concept.label, node.qualifier, FALSE if negated else TRUE)
    elif isinstance(node, s.MedicationTest):
        concept = concepts.get(node.medication, ("medication",), f"{where}.medication")
        dose = _dose(node.dose, f"{where}.dose") if node.dose is not None else None
        evaluate = _occurrence(concept, node.within, dose, concepts, negated, node.ever)
    else:
        concept = concepts.get(node.procedure, ("procedure",), f"{where}.procedure")
        evaluate = _occurrence(concept, node.within, None, concepts, negated)
    return evaluate, _uses(concept, concepts)


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


def _uses(concept: Concept, concepts: ConceptSet) -> frozenset[str]:
    return concepts.descendants(concept.name) | concepts.ancestors(concept.name)


def _delta(duration: s.Duration) -> relativedelta:
    return relativedelta(
        days=duration.days or 0, weeks=duration.weeks or 0, months=duration.months or 0, years=duration.years or 0
    )


# ----------------------------------------------------------------------------------- observations


def _observation(node: s.ObservationTest, concept: Concept, where: str) -> tuple[Evaluator, frozenset[str]]:
    name, label = concept.name, concept.label
    uses = frozenset({name})
    op = node.op or "=="
    op_text = OP_TEXT[op]
    if node.flag is not None:
        if concept.value != "flag":
            raise RulesError(f"{where}: {name} is a {concept.value}, not a flag; use op and value")
        wanted = node.flag
        missing_flag = (f"{label} result",)

        def flag_test(ctx: PatientContext) -> Result:
            obs = ctx.latest.get(name)
            if obs is None or obs.flag is None:
                return UNKNOWN, f"no {label} result on record", (), missing_flag
            truth = TRUE if obs.flag == wanted else FALSE
            shown = "positive" if obs.flag else "negative"
            return truth, f"{label} {shown} ({describe_date(obs.date)})", (ctx.describe(obs),), ()

        return flag_test, uses
    if concept.value == "flag":
        raise RulesError(f"{where}: {name} is a flag (positive/negative); use flag: true or flag: false")
    if node.uln is not None:
        if concept.value != "quantity":
            raise RulesError(f"{where}: uln applies to lab quantities, not to {name} ({concept.value})")
        limit = node.uln
        limit_text = (
            f"{format_number(limit[0])}-{format_number(limit[1])} × ULN"
            if isinstance(limit, tuple)
            else f"{op_text} {format_number(limit)} × ULN"
        )
        missing_uln = (f"{label} with its reference range (upper limit of normal)",)
        no_value = f"no {label} on record"
        test = _tester(op, limit)

        def uln_test(ctx: PatientContext) -> Result:
            obs = ctx.latest.get(name)
            if obs is None or obs.value is None:
                return UNKNOWN, no_value, (), missing_uln
            value, uln, used, given = ctx.quantity(concept, obs)
            if value is None:  # stated as a multiple of ULN
                ratio = obs.value
            elif uln is None:
                return UNKNOWN, f"{label} {given} has no reference range (upper limit of normal)", used, missing_uln
            elif uln <= 0:
                return UNKNOWN, f"{label} reference range has a non-positive upper limit", used, missing_uln
            else:
                ratio = float(f"{value / uln:.12g}")
            if test(ratio):
                return TRUE, f"{label} {given} is {ratio:.3g} × ULN, {limit_text}", used, ()
            return FALSE, f"{label} {given} is {ratio:.3g} × ULN, not {limit_text}", used, ()

        return uln_test, uses
    assert node.value is not None
    raw = node.value
    if concept.value == "quantity":
        if node.unit is None:
            raise RulesError(f"{where}.unit: required for {name}; expected {concept.expects or concept.unit}")
        try:
            factor = unit_factor(node.unit, concept, f"{where}.unit")
        except UnitError as exc:
            raise RulesError(str(exc)) from None
        unit_text = f" {node.unit}"
    else:
        factor, unit_text = 1.0, ""
    threshold: float | tuple[float, float] = (
        (float(f"{raw[0] * factor:.12g}"), float(f"{raw[1] * factor:.12g}"))
        if isinstance(raw, tuple)
        else float(f"{raw * factor:.12g}")
    )
    shown = (
        f"between {format_number(raw[0])} and {format_number(raw[1])}{unit_text}"
        if isinstance(raw, tuple)
        else f"{op_text} {format_number(raw)}{unit_text}"
    )
    missing_value = (label if concept.value == "quantity" else f"{label} score",)
    quantity = concept.value == "quantity"
    no_value = f"no {label} on record"
    test = _tester(op, threshold)

    def value_test(ctx: PatientContext) -> Result:
        obs = ctx.latest.get(name)
        if obs is None or obs.value is None:
            return UNKNOWN, no_value, (), missing_value
        if quantity:
            value, _, used, given = ctx.quantity(concept, obs)
            if value is None:
                return UNKNOWN, f"{label} is given only as a multiple of ULN", used, (f"{label} in{unit_text}",)
        else:
            value = obs.value
            _, _, used, given = ctx.quantity(concept, obs)
        if test(value):
            return TRUE, f"{label} {given} is {shown}", used, ()
        return FALSE, f"{label} {given} is not {shown}", used, ()

    return value_test, uses


def _tester(op: str, threshold: float | tuple[float, float]) -> Callable[[float], bool]:
    """``value op threshold`` as a one-argument function."""
    if isinstance(threshold, tuple):
        low, high = threshold
        return lambda value: low <= value <= high
    compare_to = COMPARATORS[op]
    return lambda value: compare_to(value, threshold)


# --------------------------------------------------------------------------------- age and sex


def _age(node: s.AgeTest) -> Evaluator:
    op, limit = node.age, node.value
    shown = (
        f"between {format_number(limit[0])} and {format_number(limit[1])}"
        if isinstance(limit, tuple)
        else f"{OP_TEXT[op]} {format_number(limit)}"
    )
    missing = ("date of birth (or age)",)

    def test(ctx: PatientContext) -> Result:
        if ctx.age is None:
            return UNKNOWN, "no date of birth or age on record", (), missing
        truth = TRUE if compare(ctx.age, op, limit) else FALSE
        verb = "is" if truth == TRUE else "is not"
        age = format_number(ctx.age)
        return (
            truth,
            f"age {age} years on {ctx.as_of.isoformat()} {verb} {shown}",
            (f"age = {age} years ({ctx.as_of})",),
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


# -------------------------------------------------------------------- conditions, drugs, procedures


def _dose(node: s.DoseTest, where: str) -> tuple[str, float, str, bool]:
    try:
        ureg.Quantity(1.0, node.unit).to("mg")
    except Exception:  # noqa: BLE001 - any pint failure is a bad unit in the rule
        raise RulesError(f"{where}.unit: unknown dose unit {node.unit!r}; expected a mass such as mg or g") from None
    return node.op, node.value, node.unit, node.per_day


@lru_cache(maxsize=256)
def _mass_factor(unit: str, target: str) -> float:
    """Multiplier from one mass unit to another (pint)."""
    return float(ureg.Quantity(1.0, unit).to(target).magnitude)


def _dose_ok(fact: Medication, dose: tuple[str, float, str, bool]) -> bool | None:
    op, value, unit, per_day = dose
    if fact.dose is None or fact.dose_unit is None or (per_day and not fact.per_day):
        return None
    try:
        given = fact.dose * _mass_factor(fact.dose_unit, unit)
    except Exception:  # noqa: BLE001
        raise UnitError(
            f"{fact.source or 'medication'} ({fact.concept}) dose_unit: unknown dose unit {fact.dose_unit!r}; "
            "expected a mass such as mg"
        ) from None
    return compare(float(f"{given:.12g}"), op, value)


def _occurrence(
    concept: Concept,
    within: s.Duration | None,
    dose: tuple[str, float, str, bool] | None,
    concepts: ConceptSet,
    negated: bool = False,
    ever: bool = False,
) -> Evaluator:
    """True when the patient has the condition now / takes the drug now / ever had the procedure,
    or — with ``within`` — when any record falls inside the window before ``as_of``. With
    ``negated`` the truth is reversed inside the test (the common "No X"), saving a wrapper call; with
    ``ever`` any record counts, current or not ("history of X", "prior X")."""
    names = tuple(sorted(concepts.descendants(concept.name)))
    name_set = frozenset(names)
    broader = tuple(sorted(concepts.ancestors(concept.name)))
    broader_set = frozenset(broader)
    yes, no = (FALSE, TRUE) if negated else (TRUE, FALSE)
    single = names[0] if len(names) == 1 and len(broader) == 1 else None
    label, event_like = concept.label, concept.event
    delta = _delta(within) if within is not None else None
    window = f" within {within.text()}" if within is not None else ""
    dose_text = f" at a dose {OP_TEXT[dose[0]]} {format_number(dose[1])} {dose[2]}/day" if dose else ""
    if ever:
        missing = (f"{label} history (any record, or a statement that there was none)",)
    elif concept.kind == "medication" and delta is None:
        missing = (f"whether the patient currently takes {label}{dose_text}",)
    elif delta is None and concept.kind == "condition":
        missing = (f"{label} status (present or absent)",)
    else:
        missing = (f"{label} history{window} (dates, or a statement that there was none)",)

    absent_reason = f"{label}: stated absent"
    unknown_reason = f"no record of {label} either way"
    past = ever or delta is not None  # "history of X", "X within 3 months": "no X now" does not settle them
    now_only = f"{label}: stated absent now, the history not stated"

    def test(ctx: PatientContext) -> Result:
        if single is not None:
            records = ctx.events.get(single)
            stated = (ctx.never if past else ctx.absent).get(single) if not records else None
        else:
            records = ctx.records(names, name_set)
            stated = ctx.stated_absent(broader, broader_set, past) if not records else None
        if not records:
            if stated is not None:
                return no, absent_reason, (ctx.describe(stated),), ()
            if past and ctx.absent:
                now = ctx.stated_absent(broader, broader_set)
                if now is not None:
                    return UNKNOWN, now_only, (ctx.describe(now),), missing
            return UNKNOWN, unknown_reason, (), missing
        used = tuple(ctx.describe(r) for r in records)
        unknown = False
        if delta is None:
            unsure = False
            for record in records:
                if ever or concept.kind == "procedure" or (concept.kind == "condition" and event_like):
                    return yes, f"{label}: recorded ({ctx.describe(record)})", used, ()
                current = ctx.is_current(record)
                if current is None:
                    unsure = True
                    continue
                if current:
                    if dose is not None and isinstance(record, Medication):
                        ok = _dose_ok(record, dose)
                        if ok is None:
                            unknown = True
                            continue
                        if not ok:
                            continue
                    state = "present" if concept.kind == "condition" else "current"
                    return yes, f"{label}{dose_text}: {state} ({ctx.describe(record)})", used, ()
            if unknown:
                return (
                    UNKNOWN,
                    f"{label} is current but its daily dose is not recorded",
                    used,
                    (f"daily dose of {label}",),
                )
            if unsure:
                return (
                    UNKNOWN,
                    f"{label}: in the history, not stated whether current",
                    used,
                    (f"whether {label} is current",),
                )
            state = "resolved" if concept.kind == "condition" else "not current"
            return no, f"{label}{dose_text}: {state}", used, ()
        cutoff = ctx.cutoff(delta)
        for record in records:
            last = ctx.last_day(record, event_like)
            if last is None:
                unknown = True
            elif last >= cutoff:
                return yes, f"{label} on {last.isoformat()}, within {within.text()} of {ctx.as_of}", used, ()  # type: ignore[union-attr]
        if unknown:
            return UNKNOWN, f"{label} recorded without the date it ended", used, (f"date of {label}",)
        return no, f"{label} last before {cutoff.isoformat()} (outside {within.text()})", used, ()  # type: ignore[union-attr]

    return test


def _since(node: s.SinceTest, concept: Concept, concepts: ConceptSet) -> Evaluator:
    """True when the last exposure lies at least (>=) / more than (>) the duration before ``as_of``,
    or when the patient never had it (stated)."""
    names = tuple(sorted(concepts.descendants(concept.name)))
    name_set = frozenset(names)
    broader = tuple(sorted(concepts.ancestors(concept.name)))
    broader_set = frozenset(broader)
    label, event_like, op = concept.label, concept.event, node.op
    duration = node.duration
    delta = _delta(duration)
    need = f"{'more than' if op == '>' else 'at least'} {duration.text()}"
    missing_all = (f"date of last {label}, or a statement that the patient never had it",)
    missing_date = (f"date of last {label}",)

    never_reason = f"no prior {label} (stated)"
    unknown_reason = f"no record of prior {label} either way"

    def test(ctx: PatientContext) -> Result:
        records = ctx.records(names, name_set)
        if not records:
            stated = ctx.stated_absent(broader, broader_set, past=True)
            if stated is not None:
                return TRUE, never_reason, (ctx.describe(stated),), ()
            return UNKNOWN, unknown_reason, (), missing_all
        used = tuple(ctx.describe(r) for r in records)
        cutoff = ctx.cutoff(delta)
        unknown = False
        latest = None
        for record in records:
            last = ctx.last_day(record, event_like)
            if last is None:
                unknown = True
                continue
            if latest is None or last > latest:
                latest = last
        if latest is not None and (latest > cutoff or (op == ">" and latest == cutoff)):
            days = (ctx.as_of - latest).days
            return FALSE, f"last {label} {latest.isoformat()}, {days} days before {ctx.as_of}; needs {need}", used, ()
        if unknown:
            return UNKNOWN, f"{label} recorded without the date it ended", used, missing_date
        assert latest is not None
        days = (ctx.as_of - latest).days
        return TRUE, f"last {label} {latest.isoformat()}, {days} days before {ctx.as_of} ({need})", used, ()

    return test
