"""Retrieval recall@1 / @3 of the gold criterion or field, per question of every question set, for this
system against a stock LangChain RAG, in one run on the same protocols and the same packaged model.

* this system, two rankings: the hybrid retriever's chunks (``assistant.retrieve.retrieve``), and the
  quotes the answerer cites, in order (``assistant.answer.ask``);
* the baseline: ``RecursiveCharacterTextSplitter`` (500 characters, 50 overlap) over the protocol's
  canonical text, the packaged all-MiniLM-L6-v2 (``assistant.embed``), an in-memory Chroma collection per
  protocol with no embedding function of its own (telemetry off), top-k chunks by cosine distance.

A passage is a hit when it overlaps a gold criterion (``criteria`` of the question), or, for questions
that name no criterion, when it contains one of the expected facts (case and white space folded).
Unanswerable questions have no gold passage and are left out.

Usage: ``python eval/bench_retrieval.py [--json]`` (set ``PA_DATA_DIR`` to a temporary folder).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.evaluate import _fold, all_sets, kind_of, load_set, protocol_path  # noqa: E402

K = 3


@dataclass(frozen=True)
class Passage:
    """A retrieved span of a protocol's canonical text."""

    start: int
    end: int
    text: str


def is_hit(item: dict[str, Any], passage: Passage, spans: dict[str, tuple[int, int]]) -> bool:
    """Whether the passage holds the question's gold criterion, else one of its expected facts."""
    gold = [spans[c] for c in item.get("criteria", []) if c in spans]
    if gold:
        return any(passage.start < end and start < passage.end for start, end in gold)
    text = _fold(passage.text)
    for fact in item.get("facts", []):
        alternatives = fact if isinstance(fact, list) else [fact]
        if any(_fold(a) in text for a in alternatives if len(a) > 3):
            return True
    return False


def recall(rows: Sequence[tuple[dict[str, Any], list[Passage], dict[str, tuple[int, int]]]], k: int) -> float:
    hits = sum(any(is_hit(item, p, spans) for p in passages[:k]) for item, passages, spans in rows)
    return hits / len(rows) if rows else 0.0


class LangChainBaseline:
    """Stock RAG: recursive character splitting, the packaged MiniLM, a Chroma collection per protocol."""

    def __init__(self, embedder: Any) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.embedder = embedder
        self.splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50, add_start_index=True)
        self.client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collections: dict[str, Any] = {}

    def add(self, protocol_id: str, text: str) -> None:
        documents = self.splitter.create_documents([text])
        collection = self.client.create_collection(
            name=f"baseline-{protocol_id}", embedding_function=None, metadata={"hnsw:space": "cosine"}
        )
        collection.add(
            ids=[str(i) for i in range(len(documents))],
            documents=[d.page_content for d in documents],
            embeddings=self.embedder.embed([d.page_content for d in documents]),
            metadatas=[{"start": int(d.metadata["start_index"])} for d in documents],
        )
        self.collections[protocol_id] = collection

    def search(self, protocol_id: str, query: str, k: int) -> list[Passage]:
        result = self.collections[protocol_id].query(query_embeddings=self.embedder.embed([query]), n_results=k)
        out = []
        for text, meta in zip(result["documents"][0], result["metadatas"][0], strict=True):
            start = int(meta["start"])
            out.append(Passage(start, start + len(text), text))
        return out


def run() -> dict[str, dict[str, float]]:
    """Recall@1 and @3 of the three rankings over every answerable question of every set."""
    from assistant.answer import ask
    from assistant.embed import get_embedder
    from assistant.index import ProtocolIndex
    from assistant.parse import parse_protocol
    from assistant.retrieve import retrieve
    from assistant.settings import Settings, quiet_environment

    quiet_environment()
    data_dir = Path(os.environ.get("PA_DATA_DIR") or tempfile.mkdtemp(prefix="bench-retrieval-"))
    settings = Settings(data_dir=data_dir, embedder="minilm")
    embedder = get_embedder(settings)
    index = ProtocolIndex(settings, embedder)
    baseline = LangChainBaseline(embedder)
    rows: dict[str, list[tuple[dict[str, Any], list[Passage], dict[str, tuple[int, int]]]]] = {
        "hybrid retrieve (chunks)": [],
        "answerer (cited quotes)": [],
        "LangChain + Chroma (chunks)": [],
    }
    for path in all_sets():
        data = load_set(path)
        protocol = parse_protocol(protocol_path(data))
        index.ingest([protocol])
        baseline.add(protocol.id, protocol.text)
        spans = {c.id: (c.start, c.end) for c in protocol.criteria}
        for item in data["questions"]:
            if kind_of(item) == "unanswerable":
                continue
            question = item["question"]
            hits = retrieve(index, question, K, protocol.id, settings.rrf_k)
            rows["hybrid retrieve (chunks)"].append(
                (item, [Passage(h.chunk.start, h.chunk.end, h.chunk.text) for h in hits], spans)
            )
            answer = ask(question, index, settings, protocol.id)
            quotes = [Passage(c.start, c.end, c.quote) for c in answer.citations]
            rows["answerer (cited quotes)"].append((item, quotes, spans))
            rows["LangChain + Chroma (chunks)"].append((item, baseline.search(protocol.id, question, K), spans))
    return {name: {"n": len(r), "recall@1": recall(r, 1), "recall@3": recall(r, K)} for name, r in rows.items()}


def main(argv: list[str]) -> int:
    figures = run()
    if "--json" in argv:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{'ranking':<30} {'questions':>9} {'recall@1':>9} {'recall@3':>9}")
    for name, f in figures.items():
        print(f"{name:<30} {int(f['n']):>9} {f['recall@1']:>9.3f} {f['recall@3']:>9.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
