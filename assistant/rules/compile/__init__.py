"""Draft a rules file from criterion text; whatever the compiler cannot read is needs_review.

Readers, tried in order, each in its own module: pregnancy, lactation and contraception
(``demographics``: they concern female patients only, ``applies_to``); sex; age in every common
form; washouts ("At least 4 weeks since prior X"); conditions, medications and procedures present,
absent, at any time ("history of") or in a window, alone or in lists (``occurrence``); thresholds
of the vocabulary's measurements (``thresholds``). Concepts come from the linker (``linking``), and
every rule's note quotes the criterion and names each linked concept with its code. A criterion is
executable only when every word of it is accounted for; otherwise the draft says what it read and
marks it ``needs_review``. Consent, compliance and logistics criteria are ``needs_review`` with
``category: administrative``. The compiler never guesses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import yaml

from assistant.patient.concepts import ConceptSet, load_concepts
from assistant.rules.compile import grammar as g
from assistant.rules.compile.abbreviations import expand, expansion_note, protocol_abbreviations
from assistant.rules.compile.clauses import read_clauses
from assistant.rules.compile.conditional_limits import read_conditional_limit
from assistant.rules.compile.demographics import read_age, read_reproductive, read_sex
from assistant.rules.compile.groups import draft_groups
from assistant.rules.compile.occurrence import read_occurrence, read_since
from assistant.rules.compile.planned import read_planned
from assistant.rules.compile.result import Compiled, review
from assistant.rules.compile.results import read_negative_test
from assistant.rules.compile.text import clean
from assistant.rules.compile.thresholds import read_thresholds
from assistant.rules.schema import Group, RuleEntry, RulesDocument
from assistant.types import Criterion, CriterionType, Protocol

__all__ = [
    "GENERATOR",
    "Compiled",
    "compile_criterion",
    "compile_rule",
    "draft_rules",
    "dump_rules",
    "protocol_abbreviations",
]

GENERATOR = "assistant.rules.compile"


def _administrative(text: str) -> bool:
    lowered = text.lower()
    return any(cue in lowered for cue in g.ADMINISTRATIVE)


def compile_rule(
    criterion: Criterion, concepts: ConceptSet | None = None, abbreviations: Mapping[str, str] | None = None
) -> Compiled:
    """What the compiler makes of one criterion: its ``when`` tree, note, kind, ``applies_to`` and category.
    ``abbreviations`` (short → long form, as the protocol defines them: ``protocol_abbreviations``) are
    read where the criterion uses them bare, when the criterion does not read without them."""
    concepts = concepts or load_concepts()
    text = clean(criterion.text)
    compiled = _compile_text(text, criterion.type, concepts)
    if compiled.executable or not abbreviations:
        return compiled
    expanded, used = expand(text, abbreviations)
    if not used:
        return compiled
    again = _compile_text(expanded, criterion.type, concepts)
    if again.executable or (compiled.kind == "unread" and again.kind != "unread"):
        return replace(again, note=f"{expansion_note(used)}; {again.note}")
    return compiled


def _compile_text(text: str, criterion_type: CriterionType, concepts: ConceptSet, whole: bool = True) -> Compiled:
    """The first reader's executable reading of ``text``; else, for a whole criterion (not one of its
    clauses), its clauses each read alone; else the most telling review."""
    best: Compiled | None = None
    readers = (
        lambda: read_reproductive(text, concepts),
        lambda: read_sex(text),
        lambda: read_age(text),
        lambda: read_planned(text, concepts),
        lambda: read_since(text, concepts),
        lambda: read_negative_test(text, concepts),
        lambda: read_occurrence(text, concepts),
        lambda: read_conditional_limit(text, concepts, criterion_type),
        lambda: read_thresholds(text, concepts, criterion_type),
    )
    administrative = _administrative(text)
    for reader in readers:
        found = reader()
        if found is None or (found.narrowed and administrative):  # "noncompliance to regimens" is logistics
            continue
        if found.executable or found.applies_to is not None:
            return found
        if best is None or (best.kind == "unread" and found.kind != "unread"):
            best = found
    if whole and not administrative:
        clauses = read_clauses(text, criterion_type, lambda part: _compile_text(part, criterion_type, concepts, False))
        if clauses is not None:
            return clauses
    if administrative:
        return Compiled(
            {"needs_review": "consent, compliance or logistics: decided by the study team, not by patient data"},
            "administrative",
            "administrative",
            category="administrative",
        )
    judged = _judgement(text) if whole and (best is None or best.kind == "unread") else None
    if judged is not None:
        return review(
            f"the investigator's judgement decides it ({judged!r}): no patient data settles it",
            "judgement",
            "judgement",
        )
    return best or review("no pattern of the rule compiler reads this criterion", "not read")


def _judgement(text: str) -> str | None:
    """The words handing an unread criterion to the investigator's judgement, if any."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    return next((cue for cue in g.JUDGEMENT if cue in lowered), None)


def compile_criterion(criterion: Criterion, concepts: ConceptSet | None = None) -> tuple[dict[str, Any], str]:
    """The ``when`` tree for one criterion and a note on how it was read (or why it needs review)."""
    compiled = compile_rule(criterion, concepts)
    return compiled.when, compiled.note


def draft_rules(protocol: Protocol, concepts: ConceptSet | None = None) -> RulesDocument:
    """A draft rules document for every criterion of ``protocol``; status ``draft`` until a person reviews it."""
    concepts = concepts or load_concepts()
    abbreviations = protocol_abbreviations(protocol.text)
    entries = []
    for criterion in protocol.criteria:
        compiled = compile_rule(criterion, concepts, abbreviations)
        entries.append(
            RuleEntry.model_validate(
                {
                    "criterion": criterion.id,
                    "text": criterion.text,
                    "type": criterion.type,
                    "when": compiled.when,
                    "note": compiled.note,
                    "applies_to": compiled.applies_to,
                    "category": compiled.category,
                }
            )
        )
    return RulesDocument(
        protocol=protocol.id,
        status="draft",
        generated_by=GENERATOR,
        notes="Drafted from the criteria text; check every rule, then set status: reviewed.",
        rules=tuple(entries),
        groups=tuple(Group.model_validate(group) for group in draft_groups(protocol)),
    )


def dump_rules(document: RulesDocument) -> str:
    """A rules document as YAML, in the layout of the reviewed files."""
    data = document.model_dump(exclude_none=True)
    if not data["groups"]:
        del data["groups"]
    for group in data.get("groups", []):
        if group["at_least"] == 1:
            del group["at_least"]
    for rule in data["rules"]:
        if "applies_to" in rule:
            rule["applies_to"] = {"sex": list(rule["applies_to"]["sex"])}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
