"""How read thresholds combine: limits several measurements share, limits stated for two visits, and a
bracket between a measurement and its limit that only restates what is measured."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from assistant.rules.compile.result import Compiled
from assistant.rules.compile.text import abbreviates
from assistant.rules.extract import Threshold

_RESTATING = re.compile(
    r"\s*(?P<remark>\(\s*(?:i\.?\s?e\.?|that\s+is)\s*[,:]?\s*[^()]*\)|\(\s*(?P<short>[A-Za-z][A-Za-z0-9\-]{1,9})\s*,[^()]*\))",
    re.IGNORECASE,
)
"""A bracket between a measurement and its limit that restates what is measured: "granulocyte count (i.e.,
segmented neutrophils + bands) of ≥ 1,500/mm3", "Body Mass Index (BMI, weight in kg divided by the square of
height in meters) of 18.0 to 30.0 kg/m2" (the abbreviation of the name, then how it is computed)."""


def restating(text: str, t: Threshold) -> tuple[int, int] | None:
    """The span of a bracket that restates ``t``'s measurement between its name and its limit, if any."""
    if t.m_end < 0 or t.m_end >= t.start:
        return None
    match = _RESTATING.match(text, t.m_end, t.start)
    if match is None or text[match.end() : t.start].strip(" :=").lower() not in ("", "of", "is", "was", "level"):
        return None
    if match.group("short") is not None and not abbreviates(match.group("short"), t.measurement):
        return None
    return match.span("remark")


SHARED_TEXT = {
    "any": "any of them",
    "all": "each of them",
    "agree": "'and' may ask for each of them or list them (any one excludes): decided where both readings agree, "
    "left for review where only some are beyond the limit",
}


def join_shared(join: str, leaves: list[dict[str, Any]]) -> dict[str, Any]:
    """The test of thresholds sharing one limit: any, each, or — ``agree`` — true when each holds, false when
    none does, for review when only some do."""
    if join != "agree":
        return {join: leaves}
    some = "only some of the values joined by 'and' are beyond the limit: each or any one may be meant"
    return {"any": [{"all": leaves}, {"all": [{"any": leaves}, {"needs_review": some}]}]}


_VISIT = (
    r"(?:the\s+)?(?:time\s+of\s+)?(?:the\s+)?(?:screening|baseline|randomi[sz]ation|enrol?lment|day\s+1|day\s+0)"
    r"(?:\s+visits?)?"
)
_TWO_VISITS = re.compile(
    rf"\b(?:at|on|during)\s+{_VISIT}\s+(?:and|&)\s+(?:(?:at|on|during)\s+)?{_VISIT}", re.IGNORECASE
)
"""Limits a value must meet at two visits: "EASI ≥ 16 at the screening visit and the baseline visit"."""


def at_two_visits(text: str, compiled: Compiled) -> Compiled:
    """The rule of limits stated for two visits: a value that fails them settles it, one that meets them
    leaves the other visit for review."""
    visits = _TWO_VISITS.search(text)
    if visits is None or not compiled.executable:
        return compiled
    pending = f"whether the limits hold at each visit named ({visits.group().strip()!r}): one value is one visit"
    when = {"all": [compiled.when, {"needs_review": pending}]}
    note = (
        f"{compiled.note}; {visits.group().strip()!r}: a value failing the limits settles it, one meeting them does not"
    )
    return dataclasses.replace(compiled, when=when, note=note)
