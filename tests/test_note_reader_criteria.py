"""What the note reader reads settles real criteria, and only as far as the words go: a negated drug that
shares its name with a laboratory value, an allergy list stated empty, a negated list sharing a head, a head
noun for "disease", a class naming chronic pain. Criteria are quoted verbatim from records of the shared
protocols."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.check import check_patient
from assistant.patient.note import read_note
from tests.conftest import compiled_one

TODAY = dt.date(2025, 6, 2)


def status_of(record: str, criterion_id: str, note: str) -> str:
    """Status of one criterion of a real record for the patient a note describes."""
    one, rules = compiled_one(f"ctgov-legacy-xml/{record}", criterion_id)
    return check_patient(one, read_note(note, TODAY).facts, TODAY, rules).verdicts[0].status


MAGNESIUM = ("NCT02699827.xml", "NCT02699827:E17")  # 'Magnesium therapy.'
PAIN = ("NCT02699827.xml", "NCT02699827:E18")  # 'Chronic pain syndrome.'
ALLERGY = ("NCT01841593.xml", "NCT01841593:E11")  # 'Previous allergy to any of the constituents of ...'
GUT = ("NCT01841593.xml", "NCT01841593:E6")  # 'Current or recent (within 3 months) gastrointestinal disease'
CARDIAC = ("NCT02438137.xml", "NCT02438137:E3")  # 'Cardiac conditions that may increase sleep apnea severity ...'
CNS = ("NCT02481830.xml", "NCT02481830:E1")  # 'Untreated or symptomatic central nervous system (CNS) metastases'


@pytest.mark.parametrize(
    ("criterion", "note", "expected"),
    [
        pytest.param(MAGNESIUM, "Not receiving magnesium.", "satisfied", id="negated-drug-sense"),
        pytest.param(MAGNESIUM, "Magnesium sulphate infusion running.", "violated", id="drug-given"),
        pytest.param(MAGNESIUM, "Labs: magnesium 0.8 mmol/L.", "unknown", id="laboratory-sense-is-not-the-drug"),
        pytest.param(PAIN, "Past medical history: no chronic pain.", "satisfied", id="chronic-pain-absent"),
        pytest.param(PAIN, "Chronic pain, followed by the pain clinic.", "unknown", id="chronic-pain-not-the-syndrome"),
        pytest.param(ALLERGY, "Medications: none. Allergies: none known.", "satisfied", id="allergy-list-empty"),
        # the constituents of pharmaceuticals are drugs: "no known drug allergies" settles it, a listed drug
        # allergy leaves it for a clinician (to which drug the criterion does not say)
        pytest.param(ALLERGY, "Allergies: NKDA.", "satisfied", id="no-drug-allergies"),
        pytest.param(ALLERGY, "Allergies: NKA.", "satisfied", id="no-known-allergies-abbreviated"),
        pytest.param(ALLERGY, "He denies allergies today.", "unknown", id="denied-now-only"),
        pytest.param(GUT, "History: no heart, lung or gastrointestinal illness.", "satisfied", id="list-illness"),
        pytest.param(CARDIAC, "PMH: No cardiac history.", "satisfied", id="cardiac-history"),
        pytest.param(CNS, "MRI brain: no intracranial metastases.", "unknown", id="intracranial-is-not-all-cns"),
        pytest.param(CNS, "MRI brain and spine: no CNS metastases.", "satisfied", id="cns-absent"),
    ],
)
def test_read_facts_settle_criteria_as_far_as_the_words_go(
    criterion: tuple[str, str], note: str, expected: str
) -> None:
    assert status_of(*criterion, note) == expected


def test_an_allergy_listed_is_present_but_the_criterion_narrows_it() -> None:
    """An allergy, but to the trial's drugs? The criterion's narrowing words are for a clinician."""
    one, rules = compiled_one("ctgov-legacy-xml/NCT01841593.xml", "NCT01841593:E11")
    verdict = check_patient(one, read_note("Allergies: penicillin (rash).", TODAY).facts, TODAY, rules).verdicts[0]
    assert verdict.status == "unknown"
    assert verdict.reason.startswith("drug allergy or hypersensitivity: recorded"), verdict.reason
