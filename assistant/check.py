"""The deterministic eligibility checker: one patient, one protocol, a verdict per criterion.

``check_patient`` runs every rule of the protocol over the patient's facts as of one date. A
criterion's status is always from the patient's side — ``satisfied`` means the patient passes it
(for an exclusion criterion: the excluding condition is absent). The overall verdict is
``ineligible`` when any criterion is violated, ``eligible`` only when all are satisfied and
``undetermined`` otherwise; then each unknown criterion lists the data that would settle it.
Missing data is never read as normal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

from assistant.errors import AssistantError, PatientDataError, RulesError
from assistant.patient.facts import Conflict, PatientFacts, Review
from assistant.patient.site_ranges import site_ranges
from assistant.rules.context import Evaluator, context_for
from assistant.rules.groups import resolve
from assistant.rules.load import RuleSet, RulesSource, Statuses, load_rules, rules_path
from assistant.rules.ops import UNKNOWN, Result
from assistant.settings import get_settings
from assistant.types import CriterionType, Overall, Protocol, Status, Verdict

SettleKind = Literal["order", "ask"]


@dataclass(frozen=True, slots=True)
class PatientCheck:
    """The checker's verdicts on one patient for one protocol."""

    protocol: str
    """NCT number of the protocol checked."""
    overall: Overall
    """eligible, ineligible or undetermined."""
    rules_source: RulesSource
    """Whether the rules were a reviewed file or compiled from the criteria text."""
    verdicts: tuple[Verdict, ...]
    """One verdict per criterion, in criterion order."""
    as_of: dt.date
    """The date time windows and ages were computed for."""
    administrative: tuple[str, ...] = ()
    """Ids of the administrative criteria (consent, compliance, logistics), listed apart from clinical review."""
    rules: RuleSet | None = field(default=None, repr=False, compare=False)
    """The rules checked; they tell how each unknown's missing data is obtained (order or ask)."""

    def missing(self) -> dict[str, tuple[str, ...]]:
        """Criterion id → the data that would settle it, for every unknown criterion."""
        return {v.criterion_id: v.missing for v in self.verdicts if v.status == "unknown"}

    def to_settle(self) -> dict[SettleKind, list[str]]:
        """What would settle the unknown criteria, without repeats: data to ``order`` (labs, scores,
        tests) and questions to ``ask`` (history, medications, procedures, age, sex)."""
        groups: dict[SettleKind, list[str]] = {"order": [], "ask": []}
        kinds = _settled_by(self.rules) if self.rules is not None else ()
        for i, verdict in enumerate(self.verdicts):
            if verdict.status == "unknown":
                kind = kinds[i] if i < len(kinds) else "ask"
                groups[kind] += [m for m in verdict.missing if m not in groups[kind]]
        return groups

    def to_json(self) -> dict[str, object]:
        """The check as the JSON contract of ``check --json``."""
        return {
            "protocol": self.protocol,
            "overall": self.overall,
            "rules_source": self.rules_source,
            "as_of": self.as_of.isoformat(),
            "criteria": [v.to_json() for v in self.verdicts],
            "missing": {cid: list(items) for cid, items in self.missing().items()},
            "needs_review": [
                v.criterion_id
                for v in self.verdicts
                if v.status == "needs_review" and v.criterion_id not in self.administrative
            ],
            "administrative": [
                v.criterion_id
                for v in self.verdicts
                if v.status == "needs_review" and v.criterion_id in self.administrative
            ],
            "not_applicable": [v.criterion_id for v in self.verdicts if v.status == "not_applicable"],
            "to_settle": self.to_settle(),
        }


def overall_of(statuses: Iterable[Status]) -> Overall:
    """ineligible if any status is violated; eligible if all are satisfied (or not applicable to the patient);
    undetermined otherwise."""
    seen = set(statuses)
    if "violated" in seen:
        return "ineligible"
    if seen <= {"satisfied", "not_applicable"}:
        return "eligible"
    return "undetermined"


_CACHE: dict[tuple[str, str, str, float], RuleSet] = {}
_PATHS: dict[tuple[str, str], Path] = {}
"""(protocol id, corpus folder) → its rules file path, checked once (``rules_path`` resolves it on disk)."""
_HASHES: dict[tuple[str, str], str] = {}
"""(protocol id, text) → the text's content hash, worked out once (a check should not hash the protocol)."""


def rules_for(protocol: Protocol, corpus_dir: Path | None = None) -> RuleSet:
    """``load_rules`` remembered per protocol text and rules-file version (the file's mtime is read each time,
    so an edited rules file is loaded again)."""
    if corpus_dir is None:
        corpus_dir = get_settings().corpus_dir
    where = (protocol.id, str(corpus_dir))
    path = _PATHS.get(where)
    if path is None:
        path = _PATHS[where] = rules_path(protocol.id, corpus_dir)
    try:
        stamp = path.stat().st_mtime
    except FileNotFoundError:
        stamp = -1.0
    text_key = (protocol.id, protocol.text)
    digest = _HASHES.get(text_key)
    if digest is None:
        digest = _HASHES[text_key] = protocol.content_hash
    key = (protocol.id, digest, where[1], stamp)
    rules = _CACHE.get(key)
    if rules is None:
        rules = _CACHE[key] = load_rules(protocol, corpus_dir)
    return rules


def check_patient(
    protocol: Protocol, facts: PatientFacts, as_of: dt.date, rules: RuleSet | None = None
) -> PatientCheck:
    """Verdicts on every criterion of ``protocol`` for the patient described by ``facts`` on ``as_of``."""
    if rules is None:
        rules = rules_for(protocol)
    if rules.protocol_id != protocol.id:
        raise RulesError(f"rules of {rules.protocol_id} cannot check protocol {protocol.id}")
    ranges = get_settings().site_ranges
    ctx = context_for(facts, as_of, site_ranges(ranges) if ranges is not None else None)
    reviews = _reviews_for(rules, facts) if facts.reviews else {}
    verdicts: list[Verdict] = []
    statuses: set[Status] = set()
    append, add = verdicts.append, statuses.add
    unfrozen, verdict_class = _Unfrozen, Verdict
    conflicted = ctx.conflicts
    stated = ctx.known
    for evaluate, by_truth, criterion_id, kind, text, uses, slot in _steps(rules):
        last = None
        if conflicted and not conflicted.keys().isdisjoint(uses):
            truth, reason, used, missing = _conflict_result(uses, conflicted)
        else:
            if uses.isdisjoint(stated):  # the rule reads none of this patient's facts
                kept = slot[0]
                if kept is not None and kept[0] == as_of and criterion_id not in reviews:
                    add(kept[1].status)
                    append(kept[1])
                    continue
                last = slot
            truth, reason, used, missing = evaluate(ctx)
        status = by_truth[truth]
        if status == "needs_review" and criterion_id in reviews:
            status, reason, used = _reviewed(reviews[criterion_id])
            last = None
        add(status)
        verdict: Any = unfrozen(criterion_id, kind, text, status, reason, used, missing)
        verdict.__class__ = verdict_class  # the same frozen object as Verdict(...), at about half the cost
        append(verdict)
        if last is not None:
            last[0] = (as_of, verdict)
    if rules.groups:
        verdicts = resolve(verdicts, rules.groups)
        statuses = {v.status for v in verdicts}
    return _patient_check(rules, overall_of(statuses), tuple(verdicts), as_of)


def _patient_check(rules: RuleSet, overall: Overall, verdicts: tuple[Verdict, ...], as_of: dt.date) -> PatientCheck:
    """``PatientCheck(...)`` set through its slots (the same frozen object at half the cost)."""
    check = _new(PatientCheck)
    c0, c1, c2, c3, c4, c5, c6 = _CHECK_SLOTS
    c0(check, rules.protocol_id)
    c1(check, overall)
    c2(check, rules.source)
    c3(check, verdicts)
    c4(check, as_of)
    c5(check, rules.administrative)
    c6(check, rules)
    return check


Kept = list[tuple[dt.date, Verdict] | None]
"""A rule's verdict for a patient with none of the facts it reads, with the check date it was made for."""
Step = tuple[Evaluator, Statuses, str, CriterionType, str, frozenset[str], Kept]
"""What the checker's loop reads per rule: (evaluate, statuses, criterion id, type, text, uses, kept), where
``kept`` holds the rule's verdict when it read none of the patient's facts (a patient without them gets the
same verdict: a rule reads only the facts its ``uses`` name)."""
_STEPS: dict[int, tuple[RuleSet, tuple[Step, ...]]] = {}


def _steps(rules: RuleSet) -> tuple[Step, ...]:
    """The loop's steps for ``rules`` (made once per rule set), each with its empty ``kept`` slot."""
    known = _STEPS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    steps: tuple[Step, ...] = tuple(
        (evaluate, by_truth, criterion_id, kind, text, rule.uses, _no_verdict())
        for (evaluate, by_truth, criterion_id, kind, text), rule in zip(rules.plan, rules.rules, strict=True)
    )
    if len(_STEPS) >= 256:
        _STEPS.clear()
    _STEPS[id(rules)] = (rules, steps)
    return steps


_SETTLE: dict[int, tuple[RuleSet, tuple[SettleKind, ...]]] = {}


def _settled_by(rules: RuleSet) -> tuple[SettleKind, ...]:
    """Per rule: ``order`` when everything it reads is an observation (lab, score, test), else ``ask``
    (computed once per rule set)."""
    known = _SETTLE.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    from assistant.patient.concepts import ConceptSet, load_concepts

    concepts = load_concepts()

    def is_observation(name: str, concepts: ConceptSet = concepts) -> bool:
        try:
            return concepts.get(name).kind == "observation"
        except AssistantError:
            return False

    def settle(uses: frozenset[str]) -> SettleKind:
        return "order" if uses and all(is_observation(name) for name in uses) else "ask"

    kinds = tuple(settle(rule.uses) for rule in rules.rules)
    _SETTLE[id(rules)] = (rules, kinds)
    return kinds


def _conflict_result(uses: frozenset[str], conflicted: dict[str, Conflict]) -> Result:
    """Unknown, with what was stated: a criterion that reads a conflicting or unusable fact is never
    decided on one of its values, nor on an older value the statements replaced."""
    from assistant.patient.concepts import load_concepts

    concepts = load_concepts().concepts
    hits = [conflicted[name] for name in sorted(uses) if name in conflicted]
    labels = [concepts[c.concept].label if c.concept in concepts else c.concept.replace("_", " ") for c in hits]
    reason = "not decided: " + "; ".join(c.describe(label) for c, label in zip(hits, labels, strict=True))
    missing = tuple(f"one confirmed {label}" for label in labels)
    return UNKNOWN, reason, (), missing


def _reviews_for(rules: RuleSet, facts: PatientFacts) -> dict[str, Review]:
    """The patient's reviews of this protocol's judgement criteria; a review of a criterion that data
    decides, or of no criterion at all, is an error rather than an override."""
    judgement = [r.criterion_id for r in rules.rules if not r.executable]
    known = {r.criterion_id for r in rules.rules}
    found: dict[str, Review] = {}
    for review in facts.reviews:
        if not review.criterion.startswith(f"{rules.protocol_id}:"):
            continue  # a decision about another protocol's criterion
        if review.criterion not in known:
            raise PatientDataError(f"review of {review.criterion!r}: the protocol has no such criterion")
        if review.criterion not in judgement:
            raise PatientDataError(
                f"review of {review.criterion}: that criterion is decided by data, not by review; "
                f"reviewable: {', '.join(judgement)}"
            )
        found[review.criterion] = review
    return found


def _reviewed(review: Review) -> tuple[Status, str, tuple[str, ...]]:
    """Status, reason and facts_used of a judgement criterion a clinician has decided."""
    when = f" on {review.date.isoformat()}" if review.date else ""
    status: Status = "satisfied" if review.met else "violated"
    reason = f"{'met' if review.met else 'not met'} by review of {review.by}{when}" + (
        f": {review.note}" if review.note else ""
    )
    return status, reason, (f"review {review.criterion} by {review.by}{when}",)


def _no_verdict() -> Kept:
    """The empty ``kept`` slot of a rule."""
    return [None]


class _Unfrozen:
    """A ``Verdict``'s slots without its frozen guard: filled in one call, then given the class ``Verdict``
    (the layouts are the same, so the object is then exactly what ``Verdict(...)`` makes)."""

    __slots__ = Verdict.__slots__

    def __init__(
        self,
        criterion_id: str,
        kind: CriterionType,
        text: str,
        status: Status,
        reason: str,
        facts_used: tuple[str, ...],
        missing: tuple[str, ...],
    ) -> None:
        self.criterion_id = criterion_id
        self.type = kind
        self.text = text
        self.status = status
        self.reason = reason
        self.facts_used = facts_used
        self.missing = missing


if tuple(f.name for f in fields(Verdict)) != _Unfrozen.__slots__:
    raise TypeError("Verdict's fields changed: update check._Unfrozen")

_new = object.__new__
_CHECK_SLOTS = tuple(
    getattr(PatientCheck, name).__set__
    for name in ("protocol", "overall", "rules_source", "verdicts", "as_of", "administrative", "rules")
)
