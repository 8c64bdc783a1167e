"""Benchmarks: checks per second and ingest throughput (the logic is ``assistant.evaluation.bench``).

Usage: ``python eval/benchmark.py [--json]``, the same as ``protocol-assistant eval --set bench --embedder minilm``;
warm ask latency per route comes from every run of ``protocol-assistant eval`` (``latency.<route>.p50_ms``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.manifest import load_manifest, select  # noqa: E402
from assistant.evaluation.runner import run_sets  # noqa: E402
from assistant.settings import get_settings, quiet_environment  # noqa: E402


def main(argv: list[str]) -> int:
    """Run the bench set with the real model and print its figures."""
    quiet_environment()
    run = run_sets(select(load_manifest(ROOT / "eval" / "sets.yaml"), ["bench"]), get_settings(), embedder="minilm")
    figures = run.results[0].metrics
    if "--json" in argv:
        print(json.dumps(figures, indent=2))
        return 0
    for key, value in figures.items():
        print(f"{key}: {value:,.3f}" if value is not None else f"{key}: —")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
