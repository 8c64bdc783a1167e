"""Answer fact recall: expected facts found in the answers of answerable questions."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.evaluation.answers import QuestionOutcome


def fact_recall(outcomes: Sequence[QuestionOutcome]) -> float | None:
    """Expected facts found / expected facts, over answerable questions (a wrong abstention finds none)."""
    expected = sum(o.facts_expected for o in outcomes if not o.should_abstain)
    found = sum(o.facts_found for o in outcomes if not o.should_abstain)
    return found / expected if expected else None


def pass_rate(outcomes: Sequence[QuestionOutcome]) -> float | None:
    """Share of questions answered with no problem at all."""
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else None
