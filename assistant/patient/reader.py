"""Read a patient file: a FHIR R4 Bundle (JSON), a facts file (YAML/JSON) or a clinical note (.txt).

Only a regular file within ``max_input_bytes`` is read, as UTF-8; JSON and YAML are parsed within
the nesting-depth and integer-digit limits (``assistant.limits``), so no file can exhaust memory or
the parser's recursion before a reader validates it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from assistant.errors import PatientDataError
from assistant.limits import load_json, load_yaml
from assistant.patient.facts import PatientFacts
from assistant.patient.factsfile import parse_facts
from assistant.patient.fhir import read_fhir_bundle
from assistant.patient.validate import file_text
from assistant.settings import get_settings


def read_patient(path: str | Path, today: dt.date | None = None, as_of: dt.date | None = None) -> PatientFacts:
    """The facts in ``path``: a note (``.txt``), a FHIR Bundle (JSON with a ``resourceType``), else a facts file.

    ``today`` bounds every date (default: today); ``as_of``, the check date, bounds the birth date.
    """
    file = Path(path)
    if not file.exists():
        raise PatientDataError(f"{file}: no such patient file")
    text = file_text(file)
    if file.suffix.lower() == ".txt":
        from assistant.patient.note import read_note

        return read_note(text, today or as_of or dt.date.today(), source=str(file)).facts
    settings = get_settings()
    stripped = text.lstrip(" \t\r\n")
    if stripped.startswith("{"):
        try:
            data = load_json(stripped, settings, str(file))
        except json.JSONDecodeError as exc:
            raise PatientDataError(
                f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        if isinstance(data, dict) and "resourceType" in data:
            if data["resourceType"] != "Bundle":
                raise PatientDataError(f"{file} resourceType: expected 'Bundle', got {data['resourceType']!r}"[:300])
            return read_fhir_bundle(data, today, as_of)
        return parse_facts(data, str(file), today, as_of)
    try:
        raw = load_yaml(text, settings, str(file))
    except yaml.YAMLError as exc:
        raise PatientDataError(f"{file}: not valid YAML or JSON: {_one_line(exc)}") from None
    return parse_facts(raw, str(file), today, as_of)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
