"""Run evaluation sets on a fresh temporary index: each set's runner, a progress bar, the flat metrics of the run."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from assistant.evaluation.context import RunContext, SetResult
from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.latency import latency_metrics
from assistant.evaluation.manifest import EvalSet
from assistant.evaluation.run_chat import (
    count_patients,
    count_questions,
    count_schedule,
    run_patients,
    run_questions,
    run_schedule,
)
from assistant.evaluation.run_checks import count_notes, count_trialgpt, run_notes, run_trialgpt
from assistant.settings import Settings

Runner = Callable[[EvalSet, RunContext], SetResult]


def _run_chia(spec: EvalSet, ctx: RunContext) -> SetResult:
    from assistant.evaluation.chia import evaluate

    folders = [f for f in spec.files if f.is_dir()]
    if len(folders) != 1:
        raise EvaluationError(f"set {spec.name!r}: a chia set names one folder of brat files in files")
    metrics: dict[str, float | None] = dict(evaluate(folders[0]))
    ctx.tick(1)
    return SetResult(spec.name, spec.kind, metrics)


def _run_bench(spec: EvalSet, ctx: RunContext) -> SetResult:
    from assistant.evaluation.bench import run_bench

    return run_bench(spec, ctx)


RUNNERS: dict[str, tuple[Callable[[EvalSet], int], Runner]] = {
    "questions": (count_questions, run_questions),
    "patients": (count_patients, run_patients),
    "schedule": (count_schedule, run_schedule),
    "notes": (count_notes, run_notes),
    "trialgpt": (count_trialgpt, run_trialgpt),
    "chia": (lambda s: 1, _run_chia),
    "bench": (lambda s: 2, _run_bench),
}


@dataclass
class EvalRun:
    """The results of one run: per set, the latencies per route, and the flat metrics."""

    embedder: str
    backend: str
    results: list[SetResult]
    latencies: dict[str, list[float]]
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat())

    @property
    def metrics(self) -> dict[str, float | None]:
        """``<set>.<metric>`` for every set's figures, and ``latency.<route>.<p50_ms|p95_ms|n>``."""
        flat = {f"{r.name}.{k}": v for r in self.results for k, v in r.metrics.items()}
        flat.update(latency_metrics(self.latencies))
        return flat

    def to_json(self) -> dict[str, Any]:
        """The run as ``metrics.json`` (version 1)."""
        return {
            "version": 1,
            "created": self.created,
            "embedder": self.embedder,
            "backend": self.backend,
            "sets": {
                r.name: {
                    "kind": r.kind,
                    "metrics": r.metrics,
                    "confusion": r.confusion,
                    "recall_curve": {str(k): v for k, v in (r.recall_curve or {}).items()} or None,
                    "details": r.details,
                    **r.extra,
                }
                for r in self.results
            },
            "metrics": self.metrics,
            "latency_ms": {route: [round(v, 2) for v in values] for route, values in self.latencies.items()},
        }


def eval_settings(base: Settings, data_dir: Path, embedder: str, backend: str) -> Settings:
    """The settings of a run: a temporary data dir, the embedder and backend asked for, no audit log."""
    for option, value in (("embedder", embedder), ("backend", backend)):
        choices = get_args(Settings.model_fields[option].annotation)
        if value not in choices:
            raise EvaluationError(f"--{option} {value!r}: valid: {', '.join(choices)}")
    update = {"data_dir": data_dir, "embedder": embedder, "backend": backend, "audit_enabled": False}
    return base.model_copy(update=update)


def run_sets(
    sets: list[EvalSet],
    base: Settings,
    embedder: str = "fake",
    backend: str = "deterministic",
    progress: bool = False,
) -> EvalRun:
    """Every set on a fresh temporary index (never the user's), with a progress bar when ``progress``."""
    from assistant.index import ProtocolIndex

    totals = [RUNNERS[s.kind][0](s) for s in sets]  # also validates every set before anything runs
    with tempfile.TemporaryDirectory(prefix="pa-eval-") as tmp:
        settings = eval_settings(base, Path(tmp) / "data", embedder, backend)
        ctx = RunContext(ProtocolIndex(settings), settings)
        results: list[SetResult] = []
        bar: Any = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=sum(totals), unit="item", desc="evaluating", leave=False)
            ctx.tick = bar.update
        try:
            _warm_up(sets, ctx)
            for spec in sets:
                if bar is not None:
                    bar.set_postfix_str(spec.name)
                results.append(RUNNERS[spec.kind][1](spec, ctx))
        finally:
            if bar is not None:
                bar.close()
    return EvalRun(embedder, backend, results, ctx.latencies)


def _warm_up(sets: list[EvalSet], ctx: RunContext) -> None:
    """Load the embedding model and the chat before anything is timed, so latencies are warm."""
    if any(s.kind in ("questions", "patients", "schedule") for s in sets):
        from assistant.chat.chain import ChatSession

        ctx.index.embedder.embed(["warm-up"])
        ChatSession(ctx.index, ctx.settings)
    if any(s.kind in ("notes", "trialgpt") for s in sets):
        from assistant.patient.note import read_note

        read_note("Warm-up note.", today=dt.date.today())
