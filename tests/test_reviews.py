"""Clinicians' reviews settle the judgement criteria no data can decide, and nothing else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from assistant.check import check_patient, rules_for
from assistant.errors import PatientDataError
from assistant.patient import read_patient
from assistant.patient.facts import Review
from assistant.types import Protocol
from tests.conftest import CORPUS, ROOT

AS_OF = dt.date(2024, 6, 3)
PATIENTS = ROOT / "eval" / "patients"


def _check(protocol: Protocol, path: Path):  # type: ignore[no-untyped-def]
    return check_patient(protocol, read_patient(path, today=AS_OF), AS_OF, rules_for(protocol, CORPUS))


def test_judgement_criteria_need_review_without_one(seed: Protocol) -> None:
    check = _check(seed, PATIENTS / "gist-eligible.facts.yaml")
    assert check.overall == "undetermined"
    assert {v.criterion_id for v in check.verdicts if v.status == "needs_review"} == {
        "NCT01267695:I3",
        "NCT01267695:I25",
        "NCT01267695:I26",
    }


def test_reviewed_patient_is_eligible(seed: Protocol) -> None:
    check = _check(seed, PATIENTS / "gist-eligible-reviewed.facts.yaml")
    assert check.overall == "eligible"
    i26 = next(v for v in check.verdicts if v.criterion_id == "NCT01267695:I26")
    assert i26.status == "satisfied" and "Anaesthesia pre-assessment" in i26.reason


def _with_reviews(tmp_path: Path, reviews: list[dict]) -> Path:  # type: ignore[type-arg]
    data = yaml.safe_load((PATIENTS / "gist-eligible.facts.yaml").read_text(encoding="utf-8"))
    data["reviews"] = reviews
    path = tmp_path / "patient.facts.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_negative_review_makes_the_patient_ineligible(seed: Protocol, tmp_path: Path) -> None:
    path = _with_reviews(tmp_path, [{"criterion": "NCT01267695:I26", "met": False, "by": "Dr. Li", "note": "ASA IV"}])
    check = _check(seed, path)
    assert check.overall == "ineligible"
    verdict = next(v for v in check.verdicts if v.criterion_id == "NCT01267695:I26")
    assert verdict.status == "violated" and "ASA IV" in verdict.reason


@pytest.mark.parametrize(
    ("review", "message"),
    [
        pytest.param(
            {"criterion": "NCT01267695:I9", "met": True, "by": "Dr. Li"},
            "decided by data, not by review; reviewable: NCT01267695:I3, NCT01267695:I25, NCT01267695:I26",
            id="data-decided-criterion",
        ),
        pytest.param(
            {"criterion": "NCT01267695:I99", "met": True, "by": "Dr. Li"}, "no such criterion", id="unknown-criterion"
        ),
    ],
)
def test_a_review_cannot_override_data(seed: Protocol, tmp_path: Path, review: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(PatientDataError, match=message):
        _check(seed, _with_reviews(tmp_path, [review]))


@pytest.mark.parametrize(
    ("review", "message"),
    [
        pytest.param(
            {"criterion": "NCT01267695:I26", "met": True}, r"reviews\[0\] by: Field required", id="no-reviewer"
        ),
        pytest.param({"criterion": "NCT01267695:I26", "met": True, "by": ""}, r"reviews\[0\] by", id="empty-reviewer"),
        pytest.param(
            {"criterion": "NCT01267695:I26", "met": True, "by": "x", "signed": 1},
            "unknown key 'signed'; valid keys: criterion, met, by, date, note",
            id="unknown-key",
        ),
    ],
)
def test_malformed_reviews_are_refused(tmp_path: Path, review: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(PatientDataError, match=message):
        read_patient(_with_reviews(tmp_path, [review]), today=AS_OF)


def test_reviews_of_another_protocol_are_ignored(seed: Protocol, tmp_path: Path) -> None:
    path = _with_reviews(tmp_path, [{"criterion": "NCT00081588:E3", "met": False, "by": "Dr. Li"}])
    assert _check(seed, path).overall == "undetermined"


def test_a_later_review_replaces_the_earlier_one() -> None:
    first = read_patient(PATIENTS / "gist-eligible-reviewed.facts.yaml", today=AS_OF)
    later = first.model_copy(update={"reviews": (Review(criterion="NCT01267695:I26", met=False, by="Dr. Li"),)})
    merged = first.merged_with(later)
    i26 = [r for r in merged.reviews if r.criterion == "NCT01267695:I26"]
    assert len(i26) == 1 and i26[0].met is False
    assert len(merged.reviews) == 3
