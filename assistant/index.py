"""Index stage: chunks → vectors in Chroma (a local persistent store, or a Chroma server).

Ingest is idempotent: a chunk whose id (protocol + section + content hash) is already stored is not
embedded again, and chunks of a changed protocol that no longer exist are deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.chunk import chunk_protocol
from assistant.embed import Embedder, get_embedder
from assistant.errors import IndexStoreError, ProtocolParseError
from assistant.settings import Settings, quiet_environment
from assistant.store import ProtocolStore
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
    """Chunks already stored, left as they were."""


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

    def ingest(self, protocols: Iterable[Protocol], progress: Progress | None = None) -> IngestReport:
        """Store the protocols' chunks, embedding only what is new and deleting what is stale.

        New chunks of all protocols are embedded together in large groups (the model sorts a group by
        length and batches it), so many small protocols cost no more than one large one.
        """
        report = IngestReport()
        plans: list[tuple[Protocol, list[Chunk], list[str]]] = []
        pending: list[tuple[Chunk, Protocol]] = []
        for protocol in protocols:
            if not protocol.criteria:
                raise ProtocolParseError(protocol.source_path, "record has no eligibility criteria; nothing indexed")
            chunks = chunk_protocol(protocol, self.settings.chunk_max_chars)
            stored = self.stored_ids(protocol.id)
            new = [c for c in chunks if c.id not in stored]
            stale = sorted(stored - {c.id for c in chunks})
            plans.append((protocol, chunks, stale))
            pending.extend((c, protocol) for c in new)
            report.protocols.append(protocol.id)
            report.added += len(new)
            report.removed += len(stale)
            report.unchanged += len(chunks) - len(new)
            if progress and len(new) < len(chunks):
                progress(len(chunks) - len(new))
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
        stale_ids = [chunk_id for _, _, stale in plans for chunk_id in stale]
        if stale_ids:
            self.collection.delete(ids=stale_ids)
        self.store.save([protocol for protocol, _, _ in plans])
        if report.added or report.removed:
            self._chunks = None
        return report

    def chunks(self) -> list[Chunk]:
        """Every stored chunk (read once, then cached until the next ingest)."""
        if self._chunks is None:
            result = self.collection.get(include=["documents", "metadatas"])
            self._chunks = sorted(
                (
                    chunk_from_record(i, d, m)
                    for i, d, m in zip(result["ids"], result["documents"], result["metadatas"], strict=True)
                ),
                key=lambda c: (c.protocol_id, c.start),
            )
        return self._chunks

    def dense(self, vector: list[float], k: int, protocol_id: str | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the ``k`` nearest chunks, optionally within one protocol."""
        total = self.count()
        if total == 0:
            return []
        result = self.collection.query(
            query_embeddings=[vector],
            n_results=min(k, total),
            where={"protocol_id": protocol_id} if protocol_id else None,
            include=["distances"],
        )
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], result["distances"][0], strict=True)]
