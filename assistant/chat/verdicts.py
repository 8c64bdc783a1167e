"""The checker's result as cited sentences: every verdict sentence is generated from ``PatientCheck``,
never from a model or from the message's wording."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.check import PatientCheck
from assistant.rules.load import RuleSet
from assistant.types import Protocol, Statement, Status, Verdict

STATUS_WORDS: dict[Status, str] = {
    "satisfied": "met",
    "violated": "NOT met",
    "unknown": "unknown (data missing)",
    "needs_review": "needs review by a person",
    "not_applicable": "does not apply to this patient",
}


def concerned_criteria(rules: RuleSet, stated: Iterable[str]) -> list[str]:
    """Ids of the criteria whose rules read any of the stated fact names (concepts, ``age``, ``sex``)."""
    names = set(stated)
    return [rule.criterion_id for rule in rules.rules if rule.uses & names]


def _short(criterion_id: str) -> str:
    return criterion_id.split(":", 1)[-1]


def overall_sentence(check: PatientCheck, concerned: list[Verdict]) -> str:
    """One sentence on the overall verdict, from the statuses alone."""
    violated = [_short(v.criterion_id) for v in check.verdicts if v.status == "violated"]
    unknown = [v for v in check.verdicts if v.status == "unknown"]
    review = [v for v in check.verdicts if v.status == "needs_review"]
    if check.overall == "ineligible":
        return f"Not eligible: {len(violated)} criterion(s) not met ({', '.join(violated)})."
    if check.overall == "eligible":
        return "Eligible: every criterion is met (or does not apply to this patient) on the data given."
    met = [_short(v.criterion_id) for v in concerned if v.status == "satisfied"]
    start = f"The stated facts meet {', '.join(met)}; " if met else ""
    return (
        f"{start}eligibility is undetermined: no criterion is violated, but {len(unknown)} criterion(s) "
        f"lack data and {len(review)} need review by a person."
    )


def verdict_statements(protocol: Protocol, check: PatientCheck, concerned_ids: list[str]) -> list[Statement]:
    """The overall sentence, then one sentence per concerned criterion quoting it."""
    by_id = {v.criterion_id: v for v in check.verdicts}
    concerned = [by_id[cid] for cid in concerned_ids if cid in by_id]
    # A violated criterion is always shown, concerned or not: it decides the answer.
    concerned += [v for v in check.verdicts if v.status == "violated" and v not in concerned]
    concerned.sort(key=lambda v: check.verdicts.index(v))
    ordered = [v for v in concerned if v.status == "violated"] + [v for v in concerned if v.status != "violated"]
    citations = tuple(protocol.criterion_citation(v.criterion_id) for v in ordered)
    statements = [Statement(overall_sentence(check, concerned), citations)]
    for verdict in concerned:
        quote = " ".join(protocol.criterion(verdict.criterion_id).text.split())
        text = f"{_short(verdict.criterion_id)} “{quote}”: {STATUS_WORDS[verdict.status]} — {verdict.reason}"
        if verdict.status == "unknown" and verdict.missing:
            text += f" Needed: {'; '.join(verdict.missing)}."
        statements.append(Statement(text, (protocol.criterion_citation(verdict.criterion_id),)))
    return statements
