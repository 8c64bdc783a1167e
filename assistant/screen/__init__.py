"""Bulk pre-screening: many patients against many protocols, one ranked row per patient × protocol."""

from assistant.screen.rows import CSV_COLUMNS, ScreenResult, ScreenRow, ranked
from assistant.screen.run import patient_files, screen, screen_patient, screen_protocols, select_protocols

__all__ = [
    "CSV_COLUMNS",
    "ScreenResult",
    "ScreenRow",
    "patient_files",
    "ranked",
    "screen",
    "screen_patient",
    "screen_protocols",
    "select_protocols",
]
