"""Note reader timing: cold start (imports and pipeline build) and warm per-note latency, p50 and p95.

Reads the development notes in tests/data/notes (or the .txt files given), each ``--repeat`` times.

    .venv/bin/python eval/bench_notes.py [--repeat 20] [NOTE.txt ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    """Print cold start, pipeline build time, and warm p50/p95 per note."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notes", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    paths = args.notes or sorted((ROOT / "tests" / "data" / "notes").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    today = dt.date(2024, 6, 3)

    began = time.perf_counter()
    from assistant.patient.note import read_note
    from assistant.patient.note.pipeline import build_seconds
    from assistant.patient.note.vocabulary import vocabulary_terms

    read_note(texts[0], today)
    cold = time.perf_counter() - began
    timings: list[float] = []
    for _ in range(args.repeat):
        for text in texts:
            start = time.perf_counter()
            read_note(text, today)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
    sentences = [t.count(".") for t in texts]
    print(f"notes: {len(texts)} ({min(sentences)}-{max(sentences)} full stops each), runs: {len(timings)}")
    print(f"vocabulary terms: {len(vocabulary_terms())}; pipeline build: {build_seconds() or 0:.2f} s")
    print(f"cold start (imports, build, first note): {cold:.2f} s")
    print(f"warm per note: p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
