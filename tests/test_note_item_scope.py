"""Words that close one item of a list speak of that item only: "seizure-free" is not a denial of the
epilepsy before it, "pneumonia last year, resolved" does not end the hypertension listed first, "PE unlikely"
does not deny the diabetes before it; a condition stated in remission is over now; and one negative result
closing a list of infections or their tests is each item's ("HIV, HBsAg and anti-HCV negative"). A value
may follow its name after the moment it was taken ("creatinine this morning 203 micromol/L").
Criteria are quoted from records of the shared protocols."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.note import read_note
from tests.conftest import note_verdict

TODAY = dt.date(2025, 10, 14)
SEIZURES = ("ctgov-legacy-xml/NCT03228394.xml", "NCT03228394:E5")  # 'History of seizure disorder'
HIV = ("ctgov-legacy-xml/NCT03147742.xml", "NCT03147742:E13")  # 'Known HIV infection.'
ACTIVE_MALIGNANCY = ("ctgov-legacy-xml/NCT02567188.xml", "NCT02567188:E3")  # 'Active malignancy'
HYPERTENSION = ("ctgov-legacy-xml/NCT01298141.xml", "NCT01298141:I8")  # inclusion: 'Hypertension'


@pytest.mark.parametrize(
    ("criterion", "note", "status"),
    [
        pytest.param(
            SEIZURES,
            "PMH: juvenile myoclonic epilepsy, seizure-free for 4 years on lamotrigine 200 mg daily.",
            "violated",
            id="seizure-free-is-not-no-epilepsy",
        ),
        pytest.param(SEIZURES, "PMH: epilepsy, seizure-free since 2019.", "violated", id="seizure-free-since"),
        pytest.param(SEIZURES, "PMH: no seizures, no epilepsy.", "satisfied", id="a-denial-still-denies"),
        pytest.param(HIV, "HIV on ART, diabetes, PE unlikely.", "violated", id="unlikely-is-its-own-items"),
        pytest.param(HIV, "HIV and PE unlikely.", "satisfied", id="unlikely-after-a-list-joined-by-and"),
        pytest.param(
            HYPERTENSION,
            "PMH: hypertension, diabetes, pneumonia last year, resolved.",
            "unknown",
            id="resolved-ends-the-last-item-only",
        ),
        pytest.param(
            ACTIVE_MALIGNANCY, "AML in complete remission after induction in 2022.", "satisfied", id="in-remission"
        ),
        pytest.param(
            ACTIVE_MALIGNANCY, "Breast cancer 2015, disease-free since.", "satisfied", id="disease-free-is-over"
        ),
        pytest.param(
            ACTIVE_MALIGNANCY, "Multiple myeloma in partial remission on lenalidomide.", "violated", id="partial"
        ),
        pytest.param(ACTIVE_MALIGNANCY, "AML, resolved neutropenic fever.", "violated", id="next-items-resolved"),
        pytest.param(
            ACTIVE_MALIGNANCY, "Metastatic breast cancer, healed rib fracture.", "violated", id="next-items-healed"
        ),
        pytest.param(
            ACTIVE_MALIGNANCY, "Lung cancer, staging high-resolution CT done.", "violated", id="high-resolution"
        ),
        pytest.param(ACTIVE_MALIGNANCY, "AML on remission induction chemotherapy.", "violated", id="induction"),
        pytest.param(ACTIVE_MALIGNANCY, "AML, not in complete remission.", "violated", id="not-in-remission"),
        pytest.param(
            ACTIVE_MALIGNANCY, "Breast cancer, failed to achieve remission.", "violated", id="failed-to-achieve"
        ),
        pytest.param(
            ACTIVE_MALIGNANCY,
            "Metastatic breast cancer, no evidence of disease progression on CT.",
            "violated",
            id="no-progression-is-not-no-disease",
        ),
        pytest.param(HYPERTENSION, "Hypertension, not resolved.", "satisfied", id="not-resolved"),
        pytest.param(HYPERTENSION, "Hypertension on a salt-free diet.", "satisfied", id="free-is-its-own-word"),
        pytest.param(HYPERTENSION, "Hypertension, diabetes, CKD: none.", "violated", id="a-denial-closing-a-list"),
        pytest.param(
            HYPERTENSION, "Pneumonia resolved, hypertension on amlodipine.", "satisfied", id="resolved-before-a-comma"
        ),
    ],
)
def test_words_closing_an_item_speak_of_that_item(criterion: tuple[str, str], note: str, status: str) -> None:
    verdict = note_verdict(*criterion, note, TODAY)
    assert verdict.status == status, verdict.reason


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("HIV and hepatitis B negative.", "satisfied", id="two-infections"),
        pytest.param("HIV, HBsAg and anti-HCV negative.", "satisfied", id="infection-then-tests"),
        pytest.param("Hepatitis B, HIV and HCV serologies negative.", "satisfied", id="abbreviation-and-test-word"),
        pytest.param("HIV, HCV negative.", "satisfied", id="comma"),
        pytest.param("HIV and HCV positive.", "violated", id="a-positive-result"),
        pytest.param("HIV, viral load undetectable on ART.", "violated", id="undetectable-load-is-still-hiv"),
        pytest.param("HIV, VL negative.", "violated", id="a-measure-of-the-infection-is-no-item"),
        pytest.param("Known HIV and diabetes, troponin negative.", "violated", id="not-a-list-of-infections"),
        pytest.param("Known HIV on ART; HCV negative.", "violated", id="another-clause"),
        pytest.param("HIV positive, HCV negative.", "violated", id="its-own-result"),
        pytest.param("HIV, CXR negative.", "violated", id="not-an-infection"),
        pytest.param("HIV, ANA negative.", "violated", id="a-test-of-no-infection"),
    ],
)
def test_one_negative_result_closing_a_list_of_infections(note: str, status: str) -> None:
    verdict = note_verdict(*HIV, note, TODAY)
    assert verdict.status == status, verdict.reason


@pytest.mark.parametrize(
    ("note", "concept", "value"),
    [
        pytest.param("Creatinine this morning 203 micromol/L.", "creatinine", 2.296, id="this-morning"),
        pytest.param("Potassium on admission 5.9 mmol/L.", "potassium", 5.9, id="on-admission"),
        pytest.param("Creatinine yesterday 1.4 mg/dL.", "creatinine", 1.4, id="yesterday"),
        pytest.param("Platelets at screening 140,000/mm3.", "platelets", 140.0, id="at-screening"),
    ],
)
def test_a_value_after_the_moment_it_was_taken(note: str, concept: str, value: float) -> None:
    read = {o.concept: o for o in read_note(note, TODAY).facts.observations}
    assert concept in read, read_note(note, TODAY).notes
    assert read[concept].value == pytest.approx(value, rel=1e-3)


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("Small cell lung cancer, extensive stage.", id="taken-for-italian-before"),
        pytest.param("NSCLC stage IIIA, lobectomy 2021.", id="abbreviation"),
    ],
)
def test_a_short_english_line_is_read_and_a_lung_cancer_is_a_malignancy(note: str) -> None:
    read = read_note(note, TODAY)
    assert not any("not in English" in n for n in read.notes), read.notes
    verdict = note_verdict(*ACTIVE_MALIGNANCY, note, TODAY)
    assert verdict.status == "violated" and "malignancy" in verdict.reason, verdict.reason
    assert read.facts.conditions and read.facts.conditions[0].concept.endswith("lung_cancer")


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("Hepatocellular carcinoma on surveillance imaging.", id="hepatocellular"),
        pytest.param("Basal cell carcinoma of the nose.", id="basal-cell"),
        pytest.param("Renal cell carcinoma, on sunitinib.", id="renal-cell"),
    ],
)
def test_a_carcinoma_the_hpo_files_under_its_organ_is_a_malignancy(note: str) -> None:
    verdict = note_verdict(*ACTIVE_MALIGNANCY, note, TODAY)
    assert verdict.status == "violated", verdict.reason


def test_a_baseline_value_is_not_todays() -> None:
    read = read_note("Acute kidney injury, creatinine baseline 1.0 mg/dL.", TODAY)
    assert read.facts.observations == ()
