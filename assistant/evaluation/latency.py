"""Latency percentiles per route (general, patient, schedule questions through the chat; notes read and checked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) by the nearest rank of the sorted values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency_metrics(latencies: Mapping[str, Sequence[float]]) -> dict[str, float | None]:
    """``latency.<route>.p50_ms``, ``.p95_ms`` and ``.n`` for every route timed."""
    out: dict[str, float | None] = {}
    for route, values in sorted(latencies.items()):
        if values:
            out[f"latency.{route}.p50_ms"] = percentile(values, 0.5)
            out[f"latency.{route}.p95_ms"] = percentile(values, 0.95)
            out[f"latency.{route}.n"] = float(len(values))
    return out
