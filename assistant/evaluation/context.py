"""What every set runner shares: the index, the settings, parsed protocols, the progress tick, recorded latencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.manifest import EvalSet
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.settings import Settings
from assistant.types import Protocol


@dataclass
class SetResult:
    """The figures of one set: flat metrics, the confusion table, the recall@k curve, and details to report."""

    name: str
    kind: str
    metrics: dict[str, float | None] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] | None = None
    recall_curve: dict[int, float | None] | None = None
    details: list[str] = field(default_factory=list)
    """Lines for the report: failed questions, unmatched labels, …"""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunContext:
    """The index and settings of one evaluation run, with a progress tick and latencies per route (ms)."""

    index: ProtocolIndex
    settings: Settings
    tick: Callable[[int], None] = lambda n: None
    latencies: dict[str, list[float]] = field(default_factory=dict)
    _parsed: dict[Path, Protocol] = field(default_factory=dict)

    @property
    def corpus(self) -> Path:
        """The shipped corpus folder."""
        return self.settings.corpus_dir

    def record_latency(self, route: str, ms: float) -> None:
        """Remember one timed exchange of ``route``."""
        self.latencies.setdefault(route, []).append(ms)

    def protocol_file(self, protocol_id: str, source: str | None, spec: EvalSet) -> Path:
        """A set's protocol record: ``source`` under the set's protocols folder, else the corpus copy."""
        if source is None:
            path = self.corpus / f"{protocol_id}.txt"
        elif spec.protocols is None:
            raise EvaluationError(f"set {spec.name!r}: source {source!r} given but the manifest names no protocols")
        else:
            path = spec.protocols / source
        if not path.is_file():
            raise EvaluationError(f"set {spec.name!r}: protocol record {path} does not exist")
        return path

    def parsed(self, path: Path) -> Protocol:
        """The record parsed once per run."""
        if path not in self._parsed:
            self._parsed[path] = parse_protocol(path)
        return self._parsed[path]

    def indexed(self, path: Path, protocol_id: str) -> Protocol:
        """The record parsed and in the index, checked to be ``protocol_id``."""
        protocol = self.parsed(path)
        if protocol.id != protocol_id:
            raise EvaluationError(f"{path}: is protocol {protocol.id!r}, not {protocol_id!r}")
        if protocol.id not in self.index.store.ids():
            self.index.ingest([protocol])
        return protocol
