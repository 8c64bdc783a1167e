"""The note reader's term matching and sections: plurals and head nouns of a term's last word, negated
lists sharing a head, the allergy section (its title stated absent, its reach), titles with a
parenthesis, and words naming a laboratory value and a drug."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.facts import Condition, Medication
from assistant.patient.note import read_note
from assistant.patient.note.matcher import last_word_variants

TODAY = dt.date(2025, 3, 3)


def conditions(text: str) -> dict[str, Condition]:
    return {c.concept: c for c in read_note(text, TODAY).facts.conditions}


def medications(text: str) -> dict[str, Medication]:
    return {m.concept: m for m in read_note(text, TODAY).facts.medications}


@pytest.mark.parametrize(
    ("word", "alone", "expected"),
    [
        pytest.param("allergies", False, ["allergy"], id="ies"),
        pytest.param("infections", False, ["infection"], id="s"),
        pytest.param("metastases", False, ["metastasis", "metastase"], id="ses"),
        pytest.param("illness", False, ["disease"], id="head-noun"),
        pytest.param("illness", True, [], id="head-noun-never-alone"),
        pytest.param("history", True, [], id="history-alone"),
        pytest.param("abscess", False, [], id="ss-not-plural"),
        pytest.param("does", False, [], id="short-word"),
    ],
)
def test_last_word_variants(word: str, alone: bool, expected: list[str]) -> None:
    assert last_word_variants(word, alone=alone) == expected


@pytest.mark.parametrize(
    ("text", "concept", "present"),
    [
        pytest.param("PMH: No known drug allergies.", "hpo:HP:0410323", False, id="plural-of-a-term"),
        pytest.param("History: no gastrointestinal illness.", "hpo:HP:0011024", False, id="illness-for-disease"),
        pytest.param("PMH: No cardiac history.", "heart_disease", False, id="history-for-disease"),
        pytest.param(
            "History: no heart, liver, kidney or gastrointestinal illness.",
            "kidney_disease",
            False,
            id="list-head-noun",
        ),
        pytest.param("PMH: No chronic or recurrent infections.", "hpo:HP:0031035", False, id="list-plural-head"),
        pytest.param("PMH: No chronic or recurrent infections.", "hpo:HP:0002719", False, id="list-last-item"),
    ],
)
def test_terms_written_otherwise_are_read(text: str, concept: str, present: bool) -> None:
    found = conditions(text)
    assert concept in found, [m.rendering for m in read_note(text, TODAY).mentions]
    assert found[concept].present is present


def test_a_negated_allergy_list_is_an_absence_of_allergy_covering_the_past() -> None:
    allergy = conditions("Medications: none.\nAllergies: none known.")["hpo:HP:0012393"]
    assert allergy.present is False and allergy.covers_past is True


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Allergies: penicillin.", id="a-drug-named"),
        pytest.param("Allergies: NKDA.", id="an-abbreviation-not-read"),
    ],
)
def test_an_allergy_title_not_stated_absent_is_not_a_fact(text: str) -> None:
    assert "hpo:HP:0012393" not in conditions(text)


@pytest.mark.parametrize(
    ("text", "concept", "used"),
    [
        pytest.param("Allergies: aspirin (rash), metformin.", "metformin", False, id="same-paragraph-allergen"),
        pytest.param("Allergies: none.\n\nOB/GYN: on metformin 500 mg daily.", "metformin", True, id="next-paragraph"),
        pytest.param(
            "He has no known drug allergies and takes metformin 500 mg daily.",
            "metformin",
            True,
            id="no-title-mid-text",
        ),
    ],
)
def test_the_allergy_section_reaches_its_title_paragraph_only(text: str, concept: str, used: bool) -> None:
    assert (concept in medications(text)) is used, [m.rendering for m in read_note(text, TODAY).mentions]


def test_a_medication_title_with_a_parenthesis_ends_the_history_section() -> None:
    text = "PMH: HTN.\n\nMedications (complete list): metformin 1000 mg twice daily."
    metformin = medications(text)["metformin"]
    assert metformin.present and metformin.active


@pytest.mark.parametrize(
    ("text", "drug", "lab"),
    [
        pytest.param("Not receiving magnesium.", {"present": False}, False, id="negated-after-a-verb-of-giving"),
        pytest.param("Medications: calcium carbonate, magnesium.", {"present": True}, False, id="medication-section"),
        pytest.param("Labs: magnesium 0.8 mmol/L.", None, True, id="a-value-is-the-laboratory-sense"),
        pytest.param("Labs: magnesium normal.", None, False, id="no-value-no-cue-nothing-read"),
    ],
)
def test_words_naming_a_laboratory_value_and_a_drug(text: str, drug: dict[str, bool] | None, lab: bool) -> None:
    r = read_note(text, TODAY)
    found = medications(text).get("magnesium_therapy")
    if drug is None:
        assert found is None, [m.rendering for m in r.mentions]
    else:
        assert found is not None, [m.rendering for m in r.mentions]
        assert {key: getattr(found, key) for key in drug} == drug
    assert any(o.concept == "magnesium" for o in r.facts.observations) is lab
