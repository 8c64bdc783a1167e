"""Parse stage: a protocol file (registry page text, API v2 JSON, legacy XML) → ``Protocol``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import InputPathError, ProtocolParseError
from assistant.limits import load_json, read_regular_file
from assistant.parse.ctgov_json import parse_ctgov_json
from assistant.parse.ctgov_text import parse_ctgov_text
from assistant.parse.ctgov_xml import parse_ctgov_xml
from assistant.settings import Settings, get_settings
from assistant.types import Protocol

PROTOCOL_SUFFIXES = (".txt", ".json", ".xml")


def parse_text(raw: str, path: str, settings: Settings | None = None) -> Protocol:
    """Parse a protocol given as text, choosing the format by its content, within the input limits."""
    settings = settings or get_settings()
    stripped = raw.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise ProtocolParseError(path, "file is empty")
    if stripped.startswith("{") or stripped.startswith("["):
        try:
            data = load_json(stripped, settings, path)
        except json.JSONDecodeError as exc:
            raise ProtocolParseError(path, f"malformed JSON (line {exc.lineno}: {exc.msg})") from None
        return parse_ctgov_json(data, path)
    if stripped.startswith("<"):
        return parse_ctgov_xml(stripped, path, settings.max_nesting_depth)
    return parse_ctgov_text(raw, path)


def parse_protocol(path: str | Path, settings: Settings | None = None) -> Protocol:
    """Parse one protocol file; raise InputPathError, InputLimitError or ProtocolParseError on bad input.

    Only a regular file within ``max_input_bytes`` is read (a FIFO or device is refused unopened).
    """
    settings = settings or get_settings()
    file = Path(path)
    data = read_regular_file(file, settings, "protocol")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolParseError(str(file), "not UTF-8 text; expected a ClinicalTrials.gov record") from None
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")  # universal newlines, as text-mode reading gives
    if "\x00" in raw:
        raise ProtocolParseError(str(file), "holds NUL characters; not a text record")
    return parse_text(raw, str(file), settings)


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
