"""Criterion-level labels in the TrialGPT annotation format: read, match to the protocol's criteria, map onto statuses.

Each line of a ``.jsonl`` file is one labelled criterion for one patient note: ``patient_id``, ``note``,
``trial_id``, ``criterion_type`` (inclusion / exclusion), ``criterion_text`` and ``expert_eligibility``
(included / not included / excluded / not excluded / not enough information / not applicable), plus
``as_of`` (the note's date, which the public format lacks). The public release's other columns are read
and ignored. A label is matched to the protocol's criterion of the same type whose normalised text is
equal, else to the one with the best token overlap (Dice) at or above the set's ``match_min_overlap``;
labels matching none, or two equally, are reported as unmatched.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.validate import validate
from assistant.types import CriterionType, Protocol, Status

Eligibility = Literal[
    "included", "not included", "excluded", "not excluded", "not enough information", "not applicable"
]

MAPPING: dict[tuple[str, str], Status] = {
    ("inclusion", "included"): "satisfied",
    ("inclusion", "not included"): "violated",
    ("exclusion", "excluded"): "violated",
    ("exclusion", "not excluded"): "satisfied",
    ("inclusion", "not enough information"): "unknown",
    ("exclusion", "not enough information"): "unknown",
    ("inclusion", "not applicable"): "not_applicable",
    ("exclusion", "not applicable"): "not_applicable",
}
"""(criterion type, expert eligibility) → the checker's status, from the patient's side."""


class LabelLine(BaseModel):
    """One line of a TrialGPT criterion-annotation file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patient_id: str = Field(min_length=1)
    note: str = Field(min_length=1)
    trial_id: str = Field(min_length=1)
    criterion_type: CriterionType
    criterion_text: str = Field(min_length=1)
    expert_eligibility: Eligibility
    as_of: dt.date | None = None
    # Columns of the public release that the harness reads past.
    trial_title: Any = None
    gpt4_explanation: Any = None
    explanation_correctness: Any = None
    gpt4_sentences: Any = None
    expert_sentences: Any = None
    gpt4_eligibility: Any = None
    training: Any = None


def map_label(criterion_type: str, eligibility: str, where: str = "label") -> Status:
    """The status a TrialGPT label means; a label of the other type ("excluded" on an inclusion) is an error."""
    status = MAPPING.get((criterion_type, eligibility))
    if status is None:
        valid = sorted({e for (t, e) in MAPPING if t == criterion_type})
        raise EvaluationError(
            f"{where}: expert_eligibility {eligibility!r} does not apply to a {criterion_type} criterion; "
            f"valid: {', '.join(valid)}"
        )
    return status


_SYMBOLS = {"≥": " >= ", "≤": " <= ", "〉": ">", "\\>": ">", "\\<": "<", "\\=": "="}


def normalise(text: str) -> str:
    """Case, white space, bullets and the registry's escapes folded, so copies of one criterion compare equal."""
    text = unicodedata.normalize("NFKC", text)
    for old, new in _SYMBOLS.items():
        text = text.replace(old, new)
    text = re.sub(r"^\s*(?:[-–•*·]+|\d{1,2}[.)](?!\d))?\s*", "", text.casefold())
    text = re.sub(r"[^\w<>=%^+./-]+", " ", text)
    text = re.sub(r"\s*([<>]=?)\s*", r" \1 ", text)
    return " ".join(text.replace(" .", " ").strip(" .;:,").split())


def token_set(text: str) -> frozenset[str]:
    """The word tokens of the normalised text."""
    return frozenset(re.findall(r"[\w]+|[<>]=?", normalise(text)))


def overlap(a: str, b: str) -> float:
    """Dice coefficient of the two texts' token sets."""
    ta, tb = token_set(a), token_set(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) if ta and tb else 0.0


@dataclass(frozen=True, slots=True)
class Match:
    """Where a label landed: the criterion id (None when unmatched), how, and the overlap score."""

    criterion_id: str | None
    how: Literal["exact", "overlap", "none", "ambiguous"]
    score: float


def match_criterion(criterion_type: str, text: str, protocol: Protocol, min_overlap: float) -> Match:
    """The protocol's criterion of the same type a label names: equal when normalised, else best overlap."""
    candidates = [c for c in protocol.criteria if c.type == criterion_type]
    wanted = normalise(text)
    for c in candidates:
        if normalise(c.text) == wanted:
            return Match(c.id, "exact", 1.0)
    scored = sorted(((overlap(text, c.text), c.id) for c in candidates), key=lambda s: -s[0])
    if not scored or scored[0][0] < min_overlap:
        return Match(None, "none", scored[0][0] if scored else 0.0)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return Match(None, "ambiguous", scored[0][0])
    return Match(scored[0][1], "overlap", scored[0][0])


@dataclass(slots=True)
class LabelledPatient:
    """One patient note against one trial, with its labelled criteria in file order."""

    patient_id: str
    trial_id: str
    note: str
    as_of: dt.date
    labels: list[tuple[str, LabelLine]] = field(default_factory=list)
    """(file:line, label) pairs."""


def read_labels(paths: list[Path]) -> list[LabelledPatient]:
    """Every labelled patient of the files, grouped by (patient, trial); a bad line names file, line and field."""
    patients: dict[tuple[str, str], LabelledPatient] = {}
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        if not any(line.strip() for line in lines):
            raise EvaluationError(f"{path}: no labels")
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            where = f"{path}:{number}"
            try:
                data = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise EvaluationError(f"{where}: not a JSON object ({exc.msg})") from exc
            line = validate(where, data, LabelLine)
            map_label(line.criterion_type, line.expert_eligibility, where)
            if line.as_of is None:
                raise EvaluationError(f"{where}: as_of: the note's date is required (YYYY-MM-DD)")
            key = (line.patient_id, line.trial_id)
            patient = patients.setdefault(key, LabelledPatient(line.patient_id, line.trial_id, line.note, line.as_of))
            if patient.note != line.note or patient.as_of != line.as_of:
                raise EvaluationError(f"{where}: patient {line.patient_id!r} has another note or as_of than before")
            patient.labels.append((where, line))
    return list(patients.values())


def find_record(trial_id: str, root: Path) -> Path:
    """The CT.gov record of ``trial_id`` under ``root`` (a file named by the NCT number)."""
    found = sorted(p for p in root.rglob(f"{trial_id}.*") if p.suffix in (".json", ".xml", ".txt") and p.is_file())
    if not found:
        raise EvaluationError(f"trial {trial_id!r}: no record {trial_id}.json/.xml/.txt under {root}")
    return found[0]
