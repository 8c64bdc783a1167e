"""The protocol store: each indexed protocol saved whole (canonical text, sections, criteria).

It lives in a Chroma collection beside the chunks (one record per protocol, the protocol as JSON),
so a Chroma server holds everything every client needs: answers verify quotes against the full
canonical text and the checker finds a protocol's criteria by id, with no re-parsing and no local
files.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from assistant.errors import UnknownProtocolError
from assistant.types import Criterion, Protocol, Section

# Protocol records are fetched by id, never searched: one constant coordinate stands in for a vector.
_NO_VECTOR = [1.0]
COMPLETE = "complete"
PENDING = "pending"


def get_all(collection: Any, include: list[str], page: int = 5000) -> dict[str, list[Any]]:
    """Every record of a collection, read ``page`` at a time (one read of all fails past SQLite's variable limit)."""
    out: dict[str, list[Any]] = {"ids": [], **{key: [] for key in include}}
    offset = 0
    while True:
        part = collection.get(include=include, limit=page, offset=offset)
        for key in out:
            out[key].extend(part[key])
        if len(part["ids"]) < page:
            return out
        offset += page


def protocol_to_json(protocol: Protocol) -> str:
    """The protocol as JSON."""
    return json.dumps(asdict(protocol), ensure_ascii=False)


def protocol_from_json(text: str) -> Protocol:
    """The protocol back from ``protocol_to_json``."""
    data = json.loads(text)
    return Protocol(
        id=data["id"],
        title=data["title"],
        text=data["text"],
        source_format=data["source_format"],
        source_path=data["source_path"],
        sections=tuple(Section(**s) for s in data["sections"]),
        criteria=tuple(Criterion(**c) for c in data["criteria"]),
        facts=data.get("facts", {}),
    )


class ProtocolStore:
    """Protocols in a Chroma collection, one record each, read back with a cache keyed by content hash."""

    def __init__(self, collection: Any) -> None:
        self.collection = collection
        self._cache: dict[str, Protocol] = {}

    def ids(self) -> list[str]:
        """Ids of the saved protocols, sorted (reads every record: per question, use ``has`` or ``count``)."""
        return sorted(get_all(self.collection, [])["ids"])

    def has(self, protocol_id: str) -> bool:
        """True when ``protocol_id`` is saved (one read by id, whatever the number of protocols)."""
        return bool(self.collection.get(ids=[protocol_id], include=[])["ids"])

    def count(self) -> int:
        """How many protocols are saved."""
        return int(self.collection.count())

    def only_id(self) -> str | None:
        """The id of the one saved protocol, None when there are none or several."""
        if self.count() != 1:
            return None
        return str(self.collection.get(include=[], limit=1)["ids"][0])

    def states(self) -> dict[str, tuple[str, str]]:
        """(content hash, state) of every saved protocol; state is ``complete`` or ``pending``.

        A protocol is ``pending`` from the moment its record is written until all its chunks are stored,
        so an ingest cut short leaves it pending (records written before states existed are complete).
        """
        stored = get_all(self.collection, ["metadatas"])
        return {
            i: (str(m["content_hash"]), str(m.get("state", COMPLETE)))
            for i, m in zip(stored["ids"], stored["metadatas"], strict=True)
        }

    def pending(self) -> list[str]:
        """Ids of protocols whose ingest did not finish, sorted."""
        return sorted(i for i, (_, state) in self.states().items() if state != COMPLETE)

    def save(self, protocols: list[Protocol], state: str = COMPLETE) -> int:
        """Save (or replace) protocols in one write, skipping those stored unchanged; how many were written."""
        if not protocols:
            return 0
        stored = self.collection.get(ids=[p.id for p in protocols], include=["metadatas"])
        hashes = {
            i: (m["content_hash"], m.get("state", COMPLETE))
            for i, m in zip(stored["ids"], stored["metadatas"], strict=True)
        }
        changed = [p for p in protocols if hashes.get(p.id) != (p.content_hash, state)]
        if changed:
            self.collection.upsert(
                ids=[p.id for p in changed],
                embeddings=[_NO_VECTOR] * len(changed),
                documents=[protocol_to_json(p) for p in changed],
                metadatas=[{"content_hash": p.content_hash, "title": p.title, "state": state} for p in changed],
            )
        for protocol in protocols:
            self._cache[protocol.content_hash] = protocol
        return len(changed)

    def mark_complete(self, protocols: list[Protocol]) -> None:
        """Record that all chunks of these (saved) protocols are stored."""
        if protocols:
            self.collection.update(
                ids=[p.id for p in protocols],
                metadatas=[{"content_hash": p.content_hash, "title": p.title, "state": COMPLETE} for p in protocols],
            )

    def load(self, protocol_id: str) -> Protocol:
        """The saved protocol; UnknownProtocolError when there is none."""
        found = self.collection.get(ids=[protocol_id], include=["metadatas"])
        if not found["ids"]:
            raise UnknownProtocolError(protocol_id, self.ids())
        content_hash = str(found["metadatas"][0]["content_hash"])
        cached = self._cache.get(content_hash)
        if cached is None or cached.id != protocol_id:
            document = self.collection.get(ids=[protocol_id], include=["documents"])["documents"][0]
            cached = self._cache[content_hash] = protocol_from_json(document)
        return cached
