"""Note reader timing and memory: cold start (empty cache), cached start (a new process, cache on disk), warm
latency, and the peak resident memory once the reader has read its first note.

Each start runs in a new process with ``PA_DATA_DIR`` set to one temporary folder: the first finds no
cache and builds it, the second reads it. Warm latency is per note in the second process, p50 and p95,
over the notes in tests/data/notes (or the .txt files given), each ``--repeat`` times; then one reading each
of two long notes made by joining them (20,000 and 160,000 characters), to show how time grows with length.

    .venv/bin/python eval/bench_notes.py [--repeat 20] [NOTE.txt ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 6, 3)
_LONG = (20_000, 160_000)
"""Sizes (characters) of the long notes made by joining the notes, to show how reading time grows with length."""


def _run(paths: list[Path], repeat: int) -> dict[str, float]:
    """In this process: time imports, pipeline build and first note, then warm per-note latency."""
    import resource

    texts = [p.read_text(encoding="utf-8") for p in paths]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    began = time.perf_counter()
    from assistant.patient.note import read_note
    from assistant.patient.note.pipeline import build_seconds, note_pipeline

    read_note(texts[0], TODAY)
    start = time.perf_counter() - began
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings: list[float] = []
    for _ in range(repeat):
        for text in texts:
            t0 = time.perf_counter()
            read_note(text, TODAY)
            timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    matcher = note_pipeline().get_pipe("note_vocabulary_matcher")
    joined = "\n\n".join(texts * (1 + _LONG[-1] // max(1, sum(map(len, texts)))))
    long_seconds = {}
    for size in _LONG if repeat else ():
        t0 = time.perf_counter()
        read_note(joined[:size], TODAY)
        long_seconds[f"long_{size}"] = time.perf_counter() - t0
    return {
        **long_seconds,
        "start": start,
        "build": build_seconds() or 0.0,
        "terms": float(len(matcher)),  # type: ignore[arg-type]
        "p50": statistics.median(timings) if timings else 0.0,
        "p95": timings[min(len(timings) - 1, int(0.95 * len(timings)))] if timings else 0.0,
        "max": timings[-1] if timings else 0.0,
        "runs": float(len(timings)),
        "peak_mib": loaded / 1024,
        "reader_mib": (loaded - before) / 1024,
    }


def _child(paths: list[Path], repeat: int, data_dir: str) -> dict[str, float]:
    env = dict(os.environ, PA_DATA_DIR=data_dir, PA_EMBEDDER=os.environ.get("PA_EMBEDDER", "fake"))
    cmd = [sys.executable, __file__, "--child", "--repeat", str(repeat), *map(str, paths)]
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    """Print cold and cached start, pipeline build times, and warm p50/p95 per note."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notes", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    paths = args.notes or sorted((ROOT / "tests" / "data" / "notes").glob("*.txt"))
    if args.child:
        print(json.dumps(_run(paths, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as data_dir:
        cold = _child(paths, 0, data_dir)
        cached = _child(paths, args.repeat, data_dir)
    sentences = [p.read_text(encoding="utf-8").count(".") for p in paths]
    print(f"notes: {len(paths)} ({min(sentences)}-{max(sentences)} full stops each), runs: {int(cached['runs'])}")
    print(f"vocabulary token sequences: {int(cached['terms'])}")
    print(f"cold start, empty cache (imports, build, first note): {cold['start']:.2f} s (build {cold['build']:.2f} s)")
    print(
        f"cached start, new process (imports, build, 1st note): {cached['start']:.2f} s (build {cached['build']:.2f} s)"
    )
    print(f"warm per note: p50 {cached['p50']:.1f} ms, p95 {cached['p95']:.1f} ms, max {cached['max']:.1f} ms")
    small, large = (cached[f"long_{size}"] for size in _LONG)
    print(
        f"long notes (the notes joined): {_LONG[0]:,} characters {small:.2f} s, {_LONG[1]:,} characters {large:.2f} s "
        f"({_LONG[1] // _LONG[0]}× the text, {large / small:.1f}× the time)"
    )
    print(
        f"memory after the first note (peak RSS): {cached['peak_mib']:.0f} MiB cached start, "
        f"{cold['peak_mib']:.0f} MiB cold; the reader and its vocabulary add {cached['reader_mib']:.0f} MiB "
        f"({cold['reader_mib']:.0f} MiB cold) to the interpreter"
    )


if __name__ == "__main__":
    main()
