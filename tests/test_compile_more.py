"""Compiler forms on real criterion texts of the registry records: negative test results, list items
completed by the last item's words, narrowing clauses and bracketed remarks read one-sided, the condition
classes of corpus/vocabulary/conditions.yaml; and what stays needs_review."""

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
from tests.test_compile_patterns import real

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT.parent / "shared" / "protocols"


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Negative HIV test at screening",
            "inclusion",
            {"observation": "hiv_test", "flag": False},
            id="negative-test",
        ),
        pytest.param(
            "Negative hepatitis B surface antigen test",
            "inclusion",
            {"observation": "hbsag", "flag": False},
            id="negative-test-word",
        ),
        pytest.param(
            "Type I or type II diabetes mellitus",
            "exclusion",
            {"any": [{"condition": "icd10:E10"}, {"condition": "type_2_diabetes"}]},
            id="list-shared-tail",
        ),
        pytest.param(
            "History of leptomeningeal disease",
            "exclusion",
            {"condition": "leptomeningeal_metastases", "ever": True},
            id="class-leptomeningeal",
        ),
        pytest.param(
            "Subjects with carcinomatous meningitis",
            "exclusion",
            {"condition": "leptomeningeal_metastases"},
            id="class-synonym",
        ),
        pytest.param(
            "History of organ transplantation",
            "exclusion",
            {"condition": "solid_organ_transplant", "ever": True},
            id="class-organ-transplant",
        ),
        pytest.param(
            "History of bleeding disorders",
            "exclusion",
            {"condition": "bleeding_disorder", "ever": True},
            id="bleeding",
        ),
        pytest.param(
            "History of neurological disorder",
            "exclusion",
            {"condition": "neurological_disorder", "ever": True},
            id="class-neurological",
        ),
        pytest.param(
            "Untreated or symptomatic central nervous system (CNS) metastases",
            "exclusion",
            {"condition": "cns_metastases", "qualifier": "untreated or symptomatic"},
            id="judgement-cns-metastases",
        ),
        pytest.param(
            "Patients with a known allergy to mannitol",
            "exclusion",
            {"condition": "hpo:HP:0012393", "qualifier": "to mannitol"},
            id="narrowing-to",
        ),
        pytest.param(
            "Measurable disease (at least one target lesion)",
            "inclusion",
            {"condition": "measurable_disease", "qualifier": "(at least one target lesion)"},
            id="bracketed-remark",
        ),
        pytest.param(
            "History of a lymphoproliferative disorder (such as leukemia)",
            "exclusion",
            {"condition": "hpo:HP:0005523", "ever": True, "qualifier": "(such as leukemia)"},
            id="bracketed-example",
        ),
        pytest.param(
            "Prior allogeneic hematopoietic stem cell transplant (HSCT)",
            "exclusion",
            {"condition": "stem_cell_transplant", "ever": True, "qualifier": "allogeneic"},
            id="allogeneic-qualifier",
        ),
        pytest.param(
            "Scleroderma (systemic sclerosis)",
            "inclusion",
            {"condition": "hpo:HP:0100324", "qualifier": "(systemic sclerosis)"},
            id="bracketed-synonym",
        ),
    ],
)
def test_compiles(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, kind))
    assert compiled.when == expected, compiled.note
    assert text in compiled.note
    assert "→" in compiled.note  # names the linked concept and its code


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        pytest.param(
            "Uncontrolled pleural effusion, pericardial effusion, or ascites requiring recurrent drainage procedures "
            "(once monthly or more frequently)",
            ["icd10:J90", "icd10:I31.3", "icd10:R18"],
            id="list-requiring",
        ),
        pytest.param(
            "History of vitiligo, eczema, or psoriasis (Group D)",
            # "Eczema NOS" is under L30, a residual; the HPO has "eczema" only as a synonym, which ranks after it
            ["icd10:L80", "icd10:L30", "icd10:L40"],
            id="list-remark",
        ),
    ],
)
def test_narrowing_applies_to_every_item(text: str, linked: list[str]) -> None:
    when = compile_rule(real(text, "exclusion")).when
    assert [item["condition"] for item in when["any"]] == linked
    assert all(item.get("qualifier") for item in when["any"])


@pytest.mark.parametrize(
    ("text", "kind", "because"),
    [
        pytest.param(
            "Active ocular or periocular infection or intraocular inflammation",
            "exclusion",
            "not linked",
            id="unlinked",
        ),
        pytest.param(
            "Negative blood cultures for Candida",  # NCT00734539:I4
            "inclusion",
            "negative test",
            id="negative-test-unlinked",
        ),
        pytest.param(
            "Evidence of severe illness or active infection other than malaria",
            "exclusion",
            "not linked",
            id="list-before-narrowing",
        ),
    ],
)
def test_stays_needs_review(text: str, kind: str, because: str) -> None:
    compiled = compile_rule(real(text, kind))
    assert not compiled.executable
    assert because in compiled.when["needs_review"]


def test_narrowing_never_makes_logistics_executable() -> None:
    compiled = compile_rule(real("No significant history of noncompliance to medical regimens", "inclusion"))
    assert compiled.category == "administrative"
    assert not compiled.executable


@functools.cache
def _statuses(record: str, facts: str) -> dict[str, str]:
    protocol = parse_protocol(RECORDS / "ctgov-legacy-xml" / record)
    rules = compile_document(draft_rules(protocol), protocol, "compiled")
    patient = PatientFacts.model_validate_json(facts)
    check = check_patient(protocol, patient, dt.date(2025, 1, 1), rules)
    return {" ".join(v.text.split()): v.status for v in check.verdicts}


_CNS = "Symptomatic, untreated, or actively progressing CNS metastases"
_TEST = "Negative HIV test at screening"


@pytest.mark.parametrize(
    ("facts", "text", "status"),
    [
        pytest.param(
            '{"conditions": [{"concept": "cns_metastases", "present": false}]}', _CNS, "satisfied", id="absent-decides"
        ),
        pytest.param(
            '{"conditions": [{"concept": "brain_metastases", "present": false}]}',
            _CNS,
            "unknown",
            id="narrower-absence-does-not",
        ),
        pytest.param(
            '{"conditions": [{"concept": "brain_metastases"}]}', _CNS, "unknown", id="presence-left-to-review"
        ),
        pytest.param('{"observations": [{"concept": "hiv_test", "flag": false}]}', _TEST, "satisfied", id="negative"),
        pytest.param('{"observations": [{"concept": "hiv_test", "flag": true}]}', _TEST, "violated", id="positive"),
        pytest.param("{}", _TEST, "unknown", id="no-result"),
    ],
)
def test_one_sided_rules_on_a_record(facts: str, text: str, status: str) -> None:
    assert _statuses("NCT03424005.xml", facts)[text] == status


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "Any condition that would, in the opinion of the site Investigator, place the subject at an unacceptable "
            "risk of injury or render the subject unable to meet the requirements of the protocol.",
            id="NCT03101111-E20-opinion",
        ),
        pytest.param(
            "Any condition judged by the investigator to cause this clinical trial to be detrimental to the patient.",
            id="NCT03521479-E9-judged-by",
        ),
    ],
)
def test_a_criterion_left_to_the_investigator_says_so(text: str) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.kind == "judgement" and not compiled.executable
    assert compiled.when["needs_review"].startswith("the investigator's judgement decides it")


def test_a_named_condition_judged_by_the_investigator_is_decided_by_its_absence() -> None:
    text = "Severe hypertension in the opinion of the investigator"
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert compiled.when == {"condition": "hypertension", "qualifier": "severe in the opinion of the investigator"}
