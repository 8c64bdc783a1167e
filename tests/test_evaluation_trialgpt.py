"""TrialGPT criterion labels: the label mapping, matching a label to the protocol's criterion, and bad lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation.errors import EvaluationError
from assistant.evaluation.trialgpt import find_record, map_label, match_criterion, normalise, read_labels
from assistant.parse import parse_protocol
from assistant.types import Protocol
from tests.conftest import ROOT, SHARED_PROTOCOLS

LABELS = sorted((ROOT / "eval" / "trialgpt").glob("*.jsonl"))


@pytest.mark.parametrize(
    ("criterion_type", "eligibility", "status"),
    [
        pytest.param("inclusion", "included", "satisfied", id="inclusion-included"),
        pytest.param("inclusion", "not included", "violated", id="inclusion-not-included"),
        pytest.param("exclusion", "excluded", "violated", id="exclusion-excluded"),
        pytest.param("exclusion", "not excluded", "satisfied", id="exclusion-not-excluded"),
        pytest.param("inclusion", "not enough information", "unknown", id="inclusion-no-information"),
        pytest.param("exclusion", "not enough information", "unknown", id="exclusion-no-information"),
        pytest.param("inclusion", "not applicable", "not_applicable", id="inclusion-not-applicable"),
        pytest.param("exclusion", "not applicable", "not_applicable", id="exclusion-not-applicable"),
    ],
)
def test_label_mapping(criterion_type: str, eligibility: str, status: str) -> None:
    assert map_label(criterion_type, eligibility) == status


@pytest.mark.parametrize(
    ("criterion_type", "eligibility", "valid"),
    [
        pytest.param(
            "inclusion", "excluded", "included, not applicable, not enough information, not included", id="inc"
        ),
        pytest.param(
            "exclusion", "included", "excluded, not applicable, not enough information, not excluded", id="exc"
        ),
    ],
)
def test_a_label_of_the_other_type_is_refused(criterion_type: str, eligibility: str, valid: str) -> None:
    with pytest.raises(EvaluationError, match=f"does not apply to a {criterion_type} criterion; valid: {valid}"):
        map_label(criterion_type, eligibility, "f.jsonl:3")


@pytest.fixture(scope="module")
def blinatumomab() -> Protocol:
    return parse_protocol(SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT01207388.xml")


@pytest.fixture(scope="module")
def pcos() -> Protocol:
    return parse_protocol(SHARED_PROTOCOLS / "ctgov-legacy-xml" / "NCT02389088.xml")


@pytest.mark.parametrize(
    ("criterion_type", "text", "criterion_id", "how"),
    [
        pytest.param("exclusion", "Previous treatment with blinatumomab", "NCT01207388:E7", "exact", id="verbatim"),
        pytest.param(
            "inclusion",
            "  -  Patients with B-precursor ALL in complete hematological remission after at least 3\n   intense chemotherapy blocks",
            "NCT01207388:I1",
            "exact",
            id="bullet-and-wrapped-lines",
        ),
        pytest.param(
            "inclusion",
            "Presence of minimal residual disease at a level of >= 10^-3",
            "NCT01207388:I2",
            "exact",
            id="≥-as->=",
        ),
        pytest.param(
            "exclusion",
            "Prior allogeneic hematopoietic stem cell transplant",
            "NCT01207388:E3",
            "overlap",
            id="acronym-dropped",
        ),
        pytest.param("inclusion", "ECOG performance status 0 or 1", "NCT01207388:I6", "overlap", id="abbreviated"),
        pytest.param("inclusion", "Age 18 years or older", None, "none", id="not-a-criterion"),
        pytest.param("inclusion", "Previous treatment with blinatumomab", None, "none", id="same-text-other-type"),
    ],
)
def test_matching_a_label_to_the_protocol(
    blinatumomab: Protocol, criterion_type: str, text: str, criterion_id: str | None, how: str
) -> None:
    found = match_criterion(criterion_type, text, blinatumomab, 0.6)
    assert (found.criterion_id, found.how) == (criterion_id, how)


@pytest.mark.parametrize(
    ("text", "criterion_id"),
    [
        pytest.param("Women with BMI > 37", "NCT02389088:E4", id="spaced-comparator"),
        pytest.param(
            "Women with hemoglobin less than 11 gm/dl at screening evaluation", "NCT02389088:E1", id="unit-spaced"
        ),
        pytest.param("Pregnant women.", "NCT02389088:E3", id="trailing-period"),
    ],
)
def test_matching_folds_spacing_and_punctuation(pcos: Protocol, text: str, criterion_id: str) -> None:
    assert match_criterion("exclusion", text, pcos, 0.6).criterion_id == criterion_id


def test_normalise_keeps_a_leading_number() -> None:
    assert normalise("18 years or older") == "18 years or older"
    assert normalise("1. Age \\>= 18") == "age >= 18"


def test_the_shipped_labels_read_and_cover_every_label_value() -> None:
    patients = read_labels(LABELS)
    assert len(patients) >= 5
    values = {line.expert_eligibility for p in patients for _, line in p.labels}
    assert values == {
        "included",
        "not included",
        "excluded",
        "not excluded",
        "not enough information",
        "not applicable",
    }
    for patient in patients:
        record = parse_protocol(find_record(patient.trial_id, SHARED_PROTOCOLS))
        assert record.id == patient.trial_id


GOOD = {
    "patient_id": "p1",
    "note": "A note.",
    "trial_id": "NCT01207388",
    "criterion_type": "inclusion",
    "criterion_text": "ECOG performance status 0 or 1",
    "expert_eligibility": "included",
    "as_of": "2011-03-14",
}


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        pytest.param(["{not json"], "f.jsonl:1: not a JSON object", id="not-json"),
        pytest.param(
            [{**GOOD, "label": "x"}], "f.jsonl:1: unknown key 'label'; valid keys: patient_id, note", id="unknown-key"
        ),
        pytest.param([{**GOOD, "expert_eligibility": "eligible"}], "f.jsonl:1: expert_eligibility", id="bad-value"),
        pytest.param([{**GOOD, "criterion_type": "inclusion criteria"}], "f.jsonl:1: criterion_type", id="bad-type"),
        pytest.param([{**GOOD, "expert_eligibility": "excluded"}], "does not apply to a inclusion", id="other-type"),
        pytest.param(
            [{k: v for k, v in GOOD.items() if k != "as_of"}], "f.jsonl:1: as_of: the note's date", id="no-date"
        ),
        pytest.param([GOOD, {**GOOD, "note": "Another."}], "f.jsonl:2: patient 'p1' has another note", id="two-notes"),
        pytest.param([""], "f.jsonl: no labels", id="empty"),
    ],
)
def test_bad_label_lines_name_file_line_and_field(tmp_path: Path, lines: list[object], message: str) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines), encoding="utf-8")
    with pytest.raises(EvaluationError, match=message.replace("(", r"\(")):
        read_labels([path])


def test_a_trial_with_no_record_is_named(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="trial 'NCT99999999': no record"):
        find_record("NCT99999999", tmp_path)
