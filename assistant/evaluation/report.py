"""The report of a run: ``metrics.json``, ``report.md`` and the PNG plots, written into one folder."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evaluation.manifest import EvalSet
from assistant.evaluation.plots import confusion_plot, latency_plot, recall_plot
from assistant.evaluation.runner import EvalRun
from assistant.evaluation.thresholds import Failure, Threshold


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def write_report(
    run: EvalRun,
    folder: Path,
    sets: dict[str, EvalSet],
    thresholds: list[Threshold],
    failures: list[Failure],
    max_details: int = 40,
) -> list[Path]:
    """Write metrics.json, the plots and report.md (``max_details`` detail lines a set) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "metrics.json"]
    written[0].write_text(json.dumps(run.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    plots: dict[str, Path] = {}
    if (p := recall_plot(run.results, folder / "recall-at-k.png")) is not None:
        plots["recall"] = p
    for result in run.results:
        if (p := confusion_plot(result, folder / f"confusion-{result.name}.png")) is not None:
            plots[f"confusion-{result.name}"] = p
    if (p := latency_plot(run.latencies, folder / "latency.png")) is not None:
        plots["latency"] = p
    written += plots.values()
    md = folder / "report.md"
    md.write_text(_markdown(run, sets, thresholds, failures, plots, max_details), encoding="utf-8")
    return [*written, md]


def _markdown(
    run: EvalRun,
    sets: dict[str, EvalSet],
    thresholds: list[Threshold],
    failures: list[Failure],
    plots: dict[str, Path],
    max_details: int,
) -> str:
    metrics = run.metrics
    lines = [
        "# Evaluation report",
        "",
        f"Run {run.created}; embedder `{run.embedder}`, backend `{run.backend}`; "
        f"sets: {', '.join(r.name for r in run.results)}.",
        "",
        "## Thresholds",
        "",
    ]
    failed = {(f.threshold.metric, f.threshold.bound) for f in failures}
    if thresholds:
        lines += ["| metric | bound | value | result |", "|---|---|---:|---|"]
        for t in thresholds:
            mark = "**missed**" if (t.metric, t.bound) in failed else "met"
            sign = "≥" if t.bound == "minimum" else "≤"
            lines.append(f"| `{t.metric}` | {sign} {t.value:g} | {_fmt(metrics.get(t.metric))} | {mark} |")
    else:
        lines.append("No thresholds given.")
    lines += ["", f"{len(failures)} threshold(s) missed.", ""]
    for result in run.results:
        spec = sets.get(result.name)
        lines += [f"## {result.name} ({result.kind})", ""]
        if spec is not None and spec.description:
            lines += [spec.description, ""]
        lines += ["| metric | value |", "|---|---:|"]
        lines += [f"| {k} | {_fmt(v)} |" for k, v in result.metrics.items()]
        lines.append("")
        key = f"confusion-{result.name}"
        if key in plots:
            lines += [f"![{result.name} confusion matrix]({plots[key].name})", ""]
        if result.recall_curve and "recall" in plots:
            lines += [f"![recall@k]({plots['recall'].name})", ""]
        if result.details:
            shown = result.details[:max_details]
            lines += [f"{len(result.details)} item(s) to look at:", ""]
            lines += [f"- {d}" for d in shown]
            if len(result.details) > len(shown):
                lines.append(f"- … {len(result.details) - len(shown)} more in metrics.json")
            lines.append("")
    lat = {k: v for k, v in metrics.items() if k.startswith("latency.")}
    if lat:
        lines += ["## Latency per route", "", "| route | exchanges | p50 (ms) | p95 (ms) |", "|---|---:|---:|---:|"]
        for route in sorted({k.split(".")[1] for k in lat}):
            n, p50, p95 = (lat.get(f"latency.{route}.{q}") for q in ("n", "p50_ms", "p95_ms"))
            lines.append(f"| {route} | {int(n or 0)} | {_fmt(p50)} | {_fmt(p95)} |")
        lines.append("")
        if "latency" in plots:
            lines += [f"![latency histogram]({plots['latency'].name})", ""]
    return "\n".join(lines)
