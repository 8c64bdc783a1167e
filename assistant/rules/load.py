"""Load a protocol's rules: the reviewed file in the corpus if there is one, else compiled rules.

``load_rules(protocol)`` validates the file (keys, operators, concepts, units), checks it against
the protocol (one rule per criterion, quoting its text exactly) and compiles every rule into an
evaluator once, so checks only run closures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from assistant.errors import RulesError
from assistant.limits import load_yaml
from assistant.patient.concepts import ConceptSet, load_concepts
from assistant.rules.context import Evaluator, PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.groups import GroupPlan
from assistant.rules.ops import NOT_APPLICABLE, Result
from assistant.rules.schema import AppliesTo, Category, Group, RulesDocument, parse_document, parse_node
from assistant.settings import get_settings
from assistant.types import CriterionType, Protocol, Status

RulesSource = Literal["reviewed", "compiled"]
# Status of a criterion by the truth of its rule (indexed FALSE, TRUE, UNKNOWN, REVIEW, NOT_APPLICABLE):
# "satisfied" is always from the patient's side, so an exclusion criterion whose condition is true is violated.
Statuses = tuple[Status, Status, Status, Status, Status]
_INCLUSION: Statuses = ("violated", "satisfied", "unknown", "needs_review", "not_applicable")
_EXCLUSION: Statuses = ("satisfied", "violated", "unknown", "needs_review", "not_applicable")


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One criterion's rule, ready to run."""

    criterion_id: str
    """Id of the criterion it encodes."""
    type: CriterionType
    """Inclusion or exclusion (from the protocol)."""
    text: str
    """The criterion text, verbatim."""
    evaluate: Evaluator
    """The condition the criterion describes, as a function of a PatientContext."""
    uses: frozenset[str]
    """Names of the facts the rule may read: concepts, ``age``, ``sex``."""
    executable: bool
    """False when the rule is only ``needs_review``."""
    statuses: Statuses
    """Criterion status for each truth value of ``evaluate`` (false, true, unknown, review, not applicable)."""
    category: Category | None = None
    """``administrative`` for consent, compliance and logistics criteria."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A protocol's rules, compiled."""

    protocol_id: str
    """NCT number."""
    source: RulesSource
    """Reviewed rules file, or rules drafted by the compiler."""
    rules: tuple[CompiledRule, ...]
    """One rule per criterion, in criterion order."""
    document: RulesDocument
    """The validated rules document they were compiled from."""
    path: str | None = None
    """File the rules were read from, if any."""
    plan: tuple[tuple[Evaluator, Statuses, str, CriterionType, str], ...] = ()
    """(evaluate, statuses, criterion id, type, text) per rule: what the checker's loop reads."""
    administrative: tuple[str, ...] = ()
    """Ids of the administrative criteria (consent, compliance, logistics)."""
    groups: tuple[GroupPlan, ...] = ()
    """Criteria stated together (items under a lead-in, alternatives), read over the verdicts of their rules."""


def rules_path(protocol_id: str, corpus_dir: Path) -> Path:
    """Where the reviewed rules of a protocol live: inside ``corpus_dir`` only (ProtocolIdError otherwise)."""
    from assistant.ids import corpus_file

    return corpus_file(corpus_dir, protocol_id, ".rules.yaml")


def read_rules_document(path: Path) -> RulesDocument:
    """The validated document in a rules file (YAML or JSON)."""
    try:
        with path.open(encoding="utf-8") as handle:
            raw = load_yaml(handle.read(), get_settings(), str(path))
    except OSError as exc:
        raise RulesError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: not valid YAML: {exc}") from None
    return parse_document(raw, str(path))


def compile_document(
    document: RulesDocument,
    protocol: Protocol,
    source: RulesSource,
    concepts: ConceptSet | None = None,
    where: str = "rules",
    path: str | None = None,
) -> RuleSet:
    """Check ``document`` against ``protocol`` and compile every rule."""
    concepts = concepts or load_concepts()
    if document.protocol != protocol.id:
        raise RulesError(f"{where}: protocol {document.protocol!r} does not match {protocol.id!r}")
    by_id = {}
    for i, entry in enumerate(document.rules):
        if entry.criterion in by_id:
            raise RulesError(f"{where}: rules[{i}]: a second rule for {entry.criterion}")
        by_id[entry.criterion] = (i, entry)
    known = {c.id for c in protocol.criteria}
    stray = [cid for cid in by_id if cid not in known]
    if stray:
        raise RulesError(f"{where}: rules for criteria the protocol does not have: {', '.join(stray)}")
    missing = [c.id for c in protocol.criteria if c.id not in by_id]
    if missing:
        raise RulesError(f"{where}: no rule for criteria {', '.join(missing)}; every criterion needs one")
    compiled = []
    for criterion in protocol.criteria:
        i, entry = by_id[criterion.id]
        place = f"{where}: rules[{i}] ({criterion.id})"
        if entry.text != criterion.text:
            raise RulesError(f"{place}.text: {entry.text!r} is not the criterion's text {criterion.text!r}")
        if entry.type is not None and entry.type != criterion.type:
            raise RulesError(f"{place}.type: {entry.type!r}, but the criterion is {criterion.type!r}")
        node = parse_node(entry.when, f"{place}.when")
        evaluate, uses = compile_node(node, concepts, f"{place}.when")
        if entry.applies_to is not None:
            evaluate, uses = _applies_to(evaluate, entry.applies_to), uses | {"sex"}
        compiled.append(
            CompiledRule(
                criterion_id=criterion.id,
                type=criterion.type,
                text=criterion.text,
                evaluate=evaluate,
                uses=uses,
                executable=set(entry.when) != {"needs_review"},
                statuses=_INCLUSION if criterion.type == "inclusion" else _EXCLUSION,
                category=entry.category,
            )
        )
    plan = tuple((r.evaluate, r.statuses, r.criterion_id, r.type, r.text) for r in compiled)
    administrative = tuple(r.criterion_id for r in compiled if r.category == "administrative")
    groups = _group_plans(document.groups, compiled, where)
    return RuleSet(protocol.id, source, tuple(compiled), document, path, plan, administrative, groups)


def _group_plans(groups: tuple[Group, ...], rules: list[CompiledRule], where: str) -> tuple[GroupPlan, ...]:
    """The groups with their criteria as positions; an unknown id, or an item in two groups, is an error."""
    position = {r.criterion_id: i for i, r in enumerate(rules)}
    owner: dict[str, int] = {}
    for n, group in enumerate(groups):
        for field, ids in (("lead", (group.lead,) if group.lead else ()), ("members", group.members)):
            for cid in ids:
                if cid not in position:
                    raise RulesError(f"{where}: groups[{n}].{field}: {cid!r} is not a criterion of the protocol")
        for cid in group.members:
            if cid in owner:
                raise RulesError(f"{where}: groups[{n}].members: {cid} is already an item of groups[{owner[cid]}]")
            owner[cid] = n

    def depth(group: Group, seen: tuple[int, ...] = ()) -> int:
        parent = owner.get(group.lead) if group.lead else None
        if parent is None or parent in seen:
            return 0
        return 1 + depth(groups[parent], (*seen, parent))

    return tuple(
        GroupPlan(
            lead=position[group.lead] if group.lead else None,
            members=tuple(position[cid] for cid in group.members),
            join=group.join,
            at_least=group.at_least,
            lead_read=group.lead is not None and rules[position[group.lead]].executable,
            depth=depth(group),
        )
        for group in groups
    )


def _applies_to(evaluate: Evaluator, applies: AppliesTo) -> Evaluator:
    """``evaluate`` for the patients the criterion concerns; NOT_APPLICABLE for a patient of another recorded sex."""
    wanted = frozenset(applies.sex)
    shown = " or ".join(applies.sex)

    def test(ctx: PatientContext) -> Result:
        if ctx.sex is None or ctx.sex in wanted:
            return evaluate(ctx)
        return NOT_APPLICABLE, f"concerns {shown} patients only; sex {ctx.sex}", (f"sex = {ctx.sex}",), ()

    return test


def load_rules_file(path: Path, protocol: Protocol, concepts: ConceptSet | None = None) -> RuleSet:
    """The reviewed rules in ``path``, compiled for ``protocol``."""
    document = read_rules_document(path)
    if document.status != "reviewed":
        raise RulesError(
            f"{path}: status is {document.status!r}; only a reviewed file is used (set status: reviewed after review)"
        )
    return compile_document(document, protocol, "reviewed", concepts, str(path), str(path))


def load_rules(protocol: Protocol, corpus_dir: Path | None = None) -> RuleSet:
    """The protocol's reviewed rules from ``corpus_dir`` if present, else rules compiled from its criteria."""
    if corpus_dir is None:
        from assistant.settings import get_settings

        corpus_dir = get_settings().corpus_dir
    path = rules_path(protocol.id, corpus_dir)
    if path.exists():
        return load_rules_file(path, protocol)
    from assistant.rules.compile import draft_rules

    document = draft_rules(protocol)
    return compile_document(document, protocol, "compiled", where=f"compiled rules of {protocol.id}")
