"""Bad and hostile patient files: limits, types, plausibility, dates, periods and sex codes.

Every case mutates a real patient file of eval/patients/ and asserts the typed error names the
field and the value (or, for the valid mutations, the fact read).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.errors import AssistantError, InputLimitError, InputPathError, PatientDataError
from assistant.patient import read_patient
from assistant.patient.facts import PatientFacts
from assistant.rules.load import read_rules_document
from assistant.schedule.load import load_schedule_file
from assistant.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
PATIENTS = ROOT / "eval" / "patients"
FACTS = yaml.safe_load((PATIENTS / "gist-eligible.facts.yaml").read_text(encoding="utf-8"))
BUNDLE = json.loads((PATIENTS / "gist-ineligible.fhir.json").read_text(encoding="utf-8"))
TODAY = dt.date(2025, 1, 1)
AS_OF = dt.date(2024, 6, 3)
ZWSP = "\u200b"

Mutation = Callable[[Any], None]


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _obs(data: dict[str, Any], concept: str) -> dict[str, Any]:
    return next(o for o in data["observations"] if o["concept"] == concept)


def _res(data: dict[str, Any], ref: str) -> dict[str, Any]:
    kind, rid = ref.split("/")
    return next(
        e["resource"] for e in data["entry"] if (e["resource"]["resourceType"], e["resource"]["id"]) == (kind, rid)
    )


def fact(concept: str, **changes: Any) -> Mutation:
    return lambda d: _obs(d, concept).update(changes)


def patient(**changes: Any) -> Mutation:
    return lambda d: d["patient"].update(changes)


def medication(entry: dict[str, Any]) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        d["absent"].remove(entry["concept"])
        d.setdefault("medications", []).append(entry)

    return mutate


def condition(entry: dict[str, Any]) -> Mutation:
    return lambda d: d["conditions"].append(entry)


def resource(ref: str, path: str, value: Any) -> Mutation:
    def mutate(d: dict[str, Any]) -> None:
        node: Any = _res(d, ref)
        *parents, last = path.split(".")
        for key in parents:
            node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
        node[int(last) if last.isdigit() else last] = value

    return mutate


def write_facts(tmp_path: Path, mutate: Mutation) -> Path:
    data = copy.deepcopy(FACTS)
    mutate(data)
    path = tmp_path / "patient.facts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_bundle(tmp_path: Path, mutate: Mutation) -> Path:
    data = copy.deepcopy(BUNDLE)
    mutate(data)
    path = tmp_path / "patient.fhir.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def read(path: Path) -> PatientFacts:
    return read_patient(path, TODAY, as_of=AS_OF)


# ------------------------------------------------------------------------------------ facts files


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            fact("platelets", value=10**12),
            "observations[5].value: 1,000,000,000,000 10*9/L is not a plausible platelet count "
            "(platelets: 0 to 5,000 10*9/L)",
            id="platelets-1e12",
        ),
        pytest.param(
            fact("platelets", value=90_000_000, unit="/mm3"),
            "observations[5].value: 90,000,000 /mm3 is not a plausible platelet count (platelets: 0 to 5,000,000 /mm3)",
            id="platelets-range-in-value-unit",
        ),
        pytest.param(fact("platelets", value=float("inf")), "observations[5].value: inf is not a finite", id="inf"),
        pytest.param(fact("platelets", value=float("nan")), "observations[5].value: nan is not a finite", id="nan"),
        pytest.param(
            fact("platelets", value=1e300), "observations[5].value: 1e+300 10*9/L is not a plausible", id="1e300"
        ),
        pytest.param(
            fact("platelets", value=True), "observations[5].value: expected a number, got bool True", id="bool"
        ),
        pytest.param(
            fact("platelets", value="245"), "observations[5].value: expected a number, got str '245'", id="str"
        ),
        pytest.param(fact("platelets", value=[245]), "observations[5].value: expected a number, got list", id="list"),
        pytest.param(
            fact("platelets", unit="10*9/L" + ZWSP),
            "observations[5].unit: '10*9/L\\u200b' holds an invisible character U+200B (ZERO WIDTH SPACE)",
            id="zero-width-unit",
        ),
        pytest.param(fact("platelets", unit="10*9/\u202eL"), "observations[5].unit:", id="direction-override-unit"),
        pytest.param(
            fact("ast", reference_high=float("nan")),
            "observations[7].reference_high: nan is not a finite",
            id="ref-nan",
        ),
        pytest.param(
            fact("ast", reference_high=4e6),
            "observations[7].reference_high: 4,000,000 U/L is not a plausible AST",
            id="ref-implausible",
        ),
        pytest.param(fact("ecog", value=7), "observations[3].value: 7 is not a plausible ECOG", id="ecog-7"),
        pytest.param(
            fact("creatinine", value=4000, unit="umol/L"),
            "observations[10].value: 4,000 umol/L is not a plausible creatinine",
            id="creatinine-umol",
        ),
        pytest.param(
            patient(birth_date=dt.date(1, 1, 1)),
            "patient.birth_date: 0001-01-01 is outside the dates accepted (1900-01-01 to 2100-12-31",
            id="birth-year-1",
        ),
        pytest.param(
            patient(birth_date=dt.date(2024, 6, 10)),
            "patient.birth_date: 2024-06-10 is after the check date 2024-06-03",
            id="birth-after-as-of",
        ),
        pytest.param(patient(birth_date="1968-02-30"), "patient.birth_date:", id="birth-feb-30"),
        pytest.param(patient(age=float("nan")), "patient.age: nan is not a finite number", id="age-nan"),
        pytest.param(patient(age=True), "patient.age: expected a number, got bool", id="age-bool"),
        pytest.param(patient(age=2023), "patient.age: 2023 is not an age in years", id="age-2023"),
        pytest.param(
            patient(sex="X"), "patient.sex: 'X' is not a sex; expected female, male, other or unknown", id="sex-X"
        ),
        pytest.param(patient(sex=1), "patient.sex: 1 is not a sex", id="sex-int"),
        pytest.param(
            medication({"concept": "imatinib", "start": dt.date(2024, 5, 1), "end": dt.date(2024, 4, 1)}),
            "medications[0].end: 2024-04-01 is before start 2024-05-01",
            id="medication-end-before-start",
        ),
        pytest.param(
            condition(
                {
                    "concept": "other_malignancy",
                    "present": True,
                    "active": False,
                    "onset": dt.date(2020, 5, 1),
                    "abatement": dt.date(2019, 1, 1),
                }
            ),
            "conditions[2].abatement: 2019-01-01 is before onset 2020-05-01",
            id="abatement-before-onset",
        ),
        pytest.param(
            medication({"concept": "imatinib", "dose": float("inf"), "dose_unit": "mg"}),
            "medications[0].dose: inf is not a finite number",
            id="dose-inf",
        ),
        pytest.param(
            fact("platelets", date=dt.date(1850, 1, 1)),
            "observations[5].date: 1850-01-01 is outside the dates",
            id="lab-1850",
        ),
    ],
)
def test_bad_facts_file_names_field_and_value(tmp_path: Path, mutate: Mutation, message: str) -> None:
    path = write_facts(tmp_path, mutate)
    with pytest.raises(PatientDataError) as info:
        read(path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "check"),
    [
        pytest.param(patient(sex="F"), lambda f: f.sex == "female", id="sex-F"),
        pytest.param(patient(sex="m"), lambda f: f.sex == "male", id="sex-m"),
        pytest.param(patient(sex="U"), lambda f: f.sex == "unknown", id="sex-U"),
        pytest.param(fact("platelets", value=5000), lambda f: _plt(f) == 5000, id="platelets-at-high-bound"),
        pytest.param(fact("platelets", value=4_000_000, unit="/mm3"), lambda f: _plt(f) == 4e6, id="mm3-in-range"),
        pytest.param(fact("ast", value=3, unit="ULN", reference_high=None), lambda f: True, id="uln-not-range-checked"),
        pytest.param(patient(birth_date=AS_OF), lambda f: f.age_on(AS_OF) == 0, id="born-on-check-date"),
    ],
)
def test_valid_mutations_still_read(tmp_path: Path, mutate: Mutation, check: Callable[[PatientFacts], bool]) -> None:
    assert check(read(write_facts(tmp_path, mutate)))


def _plt(facts: PatientFacts) -> float | None:
    return next(o.value for o in facts.observations if o.concept == "platelets")


# ------------------------------------------------------------------------------------ FHIR bundles


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        pytest.param(
            resource("Observation/plt-1", "valueQuantity.value", 10**12),
            "Observation/plt-1 value: 1,000,000,000,000 /mm3 is not a plausible platelet count "
            "(platelets: 0 to 5,000,000 /mm3)",
            id="platelets-1e12",
        ),
        pytest.param(resource("Observation/plt-1", "valueQuantity.value", 1e300), "Observation/plt-1", id="1e300"),
        pytest.param(
            resource("Observation/plt-1", "valueQuantity.code", "/mm3" + ZWSP),
            "Observation/plt-1 valueQuantity.code: '/mm3\\u200b' holds an invisible character U+200B",
            id="zero-width-code",
        ),
        pytest.param(
            resource("Observation/plt-1", "referenceRange.0.high.value", 4e9),
            "Observation/plt-1 referenceRange[0].high: 4,000,000,000 10*9/L is not a plausible platelet count",
            id="ref-implausible",
        ),
        pytest.param(
            resource("Observation/plt-1", "status", "x"),
            "Observation/plt-1 status: 'x' is not a Observation status; expected one of amended",
            id="unknown-status",
        ),
        pytest.param(resource("Patient/pt", "gender", "x"), "Patient/pt gender: 'x' is not a sex", id="gender-x"),
        pytest.param(
            resource("Patient/pt", "birthDate", "0001-01-01"),
            "Patient/pt birthDate: 0001-01-01 is outside the dates accepted",
            id="birth-year-1",
        ),
        pytest.param(
            resource("Patient/pt", "birthDate", "2024-06-04"),
            "Patient/pt birthDate: 2024-06-04 is after the check date 2024-06-03",
            id="birth-after-as-of",
        ),
        pytest.param(
            resource("Observation/ecog", "valueInteger", 9),
            "Observation/ecog value: 9 is not a plausible ECOG",
            id="ecog-9",
        ),
        pytest.param(
            resource("Observation/plt-1", "valueQuantity", None), "Observation/plt-1 value[x]: missing", id="no-value"
        ),
    ],
)
def test_bad_bundle_names_resource_and_field(tmp_path: Path, mutate: Mutation, message: str) -> None:
    path = write_bundle(tmp_path, mutate)
    with pytest.raises(AssistantError) as info:
        read(path)
    assert message in str(info.value)


def test_bundle_period_that_ends_before_it_starts(tmp_path: Path) -> None:
    def mutate(d: dict[str, Any]) -> None:
        statement = next(e["resource"] for e in d["entry"] if e["resource"]["resourceType"] == "MedicationStatement")
        statement["effectivePeriod"] = {"start": "2024-05-17", "end": "2024-04-22"}

    with pytest.raises(PatientDataError, match=r"end: 2024-04-22 is before start 2024-05-17"):
        read(write_bundle(tmp_path, mutate))


@pytest.mark.parametrize(
    ("gender", "sex"),
    [
        pytest.param("female", "female", id="fhir-female"),
        pytest.param("F", "female", id="F"),
        pytest.param("M", "male", id="M"),
        pytest.param("U", "unknown", id="U"),
    ],
)
def test_bundle_gender_codes(tmp_path: Path, gender: str, sex: str) -> None:
    assert read(write_bundle(tmp_path, resource("Patient/pt", "gender", gender))).sex == sex


@pytest.mark.parametrize(
    "literal", [pytest.param("Infinity", id="inf"), pytest.param("NaN", id="nan"), pytest.param("-Infinity", id="-inf")]
)
def test_non_finite_json_literals_in_a_bundle(tmp_path: Path, literal: str) -> None:
    path = write_bundle(tmp_path, resource("Observation/plt-1", "valueQuantity.value", 123456.0))
    path.write_text(path.read_text(encoding="utf-8").replace("123456.0", literal), encoding="utf-8")
    with pytest.raises(AssistantError, match="Observation/plt-1"):
        read(path)


# --------------------------------------------------------------------------------- file and limits


def _deep_json(depth: int) -> str:
    return '{"resourceType": "Bundle", "entry": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        pytest.param("p.fhir.json", _deep_json(200), InputLimitError, "nested more than 64 levels", id="json-depth"),
        pytest.param(
            "p.yaml", "patient:\n  age: " + "[" * 200 + "]" * 200, InputLimitError, "nested more", id="yaml-depth"
        ),
        pytest.param(
            "p.fhir.json",
            '{"resourceType": "Bundle", "total": 1' + "0" * 5000 + "}",
            InputLimitError,
            "an integer of 5001 digits",
            id="json-digits",
        ),
        pytest.param(
            "p.yaml",
            "patient:\n  age: 1" + "0" * 400 + "\n",
            InputLimitError,
            "integer of 401 digits",
            id="yaml-digits",
        ),
        pytest.param("p.yaml", b"patient:\n  id: \xff\xfe\n", PatientDataError, "not UTF-8 text (byte 15", id="latin1"),
        pytest.param("p.yaml", "patient: [\n", PatientDataError, "not valid YAML or JSON", id="broken-yaml"),
        pytest.param("p.json", '{"patient": ', PatientDataError, "not valid JSON (line 1", id="broken-json"),
        pytest.param("p.yaml", "- 1\n- 2\n", PatientDataError, "expected a mapping", id="yaml-list"),
        pytest.param("p.json", '{"resourceType": "Patient"}', PatientDataError, "expected 'Bundle'", id="not-bundle"),
    ],
)
def test_hostile_patient_file(tmp_path: Path, name: str, content: str | bytes, error: type, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(error) as info:
        read(path)
    assert message in str(info.value)


def test_patient_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PA_MAX_INPUT_BYTES", "1000")
    get_settings.cache_clear()
    path = write_facts(tmp_path, lambda d: None)
    with pytest.raises(InputLimitError, match="over the limit max_input_bytes=1000"):
        read(path)


def test_patient_fifo_and_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputPathError, match="not a regular file"):
        read(fifo)
    with pytest.raises(InputPathError, match="is a folder"):
        read(tmp_path)


def test_rules_and_schedule_files_are_read_within_the_yaml_limits(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("protocol: X\nrules: " + "[" * 100 + "]" * 100 + "\n", encoding="utf-8")
    with pytest.raises(InputLimitError, match="nested more than 64"):
        read_rules_document(deep)
    with pytest.raises(InputLimitError, match="nested more than 64"):
        load_schedule_file(deep, "")
