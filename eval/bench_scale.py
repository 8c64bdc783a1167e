"""Benchmark: the index at 100, 1,000 and 10,000 protocols (real records plus generated variants).

Run: ``nice -n 10 .venv/bin/python -m eval.bench_scale [--sizes 100:minilm,100:fake,1000:fake,10000:fake]
[--out docs/scale.md]``. Each size runs in a fresh process on an empty local store: the real records of
../shared/protocols first, then GENERATED variants of them (``variant``: id ``GEN<n>-<real id>``, title
``[generated]``, ``facts["generated"]`` naming the record) up to the size. Figures: ingest throughput
(protocols and chunks per second, ingested 500 protocols at a time as a folder ingest resumes), the store's
size on disk, retrieval latency (p50/p95 over 40 questions, after a first question that loads the chunks
and builds the lexical index, timed apart), ``ask`` latency over the same questions on 10 real protocols
(the first ask on a protocol, which embeds its sentences once, apart from the 30 later ones), and the
process's peak memory. The resume check
interrupts an ingest half-way and counts what the next ingest embeds.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.types import Criterion, Protocol

ROOT = Path(__file__).resolve().parent.parent
SHARED_PROTOCOLS = ROOT.parent / "shared" / "protocols"
GENERATED = "generated"
"""Key of ``Protocol.facts`` that marks a generated variant (its value names the real record)."""


def real_protocols(folder: Path = SHARED_PROTOCOLS) -> list[Protocol]:
    """Every real record in ``folder`` that parses and has eligibility criteria, in file order."""
    from assistant.cli.corpus_cmds import parse_all

    protocols, _ = parse_all([folder], skip_invalid=True)
    return protocols


def variant(protocol: Protocol, number: int) -> Protocol:
    """A generated copy of a real protocol: id ``GEN<number>-<real id>``, criteria re-numbered under it,
    title prefixed ``[generated]`` and ``facts["generated"]`` naming the real record. The text is the
    real record's, so every quote still refers to real protocol text."""
    new_id = f"GEN{number:05d}-{protocol.id}"
    criteria = tuple(
        dataclasses.replace(
            c,
            id=f"{new_id}:{c.id.split(':', 1)[1]}",
            parent=f"{new_id}:{c.parent.split(':', 1)[1]}" if c.parent else None,
        )
        for c in protocol.criteria
    )
    return dataclasses.replace(
        protocol,
        id=new_id,
        title=f"[generated] {protocol.title}",
        criteria=criteria,
        facts={**protocol.facts, GENERATED: protocol.id},
    )


def with_variants(real: Sequence[Protocol], size: int) -> list[Protocol]:
    """``size`` protocols: the real ones first, then generated variants of them in turn."""
    out = list(real[:size])
    number = 0
    while len(out) < size:
        number += 1
        out.append(variant(real[(number - 1) % len(real)], number))
    return out


QUESTIONS = (
    "What platelet count is required?",
    "What ECOG performance status is allowed?",
    "Are patients with brain metastases excluded?",
    "What is the minimum age?",
    "Is prior chemotherapy allowed?",
    "What creatinine level is required?",
    "Are pregnant women excluded?",
    "What is the primary outcome?",
    "How many participants will be enrolled?",
    "What bilirubin limit applies?",
    "Is HIV infection an exclusion?",
    "What contraception is required?",
    "Are patients with hepatitis B excluded?",
    "What is the washout after radiotherapy?",
    "What haemoglobin is required?",
    "Who is the sponsor?",
    "What phase is the study?",
    "Is measurable disease required?",
    "Are patients with heart failure excluded?",
    "What neutrophil count is required?",
)
BATCH = 500
ASKED_PROTOCOLS = 10


class _Interrupt(Exception):
    """Raised from the progress callback to cut an ingest short."""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _disk(path: Path) -> int:
    total = 0
    for file in path.rglob("*"):
        with contextlib.suppress(FileNotFoundError):  # the store may replace a file while it is listed
            total += file.stat().st_size if file.is_file() else 0
    return total


def measure(size: int, embedder: str) -> dict[str, float | str]:
    """Figures for one size in this process (run it in a fresh one: peak memory is the process's)."""
    from assistant.answer import ask
    from assistant.index import ProtocolIndex
    from assistant.retrieve import retrieve
    from assistant.settings import Settings

    start = time.perf_counter()
    real = real_protocols()
    parse_seconds = time.perf_counter() - start
    protocols = with_variants(real, size)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", embedder=embedder)  # type: ignore[arg-type]
        index = ProtocolIndex(settings)
        index.embedder  # noqa: B018  (the model and the Chroma client load before the clock starts)
        index.count()
        start = time.perf_counter()
        chunks = 0
        for i in range(0, len(protocols), BATCH):
            report = index.ingest(protocols[i : i + BATCH])
            chunks += report.added
        ingest_seconds = time.perf_counter() - start
        disk = _disk(settings.data_dir)
        print(
            json.dumps({"size": size, "ingest_seconds": ingest_seconds, "chunks": chunks, "disk": disk}),
            file=sys.stderr,
        )
        reader = ProtocolIndex(settings, embedder=index.embedder)  # a fresh client, as a new process has
        ids = [p.id for p in real]
        start = time.perf_counter()
        retrieve(reader, QUESTIONS[0], settings.retrieve_k)
        first_seconds = time.perf_counter() - start
        timings: dict[str, list[float]] = {"retrieve_all": [], "retrieve_one": [], "ask_first": [], "ask": []}
        asked: set[str] = set()
        for n, question in enumerate(QUESTIONS * 2):
            protocol_id = ids[n % ASKED_PROTOCOLS]
            first = "ask_first" if protocol_id not in asked else "ask"  # a first ask embeds the protocol's sentences
            asked.add(protocol_id)
            for key, call in (
                ("retrieve_all", lambda q=question: retrieve(reader, q, settings.retrieve_k)),
                ("retrieve_one", lambda q=question, p=protocol_id: retrieve(reader, q, settings.retrieve_k, p)),
                (first, lambda q=question, p=protocol_id: ask(q, reader, settings, p)),
            ):
                t = time.perf_counter()
                call()
                timings[key].append(time.perf_counter() - t)
    figures: dict[str, float | str] = {
        "size": float(size),
        "embedder": embedder,
        "generated": float(sum(1 for p in protocols if GENERATED in p.facts)),
        "chunks": float(chunks),
        "parse_real_seconds": parse_seconds,
        "ingest_seconds": ingest_seconds,
        "protocols_per_second": size / ingest_seconds,
        "chunks_per_second": chunks / ingest_seconds,
        "disk_mb": disk / 1e6,
        "first_question_seconds": first_seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    for key, values in timings.items():
        figures[f"{key}_p50_ms"] = 1000 * _percentile(values, 0.5)
        figures[f"{key}_p95_ms"] = 1000 * _percentile(values, 0.95)
    return figures


def resume_check(size: int = 100) -> dict[str, float]:
    """Interrupt an ingest half-way, ingest again: what the second run embeds, against the whole."""
    from assistant.embed import HashingEmbedder
    from assistant.index import ProtocolIndex
    from assistant.settings import Settings

    class Counting(HashingEmbedder):
        texts = 0

        def embed(self, texts: list[str]) -> list[list[float]]:
            Counting.texts += len(texts)
            return super().embed(texts)

    protocols = with_variants(real_protocols(), size)
    with tempfile.TemporaryDirectory(prefix="bench-resume-") as tmp:
        settings = Settings(data_dir=Path(tmp) / "data", embedder="fake", embed_group_batches=1)
        index = ProtocolIndex(settings, embedder=Counting())
        total = index.unindexed(protocols)
        seen = 0

        def cut(done: int) -> None:
            nonlocal seen
            seen += done
            if seen >= total // 2:
                raise _Interrupt

        with contextlib.suppress(_Interrupt):
            index.ingest(protocols, progress=cut)
        stored = index.count()
        before = Counting.texts
        ProtocolIndex(settings, embedder=Counting()).ingest(protocols)
        return {
            "chunks": float(total),
            "stored_at_interrupt": float(stored),
            "embedded_on_resume": float(Counting.texts - before),
        }


def _row(f: dict[str, float | str]) -> str:
    def n(key: str, fmt: str = ",.0f") -> str:
        return format(float(f[key]), fmt)

    return (
        f"| {n('size')} | {f['embedder']} | {n('generated')} | {n('chunks')} | {n('protocols_per_second', ',.1f')} "
        f"| {n('chunks_per_second')} | {n('disk_mb', ',.1f')} | {n('first_question_seconds', ',.2f')} "
        f"| {n('retrieve_all_p50_ms', ',.1f')} / {n('retrieve_all_p95_ms', ',.1f')} "
        f"| {n('retrieve_one_p50_ms', ',.1f')} / {n('retrieve_one_p95_ms', ',.1f')} "
        f"| {n('ask_first_p50_ms', ',.0f')} | {n('ask_p50_ms', ',.1f')} / {n('ask_p95_ms', ',.1f')} "
        f"| {n('peak_rss_mb')} |"
    )


HEADER = (
    "| protocols | embedder | generated | chunks | ingest protocols/s | ingest chunks/s | store MB | first question s "
    "| retrieve (all) p50 / p95 ms | retrieve (one protocol) p50 / p95 ms | first ask on a protocol p50 ms "
    "| ask p50 / p95 ms | peak RSS MB |\n"
    "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    """Run every size in its own process and print (and optionally write) the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100:minilm,100:fake,1000:fake,10000:fake")
    parser.add_argument("--one", help="size:embedder, measured in this process (used by the driver)")
    parser.add_argument("--out", type=Path, help="write the table to this markdown file")
    args = parser.parse_args()
    if args.one:
        size, embedder = args.one.split(":")
        print(json.dumps(measure(int(size), embedder)))
        return
    rows = []
    for item in args.sizes.split(","):
        done = subprocess.run(
            [sys.executable, "-m", "eval.bench_scale", "--one", item],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
            env={**os.environ, "PA_AUDIT_ENABLED": "false"},
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(figures), flush=True)
        rows.append(figures)
    resume = resume_check()
    table = "\n".join([HEADER, *(_row(r) for r in rows)])
    note = (
        f"Resume: an ingest of 100 protocols ({resume['chunks']:,.0f} chunks) interrupted with "
        f"{resume['stored_at_interrupt']:,.0f} chunks stored; the next ingest embedded "
        f"{resume['embedded_on_resume']:,.0f}."
    )
    print(table + "\n\n" + note)
    if args.out:
        args.out.write_text(table + "\n\n" + note + "\n", encoding="utf-8")


__all__ = ["GENERATED", "Criterion", "measure", "real_protocols", "resume_check", "variant", "with_variants"]

if __name__ == "__main__":
    main()
