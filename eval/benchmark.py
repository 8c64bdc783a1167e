"""Benchmarks, measured in one run on this machine (figures go here, not in timed tests).

1. Ingest throughput (chunks/s) of the shared protocols into a fresh local index, against the raw
   embedding throughput of the same model on the same texts with the same batch size.
2. Warm ``ask`` latency p50/p95 over the evaluation questions, per route when the chat chain is there.
3. Patient × protocol checks per second for the seed protocol (one core).

Usage: ``python eval/benchmark.py [--json]``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.settings import Settings, quiet_environment  # noqa: E402

SHARED = ROOT.parent / "shared" / "protocols"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_ingest() -> dict[str, float]:
    """Ingest chunks/s vs raw embedding chunks/s on the same texts, same batch size, same run."""
    from assistant.chunk import chunk_protocol
    from assistant.embed import get_embedder
    from assistant.index import ProtocolIndex, embedding_text
    from assistant.parse import parse_protocol, protocol_files

    files = [ROOT / "corpus"] + ([SHARED] if SHARED.exists() else [])
    protocols = {p.id: p for p in (parse_protocol(f) for f in protocol_files(files)) if p.criteria}
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        embedder = get_embedder(settings)
        texts = [embedding_text(c, p) for p in protocols.values() for c in chunk_protocol(p, settings.chunk_max_chars)]
        embedder.embed(texts[:64])  # warm-up
        start = time.perf_counter()
        embedder.embed(texts)  # the model alone: every text in one call, batched and length-sorted by it
        raw_seconds = time.perf_counter() - start
        index = ProtocolIndex(settings, embedder)
        start = time.perf_counter()
        report = index.ingest(protocols.values())
        ingest_seconds = time.perf_counter() - start
        start = time.perf_counter()
        again = index.ingest(protocols.values())
        reingest_seconds = time.perf_counter() - start
    raw_rate = len(texts) / raw_seconds
    ingest_rate = report.added / ingest_seconds
    return {
        "protocols": len(protocols),
        "chunks": report.added,
        "raw_embed_chunks_per_s": round(raw_rate, 1),
        "ingest_chunks_per_s": round(ingest_rate, 1),
        "ingest_vs_raw_ratio": round(ingest_rate / raw_rate, 3),
        "reingest_unchanged_s": round(reingest_seconds, 3),
        "reingest_embedded": again.added,
    }


def bench_ask(repeats: int = 3) -> dict[str, Any]:
    """Warm latency of the chat chain per route, over the evaluation questions."""
    import yaml

    from assistant.chat.chain import respond_once
    from assistant.cli.corpus_cmds import open_index

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        index = open_index(settings)
        sets: dict[str, list[str]] = {
            "general": [
                q["question"] for q in yaml.safe_load((ROOT / "eval" / "questions.yaml").read_text())["questions"]
            ]
        }
        for route, name in (("patient", "patient_questions.yaml"), ("schedule", "schedule_questions.yaml")):
            path = ROOT / "eval" / name
            if path.exists():
                data = yaml.safe_load(path.read_text())
                items = data.get("questions") or data.get("cases") or []
                sets[route] = [item.get("message") or item.get("question") for item in items]
        respond_once("What platelet count is required?", index, settings)  # warm-up: model and caches
        out: dict[str, Any] = {}
        for route, questions in sets.items():
            timings = []
            for _ in range(repeats):
                for question in questions:
                    start = time.perf_counter()
                    respond_once(question, index, settings, protocol_id="NCT01267695", as_of="2026-11-24")
                    timings.append((time.perf_counter() - start) * 1000)
            out[route] = {
                "questions": len(questions),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(_percentile(timings, 0.95), 1),
            }
    return out


def bench_check() -> dict[str, float] | None:
    """Checks per second, from the checker's own benchmark."""
    try:
        from eval.bench_check import run
    except ImportError:
        return None
    return run()


def main(argv: list[str]) -> int:
    quiet_environment()
    # The checker runs first: once torch has run, its idle worker threads can take CPU from a
    # single-threaded loop for a while, and the figure is meant for one quiet core.
    check = bench_check()
    results: dict[str, Any] = {"ingest": bench_ingest(), "ask": bench_ask(), "check": check}
    if "--json" in argv:
        print(json.dumps(results, indent=2))
        return 0
    ingest = results["ingest"]
    print(f"ingest: {ingest['chunks']} chunks of {ingest['protocols']} protocols")
    print(f"  raw embedding   {ingest['raw_embed_chunks_per_s']:>8} chunks/s")
    ratio = ingest["ingest_vs_raw_ratio"]
    print(f"  ingest          {ingest['ingest_chunks_per_s']:>8} chunks/s  ({ratio:.1%} of raw; target >= 80%)")
    seconds, embedded = ingest["reingest_unchanged_s"], ingest["reingest_embedded"]
    print(f"  re-ingest of unchanged protocols: {seconds} s, {embedded} chunks embedded")
    for route, f in results["ask"].items():
        print(f"ask [{route}] over {f['questions']} questions: p50 {f['p50_ms']} ms, p95 {f['p95_ms']} ms")
    if check:
        print(
            f"check: {check['checks_per_second']:,.0f} patient x protocol checks/s "
            f"(best of {check['rounds']:.0f} rounds), "
            f"median {check['checks_per_second_median']:,.0f}/s, {check['criteria_per_check']:.0f} criteria each; "
            "target >= 10,000/s on one core"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
