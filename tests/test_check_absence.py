"""Absence-based verdicts from a note are conservative: a criterion is satisfied by a stated absence only
when the statement covers what the criterion asks ("no history of X" for "History of X"; "no X now"
settles only a criterion on the present), a condition stated over ("resolved") is a past record, not an
absence, and a dated past mention without words saying it is over leaves a current-condition criterion
unknown. Criteria are quoted verbatim from records of the shared protocols."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cache

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.facts import Condition, PatientFacts
from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.load import compile_document
from assistant.types import Criterion, Protocol
from tests.conftest import SHARED_PROTOCOLS

TODAY = dt.date(2025, 6, 2)


@cache
def _record(name: str) -> Protocol:
    return parse_protocol(SHARED_PROTOCOLS / "ctgov-legacy-xml" / name)


def status_of(record: str, criterion_id: str, note: str) -> tuple[str, str]:
    """Status and reason of one criterion of a real record for the patient a note describes."""
    protocol = _record(record)
    one = dataclasses.replace(protocol, criteria=(protocol.criterion(criterion_id),))
    rules = compile_document(draft_rules(one), one, "compiled")
    assert rules.rules[0].executable, f"{criterion_id} no longer compiles: {rules.document.rules[0].note}"
    verdict = check_patient(one, read_note(note, TODAY).facts, TODAY, rules).verdicts[0]
    return verdict.status, verdict.reason


ANALGESIC = ("NCT02699827.xml", "NCT02699827:E16")  # 'History of analgesic use.'
MYELOMA = ("NCT02438137.xml", "NCT02438137:E16")  # 'History of Multiple Myeloma'
THROMBOCYTOPENIA = ("NCT02699827.xml", "NCT02699827:E9")  # 'Thrombocytopenia.'


@pytest.mark.parametrize(
    ("criterion", "note", "expected"),
    [
        pytest.param(
            ANALGESIC, "She has taken no analgesics during the pregnancy.", "satisfied", id="perfect-covers-past"
        ),
        pytest.param(ANALGESIC, "She is not on analgesics.", "unknown", id="not-now-leaves-history-unknown"),
        pytest.param(MYELOMA, "No history of multiple myeloma.", "satisfied", id="no-history-of"),
        pytest.param(MYELOMA, "Past medical history: no multiple myeloma.", "satisfied", id="pmh-negative"),
        pytest.param(MYELOMA, "Past medical history: no active multiple myeloma.", "unknown", id="pmh-active-only"),
        pytest.param(MYELOMA, "He denies multiple myeloma today.", "unknown", id="denies-today"),
        pytest.param(MYELOMA, "Multiple myeloma, resolved.", "violated", id="resolved-is-history-not-absence"),
        pytest.param(THROMBOCYTOPENIA, "No thrombocytopenia.", "satisfied", id="current-negative"),
        pytest.param(THROMBOCYTOPENIA, "Thrombocytopenia in 2019.", "unknown", id="dated-past-not-said-over"),
        pytest.param(THROMBOCYTOPENIA, "Thrombocytopenia in 2019, resolved.", "satisfied", id="dated-past-resolved"),
        pytest.param(THROMBOCYTOPENIA, "Thrombocytopenia, now resolved.", "satisfied", id="resolved-not-current"),
        pytest.param(THROMBOCYTOPENIA, "Haematology: no thrombocytopenia.", "satisfied", id="title-colon-no"),
        pytest.param(THROMBOCYTOPENIA, "No bleeding, has thrombocytopenia.", "violated", id="has-ends-negation"),
    ],
)
def test_absence_is_conservative(criterion: tuple[str, str], note: str, expected: str) -> None:
    status, reason = status_of(*criterion, note)
    assert status == expected, reason


@pytest.mark.parametrize(
    ("covers_past", "expected"),
    [
        pytest.param(True, "satisfied", id="facts-file-absent-covers-history"),
        pytest.param(False, "unknown", id="absent-now-only"),
    ],
)
def test_history_criterion_reads_the_scope_of_an_absence(covers_past: bool, expected: str) -> None:
    protocol = _record(MYELOMA[0])
    one = dataclasses.replace(protocol, criteria=(protocol.criterion(MYELOMA[1]),))
    rules = compile_document(draft_rules(one), one, "compiled")
    concept = next(iter(sorted(rules.rules[0].uses)))
    absent = Condition(concept=concept, present=False, covers_past=covers_past, source="facts")
    verdict = check_patient(one, PatientFacts(conditions=(absent,)), TODAY, rules).verdicts[0]
    assert verdict.status == expected, verdict.reason


@pytest.mark.parametrize(
    ("note", "flag"),
    [
        pytest.param("Hepatitis B surface antigen negative.", False, id="stated-negative"),
        pytest.param("Hepatitis B surface antigen positive.", True, id="stated-positive"),
        pytest.param("Hepatitis B surface antigen not done.", None, id="not-done-is-no-result"),
        pytest.param("HIV test not yet performed.", None, id="not-performed-is-no-result"),
    ],
)
def test_a_test_not_done_is_not_a_negative(note: str, flag: bool | None) -> None:
    facts = read_note(note, TODAY).facts
    flags = [o.flag for o in facts.observations]
    assert flags == ([] if flag is None else [flag])


HEART = "Significant heart disease (chronic congestive heart failure, symptomatic coronary disease) or myocardial"
"""The opening words of a Chia criterion ("Uncontrolled hypertension" is one whole); the tests read them alone."""


@pytest.mark.parametrize(
    ("text", "note", "expected"),
    [
        pytest.param("Uncontrolled hypertension", "No hypertension.", "satisfied", id="absent-decides"),
        pytest.param("Uncontrolled hypertension", "Hypertension since 2015.", "unknown", id="present-is-judged"),
        pytest.param("Significant heart disease", "No heart disease.", "satisfied", id="class-absent"),
        pytest.param(
            "Significant heart disease", "Congestive heart failure since 2020.", "unknown", id="narrower-present"
        ),
    ],
)
def test_a_judgement_word_leaves_presence_to_a_clinician(text: str, note: str, expected: str) -> None:
    assert text in HEART or text == "Uncontrolled hypertension"  # both occur verbatim in Chia
    criterion = Criterion("NCT00000000:E1", "exclusion", text, 0, len(text))
    compiled = compile_rule(criterion)
    assert compiled.executable and "qualifier" in str(compiled.when), compiled.when
    one = dataclasses.replace(_record(MYELOMA[0]), id="NCT00000000", criteria=(criterion,))
    rules = compile_document(draft_rules(one), one, "compiled")
    verdict = check_patient(one, read_note(note, TODAY).facts, TODAY, rules).verdicts[0]
    assert verdict.status == expected, verdict.reason


def test_a_name_that_begins_with_a_judgement_word_is_that_name() -> None:
    text = "Severe combined immunodeficiency"
    compiled = compile_rule(Criterion("NCT00000000:E1", "exclusion", text, 0, len(text)))
    assert "qualifier" not in str(compiled.when), compiled.when
