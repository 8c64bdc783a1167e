"""Smoking status: the vocabulary's tobacco_smoking (ICD-10-CM F17, Z72.0) read from a note's social history
with its context (a current smoker, an ex-smoker as a history, a non-smoker as an absence), and the criterion
'Smoker.' (NCT03459976:E8, quoted from the record) decided from it. Note lines are written as the dev notes'
social histories are."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule
from tests.conftest import note_verdict, one_criterion

TODAY = dt.date(2025, 7, 8)
SMOKER = ("ctgov-legacy-xml/NCT03459976.xml", "NCT03459976:E8")  # 'Smoker.'


def _smoking(note: str) -> tuple[bool, bool | None] | None:
    """(present, current) of the note's tobacco_smoking fact, or None when it reads none; current is None for a
    smoking history ("ex-smoker", "quit 2019": in the history, which the checker does not take as stopped)."""
    found = [c for c in read_note(note, TODAY).facts.conditions if c.concept == "tobacco_smoking"]
    assert len(found) <= 1, found
    return (found[0].present, found[0].active) if found else None


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param("Social history: current smoker, 20 pack-years.", (True, True), id="current-in-social-history"),
        pytest.param("SH: smokes 5 cigarettes a day.", (True, True), id="smokes"),
        pytest.param("SH: ex-smoker, quit 2019.", (True, None), id="ex-smoker"),
        pytest.param("SH: former smoker, 50 pack-years, quit 2024; lives with his wife.", (True, None), id="former"),
        pytest.param("Quit smoking 5 years ago.", (True, None), id="quit"),
        pytest.param("Social: non-smoker, occasional alcohol.", (False, True), id="non-smoker"),
        pytest.param("FH: no premature coronary disease. SH: never smoker, no alcohol.", (False, True), id="never"),
        pytest.param("SH: never smoked, no alcohol.", (False, True), id="never-smoked"),
        pytest.param("Tobacco use: denies.", (False, True), id="denies-after-a-colon"),
        pytest.param("FH: father smokes. SH: teacher.", None, id="family-member"),
    ],
)
def test_smoking_status_is_read_with_its_context(note: str, expected: tuple[bool, bool | None] | None) -> None:
    assert _smoking(note) == expected


@pytest.mark.parametrize(
    ("note", "concept", "present"),
    [
        pytest.param(
            "Stage IV non-small cell lung cancer.", "non_small_cell_lung_cancer", True, id="a-whole-name-with-non"
        ),
        # "ex-" does not make it a former condition; the ex-husband's HIV is his, not the patient's
        pytest.param("Ex-husband has HIV.", "hiv", None, id="ex-before-a-person"),
        pytest.param("Her ex-husband has HIV; she has HIV too.", "hiv", True, id="ex-before-a-person-and-hers"),
    ],
)
def test_the_new_triggers_leave_other_mentions_alone(note: str, concept: str, present: bool | None) -> None:
    found = {c.concept: c.present for c in read_note(note, TODAY).facts.conditions}
    assert found.get(concept) is present, found


def test_the_criterion_compiles_to_the_vocabulary_concept() -> None:
    compiled = compile_rule(one_criterion(*SMOKER).criteria[0])
    assert compiled.executable and compiled.when == {"condition": "tobacco_smoking"}
    assert "F17" in compiled.note or "tobacco_smoking" in compiled.note


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("SH: smokes 5 cigarettes a day.", "violated", id="current-smoker"),
        pytest.param("Social: non-smoker, occasional alcohol.", "satisfied", id="non-smoker"),
        pytest.param("SH: ex-smoker, quit 2019.", "unknown", id="ex-smoker-is-not-said-current"),
        pytest.param("SH: teacher, lives with her husband.", "unknown", id="not-stated"),
    ],
)
def test_the_criterion_is_decided_from_the_note(note: str, status: str) -> None:
    verdict = note_verdict(*SMOKER, note, TODAY)
    assert verdict.status == status, verdict
