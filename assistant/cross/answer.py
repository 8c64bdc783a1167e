"""Answers to questions about every indexed protocol, one finding per protocol, each citing its criteria.

* ``facts``: the question's values and named concepts make one synthetic patient; in each protocol
  the rules that read one of them are run on it (``check_patient``): a violated criterion means the
  protocol excludes such a patient, all satisfied that it allows them, anything else that it depends
  on more than the question says. A protocol with no rule reading them is searched for criteria that
  name them (cited, for a person to review), else it states nothing on them.
* ``patient``: the patient is checked against every protocol, ranked as ``screen`` ranks them.
* ``search``: retrieval and a quoted answer (or an abstention) in each protocol.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant.check import PatientCheck, check_patient, rules_for
from assistant.cross.question import CrossQuestion, read_cross_question
from assistant.index import ProtocolIndex
from assistant.patient.facts import PatientFacts
from assistant.retrieve import tokens
from assistant.screen.rows import ranked, row_of
from assistant.settings import Settings
from assistant.types import Answer, Citation, Protocol, Statement

FindingVerdict = Literal[
    "allows",
    "excludes",
    "depends",
    "mentions",
    "not_stated",
    "eligible",
    "ineligible",
    "undetermined",
    "quoted",
    "silent",
]
_MAX_CITED = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """What one protocol says on the question."""

    protocol: str
    """Protocol id."""
    title: str
    """Its brief title."""
    verdict: FindingVerdict
    """allows / excludes / depends / mentions / not_stated (facts); eligible / ineligible / undetermined
    (patient); quoted / silent (search)."""
    sentence: str
    """The finding as one sentence."""
    citations: tuple[Citation, ...] = ()
    """The criteria (or passages) it rests on, quoted exactly."""
    rank: int | None = None
    """For a patient question: the protocol's place for this patient (1 is the best prospect)."""

    def to_json(self) -> dict[str, object]:
        """The finding as JSON."""
        return {
            "protocol": self.protocol,
            "title": self.title,
            "verdict": self.verdict,
            "sentence": self.sentence,
            "rank": self.rank,
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True)
class CrossAnswer:
    """The answer to a cross-protocol question: one finding per indexed protocol."""

    question: CrossQuestion
    """What was asked, as read."""
    findings: tuple[Finding, ...]
    """One per protocol, the ones that answer the question first."""
    notes: tuple[str, ...] = field(default=())
    """What the reader should know: what was read from the question, what could not be asked."""

    def to_answer(self) -> Answer:
        """The findings as an answer of cited statements (one per protocol)."""
        statements = tuple(Statement(f.sentence, f.citations) for f in self.findings)
        return Answer(self.question.text, statements, not any(f.citations for f in self.findings), None)

    def to_json(self) -> dict[str, object]:
        """The answer as JSON."""
        return {
            "question": self.question.text,
            "kind": self.question.kind,
            "polarity": self.question.polarity,
            "read": list(self.question.stated),
            "notes": list(self.notes),
            "findings": [f.to_json() for f in self.findings],
        }

    def render_text(self) -> str:
        """The answer for a terminal: one paragraph per protocol, its quotes under it."""
        lines = [f"note: {n}" for n in self.notes]
        for finding in self.findings:
            lines.append(finding.sentence)
            lines += [f"    [{c.criterion_id or c.section}] {' '.join(c.quote.split())}" for c in finding.citations]
        return "\n".join(lines)


def _short(criterion_id: str) -> str:
    return criterion_id.split(":")[-1]


def _names(question: CrossQuestion) -> list[list[str]]:
    """Search terms of every name of what the question is about."""
    from assistant.errors import AssistantError
    from assistant.patient.concepts import load_concepts

    concepts = load_concepts()
    names: set[str] = set()
    for link in question.links:
        names |= {link.matched, link.label}
    for observation in question.facts.observations:
        try:
            concept = concepts.get(observation.concept)
        except AssistantError:
            continue
        names |= {concept.label, *concept.synonyms}
    return [t for t in (tokens(n) for n in names) if t]


def _topics(question: CrossQuestion) -> list[str]:
    """What the question is about, as labels: ``ECOG performance status``, ``brain metastases``, ``age``."""
    from assistant.errors import AssistantError
    from assistant.patient.concepts import load_concepts

    concepts = load_concepts()
    labels = []
    for observation in question.facts.observations:
        try:
            labels.append(concepts.get(observation.concept).label)
        except AssistantError:
            labels.append(observation.concept.replace("_", " "))
    labels += [link.label for link in question.links]
    labels += [name for name in ("age", "sex") if name in question.concepts]
    return list(dict.fromkeys(labels))


def _facts_finding(protocol: Protocol, question: CrossQuestion, as_of: dt.date, settings: Settings) -> Finding:
    rules = rules_for(protocol, settings.corpus_dir)
    concerned = [i for i, rule in enumerate(rules.rules) if rule.uses & question.concepts]
    if not concerned:
        names = _names(question)
        named = [c for c in protocol.criteria if any(set(n) <= set(tokens(c.text)) for n in names)]
        if named:
            ids = ", ".join(_short(c.id) for c in named)
            return Finding(
                protocol.id,
                protocol.title,
                "mentions",
                f"{protocol.id}: criteria {ids} name it, but no executable rule decides them: for a person to review.",
                tuple(protocol.criterion_citation(c.id) for c in named[:_MAX_CITED]),
            )
        about = " or ".join(_topics(question))
        return Finding(protocol.id, protocol.title, "not_stated", f"{protocol.id}: no criterion on {about}.")
    check = check_patient(protocol, question.facts, as_of, rules)
    verdicts = [check.verdicts[i] for i in concerned]
    violated = [v for v in verdicts if v.status == "violated"]
    if violated:
        chosen, verdict = violated, "excludes"
        sentence = f"{protocol.id} excludes it: " + "; ".join(f"{_short(v.criterion_id)} {v.reason}" for v in violated)
    elif all(v.status in ("satisfied", "not_applicable") for v in verdicts):
        chosen, verdict = verdicts, "allows"
        sentence = f"{protocol.id} allows it: " + "; ".join(f"{_short(v.criterion_id)} {v.reason}" for v in verdicts)
    else:
        chosen = [v for v in verdicts if v.status not in ("satisfied", "not_applicable")]
        verdict = "depends"
        sentence = f"{protocol.id} depends on more than the question says: " + "; ".join(
            f"{_short(v.criterion_id)} {v.reason}" for v in chosen
        )
    citations = tuple(protocol.criterion_citation(v.criterion_id) for v in chosen[:_MAX_CITED])
    return Finding(protocol.id, protocol.title, verdict, sentence + ".", citations)  # type: ignore[arg-type]


_ORDER: dict[str, int] = {"allows": 0, "excludes": 0, "depends": 1, "mentions": 2, "not_stated": 3}


def _patient_findings(
    protocols: Sequence[Protocol], patient: PatientFacts, as_of: dt.date, settings: Settings
) -> list[Finding]:
    checks: dict[str, PatientCheck] = {}
    for protocol in protocols:
        checks[protocol.id] = check_patient(protocol, patient, as_of, rules_for(protocol, settings.corpus_dir))
    by_id = {p.id: p for p in protocols}
    findings = []
    for row in ranked([row_of("patient", c) for c in checks.values()]):
        protocol, check = by_id[row.protocol], checks[row.protocol]
        if row.overall == "ineligible":
            cited = [v for v in check.verdicts if v.status == "violated"]
            detail = "not met: " + "; ".join(f"{_short(v.criterion_id)} {v.reason}" for v in cited)
        elif row.overall == "eligible":
            cited = [v for v in check.verdicts if v.status == "satisfied"]
            detail = "every criterion met"
        else:
            cited = [v for v in check.verdicts if v.status == "unknown"] or [
                v for v in check.verdicts if v.status == "needs_review"
            ]
            todo = list(row.to_order) + list(row.to_ask)
            detail = f"{row.unknowns} unknown, {row.needs_review} for review" + (
                f"; to settle: {', '.join(todo[:6])}" if todo else ""
            )
        citations = tuple(protocol.criterion_citation(v.criterion_id) for v in cited[:_MAX_CITED])
        sentence = f"{row.rank}. {protocol.id}: {row.overall} ({detail})."
        findings.append(
            Finding(protocol.id, protocol.title, row.overall or "undetermined", sentence, citations, row.rank)
        )  # type: ignore[arg-type]
    return findings


def _search_finding(question: str, protocol: Protocol, index: ProtocolIndex, settings: Settings) -> Finding:
    from assistant.answer import ask

    answer = ask(question, index, settings, protocol.id)
    if answer.abstained or not answer.citations:
        return Finding(protocol.id, protocol.title, "silent", f"{protocol.id}: the protocol does not say.")
    text = answer.text if answer.text.startswith(protocol.id) else f"{protocol.id}: {answer.text}"
    return Finding(protocol.id, protocol.title, "quoted", text, answer.citations)


def answer_cross(
    question: str | CrossQuestion,
    index: ProtocolIndex,
    settings: Settings,
    as_of: dt.date,
    patient: PatientFacts | None = None,
    protocol_ids: Sequence[str] | None = None,
) -> CrossAnswer:
    """One finding per indexed protocol (or per ``protocol_ids``) on ``question``."""
    asked = question if isinstance(question, CrossQuestion) else read_cross_question(question, as_of)
    ids = list(protocol_ids) if protocol_ids is not None else index.store.ids()
    protocols = [index.store.load(i) for i in ids]
    notes: list[str] = []
    if asked.kind == "patient":
        if patient is None:
            notes.append("No patient: load a FHIR bundle, facts file or note, or state the patient's facts.")
            return CrossAnswer(asked, (), tuple(notes))
        notes.append(f"Checked against {len(protocols)} protocol(s) as of {as_of.isoformat()}; ineligible last.")
        return CrossAnswer(asked, tuple(_patient_findings(protocols, patient, as_of, settings)), tuple(notes))
    if asked.kind == "facts":
        notes.append(f"Read from the question: {'; '.join(asked.stated)}; each protocol's rules run on that alone.")
        findings = [_facts_finding(p, asked, as_of, settings) for p in protocols]
        first = "excludes" if asked.polarity == "exclude" else "allows"
        findings.sort(key=lambda f: (f.verdict != first, _ORDER.get(f.verdict, 4), f.protocol))
        return CrossAnswer(asked, tuple(findings), tuple(notes))
    notes.append("No value or concept read from the question: each protocol was searched for it.")
    findings = [_search_finding(asked.text, p, index, settings) for p in protocols]
    findings.sort(key=lambda f: (f.verdict != "quoted", f.protocol))
    return CrossAnswer(asked, tuple(findings), tuple(notes))
