"""Protocols added from the page: an uploaded CT.gov record (API v2 JSON, legacy XML) or a pasted registry page."""

from __future__ import annotations

import tempfile
from pathlib import Path

from assistant.errors import AssistantError, InputPathError
from assistant.index import IngestReport, ProtocolIndex
from assistant.parse import PROTOCOL_SUFFIXES

PASTED_NAME = "pasted-registry-page.txt"


def ingest_upload(index: ProtocolIndex, file_name: str, data: bytes) -> tuple[list[str], IngestReport]:
    """Index one protocol record given as bytes; returns the ids indexed and the report.

    Errors name the uploaded file (never a temporary path); nothing is written when the record does not parse."""
    from assistant.cli.corpus_cmds import ingest_paths

    name = Path(file_name).name or PASTED_NAME
    if Path(name).suffix.lower() not in PROTOCOL_SUFFIXES:
        raise InputPathError(f"{name}: not a protocol record; expected one of {', '.join(sorted(PROTOCOL_SUFFIXES))}")
    if not data.strip():
        raise InputPathError(f"{name}: empty; nothing indexed")
    with tempfile.TemporaryDirectory(prefix="pa-ingest-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            report, _ = ingest_paths(index, [path])
        except AssistantError as exc:
            message = str(exc).replace(str(path), name).replace(folder, "")
            raise InputPathError(message if name in message else f"{name}: {message}") from None
    return list(report.protocols), report


def ingest_pasted(index: ProtocolIndex, text: str) -> tuple[list[str], IngestReport]:
    """Index a registry page pasted as text."""
    return ingest_upload(index, PASTED_NAME, text.encode("utf-8"))
