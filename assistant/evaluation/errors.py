"""Typed errors of the evaluation harness."""

from __future__ import annotations

from assistant.errors import AssistantError


class EvaluationError(AssistantError):
    """An evaluation set, manifest, thresholds or metrics file that cannot be used; the message names file and field."""


class ThresholdError(EvaluationError):
    """A thresholds file that does not validate (unknown metric, bad bound)."""
