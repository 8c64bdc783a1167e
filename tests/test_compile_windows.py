"""Compiler forms on real criterion texts of the registry records: windows counted back from the first dose
or administration of study treatment, timing qualifiers joined by 'or', judgement words that are items of
a list, names that begin with a qualifier; narrowing remarks and clauses read one-sided (the concept's
absence decides, its presence is left for review) on medications and procedures as on conditions; and
what stays needs_review."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.facts import PatientFacts
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.load import compile_document
from assistant.types import Criterion
from tests.test_compile_patterns import form, real

RECORDS = Path(__file__).resolve().parent.parent.parent / "shared" / "protocols" / "ctgov-legacy-xml"

_SURGERY = "Major surgery (excluding placement of vascular access) within 4 weeks of the first dose of study treatment"
_CHECKPOINT = "Immune checkpoint inhibitor therapy within 30 days of first dose of study treatment"
_STEROIDS = (
    "Systemic steroid use within the last 2 months (does not include local steroid injections or intranasal "
    "steroid spray);"
)


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            _CHECKPOINT,
            "exclusion",
            {"medication": "checkpoint_inhibitor", "within": {"days": 30}},
            id="NCT03599518-E6-first-dose-of-study-treatment",
        ),
        pytest.param(
            "Treatment with any investigational agent within 14 days of first administration of study treatment",
            "exclusion",
            {"medication": "investigational_drug", "within": {"days": 14}},
            id="NCT01642004-E9-first-administration",
        ),
        pytest.param(
            "History of or current chronic or recurrent infections",
            "exclusion",
            {"any": [{"condition": "hpo:HP:0031035", "ever": True}, {"condition": "hpo:HP:0002719", "ever": True}]},
            id="NCT02552212-E4-qualifiers-joined-by-or",
        ),
        pytest.param(
            "The patient has a documented diagnosis of Fabry disease.",
            "inclusion",
            {"condition": "icd10:E75.21"},
            id="NCT01298141-I1-the-patient-has",
        ),
    ],
)
def test_reads(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, kind))
    assert compiled.when == expected, compiled.note
    assert " ".join(text.split()).rstrip(";.") in compiled.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Systemic sclerosis or psoriasis", "icd10:M34", id="first-item"),
        pytest.param("Psoriasis or systemic sclerosis", "icd10:M34", id="last-item"),
    ],
)
def test_a_list_item_may_begin_with_a_qualifier(text: str, expected: str) -> None:
    compiled = compile_rule(form(text, "exclusion"))
    assert {"condition": expected} in compiled.when["any"], compiled.note


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            _SURGERY,
            "exclusion",
            {
                "all": [
                    {"procedure": "major_surgery", "within": {"weeks": 4}},
                    {
                        "needs_review": "whether the major surgery found falls within the criterion's words "
                        "(excluding placement of vascular access)"
                    },
                ]
            },
            id="NCT03599518-E7-procedure-remark",
        ),
        pytest.param(
            _STEROIDS,
            "exclusion",
            {
                "all": [
                    {"medication": "systemic_corticosteroid", "within": {"months": 2}},
                    {
                        "needs_review": "whether the systemic corticosteroids found falls within the criterion's "
                        "words (does not include local steroid injections or intranasal steroid spray)"
                    },
                ]
            },
            id="NCT02438137-E13-remark-after-window",
        ),
        pytest.param(
            "Therapy with monoclonal antibodies (rituximab, alemtuzumab) within 4 weeks prior to study treatment",
            "exclusion",
            {
                "all": [
                    {"medication": "biologic", "within": {"weeks": 4}},
                    {
                        "needs_review": "whether the monoclonal antibody or other biologic therapy found falls within "
                        "the criterion's words (rituximab, alemtuzumab)"
                    },
                ]
            },
            id="NCT01207388-E6-therapy-with-examples",
        ),
        pytest.param(
            "Diagnosed with type 2 diabetes before surgery;",
            "inclusion",
            {"condition": "type_2_diabetes", "qualifier": "before surgery"},
            id="NCT03204344-I2-before-an-event",
        ),
        pytest.param(
            "Stroke or transient ischemic attack (TIA) prior to the age of 55 documented by a neurologist",
            "inclusion",
            {
                "any": [
                    {"condition": "icd10:I63", "qualifier": "(TIA) prior to the age of 55 documented by a neurologist"},
                    {
                        "condition": "hpo:HP:0002326",
                        "qualifier": "(TIA) prior to the age of 55 documented by a neurologist",
                    },
                ]
            },
            id="NCT01298141-I19-prior-to-an-age",
        ),
    ],
)
def test_narrowing_is_one_sided(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, kind))
    assert compiled.when == expected, compiled.note
    assert compiled.narrowed
    assert "absence decides, presence is left unknown" in compiled.note


@pytest.mark.parametrize(
    ("text", "kind", "because"),
    [
        pytest.param(
            "Inflammatory Arthritis (including Psoriatic Arthritis and Ankylosing Spondylitis)",
            "exclusion",
            "not linked",
            id="NCT00482794-remark-may-widen",
        ),
        pytest.param(
            "Exposure to any investigational drug or placebo within 3 months of first dose of study drug",
            "exclusion",
            "'placebo' is not linked",
            id="NCT01841593-E8-item-unlinked",
        ),
        pytest.param(
            "Patients with Raynaud's phenomenon, systemic sclerosis, or vasospastic disease.",
            "exclusion",
            "'vasospastic disease' is not linked",
            id="NCT03245528-E7-item-unlinked",
        ),
    ],
)
def test_stays_needs_review(text: str, kind: str, because: str) -> None:
    compiled = compile_rule(real(text, kind))
    assert not compiled.executable
    assert because in compiled.when["needs_review"]


@functools.cache
def _statuses(record: str, facts: str) -> dict[str, str]:
    protocol = parse_protocol(RECORDS / record)
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    patient = PatientFacts.model_validate_json(facts)
    check = check_patient(protocol, patient, dt.date(2025, 1, 1), rules)
    return {" ".join(v.text.split()): v.status for v in check.verdicts}


@pytest.mark.parametrize(
    ("facts", "text", "status"),
    [
        pytest.param(
            '{"procedures": [{"concept": "major_surgery", "present": false}]}',
            _SURGERY,
            "satisfied",
            id="no-surgery-decides",
        ),
        pytest.param(
            '{"procedures": [{"concept": "major_surgery", "date": "2024-12-20"}]}',
            _SURGERY,
            "needs_review",
            id="surgery-left-to-review",
        ),
        pytest.param(
            '{"medications": [{"concept": "pembrolizumab", "start": "2024-12-20"}]}',
            _CHECKPOINT,
            "violated",
            id="checkpoint-inhibitor-in-window",
        ),
    ],
)
def test_verdicts_on_a_record(facts: str, text: str, status: str) -> None:
    assert _statuses("NCT03599518.xml", facts)[text] == status


# ------------------------------------------------------------------ windows on thresholds


_CREATININE_90 = "Serum creatinine ≤ 1.5 mg/dL within the past 90 days"  # NCT01174550:I8


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        pytest.param(
            real(_CREATININE_90),
            {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL", "within": {"days": 90}},
            id="NCT01174550-I8-within-the-past",
        ),
        pytest.param(
            form("Serum creatinine ≤ 1.5 mg/dL within 28 days prior to enrollment"),
            {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL", "within": {"days": 28}},
            id="prior-to-enrollment",
        ),
        pytest.param(
            form("Hemoglobin ≥ 9 g/dL within 14 days of randomization"),
            {"observation": "hemoglobin", "op": ">=", "value": 9.0, "unit": "g/dL", "within": {"days": 14}},
            id="of-randomization",
        ),
        pytest.param(
            form("ANC ≥ 1500/mm3 and platelets ≥ 100,000/mm3 obtained within 14 days prior to registration"),
            {
                "all": [
                    {"observation": "anc", "op": ">=", "value": 1500.0, "unit": "/mm3", "within": {"days": 14}},
                    {"observation": "platelets", "op": ">=", "value": 100000.0, "unit": "/mm3", "within": {"days": 14}},
                ]
            },
            id="obtained-within-dates-every-threshold",
        ),
        pytest.param(
            real("Women with hemoglobin less than 11gm/dl at screening evaluation.", "exclusion"),
            {"observation": "hemoglobin", "op": "<", "value": 11.0, "unit": "g/dl"},
            id="NCT02389088-E1-at-screening-is-no-window",
        ),
    ],
)
def test_threshold_windows(criterion: Any, expected: dict[str, Any]) -> None:
    compiled = compile_rule(criterion)
    assert compiled.when == expected, compiled.note
    if "within" in str(expected):
        assert "the latest value must be dated within the window" in compiled.note


@pytest.mark.parametrize(
    ("text", "because"),
    [
        pytest.param("Serum creatinine >2.5 mg/dL within 7 days of index procedure", "not the words", id="chia-anchor"),
        pytest.param("Age ≥ 18 years within 28 days of enrollment", "within", id="no-window-on-age"),
    ],
)
def test_threshold_windows_not_read(text: str, because: str) -> None:
    compiled = compile_rule(form(text, "exclusion"))
    assert not compiled.executable
    assert because in compiled.when["needs_review"]


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        pytest.param(
            '{"observations": [{"concept": "creatinine", "value": 1.1, "unit": "mg/dL", "date": "2024-11-20"}]}',
            "satisfied",
            id="inside",
        ),
        pytest.param(
            '{"observations": [{"concept": "creatinine", "value": 1.9, "unit": "mg/dL", "date": "2024-12-20"}]}',
            "violated",
            id="inside-over",
        ),
        pytest.param(
            '{"observations": [{"concept": "creatinine", "value": 1.1, "unit": "mg/dL", "date": "2024-09-01"}]}',
            "unknown",
            id="older",
        ),
        pytest.param(
            '{"observations": [{"concept": "creatinine", "value": 1.1, "unit": "mg/dL"}]}', "unknown", id="undated"
        ),
    ],
)
def test_threshold_window_verdicts(facts: str, status: str) -> None:
    protocol = parse_protocol(RECORDS / "NCT01174550.xml")
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    check = check_patient(protocol, PatientFacts.model_validate_json(facts), dt.date(2025, 1, 1), rules)
    assert {" ".join(v.text.split()): v.status for v in check.verdicts}[_CREATININE_90] == status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Fever: temperature >37.5°C (axillary) or history of fever in the last 24 hours",  # NCT02654730:E2
            {"condition": "fever", "within": {"days": 1}},
            id="NCT02654730-E2-24-hours",
        ),
        pytest.param("Fever within the past 48 hours", {"condition": "fever", "within": {"days": 2}}, id="48-hours"),
        pytest.param(
            "Creatinine > 2 mg/dL within 72 hours",
            {"observation": "creatinine", "op": ">", "value": 2.0, "unit": "mg/dL", "within": {"days": 3}},
            id="72-hours-after-a-threshold",
        ),
    ],
)
def test_a_window_in_hours_is_read_in_whole_days(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    tests = compiled.when.get("any", [compiled.when])
    assert expected in tests, compiled.note


def test_a_window_of_hours_that_is_not_whole_days_is_not_read() -> None:
    """Records are dated by the day: "within 6 hours" cannot be told from them."""
    text = "Seizure within 6 hours"
    assert not compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text))).executable
