"""Taking part in another clinical trial is a fact of the patient's history, not logistics: the compiler reads
"Enrolled in another clinical trial" as the condition ``clinical_trial_participation``, and a note settles it
only by denying it ("has never taken part in a clinical trial"); a mention of a trial (the one the patient is
screened for, one asked about) is no sign of taking part in one. Criteria are quoted from records of the
shared protocols."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.rules.compile import compile_rule
from tests.conftest import note_verdict, one_criterion

TODAY = dt.date(2025, 9, 8)
ENROLLED = ("ctgov-legacy-xml/NCT02654730.xml", "NCT02654730:E1")  # 'Enrolled in another clinical trial'


@pytest.mark.parametrize(
    ("record", "criterion", "when"),
    [
        pytest.param(*ENROLLED, {"condition": "clinical_trial_participation"}, id="enrolled-in-another"),
        pytest.param(
            "ctgov-legacy-xml/NCT02567188.xml",
            "NCT02567188:E1",
            {"condition": "clinical_trial_participation"},
            id="involved-in-interventional-trials",
        ),
        pytest.param(
            "ctgov-legacy-xml/NCT03245528.xml",
            "NCT03245528:E13",
            {"condition": "clinical_trial_participation"},
            id="currently-participating",
        ),
        pytest.param(
            "ctgov-legacy-xml/NCT01298141.xml",
            "NCT01298141:E3",
            {
                "condition": "clinical_trial_participation",
                "qualifier": "other than the Canadian Fabry Disease Initiative (CFDI)",
            },
            id="with-an-exception",
        ),
        pytest.param(
            "ctgov-legacy-xml/NCT00081588.xml",
            "NCT00081588:E5",
            {"needs_review": "consent, compliance or logistics: decided by the study team, not by patient data"},
            id="consent-stays-administrative",
        ),
    ],
)
def test_taking_part_in_another_trial_compiles(record: str, criterion: str, when: dict[str, object]) -> None:
    assert compile_rule(one_criterion(record, criterion).criteria[0]).when == when


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("He has never taken part in a clinical trial.", "satisfied", id="never"),
        pytest.param("He is not taking part in any other research study.", "satisfied", id="not-taking-part"),
        pytest.param("Not currently enrolled in any clinical study.", "satisfied", id="not-enrolled"),
        pytest.param("Referred for screening for the XYZ-101 clinical trial.", "unknown", id="screened-for"),
        pytest.param("His wife has asked about research studies.", "unknown", id="asked-about"),
        pytest.param(
            "She is in another clinical trial of an investigational agent.", "unknown", id="a-mention-is-not-read"
        ),
    ],
)
def test_a_note_settles_it_only_by_a_denial(note: str, status: str) -> None:
    verdict = note_verdict(*ENROLLED, note, TODAY)
    assert verdict.status == status, verdict.reason


def test_a_mention_beside_a_denial_is_a_conflict() -> None:
    note = "She is in another clinical trial; no other research studies."
    verdict = note_verdict(*ENROLLED, note, TODAY)
    assert verdict.status == "unknown", verdict.reason
    assert "another clinical trial" in verdict.reason and "research studies" in verdict.reason, verdict.reason
