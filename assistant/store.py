"""The protocol store: each indexed protocol saved whole (canonical text, sections, criteria) as JSON.

Chroma holds the chunks and their vectors; this store lets the answerer verify quotes against the
full canonical text and lets the checker find a protocol's criteria by id, with no re-parsing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path

from assistant.errors import UnknownProtocolError
from assistant.types import Criterion, Protocol, Section


class ProtocolStore:
    """Protocols saved as ``<data_dir>/protocols/<id>.json``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = data_dir / "protocols"
        self._cache: dict[str, tuple[float, Protocol]] = {}

    def path(self, protocol_id: str) -> Path:
        """Where the protocol with this id is saved."""
        return self.root / f"{protocol_id}.json"

    def ids(self) -> list[str]:
        """Ids of the saved protocols, sorted."""
        if not self.root.exists():
            return []
        return sorted(p.stem for p in self.root.glob("*.json"))

    def save(self, protocol: Protocol) -> None:
        """Save (or replace) a protocol atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.path(protocol.id).with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(protocol), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path(protocol.id))

    def delete(self, protocol_id: str) -> None:
        """Forget a protocol."""
        self.path(protocol_id).unlink(missing_ok=True)
        self._cache.pop(protocol_id, None)

    def load(self, protocol_id: str) -> Protocol:
        """The saved protocol; UnknownProtocolError when there is none."""
        path = self.path(protocol_id)
        if not path.exists():
            raise UnknownProtocolError(protocol_id, self.ids())
        mtime = path.stat().st_mtime
        cached = self._cache.get(protocol_id)
        if cached and cached[0] == mtime:
            return cached[1]
        data = json.loads(path.read_text(encoding="utf-8"))
        protocol = Protocol(
            id=data["id"],
            title=data["title"],
            text=data["text"],
            source_format=data["source_format"],
            source_path=data["source_path"],
            sections=tuple(Section(**s) for s in data["sections"]),
            criteria=tuple(Criterion(**c) for c in data["criteria"]),
            facts=data.get("facts", {}),
        )
        self._cache[protocol_id] = (mtime, protocol)
        return protocol
