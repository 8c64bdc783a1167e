"""Criteria stated together: the items under a lead-in ("… one of the following:") and alternatives side by
side ("men age ≥55 years", "women age ≥65 years").

Each criterion is first decided alone; ``resolve`` then reads each group of the rules file (see
``schema.Group``) over those verdicts, innermost lead first:

- ``any``: at least ``at_least`` of the inclusion items are required. Once enough are met the others are
  ``not_applicable`` (not needed); while one that could still be met is open, an item not met is not decisive
  and takes the open status (``unknown`` before ``needs_review``); only when too few can be met are the items
  ``violated``. A lead-in the compiler could not read takes the group's status.
- ``all``: every item is required, as each one's own verdict already says; a lead-in the compiler could not
  read takes the group's status.
- ``examples``: met items make the lead-in met; the other inclusion items are no requirement of their own
  (``not_applicable``), and otherwise the lead-in decides by its own rule.
- ``except``: the items are exceptions to the lead-in, never criteria of their own (``not_applicable``); a
  lead-in that would count against the patient is left for review, as an exception may apply.
- ``definition``: the items define a word of the lead-in ("not of childbearing potential if one of the
  following"); they are no requirement of their own (``not_applicable``).

A criterion's condition *holds* when an inclusion is satisfied or an exclusion violated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.rules.schema import Join
from assistant.types import CriterionType, Status, Verdict


@dataclass(frozen=True, slots=True)
class GroupPlan:
    """A group of a rules file with its criteria as positions in the rule set."""

    lead: int | None
    """Position of the lead-in criterion, or None."""
    members: tuple[int, ...]
    """Positions of the items."""
    join: Join
    """How the items combine (``schema.Group.join``)."""
    at_least: int
    """For ``any`` and ``examples``: how many items make the lead-in met."""
    lead_read: bool
    """True when the lead-in's own rule is executable (it then keeps its own verdict under ``any`` and ``all``)."""
    depth: int
    """How deep the lead-in is nested (inner groups are resolved first)."""


_OPEN: tuple[Status, ...] = ("unknown", "needs_review")


def _holds(verdict: Verdict) -> bool | Status | None:
    """True or False when decided; the open status (unknown, needs_review) when not; None when not applicable."""
    if verdict.status == "not_applicable":
        return None
    if verdict.status in _OPEN:
        return verdict.status
    return (verdict.status == "satisfied") == (verdict.type == "inclusion")


def _status(kind: CriterionType, holds: bool) -> Status:
    return "satisfied" if holds == (kind == "inclusion") else "violated"


def _short(criterion_id: str) -> str:
    return criterion_id.rsplit(":", 1)[-1]


def _names(verdicts: Sequence[Verdict]) -> str:
    return ", ".join(_short(v.criterion_id) for v in verdicts)


def resolve(verdicts: Sequence[Verdict], groups: Sequence[GroupPlan]) -> list[Verdict]:
    """``verdicts`` (one per rule, in rule order) with every group read over them."""
    out = list(verdicts)
    for group in sorted(groups, key=lambda g: -g.depth):
        _RESOLVERS[group.join](out, group)
    return out


def _any(out: list[Verdict], group: GroupPlan) -> None:
    members = [out[i] for i in group.members]
    states = [_holds(v) for v in members]
    met = [v for v, s in zip(members, states, strict=True) if s is True]
    open_ = [v for v, s in zip(members, states, strict=True) if s in _OPEN]
    if all(s is None for s in states):
        return
    need = group.at_least
    rule = _rule(out, group)
    if len(met) >= need:
        for i, v in zip(group.members, members, strict=True):
            if v.type == "inclusion" and _holds(v) is not True:
                out[i] = replace(v, status="not_applicable", reason=f"not needed: {_names(met)} met, and {rule}")
        _lead(out, group, _status(_lead_type(out, group), True), f"met by {_names(met)}: {rule}")
        return
    if len(met) + len(open_) < need:
        _lead(out, group, _status(_lead_type(out, group), False), f"not met by any of them: {rule}")
        return
    status: Status = "unknown" if any(v.status == "unknown" for v in open_) else "needs_review"
    still = f"{_names(open_)} {'is' if len(open_) == 1 else 'are'} still open"
    for i, v in zip(group.members, members, strict=True):
        if v.type == "inclusion" and _holds(v) is False:
            out[i] = replace(v, status=status, reason=f"{v.reason}; not decisive: {rule}, and {still}")
    _lead(out, group, status, f"{rule}; {still}")


def _rule(out: list[Verdict], group: GroupPlan) -> str:
    """What the group asks, in words: "one of I4, I5, I6 is required", "any of E2, E3 excludes"."""
    names = _all_names(out, group)
    lead = out[group.lead] if group.lead is not None else None
    if lead is not None and lead.type == "exclusion" and group.at_least == 1:
        return f"any of {names} excludes"
    wording = "one" if group.at_least == 1 else str(group.at_least)
    return f"{wording} of {names} {'is' if group.at_least == 1 else 'are'} required"


def _all(out: list[Verdict], group: GroupPlan) -> None:
    members = [out[i] for i in group.members]
    states = [_holds(v) for v in members]
    failed = [v for v, s in zip(members, states, strict=True) if s is False]
    open_ = [v for v, s in zip(members, states, strict=True) if s in _OPEN]
    kind = _lead_type(out, group)
    if failed:
        _lead(out, group, _status(kind, False), f"not met: {_names(failed)} of {_all_names(out, group)}")
    elif open_:
        status: Status = "unknown" if any(v.status == "unknown" for v in open_) else "needs_review"
        _lead(out, group, status, f"each of {_all_names(out, group)} is required; {_names(open_)} still open")
    elif any(s is True for s in states):
        _lead(out, group, _status(kind, True), f"met: each of {_all_names(out, group)}")


def _examples(out: list[Verdict], group: GroupPlan) -> None:
    members = [out[i] for i in group.members]
    met = [v for v in members if _holds(v) is True]
    where = _lead_name(out, group)
    for i, v in zip(group.members, members, strict=True):
        if v.type == "inclusion" and _holds(v) is not True:
            out[i] = replace(v, status="not_applicable", reason=f"an example {where} lists, no requirement of its own")
    if len(met) >= group.at_least and group.lead is not None:
        lead = out[group.lead]
        out[group.lead] = replace(
            lead, status=_status(lead.type, True), reason=f"met by {_names(met)}, listed as examples of it"
        )


def _except(out: list[Verdict], group: GroupPlan) -> None:
    where = _lead_name(out, group)
    for i in group.members:
        out[i] = replace(out[i], status="not_applicable", reason=f"an exception to {where}, read with it")
    if group.lead is not None and (lead := out[group.lead]).status == "violated":
        out[group.lead] = replace(
            lead,
            status="needs_review",
            reason=f"{lead.reason}; but {_all_names(out, group)} are exceptions to it: a person decides",
        )


def _definition(out: list[Verdict], group: GroupPlan) -> None:
    where = _lead_name(out, group)
    for i in group.members:
        out[i] = replace(out[i], status="not_applicable", reason=f"part of the definition in {where}, read with it")


def _all_names(out: list[Verdict], group: GroupPlan) -> str:
    return _names([out[i] for i in group.members])


def _lead_name(out: list[Verdict], group: GroupPlan) -> str:
    return _short(out[group.lead].criterion_id) if group.lead is not None else "the criterion above"


def _lead_type(out: list[Verdict], group: GroupPlan) -> CriterionType:
    return out[group.lead].type if group.lead is not None else "inclusion"


def _lead(out: list[Verdict], group: GroupPlan, status: Status, reason: str) -> None:
    """The lead-in the compiler could not read, given the status its items decide (a decided one needs no data;
    an open one keeps what its own rule asks for)."""
    if group.lead is None or group.lead_read:
        return
    lead = out[group.lead]
    missing = lead.missing if status in _OPEN else ()
    out[group.lead] = replace(lead, status=status, reason=reason, missing=missing)


_RESOLVERS = {"any": _any, "all": _all, "examples": _examples, "except": _except, "definition": _definition}
