"""``protocol-assistant eval``: run the evaluation sets, write the report, check the thresholds, compare two runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli import app, fail, friendly
from assistant.settings import get_settings


def _default_eval_dir() -> Path:
    """The evaluation folder shipped beside the corpus (``eval/``)."""
    return get_settings().corpus_dir.parent / "eval"


def _print_metrics(metrics: dict[str, float | None]) -> None:
    width = max((len(k) for k in metrics), default=6)
    for key, value in metrics.items():
        shown = "—" if value is None else (f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}")
        typer.echo(f"{key:<{width}}  {shown:>10}")


@app.command("eval")
@friendly
def evaluate(
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="A set of the manifest (repeatable); default: the default sets.")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Folder to write report.md, metrics.json and the plots into.")
    ] = None,
    backend: Annotated[str, typer.Option("--backend", help="Who phrases answers (PA_BACKEND's values).")] = (
        "deterministic"
    ),
    embedder: Annotated[str, typer.Option("--embedder", help="fake (fast hashing) or minilm (the real model).")] = (
        "fake"
    ),
    manifest: Annotated[
        Path | None, typer.Option("--sets", help="The manifest of sets; default eval/sets.yaml.")
    ] = None,
    thresholds: Annotated[
        Path | None, typer.Option("--thresholds", help="Thresholds file; default eval/thresholds.yaml.")
    ] = None,
    compare: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--compare", help="Two metrics.json files: print each metric and the delta B − A.", metavar="A B"),
    ] = None,
    changed_only: Annotated[bool, typer.Option("--changed", help="With --compare: only metrics that differ.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar and no metric table.")] = False,
) -> None:
    """Evaluate the assistant on its sets; exit 1 naming each metric below its threshold."""
    from assistant.evaluation.compare import compare as compare_runs
    from assistant.evaluation.compare import format_deltas

    if compare is not None:
        a, b = compare
        typer.echo(format_deltas(compare_runs(a, b), a.stem if a.stem != b.stem else "A", "B", changed_only))
        return
    from assistant.evaluation.manifest import load_manifest, select
    from assistant.evaluation.report import write_report
    from assistant.evaluation.runner import run_sets
    from assistant.evaluation.thresholds import applicable, check_thresholds, load_thresholds

    eval_dir = _default_eval_dir()
    declared = load_manifest(manifest or eval_dir / "sets.yaml")
    chosen = select(declared, sets)
    limits = load_thresholds(thresholds or eval_dir / "thresholds.yaml", declared, embedder)
    run = run_sets(chosen, get_settings(), embedder=embedder, backend=backend, progress=not quiet)
    metrics = run.metrics
    ran = {s.name for s in chosen}
    limits = applicable(limits, metrics, ran)
    failures = check_thresholds(limits, metrics, ran)
    if not quiet:
        _print_metrics(metrics)
    if report is not None:
        written = write_report(run, report, declared, limits, failures)
        typer.echo(f"report: {', '.join(str(p) for p in written)}")
    if failures:
        for failure in failures:
            typer.echo(f"threshold missed: {failure.message()}", err=True)
        fail(f"{len(failures)} metric(s) missed their threshold", code=1)
    typer.echo(f"{len(limits)} threshold(s) checked, all met" if limits else "no thresholds given")
