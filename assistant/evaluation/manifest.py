"""The manifest of evaluation sets (``eval/sets.yaml``): each named set, its kind, its files and its protocols."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.validate import read_yaml, validate

SetKind = Literal["questions", "patients", "schedule", "notes", "trialgpt", "chia", "bench"]
_NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")


class SetEntry(BaseModel):
    """One set as the manifest declares it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: SetKind
    files: list[str] = Field(default_factory=list, description="Files or glob patterns, relative to the manifest.")
    protocols: str | None = Field(default=None, description="Folder the sets' protocol sources are under.")
    default: bool = Field(default=True, description="Run when no --set is given.")
    description: str = ""
    protocol: str | None = Field(default=None, description="bench: the record checked, relative to the manifest.")
    as_of: dt.date | None = Field(default=None, description="bench: the date its patients are checked on.")
    match_min_overlap: float = Field(
        default=0.6, gt=0, le=1, description="trialgpt: least token overlap for a label to match a criterion."
    )


class ManifestFile(BaseModel):
    """The manifest as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1]
    sets: dict[str, SetEntry]


@dataclass(frozen=True, slots=True)
class EvalSet:
    """A named set with its files resolved."""

    name: str
    kind: SetKind
    files: tuple[Path, ...]
    protocols: Path | None
    default: bool
    description: str
    match_min_overlap: float
    protocol: Path | None = None
    as_of: dt.date | None = None


def _resolve(base: Path, name: str, entry: SetEntry) -> EvalSet:
    files: list[Path] = []
    for pattern in entry.files:
        matched = sorted(base.glob(pattern)) if any(c in pattern for c in "*?[") else [base / pattern]
        if not matched or not all(p.exists() for p in matched):
            raise EvaluationError(f"{base / 'sets.yaml'}: sets.{name}.files: {pattern!r} matches no file")
        files.extend(p for p in matched if p not in files)
    protocols = (base / entry.protocols).resolve() if entry.protocols else None
    protocol = (base / entry.protocol).resolve() if entry.protocol else None
    if protocol is not None and not protocol.is_file():
        raise EvaluationError(f"{base / 'sets.yaml'}: sets.{name}.protocol: {entry.protocol!r} is not a file")
    return EvalSet(
        name,
        entry.kind,
        tuple(files),
        protocols,
        entry.default,
        entry.description,
        entry.match_min_overlap,
        protocol,
        entry.as_of,
    )


def load_manifest(path: Path) -> dict[str, EvalSet]:
    """Every set of the manifest at ``path``, by name, files resolved against the manifest's folder."""
    raw = validate(str(path), read_yaml(path), ManifestFile)
    bad = [name for name in raw.sets if not _NAME.match(name)]
    if bad:
        raise EvaluationError(f"{path}: sets: name {bad[0]!r} must be lower-case letters, digits and dashes")
    return {name: _resolve(path.parent, name, entry) for name, entry in raw.sets.items()}


def select(sets: dict[str, EvalSet], names: list[str] | None) -> list[EvalSet]:
    """The sets named (all default sets when none is); an unknown name lists the valid ones."""
    if not names:
        return [s for s in sets.values() if s.default]
    unknown = [n for n in names if n not in sets]
    if unknown:
        raise EvaluationError(f"unknown set {unknown[0]!r}; valid sets: {', '.join(sets)}")
    return [sets[n] for n in dict.fromkeys(names)]
