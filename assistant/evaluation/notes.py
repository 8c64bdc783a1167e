"""Clinical-note cases: validate each case against its parsed protocol and score a checker's statuses against them.

Each case (``<case-id>.yaml``) names a protocol record, a fictional patient note (``notes/<case-id>.txt``), the
note's date and one label per criterion of the protocol, written from the criterion text and the note alone.
``load_cases`` validates every case; ``score`` compares any predictor's statuses with the labels.

Figures (overall, per protocol; administrative pairs are tallied apart and left out of the others):
coverage = committed predictions (satisfied, violated, not_applicable) / pairs;
precision = committed predictions equal to the label / committed predictions;
violation recall = violated labels predicted violated / violated labels.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.verdicts import STATUSES, Tally, overall_of_labels
from assistant.parse import parse_protocol
from assistant.types import Protocol

LabelStatus = Literal["satisfied", "violated", "unknown", "not_applicable", "needs_review"]
CaseOverall = Literal["eligible", "ineligible", "undetermined"]
_CASE_ID = re.compile(r"^(nct\d{8})-[a-z]$")

Predictor = Callable[["NoteCase"], Mapping[str, str]]


class NoteCaseError(EvaluationError):
    """A case file of the note evaluation set that does not validate; the message names the file and field."""


class Label(BaseModel):
    """The expected status of one criterion for one note."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: LabelStatus
    administrative: bool = False
    why: str | None = None


class CaseFile(BaseModel):
    """One case file as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    protocol: str
    source: str
    note: str
    as_of: dt.date
    overall: CaseOverall
    criteria: dict[str, Label]
    version: Literal[1] = 1


@dataclass(frozen=True, slots=True)
class NoteCase:
    """A validated case: the note's text, its date and one label per criterion of its protocol."""

    id: str
    protocol_id: str
    source: Path
    """Absolute path of the protocol record."""
    note_path: Path
    note_text: str
    as_of: dt.date
    overall: CaseOverall
    labels: dict[str, Label]
    """Criterion id → label, in the protocol's criterion order."""


def _reject_unknown_keys(where: str, data: Mapping[str, Any], model: type[BaseModel]) -> None:
    valid = list(model.model_fields)
    extra = sorted(str(k) for k in data if k not in valid)
    if extra:
        raise NoteCaseError(f"{where}: unknown key {extra[0]!r}; valid keys: {', '.join(valid)}")


def _read_case_file(path: Path) -> CaseFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise NoteCaseError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise NoteCaseError(f"{path}: a case file must be a mapping, got {type(data).__name__}")
    _reject_unknown_keys(str(path), data, CaseFile)
    criteria = data.get("criteria")
    if isinstance(criteria, dict):
        for cid, label in criteria.items():
            if isinstance(label, dict):
                _reject_unknown_keys(f"{path}: criteria.{cid}", label, Label)
    try:
        return CaseFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise NoteCaseError(f"{path}: {loc}: {first['msg']} (value {first.get('input')!r})") from exc


def _validate(path: Path, raw: CaseFile, folder: Path, protocols_root: Path, protocol: Protocol | None) -> NoteCase:
    match = _CASE_ID.match(raw.id)
    if match is None or match.group(1) != raw.protocol.lower():
        raise NoteCaseError(f"{path}: id {raw.id!r} must be the lower-case protocol id, a dash and a letter")
    if path.stem != raw.id:
        raise NoteCaseError(f"{path}: id {raw.id!r} differs from the file name {path.stem!r}")
    note_path = folder / raw.note
    if not note_path.is_file():
        raise NoteCaseError(f"{path}: note {raw.note!r} does not exist under {folder}")
    note_text = note_path.read_text(encoding="utf-8")
    if not note_text.strip():
        raise NoteCaseError(f"{path}: note {raw.note!r} is empty")
    source = protocols_root / raw.source
    if not source.is_file():
        raise NoteCaseError(f"{path}: source {raw.source!r} does not exist under {protocols_root}")
    if protocol is None:
        protocol = parse_protocol(source)
    if protocol.id != raw.protocol:
        raise NoteCaseError(f"{path}: protocol {raw.protocol!r} but {raw.source!r} is {protocol.id!r}")
    expected = [c.id for c in protocol.criteria]
    missing = [cid for cid in expected if cid not in raw.criteria]
    unknown = [cid for cid in raw.criteria if cid not in expected]
    if missing or unknown:
        raise NoteCaseError(
            f"{path}: criteria must label every criterion of {protocol.id} once; "
            f"missing {missing or 'none'}, not in the protocol {unknown or 'none'}"
        )
    for cid, label in raw.criteria.items():
        if label.status == "violated" and not (label.why or "").strip():
            raise NoteCaseError(f"{path}: criteria.{cid}: a violated label needs a why")
        if label.administrative and label.status != "needs_review":
            raise NoteCaseError(f"{path}: criteria.{cid}: administrative labels are needs_review, got {label.status!r}")
    computed = overall_of_labels(label.status for label in raw.criteria.values())
    if computed != raw.overall:
        raise NoteCaseError(f"{path}: overall {raw.overall!r} but the labels give {computed!r}")
    labels = {cid: raw.criteria[cid] for cid in expected}
    return NoteCase(raw.id, raw.protocol, source, note_path, note_text, raw.as_of, raw.overall, labels)


def load_cases(folder: Path | str, protocols_root: Path | str) -> list[NoteCase]:
    """Every case of ``folder``, validated against its parsed protocol; raises ``NoteCaseError`` on the first fault."""
    folder, protocols_root = Path(folder), Path(protocols_root)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        raise NoteCaseError(f"{folder}: no case files (*.yaml)")
    parsed: dict[Path, Protocol] = {}
    cases: list[NoteCase] = []
    for path in paths:
        raw = _read_case_file(path)
        source = protocols_root / raw.source
        if source.is_file() and source not in parsed:
            parsed[source] = parse_protocol(source)
        cases.append(_validate(path, raw, folder, protocols_root, parsed.get(source)))
    return cases


@dataclass(slots=True)
class Scores:
    """Figures of one predictor over the set: overall and per protocol, administrative pairs apart."""

    overall: Tally = field(default_factory=Tally)
    per_protocol: dict[str, Tally] = field(default_factory=dict)
    administrative: Tally = field(default_factory=Tally)
    cases: int = 0
    overall_agreement: int = 0
    """Cases whose overall from the predictions equals the labelled overall."""

    def to_json(self) -> dict[str, object]:
        return {
            "cases": self.cases,
            "overall_agreement": self.overall_agreement,
            "overall": self.overall.to_json(),
            "administrative": self.administrative.to_json(),
            "per_protocol": {pid: t.to_json() for pid, t in sorted(self.per_protocol.items())},
        }


def score(cases: Iterable[NoteCase], predict: Predictor) -> Scores:
    """Compare ``predict(case)`` (criterion id → status) with every case's labels.

    A criterion the prediction leaves out counts as ``unknown`` (and as a missing prediction); a
    status outside the label statuses is a ``NoteCaseError``.
    """
    scores = Scores()
    for case in cases:
        predicted = dict(predict(case))
        strays = sorted(set(predicted) - set(case.labels))
        if strays:
            raise NoteCaseError(f"{case.id}: prediction for criteria not in {case.protocol_id}: {strays}")
        per = scores.per_protocol.setdefault(case.protocol_id, Tally())
        statuses: list[str] = []
        for cid, label in case.labels.items():
            prediction = predicted.get(cid, "unknown")
            if prediction not in STATUSES:
                raise NoteCaseError(f"{case.id}: {cid}: status {prediction!r}; valid: {', '.join(STATUSES)}")
            statuses.append(prediction)
            missing = cid not in predicted
            if label.administrative:
                scores.administrative.add(label.status, prediction, missing)
                continue
            scores.overall.add(label.status, prediction, missing)
            per.add(label.status, prediction, missing)
        scores.cases += 1
        scores.overall_agreement += overall_of_labels(statuses) == case.overall
    return scores


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def format_scores(scores: Scores) -> str:
    """The figures as a plain-text table, then the overall confusion table (label × prediction)."""
    rows = [f"{'protocol':<14}{'pairs':>7}{'coverage':>10}{'precision':>11}{'viol.':>7}{'recall':>9}"]

    def row(name: str, t: Tally) -> str:
        cov, prec, rec = _fmt(t.coverage), _fmt(t.precision), _fmt(t.violation_recall)
        return f"{name:<14}{t.pairs:>7}{cov:>10}{prec:>11}{t.violated_labels:>7}{rec:>9}"

    rows += [row(pid, t) for pid, t in sorted(scores.per_protocol.items())]
    rows += [row("all", scores.overall), row("administrative", scores.administrative)]
    rows.append(f"overall verdict agrees on {scores.overall_agreement}/{scores.cases} cases")
    rows.append("")
    rows.append("label \\ prediction " + "".join(f"{s:>15}" for s in STATUSES))
    for label in STATUSES:
        counts = "".join(f"{scores.overall.confusion[(label, p)]:>15}" for p in STATUSES)
        rows.append(f"{label:<19}{counts}")
    return "\n".join(rows)


def system_predictor() -> Predictor:
    """Predictions of the note reader and the checker, criterion id → status."""
    from assistant.check import check_patient

    note_reader = importlib.import_module("assistant.patient.note")

    protocols: dict[Path, Protocol] = {}

    def predict(case: NoteCase) -> dict[str, str]:
        return {cid: status for cid, (status, _) in explain(case).items()}

    def explain(case: NoteCase) -> dict[str, tuple[str, str]]:
        protocol = protocols.get(case.source)
        if protocol is None:
            protocol = protocols[case.source] = parse_protocol(case.source)
        facts = note_reader.read_note(case.note_text, today=case.as_of).facts
        check = check_patient(protocol, facts, case.as_of)
        return {v.criterion_id: (v.status, v.reason) for v in check.verdicts}

    predict.explain = explain  # type: ignore[attr-defined]
    return predict


def misses(cases: Iterable[NoteCase], predictor: Predictor) -> list[str]:
    """One line per pair the system committed wrongly or left undecided against a decided label:
    case, criterion, label → prediction, the criterion text and the checker's reason. For a
    development set only: reading the misses of a held-out set would tune the system to it."""
    explain = predictor.explain  # type: ignore[attr-defined]
    lines = []
    for case in cases:
        got = explain(case)
        for cid, label in case.labels.items():
            status, reason = got.get(cid, ("unknown", "no verdict"))
            if status != label.status:
                text = parse_protocol(case.source).criterion(cid).text
                short = cid.split(":")[-1]
                lines.append(f"{case.id} {short} {label.status} → {status}: {text[:110]!r} — {reason[:160]}")
    return lines
