"""How one answer fared against its question: expected facts, cited criteria and sections, exact quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.evaluation.formats import Question
from assistant.evaluation.text import alternatives, fold
from assistant.types import Answer, Protocol


@dataclass
class QuestionOutcome:
    """One answer scored: problems found, and the counts the answer metrics are drawn from."""

    id: str
    question: str
    kind: str = "design"
    protocol: str = ""
    problems: list[str] = field(default_factory=list)
    should_abstain: bool = False
    abstained: bool = False
    facts_expected: int = 0
    facts_found: int = 0
    citations: int = 0
    citations_exact: int = 0
    citation_gold: bool = False
    """Whether the question names criteria or sections its citations must cover."""
    citation_correct: bool = False
    retrieval_hits: list[bool] = field(default_factory=list)
    """Per rank of the retrieved chunks, whether it holds the gold passage (answerable questions only)."""
    latency_ms: float = 0.0
    route: str = "general"

    @property
    def passed(self) -> bool:
        """No problem found."""
        return not self.problems


def score_answer(item: Question, answer: Answer, protocol: Protocol) -> QuestionOutcome:
    """Check one answer: abstention, expected facts, cited criteria and sections, exact quotes."""
    outcome = QuestionOutcome(item.id, item.question, item.resolved_kind, protocol.id)
    outcome.should_abstain, outcome.abstained = item.abstain, answer.abstained
    cited = answer.citations
    outcome.citations = len(cited)
    for citation in cited:
        if protocol.text[citation.start : citation.end] == citation.quote:
            outcome.citations_exact += 1
        else:
            outcome.problems.append(f"quote is not the protocol's text at {citation.start}-{citation.end}")
    if item.abstain:
        if not answer.abstained or cited:
            outcome.problems.append("expected an abstention with no citation")
        return outcome
    outcome.facts_expected = len(item.facts)
    outcome.citation_gold = bool(item.criteria or item.sections)
    if answer.abstained:
        outcome.problems.append("abstained, but the protocol answers this")
        return outcome
    text = fold(answer.text)
    for fact in item.facts:
        if any(fold(a) in text for a in alternatives(fact)):
            outcome.facts_found += 1
        else:
            outcome.problems.append(f"missing fact {fact!r}")
    ids = {c.criterion_id for c in cited}
    missing_criteria = [cid for cid in item.criteria if cid not in ids]
    outcome.problems.extend(f"does not cite {cid}" for cid in missing_criteria)
    in_sections = not item.sections or any(c.section in item.sections for c in cited)
    if not in_sections:
        outcome.problems.append(f"cites no passage in {item.sections}")
    outcome.citation_correct = outcome.citation_gold and not missing_criteria and in_sections
    return outcome
