"""The metric names each kind of set reports, and the latency metrics; thresholds may name only these."""

from __future__ import annotations

_VERDICTS = ("criterion_accuracy", "coverage", "precision_committed", "violation_recall", "overall_accuracy")

METRICS: dict[str, tuple[str, ...]] = {
    "questions": (
        "recall@1",
        "recall@3",
        "recall@5",
        "recall@10",
        "citation_exactness",
        "citation_correctness",
        "fact_recall",
        "pass_rate",
        "abstention_precision",
        "abstention_recall",
        "questions",
    ),
    "patients": (*_VERDICTS, "route_accuracy", "cases"),
    "schedule": ("date_accuracy", "route_accuracy", "windows"),
    "notes": (*_VERDICTS, "pairs"),
    "trialgpt": (*_VERDICTS, "labels", "matched_share"),
    "chia": (
        "criteria",
        "gold_thresholds",
        "gold_without_number",
        "extracted",
        "extracted_not_scored",
        "correct",
        "precision",
        "recall",
        "exec_produced",
        "exec_correct",
        "exec_precision",
        "exec_recall",
    ),
    "bench": (
        "checks_per_second",
        "checks_per_second_median",
        "microseconds_per_check",
        "checks_per_second_context_reused",
        "checks_per_second_context_reused_median",
        "criteria_per_check",
        "protocols",
        "chunks",
        "raw_embed_chunks_per_s",
        "ingest_chunks_per_s",
        "ingest_vs_raw_ratio",
        "reingest_unchanged_s",
        "reingest_embedded",
    ),
}
ROUTES: tuple[str, ...] = ("general", "patient", "schedule", "note")
LATENCY: tuple[str, ...] = tuple(f"latency.{r}.{q}" for r in ROUTES for q in ("p50_ms", "p95_ms", "n"))
