"""Rows of a screening run: one per patient × protocol, ranked per patient, written as CSV or JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

from assistant.check import PatientCheck
from assistant.types import Overall

RowStatus = Literal["ok", "error"]

CSV_COLUMNS: tuple[str, ...] = (
    "patient",
    "patient_id",
    "protocol",
    "status",
    "overall",
    "rank",
    "violated",
    "unknowns",
    "needs_review",
    "to_order",
    "to_ask",
    "rules_source",
    "message",
)
"""Columns of the screening CSV, in order; list-valued cells are joined by ``"; "``."""


@dataclass(frozen=True, slots=True)
class ScreenRow:
    """One patient checked against one protocol (or the error that kept it from being checked)."""

    patient: str
    """The patient file, as named on the command line or relative to the patients folder."""
    protocol: str
    """Protocol id."""
    status: RowStatus
    """``ok`` when the check ran, ``error`` when the patient file (or its check) could not be read."""
    overall: Overall | None = None
    """eligible, ineligible or undetermined; None for an error row."""
    violated: tuple[str, ...] = ()
    """Ids of the violated criteria."""
    unknowns: int = 0
    """Number of criteria the data cannot decide."""
    needs_review: int = 0
    """Number of clinical criteria left for a person to decide (administrative ones not counted)."""
    to_order: tuple[str, ...] = ()
    """Data to order (labs, scores, tests) that would settle the unknowns."""
    to_ask: tuple[str, ...] = ()
    """Questions to ask (history, medications, procedures) that would settle the unknowns."""
    rules_source: str = ""
    """``reviewed`` or ``compiled``."""
    patient_id: str = ""
    """Identifier the patient record gives, if any."""
    message: str = ""
    """For an error row: what could not be read, naming the file and the field."""
    rank: int | None = None
    """Place of the protocol among this patient's checked protocols (1 is the best prospect); None for errors."""

    def to_json(self) -> dict[str, object]:
        """The row as JSON."""
        data = asdict(self)
        for key in ("violated", "to_order", "to_ask"):
            data[key] = list(data[key])
        return data

    def to_csv(self) -> dict[str, str]:
        """The row as CSV cells."""
        data = self.to_json()
        return {
            key: "; ".join(map(str, value)) if isinstance(value, list) else "" if value is None else str(value)
            for key, value in ((k, data[k]) for k in CSV_COLUMNS)
        }


def row_of(patient: str, check: PatientCheck, patient_id: str | None = None) -> ScreenRow:
    """The screening row of one check."""
    settle = check.to_settle()
    return ScreenRow(
        patient=patient,
        protocol=check.protocol,
        status="ok",
        overall=check.overall,
        violated=tuple(v.criterion_id for v in check.verdicts if v.status == "violated"),
        unknowns=sum(1 for v in check.verdicts if v.status == "unknown"),
        needs_review=sum(
            1 for v in check.verdicts if v.status == "needs_review" and v.criterion_id not in check.administrative
        ),
        to_order=tuple(settle["order"]),
        to_ask=tuple(settle["ask"]),
        rules_source=check.rules_source,
        patient_id=patient_id or "",
    )


def error_row(patient: str, protocol: str, message: str) -> ScreenRow:
    """A row saying why this patient could not be checked against this protocol."""
    return ScreenRow(patient=patient, protocol=protocol, status="error", message=message)


def rank_key(row: ScreenRow) -> tuple[bool, int, bool, int, str]:
    """Ineligible last, then fewest unknowns, eligible before undetermined, fewest reviews, then protocol id."""
    return (row.overall == "ineligible", row.unknowns, row.overall != "eligible", row.needs_review, row.protocol)


def ranked(rows: Sequence[ScreenRow]) -> list[ScreenRow]:
    """One patient's rows with ranks set, best prospect first; error rows last, unranked."""
    checked = sorted((r for r in rows if r.status == "ok"), key=rank_key)
    errors = sorted((r for r in rows if r.status != "ok"), key=lambda r: r.protocol)
    return [replace(r, rank=i) for i, r in enumerate(checked, start=1)] + errors


@dataclass
class ScreenResult:
    """Every patient × protocol row of a screening run, grouped by patient in input order."""

    rows: list[ScreenRow] = field(default_factory=list)
    """The rows, each patient's ranked."""
    patients: int = 0
    """Patient files screened."""
    protocols: tuple[str, ...] = ()
    """Protocol ids screened against."""
    workers: int = 1
    """Processes the checks ran in."""

    @property
    def errors(self) -> list[ScreenRow]:
        """The error rows."""
        return [r for r in self.rows if r.status == "error"]

    def for_patient(self, patient: str) -> list[ScreenRow]:
        """One patient's rows, in rank order."""
        return [r for r in self.rows if r.patient == patient]

    def to_json(self) -> dict[str, object]:
        """The whole run as JSON."""
        return {
            "patients": self.patients,
            "protocols": list(self.protocols),
            "rows": [r.to_json() for r in self.rows],
        }

    def write_csv(self, path: Path) -> None:
        """Write the rows as CSV (columns ``CSV_COLUMNS``)."""
        write_rows_csv(self.rows, path)

    def write_json(self, path: Path) -> None:
        """Write the run as JSON."""
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False), encoding="utf-8")


def write_rows_csv(rows: Iterable[ScreenRow], path: Path) -> None:
    """Rows as a CSV file with a header line."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        writer.writerows(r.to_csv() for r in rows)
