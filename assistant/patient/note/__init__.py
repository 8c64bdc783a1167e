"""Clinical note reader on medspaCy: sections, vocabulary targets, ConText, values, dates, conflicts."""

from __future__ import annotations

from assistant.patient.note.pipeline import named_terms
from assistant.patient.note.reader import read_note
from assistant.patient.note.types import NoteContext, NoteMention, NoteReading

__all__ = ["NoteContext", "NoteMention", "NoteReading", "named_terms", "read_note"]
