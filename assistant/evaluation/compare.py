"""Compare two runs' ``metrics.json``: the value of every metric in each, and the delta."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.validate import read_json


@dataclass(frozen=True, slots=True)
class Delta:
    """One metric in run A and run B."""

    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """B − A, when both measured it."""
        return None if self.a is None or self.b is None else self.b - self.a


def load_metrics(path: Path) -> dict[str, float | None]:
    """The flat metrics of a ``metrics.json`` written by ``eval --report``."""
    data = read_json(path)
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("metrics"), dict):
        raise EvaluationError(f"{path}: not a metrics.json of version 1 (needs version: 1 and metrics)")
    out: dict[str, float | None] = {}
    for key, value in data["metrics"].items():
        if value is not None and not isinstance(value, int | float):
            raise EvaluationError(f"{path}: metrics.{key}: expected a number or null, got {value!r}")
        out[str(key)] = None if value is None else float(value)
    return out


def compare(a: Path, b: Path) -> list[Delta]:
    """Every metric of either run, in name order."""
    ma, mb = load_metrics(a), load_metrics(b)
    return [Delta(m, ma.get(m), mb.get(m)) for m in sorted(set(ma) | set(mb))]


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.4g}" if signed else f"{value:.4g}"


def format_deltas(deltas: list[Delta], a: str = "A", b: str = "B", changed_only: bool = False) -> str:
    """A plain table: metric, A, B, B − A."""
    rows = [d for d in deltas if not changed_only or d.a != d.b]
    width = max([len("metric"), *(len(d.metric) for d in rows)])
    lines = [f"{'metric':<{width}}  {a:>12}  {b:>12}  {'delta':>10}"]
    lines += [f"{d.metric:<{width}}  {_fmt(d.a):>12}  {_fmt(d.b):>12}  {_fmt(d.delta, True):>10}" for d in rows]
    return "\n".join(lines)
