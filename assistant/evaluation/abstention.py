"""Abstention precision and recall: the assistant says the protocol does not say exactly when it does not."""

from __future__ import annotations

from collections.abc import Iterable


def abstention_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """From (should abstain, abstained) pairs: precision = right abstentions / abstentions, recall = right
    abstentions / questions the protocol does not answer."""
    rows = list(pairs)
    abstained = sum(did for _, did in rows)
    should = sum(want for want, _ in rows)
    right = sum(want and did for want, did in rows)
    return {
        "abstention_precision": right / abstained if abstained else None,
        "abstention_recall": right / should if should else None,
    }
