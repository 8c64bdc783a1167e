"""Citation metrics: exactness (quotes verbatim) and correctness (the gold criteria and sections cited)."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.evaluation.answers import QuestionOutcome


def exactness(outcomes: Sequence[QuestionOutcome]) -> float | None:
    """Share of all citations whose quote is the protocol's text at its offsets."""
    total = sum(o.citations for o in outcomes)
    return sum(o.citations_exact for o in outcomes) / total if total else None


def correctness(outcomes: Sequence[QuestionOutcome]) -> float | None:
    """Share of answerable questions naming gold criteria or sections whose answer cites all of them."""
    gold = [o for o in outcomes if o.citation_gold and not o.should_abstain]
    return sum(o.citation_correct for o in gold) / len(gold) if gold else None
