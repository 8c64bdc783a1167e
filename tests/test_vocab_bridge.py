"""ICD-10-CM codes and HPO terms that are the same words bridge the two hierarchies: a criterion linked to
one is met, or settled by an absence, through a record linked to the other ("Cardiogenic shock" is ICD-10-CM
R57.0, a note's "no signs of shock" is HPO Shock). A denial limited to a situation ("no pain at rest") is not
a denial of the whole term. Criteria are quoted from records of the shared protocols."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.concepts import load_concepts
from assistant.patient.note import read_note
from assistant.vocab import link
from assistant.vocab.bridge import equivalents
from assistant.vocab.terminology import terminology
from tests.conftest import note_verdict

TODAY = dt.date(2025, 6, 30)
SHOCK = ("ctgov-v2-json/NCT03475563.json", "NCT03475563:E7")  # 'Cardiogenic shock.'
SUICIDAL = ("ctgov-legacy-xml/NCT03228394.xml", "NCT03228394:E3")  # 'Active suicidal ideation'


@pytest.mark.parametrize(
    ("icd10", "hpo"),
    [
        pytest.param("icd10:R57.9", "hpo:HP:0031273", id="shock-unspecified"),
        pytest.param("icd10:R45.851", "hpo:HP:0031589", id="suicidal-ideations-plural"),
        pytest.param("icd10:R57.0", "hpo:HP:0030149", id="cardiogenic-shock"),
        pytest.param("icd10:J18", "hpo:HP:0002090", id="pneumonia-unspecified-organism"),
        pytest.param("icd10:A41.9", "hpo:HP:0100806", id="sepsis-unspecified-organism"),
    ],
)
def test_the_same_words_in_both_systems_are_one_thing(icd10: str, hpo: str) -> None:
    pairs = equivalents()
    assert hpo in pairs[icd10] and icd10 in pairs[hpo]


def test_a_code_not_elsewhere_classified_makes_no_pair() -> None:
    # G89 "Pain, not elsewhere classified" sits among the nervous system's diseases; HPO Pain is no such thing
    assert "icd10:G89" not in equivalents() and "icd10:R57" not in equivalents()
    assert "neurological_disorder" not in load_concepts().ancestors("hpo:HP:0100749")  # chest pain


def test_one_side_of_the_body_makes_no_pair() -> None:
    # "Tinnitus, unspecified ear" is one laterality of tinnitus, not the whole of it
    assert "icd10:H93.19" not in equivalents()


def test_a_pneumonia_the_hpo_names_is_an_infection() -> None:
    assert "infection" in load_concepts().ancestors("hpo:HP:0002090")


def test_residual_codes_make_no_pair() -> None:
    icd10 = terminology("icd10")
    linked = [icd10.terms[n.removeprefix("icd10:")].label for n in equivalents() if n.startswith("icd10:")]
    assert len(linked) > 500
    assert [label for label in linked if label.lower().startswith("other")] == []


@pytest.mark.parametrize(
    ("criterion", "note", "status"),
    [
        pytest.param(SHOCK, "Haemodynamically stable, no signs of shock.", "satisfied", id="no-shock-at-all"),
        pytest.param(SHOCK, "Admitted in cardiogenic shock on noradrenaline.", "violated", id="cardiogenic-shock"),
        pytest.param(SUICIDAL, "She denies suicidal ideation, intent or plan.", "satisfied", id="denied"),
        pytest.param(SUICIDAL, "She reports active suicidal ideation with a plan.", "violated", id="present"),
    ],
)
def test_a_record_in_one_system_settles_a_criterion_in_the_other(
    criterion: tuple[str, str], note: str, status: str
) -> None:
    verdict = note_verdict(*criterion, note, TODAY)
    assert verdict.status == status, verdict.reason


@pytest.mark.parametrize(
    ("note", "concept"),
    [
        pytest.param("She has had no pain at rest.", "pain", id="at-rest"),
        pytest.param("No dyspnoea on exertion.", "dyspnoea", id="on-exertion"),
    ],
)
def test_a_denial_limited_to_a_situation_is_not_used(note: str, concept: str) -> None:
    read = read_note(note, TODAY)
    assert read.facts.conditions == ()
    assert any(concept in line and "narrower kind is denied" in line for line in read.notes), read.notes


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        pytest.param("arthritis", "hpo:HP:0001369", id="not-other-and-unspecified-osteoarthritis"),
        pytest.param("hepatitis", "hpo:HP:0012115", id="not-other-inflammatory-liver-diseases"),
        pytest.param("arrhythmia", "hpo:HP:0011675", id="not-other-cardiac-arrhythmias"),
        pytest.param("myocardial infarction", "myocardial_infarction", id="a-curated-name-still-first"),
        pytest.param("osteoarthritis", "icd10:M15-M19", id="an-icd-name-still-before-hpo"),
    ],
)
def test_a_bare_word_is_not_a_residual_code(phrase: str, concept: str) -> None:
    found = link(phrase)
    assert found is not None and found.concept == concept, found
