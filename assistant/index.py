"""Index stage: chunks → vectors in Chroma (a local persistent store, or a Chroma server).

Ingest is idempotent: a chunk whose id (protocol + section + content hash) is already stored is not
embedded again, and chunks of a changed protocol that no longer exist are deleted.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from assistant.chunk import chunk_protocol
from assistant.embed import Embedder, get_embedder
from assistant.errors import IncompleteIndexError, IndexStoreError, ProtocolParseError, ProtocolShrinkError
from assistant.limits import check_chunk_count
from assistant.settings import Settings, quiet_environment
from assistant.store import COMPLETE, PENDING, ProtocolStore, get_all
from assistant.types import Chunk, Protocol

Progress = Callable[[int], None]


@dataclass
class IngestReport:
    """What one ingest did."""

    protocols: list[str] = field(default_factory=list)
    """Ids of the protocols ingested."""
    added: int = 0
    """Chunks embedded and stored."""
    removed: int = 0
    """Stale chunks deleted."""
    unchanged: int = 0
    """Chunks already stored, their vectors kept."""
    relabelled: int = 0
    """Stored chunks whose metadata (offsets, criterion ids, protocol hash) was rewritten."""


@dataclass
class _Plan:
    """What an ingest will write for one protocol."""

    protocol: Protocol
    chunks: list[Chunk]
    new: list[Chunk]
    relabel: list[Chunk]
    stale: list[str]
    record_current: bool


def refuse_shrink(old: Protocol, new: Protocol) -> None:
    """ProtocolShrinkError when ``new`` has less than half the criteria or text of the indexed ``old``."""
    shrunk = []
    if 2 * len(new.criteria) < len(old.criteria):
        shrunk.append(f"criteria from {len(old.criteria)} to {len(new.criteria)}")
    if 2 * len(new.text) < len(old.text):
        shrunk.append(f"text from {len(old.text)} to {len(new.text)} characters")
    if shrunk:
        raise ProtocolShrinkError(
            f"{new.source_path}: {new.id} would shrink by more than half ({'; '.join(shrunk)}), "
            "perhaps a truncated file; nothing indexed. To replace the indexed protocol anyway: "
            "protocol-assistant ingest --force"
        )


def _metadata(chunk: Chunk, protocol: Protocol) -> dict[str, Any]:
    return {
        "protocol_id": chunk.protocol_id,
        "section": chunk.section,
        "start": chunk.start,
        "end": chunk.end,
        "criterion_ids": ",".join(chunk.criterion_ids),
        "protocol_hash": protocol.content_hash,
    }


def chunk_from_record(chunk_id: str, document: str, metadata: dict[str, Any]) -> Chunk:
    """Rebuild a Chunk from what Chroma returns."""
    ids = str(metadata.get("criterion_ids") or "")
    return Chunk(
        id=chunk_id,
        protocol_id=str(metadata["protocol_id"]),
        section=str(metadata["section"]),
        text=document,
        start=int(metadata["start"]),
        end=int(metadata["end"]),
        criterion_ids=tuple(i for i in ids.split(",") if i),
    )


def embedding_text(chunk: Chunk, protocol: Protocol) -> str:
    """What is embedded for a chunk: its text with its section title (and criterion category)."""
    section = next((s.title for s in protocol.sections if s.name == chunk.section), chunk.section)
    category = ""
    if chunk.criterion_ids:
        category = protocol.criterion(chunk.criterion_ids[0]).category or ""
    prefix = f"{section} ({category})" if category else section
    return f"{prefix}: {chunk.text}".replace("〉", ">").replace("〈", "<")


class ProtocolIndex:
    """The chunk collection in Chroma plus the protocol store beside it."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._client: Any = None
        self._collection: Any = None
        self._store: ProtocolStore | None = None
        self._chunks: list[Chunk] | None = None
        self._valid: set[str] = set()
        self._by_protocol: dict[str, list[str]] = {}
        self._vectors: OrderedDict[str, tuple[list[str], npt.NDArray[np.float64]]] = OrderedDict()

    @property
    def embedder(self) -> Embedder:
        """The embedder in use, loaded on first need."""
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def client(self) -> Any:
        """The Chroma client: a Chroma server when ``chroma_host`` is set, else a local persistent store."""
        if self._client is None:
            quiet_environment()
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            chroma_settings = ChromaSettings(anonymized_telemetry=False)
            try:
                if self.settings.chroma_host:
                    self._client = chromadb.HttpClient(
                        host=self.settings.chroma_host, port=self.settings.chroma_port, settings=chroma_settings
                    )
                else:
                    path = self.settings.data_dir / "chroma"
                    path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            except Exception as exc:  # chromadb raises many types; report one
                raise IndexStoreError(f"cannot open {self._where()}: {exc}") from None
        return self._client

    def _where(self) -> str:
        if self.settings.chroma_host:
            return f"Chroma server {self.settings.chroma_host}:{self.settings.chroma_port}"
        return f"local store {self.settings.data_dir / 'chroma'}"

    def _open(self, name: str) -> Any:
        # No embedding function: every vector is computed here and passed explicitly, so Chroma never
        # loads (or downloads) a model of its own.
        try:
            return self.client.get_or_create_collection(
                name, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        except IndexStoreError:
            raise
        except Exception as exc:  # chromadb raises many types; report one
            raise IndexStoreError(f"cannot open collection {name!r} of {self._where()}: {exc}") from None

    @property
    def collection(self) -> Any:
        """The chunk collection, opened on first use."""
        if self._collection is None:
            self._collection = self._open(self.settings.collection)
        return self._collection

    @property
    def store(self) -> ProtocolStore:
        """The protocol store, a collection beside the chunks."""
        if self._store is None:
            self._store = ProtocolStore(self._open(f"{self.settings.collection}_protocols"))
        return self._store

    def count(self) -> int:
        """Number of chunks stored."""
        return int(self.collection.count())

    def stored_ids(self, protocol_id: str) -> set[str]:
        """Ids of the chunks stored for a protocol."""
        result = self.collection.get(where={"protocol_id": protocol_id}, include=[])
        return set(result["ids"])

    def unindexed(self, protocols: Iterable[Protocol]) -> int:
        """How many chunks of these protocols are not stored yet (what an ingest would embed)."""
        return sum(
            len({c.id for c in chunk_protocol(p, self.settings.chunk_max_chars)} - self.stored_ids(p.id))
            for p in protocols
        )

    def _stored_metadata(self, protocol_id: str) -> dict[str, dict[str, Any]]:
        result = self.collection.get(where={"protocol_id": protocol_id}, include=["metadatas"])
        return {i: dict(m) for i, m in zip(result["ids"], result["metadatas"], strict=True)}

    def _plan(self, protocol: Protocol, states: dict[str, tuple[str, str]], force: bool) -> _Plan:
        if not protocol.criteria:
            raise ProtocolParseError(protocol.source_path, "record has no eligibility criteria; nothing indexed")
        chunks = chunk_protocol(protocol, self.settings.chunk_max_chars)
        check_chunk_count(protocol.id, len(chunks), self.settings)
        stored_state = states.get(protocol.id)
        if stored_state is not None and stored_state[0] != protocol.content_hash and not force:
            refuse_shrink(self.store.load(protocol.id), protocol)
        stored = self._stored_metadata(protocol.id)
        wanted = {c.id: _metadata(c, protocol) for c in chunks}
        return _Plan(
            protocol=protocol,
            chunks=chunks,
            new=[c for c in chunks if c.id not in stored],
            relabel=[c for c in chunks if c.id in stored and stored[c.id] != wanted[c.id]],
            stale=sorted(set(stored) - set(wanted)),
            record_current=stored_state == (protocol.content_hash, COMPLETE),
        )

    def ingest(
        self, protocols: Iterable[Protocol], progress: Progress | None = None, force: bool = False
    ) -> IngestReport:
        """Store the protocols' chunks, embedding only what is new and deleting what is stale.

        Everything is planned (and every limit checked) before anything is written. A protocol's record is
        written first, marked pending, and marked complete once all its chunks are stored, so an ingest cut
        short is seen by readers (``IncompleteIndexError``) instead of answering from part of the index.
        Chunks whose text did not change keep their vectors, but their metadata (offsets, criterion ids,
        protocol hash) is rewritten to the new protocol's. A protocol that would shrink by more than half
        is refused unless ``force``. New chunks of all protocols are embedded together in large groups.
        """
        report = IngestReport()
        states = self.store.states()
        plans = [self._plan(protocol, states, force) for protocol in protocols]
        pending: list[tuple[Chunk, Protocol]] = []
        for plan in plans:
            pending.extend((c, plan.protocol) for c in plan.new)
            report.protocols.append(plan.protocol.id)
            report.added += len(plan.new)
            report.removed += len(plan.stale)
            report.relabelled += len(plan.relabel)
            report.unchanged += len(plan.chunks) - len(plan.new)
            if progress and len(plan.new) < len(plan.chunks):
                progress(len(plan.chunks) - len(plan.new))
        changed = [plan for plan in plans if not plan.record_current or plan.new or plan.stale or plan.relabel]
        if not changed:
            return report
        self._chunks = None
        self._vectors.clear()
        self.store.save([plan.protocol for plan in changed], PENDING)
        group = self.settings.embed_batch_size * self.settings.embed_group_batches
        for i in range(0, len(pending), group):
            part = pending[i : i + group]
            vectors = self.embedder.embed([embedding_text(c, p) for c, p in part])
            self.collection.upsert(
                ids=[c.id for c, _ in part],
                embeddings=vectors,
                documents=[c.text for c, _ in part],
                metadatas=[_metadata(c, p) for c, p in part],
            )
            if progress:
                progress(len(part))
        relabel = [(c, plan.protocol) for plan in plans for c in plan.relabel]
        for i in range(0, len(relabel), group):
            part = relabel[i : i + group]
            self.collection.update(ids=[c.id for c, _ in part], metadatas=[_metadata(c, p) for c, p in part])
        stale_ids = [chunk_id for plan in plans for chunk_id in plan.stale]
        for i in range(0, len(stale_ids), group):
            self.collection.delete(ids=stale_ids[i : i + group])
        self.store.mark_complete([plan.protocol for plan in changed])
        return report

    def chunks(self) -> list[Chunk]:
        """Every stored chunk of a completely indexed protocol (read once, then cached until the next ingest).

        Chunks with no protocol record, or whose protocol hash is not the record's, are left out;
        IncompleteIndexError when an ingest was cut short.
        """
        if self._chunks is None:
            states = self.store.states()
            unfinished = sorted(i for i, (_, state) in states.items() if state != COMPLETE)
            if unfinished:
                raise IncompleteIndexError(
                    f"the ingest of {', '.join(unfinished)} was interrupted before all chunks were stored; "
                    "answers would miss part of the index. Run protocol-assistant ingest again with the same files"
                )
            result = get_all(self.collection, ["documents", "metadatas"])
            self._chunks = sorted(
                (
                    chunk_from_record(i, d, m)
                    for i, d, m in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
                    if m.get("protocol_id") in states and states[m["protocol_id"]][0] == m.get("protocol_hash")
                ),
                key=lambda c: (c.protocol_id, c.start),
            )
            self._valid = {c.id for c in self._chunks}
            self._by_protocol = {}
            for chunk in self._chunks:
                self._by_protocol.setdefault(chunk.protocol_id, []).append(chunk.id)
        return self._chunks

    def _protocol_vectors(self, protocol_id: str, keep: int = 64) -> tuple[list[str], npt.NDArray[np.float64]]:
        """One protocol's chunk ids and their unit vectors, read by id (the ``keep`` last used kept)."""
        cached = self._vectors.get(protocol_id)
        if cached is None:
            wanted = self._by_protocol.get(protocol_id, [])
            if not wanted:
                return [], np.zeros((0, 0))
            result = self.collection.get(ids=wanted, include=["embeddings"])
            row = {cid: n for n, cid in enumerate(result["ids"])}
            ids = [cid for cid in wanted if cid in row]  # in chunk order, whatever order the store returns
            vectors = np.asarray(result["embeddings"], dtype=np.float64).reshape(len(result["ids"]), -1)
            vectors = vectors[[row[cid] for cid in ids]]
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            cached = self._vectors[protocol_id] = (ids, vectors / np.where(norms > 0, norms, 1.0))
            while len(self._vectors) > keep:
                self._vectors.popitem(last=False)
        self._vectors.move_to_end(protocol_id)
        return cached

    def dense(self, vector: list[float], k: int, protocol_id: str | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, optionally within one protocol.

        Within one protocol the similarities are computed here, exactly, over its few vectors read by id:
        a filtered search in the vector index costs more as the corpus grows, reading by id does not.
        """
        self.chunks()
        if protocol_id:
            ids, matrix = self._protocol_vectors(protocol_id)
            if not ids:
                return []
            query = np.asarray(vector, dtype=np.float64)
            length = float(np.linalg.norm(query))
            similarities = matrix @ (query / length) if length > 0 else np.zeros(len(ids))
            order = np.argsort(-similarities, kind="stable")[:k]
            return [(ids[n], float(similarities[n])) for n in order]
        if not self._valid:
            return []
        result = self.collection.query(
            query_embeddings=[vector], n_results=min(k, len(self._valid)), include=["distances"]
        )
        return [
            (cid, 1.0 - float(d))
            for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)
            if cid in self._valid
        ]
