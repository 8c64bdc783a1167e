"""Throughput benchmarks as an evaluation set: ingest against raw embedding, and checks per second."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from assistant.evaluation.context import RunContext, SetResult
from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.manifest import EvalSet


def bench_ingest(folders: list[Path], settings_embedder: str) -> dict[str, float]:
    """Ingest chunks/s vs raw embedding chunks/s on the same texts, same batch size, same run."""
    from assistant.chunk import chunk_protocol
    from assistant.embed import get_embedder
    from assistant.index import ProtocolIndex, embedding_text
    from assistant.parse import parse_protocol, protocol_files
    from assistant.settings import Settings

    protocols = {p.id: p for p in (parse_protocol(f) for f in protocol_files(folders)) if p.criteria}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        settings = Settings(data_dir=Path(tmp), embedder=settings_embedder)  # type: ignore[arg-type]
        embedder = get_embedder(settings)
        texts = [embedding_text(c, p) for p in protocols.values() for c in chunk_protocol(p, settings.chunk_max_chars)]
        embedder.embed(texts[:64])  # warm-up
        start = time.perf_counter()
        embedder.embed(texts)  # the model alone: every text in one call, batched by it
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
        "protocols": float(len(protocols)),
        "chunks": float(report.added),
        "raw_embed_chunks_per_s": raw_rate,
        "ingest_chunks_per_s": ingest_rate,
        "ingest_vs_raw_ratio": ingest_rate / raw_rate,
        "reingest_unchanged_s": reingest_seconds,
        "reingest_embedded": float(again.added),
    }


def bench_check(
    protocol_path: Path, patients: list[Path], corpus: Path, as_of: dt.date, rounds: int = 7, checks: int = 3000
) -> dict[str, float]:
    """Checks per second on one core: the best and the median of ``rounds`` timed rounds.

    The machine may be shared; the best round is the least disturbed estimate of the checker's own speed.
    ``checks_per_second`` builds the patient's context anew for every check (each check a new patient);
    ``checks_per_second_context_reused`` keeps it, as a screening run does when it checks one patient
    against many protocols (the lookups the rules made are then remembered).
    """
    from assistant.check import check_patient
    from assistant.parse import parse_protocol
    from assistant.patient import read_patient
    from assistant.rules import load_rules
    from assistant.rules.context import forget_contexts

    protocol = parse_protocol(protocol_path)
    rules = load_rules(protocol, corpus)
    facts_list = [read_patient(p) for p in patients]
    for facts in facts_list:  # warm the unit-factor caches, as a long-running checker has them
        check_patient(protocol, facts, as_of, rules)
    per_round = max(1, checks // len(facts_list))

    def timed(reuse: bool) -> tuple[float, float]:
        rates = []
        for _ in range(rounds):
            start = time.perf_counter()
            for _ in range(per_round):
                for facts in facts_list:
                    if not reuse:
                        forget_contexts()
                    check_patient(protocol, facts, as_of, rules)
            rates.append(per_round * len(facts_list) / (time.perf_counter() - start))
        rates.sort()
        return rates[-1], rates[len(rates) // 2]

    best, median = timed(reuse=False)
    reused, reused_median = timed(reuse=True)
    return {
        "checks_per_second": best,
        "checks_per_second_median": median,
        "microseconds_per_check": 1e6 / best,
        "checks_per_second_context_reused": reused,
        "checks_per_second_context_reused_median": reused_median,
        "criteria_per_check": float(len(rules.rules)),
    }


def run_bench(spec: EvalSet, ctx: RunContext) -> SetResult:
    """The checker first (one quiet core, before torch's worker threads run), then ingest throughput."""
    if spec.protocol is None or spec.as_of is None:
        raise EvaluationError(f"set {spec.name!r}: a bench set needs protocol (the record checked) and as_of")
    patients = [p for p in spec.files if p.is_file()]
    metrics: dict[str, float | None] = dict(bench_check(spec.protocol, patients, ctx.corpus, spec.as_of))
    ctx.tick(1)
    folders = [ctx.corpus, *([spec.protocols] if spec.protocols else [])]
    metrics.update(bench_ingest(folders, ctx.settings.embedder))
    ctx.tick(1)
    return SetResult(spec.name, spec.kind, metrics)
