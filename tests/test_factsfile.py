"""The hand-entry facts file: the documented format, and errors naming entry and field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from assistant.errors import PatientDataError, UnitError
from assistant.patient import read_facts_file, read_patient

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 6, 3)


def write(tmp_path: Path, data: object, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_documented_example_reads(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "facts-file.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    path = tmp_path / "doc.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    facts = read_patient(path, today=TODAY)
    assert facts.sex == "female" and facts.birth_date == dt.date(1968, 4, 12)
    assert {o.concept for o in facts.observations} == {"platelets", "ast", "bilirubin", "ecog", "cd117", "egfr"}
    assert [o.comparator for o in facts.observations if o.concept == "egfr"] == [">"]
    assert [c.concept for c in facts.conditions if not c.present] == ["cirrhosis", "hiv"]
    assert [p.concept for p in facts.procedures if not p.present] == ["major_surgery"]


def test_eligible_example_file() -> None:
    facts = read_facts_file(ROOT / "eval" / "patients" / "gist-eligible.facts.yaml", today=TODAY)
    assert facts.patient_id == "demo-gist-eligible"
    assert sum(1 for c in facts.conditions if not c.present) == 19


def test_json_facts_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"patient": {"age": 70, "sex": "male"}, "absent": ["hiv"]}', encoding="utf-8")
    facts = read_patient(path, today=TODAY)
    assert facts.age == 70 and facts.conditions[0].concept == "hiv"


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        pytest.param(
            {"patients": {}},
            PatientDataError,
            "unknown key 'patients'; valid keys: patient, observations",
            id="unknown-top-key",
        ),
        pytest.param(
            {"patient": {"dob": "1960-01-01"}},
            PatientDataError,
            "patient: unknown key 'dob'; valid keys: id, birth_date, age, sex",
            id="unknown-patient-key",
        ),
        pytest.param({"patient": {"sex": "fem"}}, PatientDataError, "patient.sex:", id="bad-sex"),
        pytest.param(
            {"observations": [{"concept": "platelet", "value": 1, "unit": "10*9/L"}]},
            PatientDataError,
            "observations[0].concept: unknown observation concept 'platelet' (closest: platelets); valid: afp",
            id="unknown-concept",
        ),
        pytest.param(
            {"observations": [{"concept": "platelets", "value": 1, "units": "10*9/L"}]},
            PatientDataError,
            "observations[0]: unknown key 'units'; valid keys: concept, value, unit",
            id="unknown-key",
        ),
        pytest.param(
            {"observations": [{"concept": "platelets", "value": 150, "unit": "bananas"}]},
            UnitError,
            "observations[0].unit: unknown unit 'bananas' for platelets",
            id="unknown-unit",
        ),
        pytest.param(
            {"observations": [{"concept": "platelets", "value": -1, "unit": "10*9/L"}]},
            PatientDataError,
            "observations[0].value: negative platelet count -1",
            id="negative-count",
        ),
        pytest.param(
            {"observations": [{"concept": "platelets", "unit": "10*9/L"}]},
            PatientDataError,
            "observations[0].value: missing",
            id="missing-value",
        ),
        pytest.param(
            {"observations": [{"concept": "cd117", "value": 1}]},
            PatientDataError,
            "observations[0].flag: cd117 is a positive/negative result",
            id="flag-as-number",
        ),
        pytest.param(
            {"conditions": [{"concept": "gist", "onset": "2030-01-01"}]},
            PatientDataError,
            "conditions[0].onset: 2030-01-01 is in the future",
            id="future-date",
        ),
        pytest.param(
            {"patient": {"birth_date": "2030-01-01"}},
            PatientDataError,
            "patient.birth_date: 2030-01-01 is in the future",
            id="future-birth",
        ),
        pytest.param(
            {"absent": ["platelets"]},
            PatientDataError,
            "absent[0].concept: unknown condition/medication/procedure concept 'platelets'",
            id="absent-observation",
        ),
        pytest.param(
            {"medications": [{"concept": "warfarin", "dose": -2, "dose_unit": "mg"}]},
            PatientDataError,
            "medications[0].dose: negative dose -2",
            id="negative-dose",
        ),
    ],
)
def test_bad_facts_file(tmp_path: Path, data: object, error: type, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(error) as info:
        read_facts_file(path, today=TODAY)
    assert message in str(info.value)
    assert str(path) in str(info.value)
