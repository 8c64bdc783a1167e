"""The report's PNG plots (matplotlib, Agg backend): recall@k curve, confusion matrices, latency histogram."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from assistant.evaluation.context import SetResult
from assistant.evaluation.verdicts import STATUSES


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def recall_plot(results: Sequence[SetResult], path: Path) -> Path | None:
    """recall@k against k, one line per question set; None when no set measured retrieval."""
    curves = [(r.name, r.recall_curve) for r in results if r.recall_curve]
    if not curves:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    for name, curve in curves:
        ks = [k for k, v in sorted(curve.items()) if v is not None]  # type: ignore[union-attr]
        ax.plot(ks, [curve[k] for k in ks], marker="o", label=name)  # type: ignore[index]
    ax.set(xlabel="k (chunks retrieved)", ylabel="recall@k", ylim=(0, 1.02), title="Retrieval recall@k")
    ax.set_xticks(sorted({k for _, c in curves for k in c}))  # type: ignore[union-attr]
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def confusion_plot(result: SetResult, path: Path) -> Path | None:
    """The set's label × prediction table as a heat map with counts; None when it has none."""
    if not result.confusion:
        return None
    plt = _pyplot()
    rows = [s for s in STATUSES if any(result.confusion[s].values())] or list(STATUSES)
    cols = list(STATUSES)
    grid = [[result.confusion[r][c] for c in cols] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 1.2 + 0.55 * len(rows)), dpi=100)
    ax.imshow(grid, cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(cols)), [c.replace("_", " ") for c in cols], rotation=20)
    ax.set_yticks(range(len(rows)), [r.replace("_", " ") for r in rows])
    peak = max(max(row) for row in grid) or 1
    for i, row in enumerate(grid):
        for j, n in enumerate(row):
            ax.text(j, i, str(n), ha="center", va="center", color="white" if n > peak / 2 else "black")
    ax.set(xlabel="checker", ylabel="label", title=f"{result.name}: criterion verdicts")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def latency_plot(latencies: Mapping[str, Sequence[float]], path: Path) -> Path | None:
    """Histogram of exchange latencies (ms, log scale) per route; None when nothing was timed."""
    timed = {route: values for route, values in sorted(latencies.items()) if values}
    if not timed:
        return None
    plt = _pyplot()
    import numpy as np

    low = max(0.1, min(min(v) for v in timed.values()))
    high = max(max(v) for v in timed.values()) * 1.01
    bins = np.geomspace(low, max(high, low * 1.1), 30)
    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    for route, values in timed.items():
        ax.hist(values, bins=bins, alpha=0.55, label=f"{route} (n={len(values)})")
    ax.set_xscale("log")
    ax.set(xlabel="latency (ms)", ylabel="exchanges", title="Latency per route")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
