"""Readings that must not commit: a drug criterion met by its class, a record that both shows and denies a
drug, a drug a study is about, "AST and ALT > 250 U/L" with one value beyond the limit, and a score required
at two visits with one value known. Criteria are quoted from records of the shared protocols; each case
pairs the reading that commits with the one that must not."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.note import read_note
from assistant.rules.extract import extract_thresholds
from assistant.vocab import link
from tests.conftest import note_verdict

TODAY = dt.date(2025, 12, 2)
DOCETAXEL = ("ctgov-legacy-xml/NCT01642004.xml", "NCT01642004:E7")  # 'Prior treatment with Docetaxel'
ANTIMALARIALS = ("ctgov-legacy-xml/NCT02654730.xml", "NCT02654730:E6")  # 'Antimalarials taken within the last 2 weeks'
LIVER_FAILURE = ("ctgov-legacy-xml/NCT00734539.xml", "NCT00734539:E5")  # 'liver failure (AST and ALT > 250 U/L)'
EASI = (
    "ctgov-v2-json/NCT02210780.json",
    "NCT02210780:I3",
)  # 'EASI score ≥16 at the screening visit and the baseline visit'


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        pytest.param("docetaxel", "docetaxel", id="docetaxel"),
        pytest.param("Taxotere", "docetaxel", id="brand"),
        pytest.param("5-FU", "fluorouracil", id="fluorouracil"),
        pytest.param("enoxaparin", "enoxaparin", id="lmwh-member"),
        pytest.param("bevacizumab", "bevacizumab", id="biologic-member"),
        pytest.param("lomustine", "lomustine", id="nitrosourea-member"),
        pytest.param("chemotherapy", "chemotherapy", id="class-itself"),
    ],
)
def test_a_drug_links_to_itself_not_to_its_class(phrase: str, concept: str) -> None:
    found = link(phrase, ("medication",), embedding=False)
    assert found is not None and found.concept == concept


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param(
            "Prior therapy: carboplatin and paclitaxel in 2024, no other treatment.", "unknown", id="other-drugs"
        ),
        pytest.param("He received chemotherapy in 2024.", "unknown", id="the-class-only"),
        pytest.param("Second-line docetaxel in 2024, stopped for progression.", "violated", id="the-drug"),
        pytest.param(
            "Prior therapy: carboplatin-paclitaxel. He has never received docetaxel.", "satisfied", id="denied"
        ),
        pytest.param("No prior chemotherapy of any kind.", "satisfied", id="class-denied"),
    ],
)
def test_a_drug_criterion_is_not_met_by_another_drug_of_its_class(note: str, status: str) -> None:
    assert note_verdict(*DOCETAXEL, note, TODAY).status == status


@pytest.mark.parametrize(
    ("note", "status", "said"),
    [
        pytest.param(
            "Chloroquine prophylaxis weekly, last dose 5 days ago. No antimalarials in the past 3 months.",
            "unknown",
            "both shows it",
            id="shown-and-denied",
        ),
        pytest.param("Chloroquine prophylaxis weekly, last dose 5 days ago.", "violated", "within", id="shown"),
        pytest.param(
            "CC: volunteer for the primaquine safety study. No antimalarials in the past 3 months.",
            "satisfied",
            "stated absent",
            id="the-study-drug-is-not-taken",
        ),
    ],
)
def test_a_record_that_shows_and_denies_a_drug_decides_nothing(note: str, status: str, said: str) -> None:
    verdict = note_verdict(*ANTIMALARIALS, note, TODAY)
    assert verdict.status == status and said in verdict.reason


def test_a_study_named_by_its_drug_is_not_that_drug_taken() -> None:
    mentions = read_note("Enrolled in a docetaxel trial in 2019.", TODAY).mentions
    assert [m.rendering for m in mentions if m.concept == "docetaxel"] == ["docetaxel: not used: hypothetical"]
    taken = read_note("Given a trial of prednisone last month.", TODAY).facts.medications
    assert [m.concept for m in taken if m.present] == ["prednisone"]  # "a trial of X" is X given


@pytest.mark.parametrize(
    ("labs", "status"),
    [
        pytest.param("AST 310 U/L, ALT 120 U/L", "needs_review", id="one-beyond"),
        pytest.param("AST 310 U/L, ALT 280 U/L", "violated", id="both-beyond"),
        pytest.param("AST 40 U/L, ALT 35 U/L", "satisfied", id="neither"),
        pytest.param("AST 310 U/L", "unknown", id="one-beyond-one-missing"),
    ],
)
def test_and_in_an_exclusion_decides_where_both_readings_agree(labs: str, status: str) -> None:
    note = f"Neonate on day 3 of life. Labs on 2025-12-01: {labs}."
    assert note_verdict(*LIVER_FAILURE, note, TODAY).status == status


@pytest.mark.parametrize(
    ("score", "status"),
    [
        pytest.param("18", "needs_review", id="met-at-one-visit"),
        pytest.param("12", "violated", id="failed-at-one-visit"),
    ],
)
def test_a_score_required_at_two_visits_is_settled_by_one_value_only_when_it_fails(score: str, status: str) -> None:
    note = f"Screening visit. Moderate-to-severe atopic dermatitis. EASI score {score} today."
    assert note_verdict(*EASI, note, TODAY).status == status


@pytest.mark.parametrize(
    ("text", "measurement", "concept"),
    [
        pytest.param(
            "Normal weight as defined by a Body Mass Index (BMI, weight in kg divided by the square of height in "
            "meters) of 18.0 to 30.0 kg/m2, extremes included",
            "Body Mass Index",
            "bmi",
            id="definition-bracket",
        ),
        pytest.param(
            "a hemoglobin (measured at screening) of greater than or equal to 9 gm/dl",
            "hemoglobin",
            "hemoglobin",
            id="remark-bracket",
        ),
    ],
)
def test_a_bracket_between_a_measurement_and_its_limit_is_stepped_over(
    text: str, measurement: str, concept: str
) -> None:
    from assistant.patient.concepts import load_concepts

    (found,) = extract_thresholds(text, load_concepts())
    assert found.measurement.endswith(measurement) and found.concept == concept
