"""The patient a conversation concerns: read from an upload, named, dated, and compared with the check date."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, PatientDataError
from assistant.patient import read_patient
from assistant.patient.facts import PatientFacts
from assistant.settings import Settings

PATIENT_SUFFIXES = (".json", ".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class LoadedPatient:
    """A patient read from an uploaded file."""

    facts: PatientFacts
    """The facts the file holds."""
    file_name: str
    """The uploaded file's own name (never a temporary path)."""
    name: str | None
    """The patient's name when the file gives one (FHIR ``Patient.name``)."""
    newest: dt.date | None
    """Date of the newest dated fact in the file."""

    @property
    def label(self) -> str:
        """Who this is, as the page names the patient: name, else id, else the file name."""
        if self.name:
            return self.name
        if self.facts.patient_id:
            return f"patient {self.facts.patient_id}"
        return f"the patient in {self.file_name}"

    def describe(self) -> str:
        """One line naming the patient, the file and the newest fact's date."""
        newest = self.newest.isoformat() if self.newest else "no dated facts"
        return f"{self.label} (from {self.file_name}; newest fact {newest})"


def fact_dates(facts: PatientFacts) -> list[dt.date]:
    """Every date a fact carries: measurement, onset and resolution, medication start and end, procedure, review."""
    days: list[dt.date | None] = [o.date for o in facts.observations]
    days += [d for c in facts.conditions for d in (c.onset, c.abatement)]
    days += [d for m in facts.medications for d in (m.start, m.end)]
    days += [p.date for p in facts.procedures]
    days += [r.date for r in facts.reviews]
    return [d for d in days if d is not None]


def newest_fact(facts: PatientFacts) -> dt.date | None:
    """The date of the newest dated fact, or None when no fact is dated."""
    return max(fact_dates(facts), default=None)


def _human_name(data: Any) -> str | None:
    """``Patient.name`` of a FHIR bundle, as text (``text``, else given and family names)."""
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        return None
    for entry in data.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            continue
        for name in resource.get("name") or []:
            if not isinstance(name, dict):
                continue
            if isinstance(name.get("text"), str) and name["text"].strip():
                return str(name["text"]).strip()
            parts = [p for p in (name.get("given") or []) if isinstance(p, str)]
            if isinstance(name.get("family"), str):
                parts.append(name["family"])
            if parts:
                return " ".join(parts)
    return None


def load_upload(file_name: str, data: bytes, settings: Settings, today: dt.date | None = None) -> LoadedPatient:
    """Read an uploaded FHIR R4 bundle or facts file; errors name the uploaded file, never a temporary path."""
    name = Path(file_name).name or "upload"
    if Path(name).suffix.lower() not in PATIENT_SUFFIXES:
        raise PatientDataError(f"{name}: not a patient file; expected a FHIR R4 bundle (.json) or facts file (.yaml)")
    if len(data) > settings.max_input_bytes:
        raise PatientDataError(
            f"{name}: {len(data):,} bytes is more than the {settings.max_input_bytes:,} accepted (PA_MAX_INPUT_BYTES)"
        )
    with tempfile.TemporaryDirectory(prefix="pa-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            facts = read_patient(path, today)
        except AssistantError as exc:
            message = str(exc).replace(str(path), name).replace(folder, "")
            raise PatientDataError(message if name in message else f"{name}: {message}") from None
    try:
        raw = json.loads(data.decode("utf-8")) if name.lower().endswith(".json") else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raw = None
    return LoadedPatient(facts=facts, file_name=name, name=_human_name(raw), newest=newest_fact(facts))


def staleness_warning(as_of: dt.date, newest: dt.date | None, max_days: int) -> str | None:
    """A warning when the check date is more than ``max_days`` from the newest fact (None otherwise)."""
    if newest is None:
        return None
    gap = (as_of - newest).days
    if abs(gap) <= max_days:
        return None
    if gap > 0:
        return (
            f"Checking as of {as_of.isoformat()}, but the newest fact is from {newest.isoformat()} "
            f"({gap:,} days earlier): time windows count from the check date, so old labs may be out of window."
        )
    return (
        f"Checking as of {as_of.isoformat()}, {-gap:,} days before the newest fact ({newest.isoformat()}): "
        "facts dated after the check date may not count."
    )
