"""Parse stage: a protocol file (registry page text, API v2 JSON, legacy XML) → ``Protocol``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputPathError, ProtocolParseError
from assistant.parse.ctgov_json import parse_ctgov_json
from assistant.parse.ctgov_text import parse_ctgov_text
from assistant.parse.ctgov_xml import parse_ctgov_xml
from assistant.types import Protocol

PROTOCOL_SUFFIXES = (".txt", ".json", ".xml")


def parse_text(raw: str, path: str) -> Protocol:
    """Parse a protocol given as text, choosing the format by its content."""
    stripped = raw.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ProtocolParseError(path, "file is empty")
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ProtocolParseError(path, f"malformed JSON (line {exc.lineno}: {exc.msg})") from None
        return parse_ctgov_json(data, path)
    if stripped.startswith("<"):
        return parse_ctgov_xml(stripped, path)
    return parse_ctgov_text(raw, path)


def parse_protocol(path: str | Path) -> Protocol:
    """Parse one protocol file; raise InputPathError or ProtocolParseError on bad input."""
    file = Path(path)
    if not file.exists():
        raise InputPathError(f"{file}: no such file or directory")
    if file.is_dir():
        raise InputPathError(f"{file}: is a folder; give a protocol file")
    try:
        raw = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ProtocolParseError(str(file), "not UTF-8 text; expected a ClinicalTrials.gov record") from None
    return parse_text(raw, str(file))


def protocol_files(paths: Sequence[str | Path]) -> list[Path]:
    """The protocol files named by ``paths`` (files, or folders searched recursively), sorted."""
    found: list[Path] = []
    for path in map(Path, paths):
        if not path.exists():
            raise InputPathError(f"{path}: no such file or directory")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PROTOCOL_SUFFIXES)
            found.extend(p for p in files if not p.name.endswith((".rules.yaml", ".schedule.yaml")))
        else:
            found.append(path)
    return found
