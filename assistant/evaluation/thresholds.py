"""Thresholds from a config file (``eval/thresholds.yaml``): validated against the metric names, checked on a run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.evaluation.errors import ThresholdError
from assistant.evaluation.manifest import EvalSet
from assistant.evaluation.names import LATENCY, METRICS
from assistant.evaluation.validate import read_yaml, validate


class Bounds(BaseModel):
    """Least and greatest values allowed, by metric name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    minimum: dict[str, float] = Field(default_factory=dict)
    maximum: dict[str, float] = Field(default_factory=dict)


class ThresholdsFile(BaseModel):
    """The thresholds file as written: bounds for every run, and bounds added for one embedder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    minimum: dict[str, float] = Field(default_factory=dict)
    maximum: dict[str, float] = Field(default_factory=dict)
    embedders: dict[Literal["fake", "minilm"], Bounds] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Threshold:
    """One bound on one metric."""

    metric: str
    bound: Literal["minimum", "maximum"]
    value: float


@dataclass(frozen=True, slots=True)
class Failure:
    """A metric outside its bound (``value`` None when the run did not measure it)."""

    threshold: Threshold
    value: float | None

    def message(self) -> str:
        """One line naming the metric, its value and the threshold."""
        t = self.threshold
        got = "not measured" if self.value is None else f"{self.value:.4g}"
        word = "below the minimum" if t.bound == "minimum" else "above the maximum"
        return f"{t.metric} = {got}, {word} {t.value:g}"


def valid_metric_names(sets: Mapping[str, EvalSet]) -> list[str]:
    """Every metric name a threshold may use with these sets."""
    return [f"{name}.{m}" for name, s in sets.items() for m in METRICS[s.kind]] + list(LATENCY)


def load_thresholds(path: Path, sets: Mapping[str, EvalSet], embedder: str) -> list[Threshold]:
    """The thresholds that apply with ``embedder``; an unknown metric is a ``ThresholdError`` listing valid ones."""
    raw = validate(str(path), read_yaml(path), ThresholdsFile)
    valid = set(valid_metric_names(sets))
    found: dict[tuple[str, str], Threshold] = {}
    layers: list[tuple[str, Mapping[str, float], Mapping[str, float]]] = [("", raw.minimum, raw.maximum)]
    layers += [(f"embedders.{e}.", b.minimum, b.maximum) for e, b in raw.embedders.items()]
    for prefix, minimum, maximum in layers:
        for bound, table in (("minimum", minimum), ("maximum", maximum)):
            for metric, value in table.items():
                if metric not in valid:
                    raise ThresholdError(_unknown(path, f"{prefix}{bound}", metric, sets))
                if prefix and prefix != f"embedders.{embedder}.":
                    continue
                found[(metric, bound)] = Threshold(metric, bound, value)  # type: ignore[arg-type]
    return list(found.values())


def _unknown(path: Path, where: str, metric: str, sets: Mapping[str, EvalSet]) -> str:
    set_name, _, name = metric.partition(".")
    if set_name in sets:
        names = ", ".join(METRICS[sets[set_name].kind])
        return f"{path}: {where}: unknown metric {metric!r}; valid metrics of set {set_name!r}: {names}"
    return (
        f"{path}: {where}: unknown metric {metric!r}; valid: <set>.<metric> with set one of "
        f"{', '.join(sets)}, or {', '.join(LATENCY)}"
    )


def applicable(thresholds: list[Threshold], metrics: Mapping[str, float | None], sets_run: set[str]) -> list[Threshold]:
    """The thresholds a run is held to: those of the sets it ran, and the latencies of the routes it timed."""
    out = []
    for t in thresholds:
        set_name = t.metric.split(".")[0]
        if set_name == "latency" and t.metric in metrics or set_name in sets_run:
            out.append(t)
    return out


def check_thresholds(
    thresholds: list[Threshold], metrics: Mapping[str, float | None], sets_run: set[str]
) -> list[Failure]:
    """The thresholds a run misses; thresholds of sets that were not run are skipped."""
    failures = []
    for t in applicable(thresholds, metrics, sets_run):
        value = metrics.get(t.metric)
        if value is None or (value < t.value if t.bound == "minimum" else value > t.value):
            failures.append(Failure(t, value))
    return failures
