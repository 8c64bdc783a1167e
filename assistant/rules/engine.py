"""Compile validated rule trees into evaluators: closures over a ``PatientContext``.

Every check runs the same closures; thresholds are converted to canonical units, labels and
messages are prepared once, when the rules are loaded. Each evaluator returns a ``Result``
(truth, reason, facts used, missing data) — see ``assistant.rules.ops``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from assistant.errors import RulesError, UnitError
from assistant.patient.concepts import Concept, ConceptSet
from assistant.patient.facts import Medication
from assistant.patient.units import factor as unit_factor
from assistant.patient.units import format_number, ureg
from assistant.rules import schema as s
from assistant.rules.age import age_in_units
from assistant.rules.context import PatientContext, describe_date
from assistant.rules.ops import (
    COMPARATORS,
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

Evaluator = Callable[[PatientContext], Result]
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
        return _observation(node, concept, where, negated)
    if isinstance(node, s.AgeTest):
        return _age(node), frozenset({"age"})
    if isinstance(node, s.SexTest):
        return _sex(node), frozenset({"sex"})
    if isinstance(node, s.ConditionTest | s.MedicationTest | s.ProcedureTest):
        return _occurrence_node(node, concepts, where, negated)
    if isinstance(node, s.SinceTest):
        concept = concepts.get(node.since, ("medication", "procedure", "condition"), f"{where}.since")
        return _since(node, concept, concepts), _uses(concept, concepts)
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


_SHARED: dict[frozenset[str], frozenset[str]] = {}


def _shared(names: tuple[str, ...]) -> frozenset[str]:
    """``names`` as a set, one object for equal sets: a context remembers lookups by name set, and a
    lookup by the very same set never compares thousands of names."""
    found = frozenset(names)
    return _SHARED.setdefault(found, found)


def _delta(duration: s.Duration) -> relativedelta:
    return relativedelta(
        days=duration.days or 0, weeks=duration.weeks or 0, months=duration.months or 0, years=duration.years or 0
    )


# ----------------------------------------------------------------------------------- observations


def _observation(
    node: s.ObservationTest, concept: Concept, where: str, negated: bool = False
) -> tuple[Evaluator, frozenset[str]]:
    name, label = concept.name, concept.label
    uses = frozenset({name})
    yes, no = (FALSE, TRUE) if negated else (TRUE, FALSE)
    op = node.op or "=="
    op_text = OP_TEXT[op]
    if node.flag is not None:
        if concept.value != "flag":
            raise RulesError(f"{where}: {name} is a {concept.value}, not a flag; use op and value")
        wanted = node.flag
        missing_flag = (f"{label} result",)
        no_flag = f"no {label} result on record"

        def flag_test(ctx: PatientContext) -> Result:
            obs = ctx.latest.get(name)
            if obs is None or obs.flag is None:
                return UNKNOWN, no_flag, (), missing_flag
            shown = "positive" if obs.flag else "negative"
            return (
                yes if obs.flag == wanted else no,
                f"{label} {shown} ({describe_date(obs.date)})",
                (ctx.describe(obs),),
                (),
            )

        return flag_test, uses
    if concept.value == "flag":
        raise RulesError(f"{where}: {name} is a flag (positive/negative); use flag: true or flag: false")
    if node.uln is not None:
        if concept.value != "quantity":
            raise RulesError(f"{where}: uln applies to lab quantities, not to {name} ({concept.value})")
        return _uln(concept, op, node.uln, yes, no), uses
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
    only_uln = f"{label} is given only as a multiple of ULN"
    missing_unit = (f"{label} in{unit_text}",)
    between, low, high, compare_to, limit = _comparison(op, threshold)

    def value_test(ctx: PatientContext) -> Result:
        obs = ctx.latest.get(name)
        if obs is None or obs.value is None:
            return UNKNOWN, no_value, (), missing_value
        prepared = ctx.quantity(concept, obs)
        if quantity:
            value = prepared[0]
            if value is None:
                return UNKNOWN, only_uln, prepared[2], missing_unit
        else:
            value = obs.value
        if (low <= value <= high) if between else compare_to(value, limit):
            return yes, f"{label} {prepared[3]} is {shown}", prepared[2], ()
        return no, f"{label} {prepared[3]} is not {shown}", prepared[2], ()

    return value_test, uses


def _uln(concept: Concept, op: str, limit: float | tuple[float, float], yes: int, no: int) -> Evaluator:
    """A test of the latest value of ``concept`` as a multiple of its upper limit of normal."""
    name, label = concept.name, concept.label
    limit_text = (
        f"{format_number(limit[0])}-{format_number(limit[1])} × ULN"
        if isinstance(limit, tuple)
        else f"{OP_TEXT[op]} {format_number(limit)} × ULN"
    )
    missing_uln = (f"{label} with its reference range (upper limit of normal)",)
    no_value = f"no {label} on record"
    non_positive = f"{label} reference range has a non-positive upper limit"
    between, low, high, compare_to, threshold = _comparison(op, limit)

    def uln_test(ctx: PatientContext) -> Result:
        obs = ctx.latest.get(name)
        if obs is None or obs.value is None:
            return UNKNOWN, no_value, (), missing_uln
        _, uln, used, given, ratio, ratio_text = ctx.quantity(concept, obs)
        if ratio is None:
            if uln is None:
                return UNKNOWN, f"{label} {given} has no reference range (upper limit of normal)", used, missing_uln
            return UNKNOWN, non_positive, used, missing_uln
        if (low <= ratio <= high) if between else compare_to(ratio, threshold):
            return yes, f"{label} {given} is {ratio_text} × ULN, {limit_text}", used, ()
        return no, f"{label} {given} is {ratio_text} × ULN, not {limit_text}", used, ()

    return uln_test


def _comparison(
    op: str, threshold: float | tuple[float, float]
) -> tuple[bool, float, float, Callable[[float, float], bool], float]:
    """``value op threshold`` unrolled for a test: (between, low, high, comparator, limit); a range is
    inclusive at both ends, any other operator compares ``value`` with ``limit``."""
    if isinstance(threshold, tuple):
        return True, threshold[0], threshold[1], COMPARATORS["=="], 0.0
    return False, 0.0, 0.0, COMPARATORS[op], threshold


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
    name_set = _shared(names)
    broader = tuple(sorted(concepts.ancestors(concept.name)))
    broader_set = _shared(broader)
    yes, no = (FALSE, TRUE) if negated else (TRUE, FALSE)
    label, kind = concept.label, concept.kind
    delta = _delta(within) if within is not None else None
    window = f" within {within.text()}" if within is not None else ""
    dose_text = f" at a dose {OP_TEXT[dose[0]]} {format_number(dose[1])} {dose[2]}/day" if dose else ""
    if ever:
        missing = (f"{label} history (any record, or a statement that there was none)",)
    elif kind == "medication" and delta is None:
        missing = (f"whether the patient currently takes {label}{dose_text}",)
    elif delta is None and kind == "condition":
        missing = (f"{label} status (present or absent)",)
    else:
        missing = (f"{label} history{window} (dates, or a statement that there was none)",)

    absent_reason = f"{label}: stated absent"
    unknown_reason = f"no record of {label} either way"
    past = ever or delta is not None  # "history of X", "X within 3 months": "no X now" does not settle them
    now_only = f"{label}: stated absent now, the history not stated"

    def no_record(ctx: PatientContext) -> Result:
        """The result when the patient has no record of the concept: a statement of absence, or unknown."""
        stated = (ctx.never_of if past else ctx.absent_of).get(broader_set)
        if stated is None:
            stated = ctx.absence(broader, broader_set, past)
        if stated:
            return no, absent_reason, stated, ()
        if past:
            now = ctx.absent_of.get(broader_set)
            if now is None:
                now = ctx.absence(broader, broader_set)
            if now:
                return UNKNOWN, now_only, now, missing
        return UNKNOWN, unknown_reason, (), missing

    lookup = (names, name_set, no_record)
    if delta is None:
        return _current(lookup, concept, ever, dose, dose_text, yes, no)
    assert within is not None
    return _windowed(lookup, concept, delta, within.text(), yes, no)


Lookup = tuple[tuple[str, ...], frozenset[str], Evaluator]
"""The names of a concept's records (sorted, and as a set) and the evaluator deciding when there is none."""


def _current(
    lookup: Lookup,
    concept: Concept,
    ever: bool,
    dose: tuple[str, float, str, bool] | None,
    dose_text: str,
    yes: int,
    no: int,
) -> Evaluator:
    """The test of an occurrence now (or, with ``ever``, at any time): for a condition or medication a
    current record decides it, at the dose asked for; any record of a procedure or an event does."""
    names, name_set, no_record = lookup
    label, kind = concept.label, concept.kind
    recorded = ever or kind == "procedure" or (kind == "condition" and concept.event)
    found_now = f"{label}{dose_text}: {'present' if kind == 'condition' else 'current'} ("
    not_now = f"{label}{dose_text}: {'resolved' if kind == 'condition' else 'not current'}"
    no_dose = f"{label} is current but its daily dose is not recorded"
    missing_dose = (f"daily dose of {label}",)
    not_stated = f"{label}: in the history, not stated whether current"
    missing_current = (f"whether {label} is current",)

    def test(ctx: PatientContext) -> Result:
        found = ctx.present_of.get(name_set)
        if found is None:
            found = ctx.present(names, name_set)
        if not found:
            return no_record(ctx)
        records, used = found
        if recorded:
            return yes, f"{label}: recorded ({used[0]})", used, ()
        unknown = False
        unsure = False
        for record in records:
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
                return yes, f"{found_now}{ctx.describe(record)})", used, ()
        if unknown:
            return UNKNOWN, no_dose, used, missing_dose
        if unsure:
            return UNKNOWN, not_stated, used, missing_current
        return no, not_now, used, ()

    return test


def _windowed(lookup: Lookup, concept: Concept, delta: relativedelta, window: str, yes: int, no: int) -> Evaluator:
    """The test of an occurrence within ``window`` (``delta``) before ``as_of``: a record whose last day
    falls inside decides it."""
    names, name_set, no_record = lookup
    label, event_like = concept.label, concept.event
    no_end = f"{label} recorded without the date it ended"
    missing_end = (f"date of {label}",)
    cutoff_of = _cutoffs(delta)

    def test(ctx: PatientContext) -> Result:
        found = ctx.present_of.get(name_set)
        if found is None:
            found = ctx.present(names, name_set)
        if not found:
            return no_record(ctx)
        records, used = found
        cutoff = cutoff_of(ctx.as_of)
        unknown = False
        for record in records:
            last = ctx.last_day(record, event_like)
            if last is None:
                unknown = True
            elif last >= cutoff:
                return yes, f"{label} on {describe_date(last)}, within {window} of {ctx.as_of_text}", used, ()
        if unknown:
            return UNKNOWN, no_end, used, missing_end
        return no, f"{label} last before {describe_date(cutoff)} (outside {window})", used, ()

    return test


def _cutoffs(delta: relativedelta) -> Callable[[dt.date], dt.date]:
    """``as_of - delta`` remembered per ``as_of`` for one test (a relativedelta is slow to subtract and to
    hash); the table is emptied when it reaches 64 dates."""
    known: dict[dt.date, dt.date] = {}

    def cutoff(as_of: dt.date) -> dt.date:
        day = known.get(as_of)
        if day is None:
            if len(known) >= 64:
                known.clear()
            day = known[as_of] = as_of - delta
        return day

    return cutoff


def _since(node: s.SinceTest, concept: Concept, concepts: ConceptSet) -> Evaluator:
    """True when the last exposure lies at least (>=) / more than (>) the duration before ``as_of``,
    or when the patient never had it (stated)."""
    names = tuple(sorted(concepts.descendants(concept.name)))
    name_set = _shared(names)
    broader = tuple(sorted(concepts.ancestors(concept.name)))
    broader_set = _shared(broader)
    label, event_like, op = concept.label, concept.event, node.op
    duration = node.duration
    delta = _delta(duration)
    need = f"{'more than' if op == '>' else 'at least'} {duration.text()}"
    missing_all = (f"date of last {label}, or a statement that the patient never had it",)
    missing_date = (f"date of last {label}",)

    never_reason = f"no prior {label} (stated)"
    unknown_reason = f"no record of prior {label} either way"

    no_end = f"{label} recorded without the date it ended"
    strict = op == ">"
    cutoff_of = _cutoffs(delta)

    def test(ctx: PatientContext) -> Result:
        found = ctx.present_of.get(name_set)
        if found is None:
            found = ctx.present(names, name_set)
        if not found:
            stated = ctx.never_of.get(broader_set)
            if stated is None:
                stated = ctx.absence(broader, broader_set, past=True)
            if stated:
                return TRUE, never_reason, stated, ()
            return UNKNOWN, unknown_reason, (), missing_all
        records, used = found
        as_of = ctx.as_of
        as_of_text = ctx.as_of_text
        cutoff = cutoff_of(as_of)
        unknown = False
        latest = None
        for record in records:
            last = ctx.last_day(record, event_like)
            if last is None:
                unknown = True
                continue
            if latest is None or last > latest:
                latest = last
        if latest is not None and (latest > cutoff or (strict and latest == cutoff)):
            days = (as_of - latest).days
            return (
                FALSE,
                f"last {label} {describe_date(latest)}, {days} days before {as_of_text}; needs {need}",
                used,
                (),
            )
        if unknown:
            return UNKNOWN, no_end, used, missing_date
        assert latest is not None
        days = (as_of - latest).days
        return TRUE, f"last {label} {describe_date(latest)}, {days} days before {as_of_text} ({need})", used, ()

    return test
