"""Dates known to a month or a year only ("in December 2024", "in 2019", FHIR "2024-12"): a time window whose
start falls inside that month or year is not decided by them. Reading "in December 2024" as the first of the
month made "myocardial infarction within the past 6 months" false on 2025-06-15, so a patient whose infarction
may have been on 20 December was let through."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.facts import PatientFacts
from assistant.patient.fhir import read_fhir_bundle
from assistant.patient.note import read_note
from assistant.patient.note.dates import find_dates
from tests.conftest import compiled_one

TODAY = dt.date(2025, 6, 15)
MI = (
    "ctgov-legacy-xml/NCT03599518.xml",
    "NCT03599518:E15",
)  # 'Has history of myocardial infarction within the past 6 months'


def _status(criterion: tuple[str, str], facts: PatientFacts) -> tuple[str, str]:
    one, rules = compiled_one(*criterion)
    verdict = check_patient(one, facts, TODAY, rules).verdicts[0]
    return verdict.status, verdict.reason


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        pytest.param("in December 2024", "month", id="month-year"),
        pytest.param("on 20 December 2024", "day", id="day-month-year"),
        pytest.param("on December 20th, 2024", "day", id="month-day-year"),
        pytest.param("in 2019", "year", id="year"),
        pytest.param("3 months ago", "day", id="relative"),
        pytest.param("on 2024-12-20", "day", id="iso"),
    ],
)
def test_a_stated_date_says_how_precise_it_is(text: str, precision: str) -> None:
    (found,) = find_dates(text, TODAY)
    assert found.precision == precision


@pytest.mark.parametrize(
    ("note", "status"),
    [
        # the window opens on 2024-12-15: December 2024 holds days on both sides of it
        pytest.param("History: myocardial infarction in December 2024.", "unknown", id="month-straddles"),
        pytest.param("History: myocardial infarction on 20 December 2024.", "violated", id="day-inside"),
        pytest.param("History: myocardial infarction on 2 December 2024.", "satisfied", id="day-outside"),
        pytest.param("History: myocardial infarction in January 2025.", "violated", id="month-inside"),
        pytest.param("History: myocardial infarction in November 2024.", "satisfied", id="month-outside"),
        pytest.param("History: myocardial infarction in 2024.", "unknown", id="year-straddles"),
        pytest.param("History: myocardial infarction in 2023.", "satisfied", id="year-outside"),
    ],
)
def test_a_window_is_decided_only_when_the_whole_month_or_year_is_on_one_side(note: str, status: str) -> None:
    found, reason = _status(MI, read_note(note, TODAY).facts)
    assert found == status, reason


def test_the_reason_names_the_month_and_asks_for_the_day() -> None:
    one, rules = compiled_one(*MI)
    facts = read_note("History: myocardial infarction in December 2024.", TODAY).facts
    verdict = check_patient(one, facts, TODAY, rules).verdicts[0]
    assert "dated to December 2024 only" in verdict.reason
    assert verdict.missing == ("day of myocardial infarction in December 2024",)


def test_the_reading_shows_the_month_only() -> None:
    reading = read_note("History: myocardial infarction in December 2024.", TODAY)
    assert any("(December 2024 → 2024-12, the month only)" in m.rendering for m in reading.mentions)


def _bundle(onset: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "1960-01-01"}},
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": "c",
                    "subject": {"reference": "Patient/p"},
                    "code": {"text": "myocardial infarction"},
                    "onsetDateTime": onset,
                    "clinicalStatus": {"coding": [{"code": "resolved"}]},
                }
            },
        ],
    }


@pytest.mark.parametrize(
    ("onset", "status"),
    [
        pytest.param("2024-12", "unknown", id="fhir-month-straddles"),
        pytest.param("2024-11", "satisfied", id="fhir-month-outside"),
        pytest.param("2024-12-20", "violated", id="fhir-day-inside"),
    ],
)
def test_partial_fhir_dates_are_read_as_partial(onset: str, status: str) -> None:
    facts = read_fhir_bundle(_bundle(onset), TODAY)
    assert _status(MI, facts)[0] == status


@pytest.mark.parametrize(
    ("dated_to", "status"),
    [
        pytest.param("day", "satisfied", id="facts-file-day"),
        pytest.param("month", "unknown", id="facts-file-month"),
    ],
)
def test_a_facts_file_may_state_the_precision(dated_to: str, status: str) -> None:
    facts = PatientFacts.model_validate(
        {"conditions": [{"concept": "myocardial_infarction", "onset": "2024-12-01", "dated_to": dated_to}]}
    )
    assert _status(MI, facts)[0] == status


SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "protocols" / "seed" / "NCT01267695.txt"


@pytest.mark.parametrize(
    ("date", "dated_to", "status"),
    [
        # the seed's reviewed rule: 'At least 28 days since prior radiotherapy'; 28 days before 2025-06-15 is 05-18
        pytest.param("2025-05-01", "month", "unknown", id="washout-month-straddles"),
        pytest.param("2025-05-01", "day", "satisfied", id="washout-day-long-enough"),
        pytest.param("2025-04-01", "month", "satisfied", id="washout-month-before"),
        pytest.param("2025-06-01", "month", "violated", id="washout-month-too-recent"),
    ],
)
def test_a_washout_is_decided_only_when_the_whole_month_is_on_one_side(date: str, dated_to: str, status: str) -> None:
    protocol = parse_protocol(SEED)
    facts = PatientFacts.model_validate(
        {"procedures": [{"concept": "radiotherapy", "date": date, "dated_to": dated_to}]}
    )
    verdict = next(v for v in check_patient(protocol, facts, TODAY).verdicts if v.criterion_id == "NCT01267695:I35")
    assert verdict.status == status, verdict.reason


def _lab_bundle(effective: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "1960-01-01"}},
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "cr",
                    "status": "final",
                    "subject": {"reference": "Patient/p"},
                    "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}], "text": "Creatinine"},
                    "effectiveDateTime": effective,
                    "valueQuantity": {"value": 1.0, "unit": "mg/dL"},
                }
            },
        ],
    }


# dev record NCT01174550:I8, 'Serum creatinine ≤ 1.5 mg/dL within the past 90 days'; 90 days before 2025-06-15 is 03-17
CREATININE = ("ctgov-legacy-xml/NCT01174550.xml", "NCT01174550:I8")


@pytest.mark.parametrize(
    ("effective", "status"),
    [
        # FHIR "2025-03" was placed on 31 March, inside the window, though the lab may be from 1 March
        pytest.param("2025-03", "unknown", id="lab-month-straddles"),
        pytest.param("2025-04", "satisfied", id="lab-month-inside"),
        pytest.param("2025-03-20", "satisfied", id="lab-day-inside"),
        pytest.param("2025-02", "unknown", id="lab-month-before"),
    ],
)
def test_a_lab_dated_to_a_month_meets_a_window_only_when_the_whole_month_is_inside(effective: str, status: str) -> None:
    found, reason = _status(CREATININE, read_fhir_bundle(_lab_bundle(effective), TODAY))
    assert found == status, reason


@pytest.mark.parametrize(
    ("note", "status"),
    [
        # a note's "in March 2025" was read as 1 March at day precision: outside the window, though the lab may
        # be from 20 March, inside it
        pytest.param("Labs: serum creatinine 1.0 mg/dL in March 2025.", "unknown", id="note-lab-month-straddles"),
        pytest.param("Labs: serum creatinine 1.0 mg/dL in April 2025.", "satisfied", id="note-lab-month-inside"),
        pytest.param("Labs: serum creatinine 1.0 mg/dL on 20 March 2025.", "satisfied", id="note-lab-day-inside"),
    ],
)
def test_a_note_lab_dated_to_a_month_meets_a_window_only_when_the_whole_month_is_inside(note: str, status: str) -> None:
    reading = read_note(note, TODAY)
    found, reason = _status(CREATININE, reading.facts)
    assert found == status, reason
    if "in March" in note:  # before: "dated 2025-03-01, before 2025-03-17: outside 90 days"
        assert "dated to March 2025 only" in reason
        assert "in 2025-03 (the month only)" in reading.mentions[0].rendering
