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
    seen: dict[str, None] = {}
    for part in parts:
        for item in part:
            seen[item] = None
    return tuple(seen)


def _join(reasons: Sequence[str]) -> str:
    return "; ".join(dict.fromkeys(reasons))


def combine_all(results: Sequence[Result]) -> Result:
    """Conjunction: false if any is false; else unknown if any is unknown; else review if any; else true."""
    used = _merge([r[2] for r in results])
    for wanted in (FALSE, UNKNOWN, REVIEW):
        chosen = [r for r in results if r[0] == wanted]
        if chosen:
            return wanted, _join([r[1] for r in chosen]), used, _merge([r[3] for r in chosen if r[0] == UNKNOWN])
    return TRUE, _join([r[1] for r in results]), used, ()


def combine_any(results: Sequence[Result]) -> Result:
    """Disjunction: true if any is true; else unknown if any is unknown; else review if any; else false."""
    for wanted in (TRUE, UNKNOWN, REVIEW):
        chosen = [r for r in results if r[0] == wanted]
        if chosen:
            if wanted == TRUE:
                return TRUE, chosen[0][1], chosen[0][2], ()
            missing = _merge([r[3] for r in chosen if r[0] == UNKNOWN])
            return wanted, _join([r[1] for r in chosen]), _merge([r[2] for r in results]), missing
    return FALSE, _join([r[1] for r in results]), _merge([r[2] for r in results]), ()


def negate(result: Result) -> Result:
    """Negation: swaps true and false, keeps unknown and review."""
    truth = result[0]
    if truth == TRUE:
        return FALSE, result[1], result[2], result[3]
    if truth == FALSE:
        return TRUE, result[1], result[2], result[3]
    return result
