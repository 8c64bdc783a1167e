"""Evaluators of measurement tests: a value against a threshold or a range, a multiple of the upper
limit of normal, a flag (positive / negative), each of the latest value or, with a window, of the latest
value dated inside it. Thresholds are converted to the concept's canonical unit once, when the rules are
loaded."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from assistant.errors import RulesError, UnitError
from assistant.patient.concepts import Concept
from assistant.patient.facts import Observation
from assistant.patient.units import format_number, from_canonical, normalize_unit
from assistant.patient.units import to_canonical as canonical
from assistant.rules import schema as s
from assistant.rules.context import Evaluator, PatientContext, describe_date
from assistant.rules.ops import COMPARATORS, FALSE, OP_TEXT, TRUE, UNKNOWN, Result, compare_bound
from assistant.rules.windows import cutoffs, delta_of, describe_period, period_of


def observation(
    node: s.ObservationTest, concept: Concept, where: str, negated: bool = False
) -> tuple[Evaluator, frozenset[str]]:
    """The evaluator of ``node`` on ``concept`` (truth swapped with ``negated``) and the facts it reads."""
    test, uses = _latest(node, concept, where, negated)
    if node.within is None:
        return test, uses
    return _windowed(test, concept, node.within), uses


def _windowed(test: Evaluator, concept: Concept, within: s.Duration) -> Evaluator:
    """``test``, run only when the latest value is dated inside ``within`` before ``as_of`` (the window
    includes its first day, as an occurrence's does); an undated or older latest value leaves it unknown,
    with the date of that value and the window in the reason."""
    name, label, window = concept.name, concept.label, within.text()
    cutoff_of = cutoffs(delta_of(within))
    missing = (f"{label} dated within {window} before the check date",)
    none: Result = (UNKNOWN, f"no {label} on record", (), missing)

    def test_within(ctx: PatientContext) -> Result:
        obs = ctx.latest.get(name)
        if obs is None:
            return none
        cutoff = cutoff_of(ctx.as_of)
        if obs.date is None:
            reason = f"latest {label} is undated; a value within {window} of {ctx.as_of_text} is asked for"
            return UNKNOWN, reason, (ctx.describe(obs),), missing
        first, last = (obs.date, obs.date) if obs.dated_to == "day" else period_of(obs.date, obs.dated_to)
        if last < cutoff:
            reason = (
                f"latest {label} dated {describe_date(obs.date)}, before {describe_date(cutoff)}: "
                f"outside {window} of {ctx.as_of_text}"
            )
            return UNKNOWN, reason, (ctx.describe(obs),), missing
        if first < cutoff:
            period = describe_period(first, obs.dated_to)
            reason = f"latest {label} dated to {period} only; the {window} before {ctx.as_of_text} begin inside it"
            return UNKNOWN, reason, (ctx.describe(obs),), missing
        truth, reason, used, lacking = test(ctx)
        return truth, f"{reason} (dated within {window} of {ctx.as_of_text})", used, lacking

    return test_within


def _latest(
    node: s.ObservationTest, concept: Concept, where: str, negated: bool = False
) -> tuple[Evaluator, frozenset[str]]:
    """The evaluator of ``node`` on the latest value of ``concept``."""
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
        place = f"{where}.unit"
        try:
            threshold: float | tuple[float, float] = (
                (canonical(raw[0], node.unit, concept, place), canonical(raw[1], node.unit, concept, place))
                if isinstance(raw, tuple)
                else canonical(raw, node.unit, concept, place)
            )
        except UnitError as exc:
            raise RulesError(str(exc)) from None
        unit_text = f" {node.unit}"
    else:
        threshold, unit_text = raw, ""
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
    exact = (f"{label}, measured rather than bounded",)
    between, low, high, compare_to, limit = _comparison(op, threshold)
    rule_unit = normalize_unit(node.unit) if quantity and node.unit is not None else None

    @lru_cache(maxsize=256)
    def in_rule_unit(unit: str, value: float, stated: float | None, comparator: str | None) -> str | None:
        """The value as restated in the rule's unit ("; 80,000 /mm3"), or None when ``unit`` is the rule's."""
        if rule_unit is None or normalize_unit(unit) == rule_unit:
            return None
        assert node.unit is not None
        shown = format_number(from_canonical(value, node.unit, concept, f"{where}.unit"))
        if stated is not None and shown == format_number(stated):
            return None
        return f"; {comparator + ' ' if comparator else ''}{shown} {node.unit})"

    def restated(obs: Observation, value: float, given: str) -> str:
        """``given`` ("80 10*9/L (undated)") with the value also in the rule's unit when the two differ."""
        if obs.unit is None:
            return given
        tail = in_rule_unit(obs.unit, value, obs.value, obs.comparator)
        return given if tail is None else given[:-1] + tail

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
        given = restated(obs, value, prepared[3]) if quantity else prepared[3]
        if obs.comparator is not None:  # a bound the lab reported ("> 90"): it decides only when it settles the test
            bounded = compare_bound(obs.comparator, value, op, threshold)
            if bounded is None:
                return UNKNOWN, f"{label} {given} is a bound: it may or may not be {shown}", prepared[2], exact
            return (
                (yes if bounded else no),
                f"{label} {given} is {'' if bounded else 'not '}{shown}",
                prepared[2],
                (),
            )
        if (low <= value <= high) if between else compare_to(value, limit):
            return yes, f"{label} {given} is {shown}", prepared[2], ()
        return no, f"{label} {given} is not {shown}", prepared[2], ()

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
    exact = (f"{label}, measured rather than bounded",)
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
        if obs.comparator is not None:  # a bound the lab reported: it decides only when it settles the test
            bounded = compare_bound(obs.comparator, ratio, op, limit)
            if bounded is None:
                return UNKNOWN, f"{label} {given} is a bound: it may or may not be {limit_text}", used, exact
            verdict = yes if bounded else no
            return (
                verdict,
                f"{label} {given} is {obs.comparator} {ratio_text} × ULN, {'' if bounded else 'not '}{limit_text}",
                used,
                (),
            )
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
