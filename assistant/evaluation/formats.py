"""The file formats of question, patient and schedule sets (version 1), validated strictly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.evaluation.validate import read_yaml, validate
from assistant.types import Status

QuestionKind = Literal["eligibility", "design", "list", "schedule", "unanswerable"]
Overall = Literal["eligible", "ineligible", "undetermined"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Question(_Strict):
    """A general question: the facts its answer must hold, what it must cite, or that it must abstain."""

    id: str
    question: str = Field(min_length=1)
    kind: QuestionKind | None = None
    facts: list[str | list[str]] = Field(default_factory=list)
    criteria: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)
    abstain: bool = False

    @property
    def resolved_kind(self) -> QuestionKind:
        """As written; else unanswerable for an abstention, eligibility when it cites a criterion, design."""
        if self.kind:
            return self.kind
        if self.abstain:
            return "unanswerable"
        return "eligibility" if self.criteria else "design"


class QuestionSet(_Strict):
    """``version``, the protocol, its record (``source`` under the set's protocols, else corpus) and questions."""

    version: Literal[1]
    protocol: str
    source: str | None = None
    questions: list[Question] = Field(min_length=1)


class Route(_Strict):
    """How the chat must route a message."""

    patient: bool
    schedule: bool


class PatientCase(_Strict):
    """A patient question in the chat: message, date, optional patient file, expected verdicts."""

    id: str
    message: str = Field(min_length=1)
    as_of: dt.date
    patient_file: str | None = None
    follows: str | None = None
    expected_route: Route
    expected_schedule_dates: dict[str, dt.date | None] | None = None
    expected_facts: dict[str, object] = Field(default_factory=dict)
    expected_verdicts: dict[str, Status] = Field(min_length=1)
    expected_overall: Overall
    notes: str | None = None


class PatientSet(_Strict):
    """``version``, the protocol and its cases."""

    version: Literal[1]
    protocol: str
    source: str | None = None
    cases: list[PatientCase] = Field(min_length=1)


class Window(_Strict):
    """An expected date window (inclusive); null when the dates given do not determine it."""

    earliest: dt.date | None
    latest: dt.date | None


class ScheduleQuestion(_Strict):
    """A schedule question with its dates as fields and the windows the answer must give."""

    id: str
    question: str = Field(min_length=1)
    start: dt.date | None = None
    surgery: dt.date | None = None
    expected: dict[str, Window] = Field(default_factory=dict)
    notes_on: list[str] = Field(default_factory=list)


class ScheduleSet(_Strict):
    """``version``, the protocol and its questions."""

    version: Literal[1]
    protocol: str
    source: str | None = None
    as_of: dt.date | None = None
    questions: list[ScheduleQuestion] = Field(min_length=1)


def load_question_set(path: Path) -> QuestionSet:
    """A question set file, validated."""
    data = validate(str(path), read_yaml(path), QuestionSet)
    _unique(path, [q.id for q in data.questions])
    return data


def load_patient_set(path: Path) -> PatientSet:
    """A patient set file, validated (ids unique, ``follows`` naming an earlier case)."""
    from assistant.evaluation.errors import EvaluationError

    data = validate(str(path), read_yaml(path), PatientSet)
    _unique(path, [c.id for c in data.cases])
    seen: set[str] = set()
    for case in data.cases:
        if case.follows is not None and case.follows not in seen:
            raise EvaluationError(f"{path}: cases.{case.id}.follows: {case.follows!r} is not an earlier case")
        seen.add(case.id)
    return data


def load_schedule_set(path: Path) -> ScheduleSet:
    """A schedule set file, validated."""
    data = validate(str(path), read_yaml(path), ScheduleSet)
    _unique(path, [q.id for q in data.questions])
    return data


def _unique(path: Path, ids: list[str]) -> None:
    from assistant.evaluation.errors import EvaluationError

    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise EvaluationError(f"{path}: id {dupes[0]!r} is used twice")
