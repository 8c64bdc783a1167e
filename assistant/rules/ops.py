"""The small tables the rule engine runs on: truth values, comparison operators, combinators.

A test of a rule evaluates to a *truth* about the patient — true, false, unknown (data missing) or
review (a person must decide) — together with a reason, the facts it used and what is missing.
Combinators follow three-valued logic, with ``review`` ranked between a decided and an unknown
answer: data could still settle an unknown, so it is reported before a review.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Literal

TRUE = 1
FALSE = 0
UNKNOWN = 2
REVIEW = 3
#: Only the rule wrapper of an entry with ``applies_to`` returns it, never a test: the criterion does not concern
#: the patient (a pregnancy criterion for a male patient). Combinators never see it.
NOT_APPLICABLE = 4

Op = Literal["<", "<=", ">", ">=", "==", "between"]

#: Comparison operators a rule may use, with the function deciding ``value op threshold``.
COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}
OPS: tuple[str, ...] = (*COMPARATORS, "between")
#: How an operator reads in a reason.
OP_TEXT: dict[str, str] = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "between": "between"}

Result = tuple[int, str, tuple[str, ...], tuple[str, ...]]
"""(truth, reason, facts used, missing data)."""


def compare(value: float, op: str, threshold: float | tuple[float, float]) -> bool:
    """``value op threshold``; ``between`` is inclusive at both ends."""
    if op == "between":
        low, high = threshold  # type: ignore[misc]
        return bool(low <= value <= high)
    return COMPARATORS[op](value, threshold)  # type: ignore[arg-type]


def _merge(parts: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    nonempty = [p for p in parts if p]
    if len(nonempty) <= 1:
        return nonempty[0] if nonempty else ()
    seen: dict[str, None] = {}
    for part in parts:
        for item in part:
            seen[item] = None
    return tuple(seen)


def _join(reasons: Sequence[str]) -> str:
    if len(reasons) == 1:
        return reasons[0]
    return "; ".join(dict.fromkeys(reasons))


def combine_all(results: Sequence[Result]) -> Result:
    """Conjunction: false if any is false; else unknown if any is unknown; else review if any; else true."""
    if all(r[0] == TRUE for r in results):
        return TRUE, _join([r[1] for r in results]), _merge([r[2] for r in results]), ()
    false: list[Result] = []
    unknown: list[Result] = []
    review: list[Result] = []
    for r in results:
        truth = r[0]
        if truth == FALSE:
            false.append(r)
        elif truth == UNKNOWN:
            unknown.append(r)
        elif truth == REVIEW:
            review.append(r)
    used = _merge([r[2] for r in results])
    if false:
        return FALSE, _join([r[1] for r in false]), used, ()
    if unknown:
        return UNKNOWN, _join([r[1] for r in unknown]), used, _merge([r[3] for r in unknown])
    if review:
        return REVIEW, _join([r[1] for r in review]), used, ()
    return TRUE, _join([r[1] for r in results]), used, ()


def combine_any(results: Sequence[Result]) -> Result:
    """Disjunction: true if any is true; else unknown if any is unknown; else review if any; else false."""
    unknown: list[Result] = []
    review: list[Result] = []
    for r in results:
        truth = r[0]
        if truth == TRUE:
            return r
        if truth == UNKNOWN:
            unknown.append(r)
        elif truth == REVIEW:
            review.append(r)
    used = _merge([r[2] for r in results])
    if unknown:
        return UNKNOWN, _join([r[1] for r in unknown]), used, _merge([r[3] for r in unknown])
    if review:
        return REVIEW, _join([r[1] for r in review]), used, ()
    return FALSE, _join([r[1] for r in results]), used, ()


_NEGATED = {TRUE: FALSE, FALSE: TRUE, UNKNOWN: UNKNOWN, REVIEW: REVIEW}


def negate(result: Result) -> Result:
    """Negation: swaps true and false, keeps unknown and review."""
    return _NEGATED[result[0]], result[1], result[2], result[3]
