"""A site's default reference ranges: the upper limit of normal assumed for a lab reported without one.

Off unless ``settings.site_ranges`` names a file (format: docs/site-ranges.md). A range is used only
for an observation that states no reference range of its own, and every reason built on it says
which range was assumed, so a reviewer sees that the limit is the site's, not the measuring lab's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import PatientDataError, UnitError
from assistant.patient.concepts import ConceptSet, load_concepts
from assistant.patient.units import format_number, to_canonical


class _Range(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    high: float = Field(gt=0, allow_inf_nan=False, description="Upper limit of normal.")
    unit: str = Field(min_length=1, description="Unit of high, e.g. mg/dL.")
    source: str = Field(default="", description="Where the site took the range from.")


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    site: str = Field(min_length=1, description="Whose ranges these are.")
    ranges: dict[str, _Range] = Field(description="Concept name → its default range.")


@dataclass(frozen=True, slots=True)
class SiteRange:
    """One lab's default upper limit of normal, converted once to the concept's canonical unit."""

    high: float
    """Upper limit of normal in the concept's canonical unit."""
    shown: str
    """The limit as the file states it, with the site's name, for reasons."""


def _load(path: Path, concepts: ConceptSet) -> dict[str, SiteRange]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PatientDataError(f"{path}: cannot read the site ranges file: {exc}") from None
    try:
        document = _File.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"])
        valid = ", ".join(_Range.model_fields) if len(error["loc"]) > 2 else ", ".join(_File.model_fields)
        raise PatientDataError(f"{path}: {where}: {error['msg']} (valid keys: {valid})") from None
    found: dict[str, SiteRange] = {}
    for name, entry in document.ranges.items():
        concept = concepts.concepts.get(name)
        if concept is None or concept.value != "quantity":
            valid = ", ".join(n for n in concepts.names("observation") if concepts.concepts[n].value == "quantity")
            raise PatientDataError(f"{path}: ranges.{name}: not a lab quantity of the vocabulary; valid: {valid}")
        try:
            high = to_canonical(entry.high, entry.unit, concept, f"ranges.{name}.unit")
        except UnitError as exc:
            raise PatientDataError(f"{path}: {exc}") from None
        found[name] = SiteRange(high, f"ULN {format_number(entry.high)} {entry.unit} assumed from {document.site}")
    return found


@lru_cache(maxsize=8)
def _cached(path: Path, stamp: float) -> dict[str, SiteRange]:
    return _load(path, load_concepts())


def site_ranges(path: Path | None) -> dict[str, SiteRange]:
    """The default ranges in ``path`` (re-read when the file changes); none when ``path`` is None."""
    if path is None:
        return {}
    if not path.is_file():
        raise PatientDataError(f"{path}: no such site ranges file (setting PA_SITE_RANGES)")
    return _cached(path.resolve(), path.stat().st_mtime)
