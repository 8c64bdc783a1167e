"""Read a patient file: a FHIR R4 Bundle (JSON), a facts file (YAML/JSON) or a clinical note (.txt)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from assistant.errors import PatientDataError
from assistant.patient.facts import PatientFacts
from assistant.patient.factsfile import parse_facts
from assistant.patient.fhir import read_fhir_bundle


def read_patient(path: str | Path, today: dt.date | None = None) -> PatientFacts:
    """The facts in ``path``: a note (``.txt``), a FHIR Bundle (JSON with a ``resourceType``), else a facts file."""
    file = Path(path)
    if not file.is_file():
        raise PatientDataError(f"{file}: no such patient file")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientDataError(f"{file}: cannot read: {exc}") from None
    if file.suffix.lower() == ".txt":
        from assistant.patient.note import read_note

        return read_note(text, today or dt.date.today(), source=str(file)).facts
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise PatientDataError(
                f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        if isinstance(data, dict) and "resourceType" in data:
            return read_fhir_bundle(data, today) if data["resourceType"] == "Bundle" else _not_bundle(file, data)
        return parse_facts(data, str(file), today)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PatientDataError(f"{file}: not valid YAML or JSON: {exc}") from None
    return parse_facts(raw, str(file), today)


def _not_bundle(file: Path, data: dict[str, object]) -> PatientFacts:
    raise PatientDataError(f"{file} resourceType: expected 'Bundle', got {data['resourceType']!r}")
