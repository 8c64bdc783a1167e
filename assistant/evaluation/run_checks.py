"""Runners of the sets decided by the note reader and the checker: note cases and TrialGPT criterion labels."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from assistant.check import PatientCheck, check_patient, overall_of
from assistant.evaluation.context import RunContext, SetResult
from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.manifest import EvalSet
from assistant.evaluation.notes import load_cases
from assistant.evaluation.trialgpt import find_record, map_label, match_criterion, read_labels
from assistant.evaluation.verdicts import VerdictScores, overall_of_labels
from assistant.patient.note import read_note
from assistant.types import Status


def _check_note(ctx: RunContext, protocol_path: Path, note: str, as_of: dt.date) -> PatientCheck:
    start = time.perf_counter()
    protocol = ctx.parsed(protocol_path)
    facts = read_note(note, today=as_of).facts
    check = check_patient(protocol, facts, as_of)
    ctx.record_latency("note", (time.perf_counter() - start) * 1000)
    return check


def _folders(spec: EvalSet) -> list[Path]:
    if spec.protocols is None:
        raise EvaluationError(f"set {spec.name!r}: a notes set needs protocols (the folder its sources are under)")
    return list(spec.files)


def count_notes(spec: EvalSet) -> int:
    """Case files of a notes set."""
    return sum(len(list(folder.glob("*.yaml"))) for folder in _folders(spec))


def run_notes(spec: EvalSet, ctx: RunContext) -> SetResult:
    """Every note case: the note read, the protocol checked, each criterion's status against its label."""
    scores = VerdictScores()
    for folder in _folders(spec):
        for case in load_cases(folder, spec.protocols or folder):
            check = _check_note(ctx, case.source, case.note_text, case.as_of)
            got = {v.criterion_id: v.status for v in check.verdicts}
            for cid, label in case.labels.items():
                tally = scores.administrative if label.administrative else scores.criteria
                tally.add(label.status, got.get(cid, "unknown"), cid not in got)
            scores.add_case(case.overall, check.overall)
            ctx.tick(1)
    metrics = scores.metrics()
    metrics["pairs"] = float(scores.criteria.pairs)
    return SetResult(
        spec.name,
        spec.kind,
        metrics,
        confusion=scores.criteria.matrix(),
        extra={"administrative": scores.administrative.to_json()},
    )


def count_trialgpt(spec: EvalSet) -> int:
    """Labelled patients of a TrialGPT set."""
    return len(read_labels(list(spec.files)))


def run_trialgpt(spec: EvalSet, ctx: RunContext) -> SetResult:
    """Every labelled patient: labels matched to criteria and mapped, the note read and checked, pairs compared."""
    if spec.protocols is None:
        raise EvaluationError(f"set {spec.name!r}: a trialgpt set needs protocols (the folder of CT.gov records)")
    scores = VerdictScores()
    labels = matched = 0
    unmatched: list[str] = []
    how: dict[str, int] = {}
    for patient in read_labels(list(spec.files)):
        path = find_record(patient.trial_id, spec.protocols)
        protocol = ctx.parsed(path)
        if protocol.id != patient.trial_id:
            raise EvaluationError(f"{path}: is protocol {protocol.id!r}, not trial {patient.trial_id!r}")
        check = _check_note(ctx, path, patient.note, patient.as_of)
        got = {v.criterion_id: v.status for v in check.verdicts}
        expected: list[Status] = []
        predicted: list[Status] = []
        for where, line in patient.labels:
            labels += 1
            found = match_criterion(line.criterion_type, line.criterion_text, protocol, spec.match_min_overlap)
            how[found.how] = how.get(found.how, 0) + 1
            if found.criterion_id is None:
                unmatched.append(f"{where} ({found.how}, best overlap {found.score:.2f}): {line.criterion_text[:90]}")
                continue
            matched += 1
            label = map_label(line.criterion_type, line.expert_eligibility, where)
            prediction = got.get(found.criterion_id, "unknown")
            scores.criteria.add(label, prediction, found.criterion_id not in got)
            expected.append(label)
            predicted.append(prediction)
        if expected:
            scores.add_case(overall_of_labels(expected), overall_of(predicted))
        ctx.tick(1)
    metrics = scores.metrics()
    metrics.update({"labels": float(labels), "matched_share": matched / labels if labels else None})
    details = [f"unmatched label {u}" for u in unmatched]
    return SetResult(
        spec.name, spec.kind, metrics, confusion=scores.criteria.matrix(), details=details, extra={"matching": how}
    )
