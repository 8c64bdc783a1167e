"""Criterion-level and overall verdict metrics: accuracy, coverage, precision when committing, violation recall,
and the confusion table (label × prediction)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.check import overall_of
from assistant.types import Overall

STATUSES: tuple[str, ...] = ("satisfied", "violated", "unknown", "not_applicable", "needs_review")
COMMITTED: frozenset[str] = frozenset({"satisfied", "violated", "not_applicable"})


def overall_of_labels(statuses: Iterable[str]) -> Overall:
    """ineligible if any is violated; eligible if all are satisfied or not_applicable; undetermined otherwise."""
    return overall_of(statuses)  # type: ignore[arg-type]


@dataclass(slots=True)
class Tally:
    """Counts over a set of criterion–patient pairs and the figures drawn from them."""

    pairs: int = 0
    agreed: int = 0
    committed: int = 0
    correct_committed: int = 0
    violated_labels: int = 0
    violated_caught: int = 0
    missing_predictions: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(label, prediction) → pairs."""

    def add(self, label: str, prediction: str, missing: bool = False) -> None:
        """Count one pair."""
        self.pairs += 1
        self.agreed += label == prediction
        self.missing_predictions += missing
        self.confusion[(label, prediction)] += 1
        if prediction in COMMITTED:
            self.committed += 1
            self.correct_committed += prediction == label
        if label == "violated":
            self.violated_labels += 1
            self.violated_caught += prediction == "violated"

    @property
    def accuracy(self) -> float | None:
        """Pairs whose prediction equals the label / pairs."""
        return self.agreed / self.pairs if self.pairs else None

    @property
    def coverage(self) -> float | None:
        """Committed predictions (satisfied, violated, not_applicable) / pairs."""
        return self.committed / self.pairs if self.pairs else None

    @property
    def precision(self) -> float | None:
        """Committed predictions equal to the label / committed predictions."""
        return self.correct_committed / self.committed if self.committed else None

    @property
    def violation_recall(self) -> float | None:
        """Violated labels predicted violated / violated labels."""
        return self.violated_caught / self.violated_labels if self.violated_labels else None

    def matrix(self) -> dict[str, dict[str, int]]:
        """The confusion table as label → prediction → pairs, every status on both axes."""
        return {label: {pred: self.confusion[(label, pred)] for pred in STATUSES} for label in STATUSES}

    def to_json(self) -> dict[str, object]:
        """Counts, figures and the non-empty rows of the confusion table."""
        return {
            "pairs": self.pairs,
            "committed": self.committed,
            "accuracy": self.accuracy,
            "coverage": self.coverage,
            "precision": self.precision,
            "violated_labels": self.violated_labels,
            "violation_recall": self.violation_recall,
            "missing_predictions": self.missing_predictions,
            "confusion": {
                label: {pred: n for (lab, pred), n in sorted(self.confusion.items()) if lab == label}
                for label in STATUSES
                if any(lab == label for lab, _ in self.confusion)
            },
        }


@dataclass(slots=True)
class VerdictScores:
    """Criterion-level tally and overall-verdict agreement of one set."""

    criteria: Tally = field(default_factory=Tally)
    administrative: Tally = field(default_factory=Tally)
    cases: int = 0
    overall_agreed: int = 0

    def add_case(self, expected_overall: str, predicted_overall: str) -> None:
        """Count one case's overall verdict."""
        self.cases += 1
        self.overall_agreed += expected_overall == predicted_overall

    def metrics(self) -> dict[str, float | None]:
        """The set's verdict figures, by metric name."""
        t = self.criteria
        return {
            "criterion_accuracy": t.accuracy,
            "coverage": t.coverage,
            "precision_committed": t.precision,
            "violation_recall": t.violation_recall,
            "overall_accuracy": self.overall_agreed / self.cases if self.cases else None,
        }
