"""A statement that the patient is free of a broad class settles a criterion on a narrower concept the class
contains (an ICD-10-CM block inside a curated class); the reverse never holds, and a present narrower record
beside the broad absence says both, so neither decides. Criteria are quoted verbatim from records of the shared protocols."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.check import check_patient
from assistant.patient.facts import Condition, PatientFacts
from tests.conftest import compiled_one

TODAY = dt.date(2025, 6, 2)
DEMYELINATING = (
    "ctgov-v2-json/NCT02552212.json",
    "NCT02552212:E9",
)  # 'Demyelinating disease of the central nervous system'
INFECTIONS = (
    "ctgov-v2-json/NCT02552212.json",
    "NCT02552212:E4",
)  # 'History of or current chronic or recurrent infections'
IMMUNE = "hpo:HP:0002715"  # Abnormality of the immune system, above recurrent infections in HPO


@pytest.mark.parametrize(
    ("criterion", "facts", "expected"),
    [
        pytest.param(
            DEMYELINATING,
            (Condition(concept="neurological_disorder", present=False),),
            "satisfied",
            id="broad-absence-settles",
        ),
        pytest.param(
            DEMYELINATING,
            (Condition(concept="neurological_disorder", present=False, covers_past=False),),
            "satisfied",
            id="broad-absence-now-settles-a-current-criterion",
        ),
        pytest.param(
            DEMYELINATING, (Condition(concept="icd10:G35", present=False),), "unknown", id="narrow-absence-does-not"
        ),
        pytest.param(INFECTIONS, (Condition(concept=IMMUNE, present=False),), "satisfied", id="hpo-ancestor-absence"),
        pytest.param(
            INFECTIONS,
            (Condition(concept=IMMUNE, present=False, covers_past=False),),
            "unknown",
            id="absence-now-only-leaves-history-unknown",
        ),
        pytest.param(
            DEMYELINATING,
            (Condition(concept="neurological_disorder", present=False), Condition(concept="icd10:G35")),
            "unknown",
            id="present-narrower-beside-broad-absence-says-both",
        ),
    ],
)
def test_absence_of_a_containing_class(criterion: tuple[str, str], facts: tuple[Condition, ...], expected: str) -> None:
    protocol, rules = compiled_one(*criterion)
    verdict = check_patient(protocol, PatientFacts(conditions=facts), TODAY, rules).verdicts[0]
    assert verdict.status == expected, verdict.reason
