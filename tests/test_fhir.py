"""FHIR R4 bundles built here → PatientFacts, and the errors bad bundles raise."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.check import check_patient
from assistant.errors import PatientDataError, UnitError
from assistant.parse import parse_protocol
from assistant.patient import read_fhir_bundle, read_patient

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 6, 3)
LOINC, UCUM = "http://loinc.org", "http://unitsofmeasure.org"
SNOMED, ICD10 = "http://snomed.info/sct", "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SUBJECT = {"reference": "Patient/p1"}


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    patient = {"resourceType": "Patient", "id": "p1", "birthDate": "1960-02-29", "gender": "female"}
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in (patient, *resources)]}


def observation(oid: str, code: str | None, text: str | None = None, **fields: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "subject": SUBJECT,
        "code": {"coding": [{"system": LOINC, "code": code}]} if code else {"text": text},
        "effectiveDateTime": "2024-05-28T09:30:00+02:00",
    }
    resource.update(fields)
    return resource


def quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def condition(cid: str, system: str, code: str, **fields: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Condition",
        "id": cid,
        "subject": SUBJECT,
        "code": {"coding": [{"system": system, "code": code}]},
        "clinicalStatus": {"coding": [{"code": "active"}]},
    }
    resource.update(fields)
    return resource


def one(facts_group: tuple[Any, ...]) -> Any:
    assert len(facts_group) == 1
    return facts_group[0]


@pytest.mark.parametrize(
    ("resource", "concept", "value", "unit"),
    [
        pytest.param(
            observation("plt", "777-3", valueQuantity=quantity(250, "10*9/L")),
            "platelets",
            250,
            "10*9/L",
            id="platelets-777-3",
        ),
        pytest.param(
            observation("anc", "751-8", valueQuantity=quantity(1800, "/mm3")), "anc", 1800, "/mm3", id="anc-751-8"
        ),
        pytest.param(observation("ast", "1920-8", valueQuantity=quantity(35, "U/L")), "ast", 35, "U/L", id="ast"),
        pytest.param(observation("alt", "1742-6", valueQuantity=quantity(35, "U/L")), "alt", 35, "U/L", id="alt"),
        pytest.param(
            observation("bil", "1975-2", valueQuantity=quantity(0.8, "mg/dL")),
            "bilirubin",
            0.8,
            "mg/dL",
            id="bilirubin-1975-2",
        ),
        pytest.param(
            observation("cr", "2160-0", valueQuantity=quantity(0.9, "mg/dL")),
            "creatinine",
            0.9,
            "mg/dL",
            id="creatinine-mass-2160-0",
        ),
        pytest.param(
            observation("cr", "14682-9", valueQuantity=quantity(80, "umol/L")),
            "creatinine",
            80,
            "umol/L",
            id="creatinine-molar-14682-9",
        ),
        pytest.param(observation("ecog", "89247-1", valueInteger=1), "ecog", 1, None, id="ecog-integer"),
        pytest.param(
            observation("ecog", "89247-1", valueCodeableConcept={"coding": [{"system": LOINC, "code": "LA9624-3"}]}),
            "ecog",
            2,
            None,
            id="ecog-answer-code",
        ),
        pytest.param(
            observation("size", None, "Tumor size", valueQuantity=quantity(12, "cm")),
            "tumour_size",
            12,
            "cm",
            id="tumour-size-by-text",
        ),
        pytest.param(
            observation("mit", None, "Mitotic count", valueQuantity=quantity(7, "/[HPF]")),
            "mitotic_count",
            7,
            "/[HPF]",
            id="mitotic-count-by-text",
        ),
    ],
)
def test_observation_values(resource: dict[str, Any], concept: str, value: float, unit: str | None) -> None:
    facts = read_fhir_bundle(bundle(resource), today=TODAY)
    obs = one(facts.observations)
    assert (obs.concept, obs.value, obs.unit, obs.date) == (concept, value, unit, dt.date(2024, 5, 28))
    assert obs.source == f"Observation/{resource['id']}"


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        pytest.param(
            {"valueCodeableConcept": {"coding": [{"system": SNOMED, "code": "260385009"}]}}, False, id="snomed-negative"
        ),
        pytest.param(
            {"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA6576-8"}]}}, True, id="loinc-positive"
        ),
        pytest.param({"valueString": "Negative"}, False, id="string"),
        pytest.param({"valueBoolean": True}, True, id="boolean"),
    ],
)
def test_pregnancy_test_flags(value: dict[str, Any], flag: bool) -> None:
    for code in ("2106-3", "2118-8"):
        facts = read_fhir_bundle(bundle(observation("hcg", code, **value)), today=TODAY)
        assert one(facts.observations).flag is flag


def test_cd117_by_text_and_reference_range_as_uln() -> None:
    facts = read_fhir_bundle(
        bundle(
            observation("kit", None, "CD117 (c-kit)", valueString="positive"),
            observation(
                "ast",
                "1920-8",
                valueQuantity=quantity(80, "U/L"),
                referenceRange=[{"low": quantity(5, "U/L"), "high": quantity(40, "U/L")}],
            ),
        ),
        today=TODAY,
    )
    kit, ast = facts.observations
    assert (kit.concept, kit.flag) == ("cd117", True)
    assert (ast.reference_high, ast.reference_high_unit) == (40, "U/L")


def test_patient_and_unknown_codes() -> None:
    facts = read_fhir_bundle(bundle(observation("x", "2465-3", valueQuantity=quantity(9, "g/L"))), today=TODAY)
    assert facts.birth_date == dt.date(1960, 2, 29) and facts.sex == "female" and facts.patient_id == "p1"
    assert facts.observations == ()  # IgG is not in the vocabulary


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        pytest.param(
            condition("c", ICD10, "C49.A2", onsetDateTime="2024-05-10"), ("gist", True, True), id="icd10-gist-active"
        ),
        pytest.param(
            condition("c", SNOMED, "94225005", verificationStatus={"coding": [{"code": "refuted"}]}),
            ("brain_metastases", False, True),
            id="refuted-is-stated-absent",
        ),
        pytest.param(
            condition(
                "c", ICD10, "K74.60", clinicalStatus={"coding": [{"code": "resolved"}]}, abatementDateTime="2020-01-01"
            ),
            ("cirrhosis", True, False),
            id="resolved",
        ),
        pytest.param(
            condition("c", ICD10, "I21.4", onsetDateTime="2024-02"),
            ("myocardial_infarction", True, True),
            id="mi-partial-date",
        ),
    ],
)
def test_conditions(resource: dict[str, Any], expected: tuple[str, bool, bool]) -> None:
    fact = one(read_fhir_bundle(bundle(resource), today=TODAY).conditions)
    assert (fact.concept, fact.present, fact.active) == expected


def test_partial_onset_reads_as_last_possible_day() -> None:
    fact = one(
        read_fhir_bundle(bundle(condition("c", ICD10, "I21.4", onsetDateTime="2024-02")), today=TODAY).conditions
    )
    assert fact.onset == dt.date(2024, 2, 29)


def test_unconfirmed_condition_is_not_a_fact() -> None:
    resource = condition("c", ICD10, "C79.31", verificationStatus={"coding": [{"code": "provisional"}]})
    assert read_fhir_bundle(bundle(resource), today=TODAY).conditions == ()


def test_other_malignancy_excludes_skin_and_gist_codes() -> None:
    facts = read_fhir_bundle(
        bundle(condition("a", ICD10, "C44.91"), condition("b", ICD10, "C49.A2"), condition("c", ICD10, "C50.911")),
        today=TODAY,
    )
    # skin: a malignancy, but not one of other_malignancy's codes (the broad class, not the seed's narrower one)
    assert [c.concept for c in facts.conditions] == ["malignancy", "gist", "other_malignancy"]


def test_medications_and_procedures() -> None:
    warfarin = {
        "resourceType": "MedicationStatement",
        "id": "w",
        "status": "active",
        "subject": SUBJECT,
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": "855332", "display": "warfarin sodium 2.5 MG Oral Tablet"}]
        },
        "effectivePeriod": {"start": "2024-01-01"},
        "dosage": [
            {
                "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 2.5, "unit": "mg"}}],
            }
        ],
    }
    imatinib = {
        "resourceType": "MedicationRequest",
        "id": "i",
        "status": "completed",
        "intent": "order",
        "subject": SUBJECT,
        "medicationReference": {"reference": "Medication/gleevec"},
        "authoredOn": "2023-01-01",
        "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": {"start": "2023-01-02", "end": "2023-07-01"}}}}],
    }
    medication = {
        "resourceType": "Medication",
        "id": "gleevec",
        "code": {"coding": [{"system": RXNORM, "code": "282388"}]},
    }
    radiotherapy = {
        "resourceType": "Procedure",
        "id": "rt",
        "status": "completed",
        "subject": SUBJECT,
        "code": {"coding": [{"system": SNOMED, "code": "108290001"}]},
        "performedPeriod": {"start": "2024-04-01", "end": "2024-04-20"},
    }
    no_surgery = {
        "resourceType": "Procedure",
        "id": "s",
        "status": "not-done",
        "subject": SUBJECT,
        "code": {"text": "major surgery"},
    }
    facts = read_fhir_bundle(bundle(warfarin, imatinib, medication, radiotherapy, no_surgery), today=TODAY)
    w, i = facts.medications
    assert (w.concept, w.dose, w.dose_unit, w.per_day, w.active) == ("warfarin", 5.0, "mg", True, True)
    assert (i.concept, i.start, i.end, i.active) == ("imatinib", dt.date(2023, 1, 2), dt.date(2023, 7, 1), False)
    rt, surgery = facts.procedures
    assert (rt.concept, rt.date, rt.present) == ("radiotherapy", dt.date(2024, 4, 20), True)
    assert (surgery.concept, surgery.present) == ("major_surgery", False)


@pytest.mark.parametrize(
    ("data", "error", "message"),
    [
        pytest.param(
            {"resourceType": "Patient"}, PatientDataError, "resourceType: expected 'Bundle'", id="not-a-bundle"
        ),
        pytest.param(
            {"resourceType": "Bundle", "type": "collection", "entry": [{"fullUrl": "x"}]},
            PatientDataError,
            "Bundle.entry[0].resource: missing",
            id="entry-without-resource",
        ),
        pytest.param(
            bundle({"resourceType": "Observation", "id": "o1", "code": {"text": "x"}}),
            PatientDataError,
            "Observation/o1 status:",
            id="malformed-resource",
        ),
        pytest.param(
            bundle(observation("plt-1", "777-3", valueQuantity={"value": "lots", "unit": "/mm3"})),
            PatientDataError,
            "Observation/plt-1 valueQuantity.value:",
            id="value-not-a-number",
        ),
        pytest.param(
            bundle(observation("plt-1", "777-3")),
            PatientDataError,
            "Observation/plt-1 value[x]: missing; platelet count needs",
            id="missing-value",
        ),
        pytest.param(
            bundle(observation("plt-1", "777-3", valueQuantity={"unit": "/mm3"})),
            PatientDataError,
            "Observation/plt-1 valueQuantity.value: missing",
            id="quantity-without-value",
        ),
        pytest.param(
            bundle(observation("plt-1", "777-3", valueQuantity=quantity(150, "bananas"))),
            UnitError,
            "Observation/plt-1 valueQuantity.unit: unknown unit 'bananas' for platelets; expected a count "
            "per volume such as 10*9/L, 10*3/uL, /mm3",
            id="unknown-unit",
        ),
        pytest.param(
            bundle(observation("plt-1", "777-3", valueQuantity=quantity(-5, "10*9/L"))),
            PatientDataError,
            "Observation/plt-1 valueQuantity.value: negative platelet count -5",
            id="negative-count",
        ),
        pytest.param(
            bundle(
                observation("plt-1", "777-3", valueQuantity=quantity(150, "10*9/L"), effectiveDateTime="2031-01-01")
            ),
            PatientDataError,
            "Observation/plt-1 effectiveDateTime: 2031-01-01 is in the future",
            id="future-date",
        ),
        pytest.param(
            bundle(condition("c1", ICD10, "C49.A2", onsetDateTime="2030-05-01")),
            PatientDataError,
            "Condition/c1 onsetDateTime: 2030-05-01 is in the future",
            id="future-onset",
        ),
        pytest.param(
            bundle(observation("hcg", "2106-3", valueString="maybe")),
            PatientDataError,
            "Observation/hcg value[x]: cannot read 'maybe' as positive or negative",
            id="unreadable-flag",
        ),
    ],
)
def test_bad_bundles_raise_errors_naming_resource_and_field(data: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error) as info:
        read_fhir_bundle(data, today=TODAY)
    assert message in str(info.value)


def test_partial_birth_date_is_refused() -> None:
    data = bundle()
    data["entry"][0]["resource"]["birthDate"] = "1960"
    with pytest.raises(PatientDataError, match="Patient/p1 birthDate: '1960' is only a year"):
        read_fhir_bundle(data, today=TODAY)


def test_data_absent_reason_means_no_fact() -> None:
    resource = observation("plt-1", "777-3", dataAbsentReason={"coding": [{"code": "not-performed"}]})
    assert read_fhir_bundle(bundle(resource), today=TODAY).observations == ()


def test_malformed_json_file(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text('{"resourceType": "Bundle", "entry": [', encoding="utf-8")
    with pytest.raises(PatientDataError, match=r"b.json: not valid JSON \(line 1"):
        read_patient(path)


def test_example_bundles_check_end_to_end() -> None:
    protocol = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
    ineligible = read_patient(ROOT / "eval" / "patients" / "gist-ineligible.fhir.json")
    result = check_patient(protocol, ineligible, TODAY)
    violated = {v.criterion_id.split(":")[1] for v in result.verdicts if v.status == "violated"}
    assert result.overall == "ineligible" and violated == {"I9", "I35", "I39"}
    incomplete = check_patient(protocol, read_patient(ROOT / "eval" / "patients" / "gist-incomplete.fhir.json"), TODAY)
    assert incomplete.overall == "undetermined"
    assert "AST with its reference range (upper limit of normal)" in incomplete.missing()["NCT01267695:I11"]
    json.dumps(incomplete.to_json())
