"""Conflicting, corrected, unusable and second-patient values: never silently one of them.

A loaded eligible patient has platelets 245 ×10^9/L. A message that states platelets in ways that
cannot all be used must leave the platelet criterion unknown, show what was stated, and never let
the file's older value decide instead. Text in markup comments is not patient data.
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.chat.chain import ChatSession
from assistant.check import check_patient
from assistant.patient import read_patient
from assistant.patient.facts import Conflict, Observation, PatientFacts
from assistant.types import Protocol

from .conftest import ELIGIBLE_PATIENT as ELIGIBLE

AS_OF = dt.date(2024, 6, 3)
PLATELETS = "NCT01267695:I9"


@pytest.fixture
def session(loaded_session: ChatSession) -> ChatSession:
    return loaded_session


def _platelets(session: ChatSession, message: str) -> tuple[str, str, str]:
    response = session.respond(message, as_of=AS_OF)
    assert response.check is not None, f"no check for {message!r}"
    verdict = next(v for v in response.check.verdicts if v.criterion_id == PLATELETS)
    return verdict.status, verdict.reason, response.check.overall


def test_the_loaded_patient_is_eligible_on_its_own(session: ChatSession) -> None:
    assert _platelets(session, "Is she eligible?") == (
        "satisfied",
        "platelet count 245 10*9/L (2024-05-28; 245,000 /mm3) is > 100,000 /mm3",
        "eligible",
    )


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        pytest.param(
            "Her platelets: 80,000/mm3; repeat platelets 85,000/mm3. Can she enroll?",
            ["80,000/mm3", "85,000/mm3"],
            id="repeat-value",
        ),
        pytest.param(
            "platelets 200,000/mm3 – correction: 80,000/mm3. Is she eligible?",
            ["200,000/mm3", "80,000/mm3"],
            id="correction",
        ),
        pytest.param(
            "Platelets 80,000/mm3, can she enroll? Another patient: platelets 200,000/mm3",
            ["80,000/mm3", "200,000/mm3", "another"],
            id="second-patient",
        ),
        pytest.param("platelets 8O,OOO/mm3, can she enroll?", ["unit 'O' cannot be converted"], id="letter-o-for-zero"),
        pytest.param("Her platelets are 95 today, can she enroll?", ["no unit"], id="no-unit"),
        pytest.param("platelets 90,000/mm, can she enroll?", ["'/mm'"], id="unconvertible-unit"),
    ],
)
def test_unusable_statements_leave_the_criterion_unknown(session: ChatSession, message: str, shown: list[str]) -> None:
    status, reason, overall = _platelets(session, message)
    assert status == "unknown"
    assert overall == "undetermined"
    assert "245" not in reason  # the file's older value is not used in place of what was said
    for text in shown:
        assert text in reason


def test_a_value_in_a_markup_comment_is_not_patient_data(session: ChatSession) -> None:
    status, reason, overall = _platelets(
        session, "platelets 80,000/mm3 <!-- platelets 200,000/mm3 -->, can she enroll?"
    )
    assert (status, overall) == ("violated", "ineligible")
    assert "80,000" in reason and "200,000" not in reason


def test_a_later_single_value_settles_the_conflict(session: ChatSession) -> None:
    assert (
        _platelets(session, "Her platelets: 80,000/mm3; repeat platelets 85,000/mm3. Can she enroll?")[0] == "unknown"
    )
    status, reason, _ = _platelets(session, "Confirmed: her platelets are 150,000/mm3. Can she enroll?")
    assert status == "satisfied" and "150,000" in reason


def test_an_unusable_value_does_not_poison_later_turns(session: ChatSession) -> None:
    assert _platelets(session, "ANC 2.0, can she enroll?")[0] == "satisfied"
    response = session.respond("and her platelets are 150,000/mm3?", as_of=AS_OF)
    assert response.check is not None
    anc = next(v for v in response.check.verdicts if v.criterion_id == "NCT01267695:I10")
    assert anc.status == "unknown" and "ANC 2.0" in anc.reason


@pytest.mark.parametrize(
    ("older", "newer", "expected"),
    [
        pytest.param(
            PatientFacts(observations=(Observation(concept="platelets", value=245, unit="10*9/L"),)),
            PatientFacts(conflicts=(Conflict(concept="platelets", kind="observation", values=("80", "200")),)),
            ((), ("platelets",)),
            id="conflict-replaces-older-value",
        ),
        pytest.param(
            PatientFacts(conflicts=(Conflict(concept="platelets", kind="observation", values=("80", "200")),)),
            PatientFacts(observations=(Observation(concept="platelets", value=150, unit="10*9/L"),)),
            (("platelets",), ()),
            id="new-value-settles-conflict",
        ),
        pytest.param(
            PatientFacts(age=61, conflicts=(Conflict(concept="anc", kind="observation", values=("2.0",)),)),
            PatientFacts(conflicts=(Conflict(concept="age", kind="age", values=("61", "16")),)),
            ((), ("anc", "age")),
            id="unrelated-conflict-kept-age-cleared",
        ),
    ],
)
def test_merging_keeps_conflicts_in_force(
    older: PatientFacts, newer: PatientFacts, expected: tuple[tuple[str, ...], tuple[str, ...]]
) -> None:
    merged = older.merged_with(newer)
    assert tuple(o.concept for o in merged.observations) == expected[0]
    assert tuple(c.concept for c in merged.conflicts) == expected[1]
    if "age" in expected[1]:
        assert merged.age is None and merged.birth_date is None


def test_checker_names_both_values(seed: Protocol) -> None:
    facts = read_patient(ELIGIBLE).merged_with(
        PatientFacts(
            conflicts=(Conflict(concept="platelets", kind="observation", values=("80,000/mm3", "200,000/mm3")),)
        )
    )
    check = check_patient(seed, facts, AS_OF)
    verdict = next(v for v in check.verdicts if v.criterion_id == PLATELETS)
    assert verdict.status == "unknown"
    assert verdict.reason == ("not decided: platelet count stated with different values ('80,000/mm3', '200,000/mm3')")
    assert verdict.missing == ("one confirmed platelet count",)
    assert check.overall == "undetermined"
    untouched = [v for v in check.verdicts if v.criterion_id != PLATELETS and v.status == "unknown"]
    assert untouched == []


def test_a_conflict_states_at_least_one_value() -> None:
    with pytest.raises(ValueError):
        Conflict(concept="platelets", kind="observation", values=())
