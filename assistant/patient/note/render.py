"""A note reading for people (one line per fact, with its words) and as JSON; and reading a note file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from assistant.errors import PatientDataError
from assistant.patient.note.reader import read_note
from assistant.patient.note.types import NoteReading


def read_note_file(path: str | Path, today: dt.date) -> NoteReading:
    """The reading of the note in ``path`` (UTF-8 text); PatientDataError naming the file when it cannot be read."""
    file = Path(path)
    if not file.is_file():
        raise PatientDataError(f"{file}: no such note file")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientDataError(f"{file}: cannot read: {exc}") from None
    try:
        return read_note(text, today, source=str(file))
    except PatientDataError as exc:
        raise PatientDataError(f"{file}: {exc}") from None


def render_reading(reading: NoteReading) -> str:
    """What was read, each with the words it came from, then what was not used and what was not understood."""
    lines = ["Read from the note:"]
    lines += [f"  {m.rendering}" for m in reading.mentions] or ["  nothing"]
    if reading.notes:
        lines.append("Not used:")
        lines += [f"  {n}" for n in reading.notes]
    if reading.not_understood:
        lines.append("Not understood: " + "; ".join(f"'{p}'" for p in reading.not_understood))
    return "\n".join(lines)


def reading_to_json(reading: NoteReading) -> dict[str, Any]:
    """The reading as JSON: mentions with offsets and verbatim text, notes, phrases not understood."""
    return {
        "mentions": [
            {
                "kind": m.kind,
                "concept": m.concept,
                "text": m.text,
                "start": m.start,
                "end": m.end,
                "rendering": m.rendering,
                "context": m.context.describe(),
                "used": m.fact is not None or m.kind in ("age", "sex"),
                "code": m.code,
                "system": m.system,
            }
            for m in reading.mentions
        ],
        "notes": list(reading.notes),
        "not_understood": list(reading.not_understood),
    }
