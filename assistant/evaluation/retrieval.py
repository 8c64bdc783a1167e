"""Retrieval recall@k: whether the gold criterion (else an expected fact) is among the first k passages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.evaluation.formats import Question
from assistant.evaluation.text import alternatives, fold

KS: tuple[int, ...] = (1, 3, 5, 10)


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved span of a protocol's canonical text."""

    start: int
    end: int
    text: str


def is_hit(item: Question, passage: Passage, spans: dict[str, tuple[int, int]]) -> bool:
    """Whether the passage overlaps the question's gold criterion, else holds one of its expected facts."""
    gold = [spans[c] for c in item.criteria if c in spans]
    if gold:
        return any(passage.start < end and start < passage.end for start, end in gold)
    text = fold(passage.text)
    return any(fold(a) in text for fact in item.facts for a in alternatives(fact) if len(a) > 3)


def hits(item: Question, passages: Sequence[Passage], spans: dict[str, tuple[int, int]]) -> list[bool]:
    """Per rank, whether that passage is a hit."""
    return [is_hit(item, p, spans) for p in passages]


def recall_at(rows: Sequence[Sequence[bool]], k: int) -> float | None:
    """Share of questions with a hit among their first ``k`` passages (None with no question)."""
    return sum(any(r[:k]) for r in rows) / len(rows) if rows else None


def recall_curve(rows: Sequence[Sequence[bool]], ks: Sequence[int] = KS) -> dict[int, float | None]:
    """recall@k for every k of ``ks``."""
    return {k: recall_at(rows, k) for k in ks}
