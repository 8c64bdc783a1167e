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

import portion

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


_BOUNDS: dict[str, Callable[[float], portion.Interval]] = {
    ">": lambda v: portion.open(v, portion.inf),
    ">=": lambda v: portion.closed(v, portion.inf),
    "<": lambda v: portion.open(-portion.inf, v),
    "<=": lambda v: portion.openclosed(-portion.inf, v),
    "==": portion.singleton,
}


def compare_bound(comparator: str, value: float, op: str, threshold: float | tuple[float, float]) -> bool | None:
    """``x op threshold`` for an ``x`` known only as ``x comparator value`` (a lab's "> 90"): True when every such
    ``x`` meets it, False when none does, None when the bound leaves it open."""
    known = _BOUNDS[comparator](value)
    wanted = portion.closed(*threshold) if isinstance(threshold, tuple) else _BOUNDS[op](threshold)
    if known in wanted:
        return True
    if (known & wanted).empty:
        return False
    return None


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    """``items`` in order, each once (small tuples are checked without building a dict)."""
    if len(items) == 2:
        return items[:1] if items[0] == items[1] else items
    if len(set(items)) == len(items):
        return items
    return tuple(dict.fromkeys(items))


def _merge(parts: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The entries of ``parts`` in order, each once."""
    found: tuple[str, ...] = ()
    many = False
    for part in parts:
        if part:
            if found:
                found += part
                many = True
            else:
                found = part
    return _unique(found) if many else found


def _merge2(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """``_merge((first, second))``."""
    if not first:
        return second
    if not second:
        return first
    return _unique(first + second)


def _join(reasons: Sequence[str]) -> str:
    """The reasons in order, each once, separated by ``; ``."""
    count = len(reasons)
    if count == 1:
        return reasons[0]
    if count == 2:
        return _join2(reasons[0], reasons[1])
    if len(set(reasons)) == count:
        return "; ".join(reasons)
    return "; ".join(dict.fromkeys(reasons))


def _join2(first: str, second: str) -> str:
    """``_join((first, second))``."""
    return first if first == second else f"{first}; {second}"


def combine_all(results: Sequence[Result]) -> Result:
    """Conjunction: false if any is false; else unknown if any is unknown; else review if any; else true."""
    if len(results) == 2:
        return combine_two(results[0], results[1])
    worst = TRUE
    for r in results:
        truth = r[0]
        if truth == FALSE:
            worst = FALSE
            break
        if truth == UNKNOWN:
            worst = UNKNOWN
        elif truth == REVIEW and worst != UNKNOWN:
            worst = REVIEW
    used = _merge([r[2] for r in results])
    if worst == TRUE:
        return TRUE, _join([r[1] for r in results]), used, ()
    if worst == UNKNOWN:
        unknown = [r for r in results if r[0] == UNKNOWN]
        return UNKNOWN, _join([r[1] for r in unknown]), used, _merge([r[3] for r in unknown])
    return worst, _join([r[1] for r in results if r[0] == worst]), used, ()


def combine_two(first: Result, second: Result) -> Result:
    """``combine_all((first, second))``, decided without building lists."""
    a, b = first[0], second[0]
    used = _merge2(first[2], second[2])
    if a == b:
        if a == UNKNOWN:
            return UNKNOWN, _join2(first[1], second[1]), used, _merge2(first[3], second[3])
        if a in _DECIDED:
            return a, _join2(first[1], second[1]), used, ()
    for truth in _CONJUNCTION:  # the first of false, unknown, review either one is decides
        if a == truth:
            return truth, first[1], used, first[3] if truth == UNKNOWN else ()
        if b == truth:
            return truth, second[1], used, second[3] if truth == UNKNOWN else ()
    return TRUE, _join2(first[1], second[1]), used, ()


_DECIDED = (TRUE, FALSE, REVIEW)
_CONJUNCTION = (FALSE, UNKNOWN, REVIEW)


def combine_any(results: Sequence[Result]) -> Result:
    """Disjunction: true if any is true; else unknown if any is unknown; else review if any; else false."""
    if len(results) == 2:
        return either(results[0], results[1])
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


def either(first: Result, second: Result) -> Result:
    """``combine_any((first, second))``, decided without building lists."""
    a, b = first[0], second[0]
    if a == TRUE:
        return first
    if b == TRUE:
        return second
    used = _merge2(first[2], second[2])
    if a == UNKNOWN:
        if b == UNKNOWN:
            return UNKNOWN, _join2(first[1], second[1]), used, _merge2(first[3], second[3])
        return UNKNOWN, first[1], used, first[3]
    if b == UNKNOWN:
        return UNKNOWN, second[1], used, second[3]
    if a == REVIEW:
        return REVIEW, _join2(first[1], second[1]) if b == REVIEW else first[1], used, ()
    if b == REVIEW:
        return REVIEW, second[1], used, ()
    return FALSE, _join2(first[1], second[1]), used, ()


NEGATED: dict[int, int] = {TRUE: FALSE, FALSE: TRUE, UNKNOWN: UNKNOWN, REVIEW: REVIEW}
"""Truth → the truth of its negation: true and false swap, unknown and review stay."""


def negate(result: Result) -> Result:
    """Negation: swaps true and false, keeps unknown and review."""
    return NEGATED[result[0]], result[1], result[2], result[3]
