"""How notes write values, treatments and ages that the reader must read as stated, not guess at.

Multiples of the upper limit of normal ("AST 3x ULN"), a reference range after a value ("(ULN 110)",
"(ref 7-40)"), the "k" of a cell count ("plts 150k"), a value without a unit that is plausible in one unit only
("platelets 250,000"), two names before one value or a pair ("AST/ALT 32/28 U/L"), a class in roman numerals
("NYHA class III"), ranges and off-scale scores (not values), the shortenings
"mets" and "chemo", a medication started or stopped on a date, a date that belongs to another mention of the
sentence, "-naive" and "prophylaxis" (a denial of a treatment only before a condition), ages written "she is 58"
and "68M", a tumour's size beside its name ("gastric GIST of 12 cm"; not a lesion's, a metastasis's or a benign
tumour's). The seed's criteria on multiples of ULN (NCT01267695:I12, I16) and on locally advanced disease (I2),
quoted from the protocol, are then decided from such a note with its reviewed rules.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.facts import PatientFacts
from assistant.patient.note import read_note
from assistant.rules.load import load_rules

TODAY = dt.date(2025, 6, 1)
ROOT = Path(__file__).resolve().parent.parent


def _facts(note: str) -> PatientFacts:
    return read_note(note, TODAY).facts


def _observation(note: str, concept: str) -> tuple[float | None, str | None, float | None] | None:
    found = [o for o in _facts(note).observations if o.concept == concept]
    assert len(found) <= 1, found
    return (found[0].value, found[0].unit, found[0].reference_high) if found else None


@pytest.mark.parametrize(
    ("note", "concept", "expected"),
    [
        pytest.param("AST 3x ULN, ALT 2 x ULN.", "ast", (3.0, "ULN", None), id="x-uln"),
        pytest.param("AST 3x ULN, ALT 2 x ULN.", "alt", (2.0, "ULN", None), id="x-uln-second"),
        pytest.param(
            "ALT is 2.5 times the upper limit of normal.", "alt", (2.5, "ULN", None), id="times-the-upper-limit"
        ),
        pytest.param("Labs: plts 150k, Hb 11.2 g/dL.", "platelets", (150.0, "10*9/L", None), id="k-of-a-count"),
        pytest.param("PLT 90K on admission.", "platelets", (90.0, "10*9/L", None), id="upper-case-k"),
        pytest.param(
            "Creatinine 130 umol/L (ULN 110).", "creatinine", (1.471, "mg/dL", 1.244), id="uln-in-brackets-converted"
        ),
        pytest.param("ALT 45 U/L (ref 7-40), AST 30 U/L.", "alt", (45.0, "U/L", 40.0), id="reference-range"),
        pytest.param(
            "Total bilirubin 1.2 mg/dL (upper limit of normal 1.0 mg/dL).",
            "bilirubin",
            (1.2, "mg/dL", 1.0),
            id="range-value-is-not-a-second-value",
        ),
        pytest.param("ALT 45 U/L.", "alt", (45.0, "U/L", None), id="no-range-stated"),
        pytest.param(
            "ALT 45 U/L, normal 2 weeks ago.", "alt", (45.0, "U/L", None), id="normal-after-a-comma-is-no-range"
        ),
        pytest.param("AST 30 U/L (N < 40).", "ast", (30.0, "U/L", 40.0), id="n-less-than-in-brackets"),
        pytest.param("ECOG 1-2.", "ecog", None, id="score-range-is-not-a-value"),
        pytest.param("ECOG 7.", "ecog", None, id="off-scale"),
        pytest.param("ECOG 2.", "ecog", (2.0, None, None), id="score"),
        pytest.param("NYHA class III.", "nyha_class", (3.0, None, None), id="roman-class"),
        pytest.param("NYHA class I-II.", "nyha_class", None, id="roman-range-is-not-a-value"),
        pytest.param("Platelets 250,000, WBC 7.1.", "platelets", (250.0, "10*9/L", None), id="implied-per-mm3"),
        pytest.param("Hgb 112 this morning.", "hemoglobin", (11.2, "g/dL", None), id="implied-g-per-l"),
        pytest.param("Creatinine 1.1 on admission.", "creatinine", None, id="mass-or-substance-not-guessed"),
        pytest.param("ANC 1.5 ×10⁹/L.", "anc", (1.5, "10*9/L", None), id="superscript-exponent"),
        pytest.param("ANC of 2.0 G/L.", "anc", (2.0, "10*9/L", None), id="giga-per-litre"),
        pytest.param("Labs: K 3.2 mEq/L, Na 132 mEq/L.", "potassium", (3.2, "mmol/L", None), id="potassium-in-meq"),
        pytest.param("Labs: K 3.2 mEq/L, Na 132 mEq/L.", "sodium", (132.0, "mmol/L", None), id="sodium-in-meq"),
        pytest.param("Platelets 90 000/mm3.", "platelets", (90.0, "10*9/L", None), id="space-thousands"),
        pytest.param("WHO PS 1, weight stable.", "ecog", (1.0, None, None), id="ps"),
        pytest.param("Mitotic rate 3/50 HPF.", "mitotic_count", (0.06, "/[HPF]", None), id="per-50-hpf"),
        pytest.param("Creatinine 1.1/1.2 mg/dL.", "creatinine", None, id="two-values-in-the-concepts-unit"),
        pytest.param(
            "Pathology: 3 mitoses per 50 HPF.", "mitotic_count", (0.06, "/[HPF]", None), id="count-before-name"
        ),
        pytest.param("Warfarin 5 mg per day.", "magnesium", None, id="a-unit-before-per-is-not-a-count"),
        pytest.param("AST/ALT 32/28 U/L.", "ast", (32.0, "U/L", None), id="pair-first"),
        pytest.param("AST/ALT 32/28 U/L.", "alt", (28.0, "U/L", None), id="pair-second"),
        pytest.param("AST and ALT 2x ULN.", "alt", (2.0, "ULN", None), id="two-names-one-value"),
    ],
)
def test_values_as_notes_write_them(
    note: str, concept: str, expected: tuple[float | None, str | None, float | None] | None
) -> None:
    found = _observation(note, concept)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found[0] == pytest.approx(expected[0], rel=1e-3)
    assert found[1] == expected[1]
    assert (found[2] is None) == (expected[2] is None)
    if expected[2] is not None:
        assert found[2] == pytest.approx(expected[2], rel=1e-3)


@pytest.mark.parametrize(
    ("note", "concept", "present"),
    [
        pytest.param("He has known brain mets.", "brain_metastases", True, id="brain-mets"),
        pytest.param("CT: no liver mets.", "hepatic_metastases", False, id="no-liver-mets"),
        pytest.param("HIV negative", "hiv", False, id="negative-at-the-end-of-the-note"),
        pytest.param("On DVT prophylaxis.", "icd10:I82", False, id="prophylaxis-denies-a-condition"),
    ],
)
def test_conditions(note: str, concept: str, present: bool) -> None:
    found = [c for c in _facts(note).conditions if c.concept == concept]
    assert [c.present for c in found] == [present]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param("Serology: HBsAg (-), HCV Ab (+).", {"hbsag": False, "anti_hcv": True}, id="signs-in-brackets"),
        pytest.param("HBsAg+, HCV Ab-.", {"hbsag": True, "anti_hcv": False}, id="bare-signs"),
        pytest.param("HBsAg - not done.", {}, id="a-dash-is-not-a-result"),
    ],
)
def test_test_results_written_as_signs(note: str, expected: dict[str, bool]) -> None:
    flags = {o.concept: o.flag for o in _facts(note).observations}
    assert flags == expected


@pytest.mark.parametrize(
    ("note", "present"),
    [
        pytest.param("HIV (-), HBsAg (-).", False, id="condition-bracket-minus"),
        pytest.param("HIV-, hepatitis serologies pending.", False, id="condition-minus"),
        pytest.param("HIV+ on ART.", True, id="condition-plus"),
        pytest.param("HIV-negative, HBV-negative.", False, id="hyphen-negative"),
        pytest.param("HIV-positive on ART.", True, id="hyphen-positive"),
    ],
)
def test_a_condition_written_with_a_sign(note: str, present: bool) -> None:
    assert [c.present for c in _facts(note).conditions if c.concept == "hiv"] == [present]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param("Assessment: fit for second-line treatment.", [], id="fit-for-treatment"),
        pytest.param("She is fit and well.", [], id="fit-and-well"),
        pytest.param("He had a fit yesterday.", [True], id="a-fit-is-a-seizure"),
    ],
)
def test_fit_the_adjective_is_not_a_seizure(note: str, expected: list[bool]) -> None:
    assert [c.present for c in _facts(note).conditions if c.concept == "icd10:R56"] == expected


@pytest.mark.parametrize(
    ("note", "concept", "covers_past"),
    [
        pytest.param("No known liver disease.", "liver_disease", True, id="no-known"),
        pytest.param("No known drug allergies.", "drug_allergy", True, id="no-known-drug-allergies"),
        pytest.param("No liver disease.", "liver_disease", False, id="no-is-now"),
    ],
)
def test_no_known_denies_the_history_too(note: str, concept: str, covers_past: bool) -> None:
    found = [c for c in _facts(note).conditions if c.concept == concept]
    assert [(c.present, c.covers_past) for c in found] == [(False, covers_past)]


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("Are patients with brain metastases eligible?", id="patients-with"),
        pytest.param("Can pregnant women enroll?", id="pregnant-women"),
        pytest.param("Are HIV-positive patients excluded?", id="hiv-positive-patients"),
        pytest.param("Can a patient on warfarin take part?", id="a-patient-on"),
        pytest.param("She runs a support group for people with epilepsy.", id="a-group-for-people-with"),
    ],
)
def test_people_in_general_are_not_the_patient(note: str) -> None:
    facts = _facts(note)
    assert not (facts.conditions or facts.medications or facts.observations), facts
    assert "people in general" in " ".join(read_note(note, TODAY).notes)


@pytest.mark.parametrize(
    "note",
    [
        pytest.param(
            "A 62-year-old patient with diabetes and hypertension presents with chest pain.", id="patient-with"
        ),
        pytest.param("Patient with diabetes, on metformin.", id="patient-with-at-the-start"),
    ],
)
def test_the_patient_with_a_condition_is_this_patient(note: str) -> None:
    assert [c.present for c in _facts(note).conditions if c.concept == "diabetes_mellitus"] == [True]


def test_a_woman_in_a_question_about_anyone_gives_no_sex() -> None:
    assert _facts("Can a pregnant woman enroll?").sex is None


def test_ms_in_capitals_is_not_a_title() -> None:
    assert _facts("He was diagnosed with MS in 2015.").sex == "male"
    assert _facts("Diagnosis: MS, relapsing-remitting.").sex is None


def test_a_place_is_not_a_condition() -> None:
    assert not [c for c in _facts("Lives in a nursing home with her husband.").conditions if c.concept == "nursing"]


@pytest.mark.parametrize(
    ("note", "concept", "expected"),
    [
        pytest.param(
            "She had chemo 3 weeks ago.", "chemotherapy", (True, False, None, dt.date(2025, 5, 11)), id="chemo"
        ),
        pytest.param(
            "On enoxaparin prophylaxis, no warfarin.", "enoxaparin", (True, True, None, None), id="prophylaxis-is-taken"
        ),
        pytest.param(
            "On enoxaparin prophylaxis, no warfarin.", "warfarin", (False, False, None, None), id="and-the-denial"
        ),
        pytest.param(
            "He is on warfarin 1 mg per day as prophylaxis.", "warfarin", (True, True, None, None), id="as-prophylaxis"
        ),
        pytest.param("She is imatinib-naive.", "imatinib", (False, False, None, None), id="naive"),
        pytest.param(
            "History of breast cancer, currently on tamoxifen.",
            "tamoxifen",
            (True, True, None, None),
            id="a-history-ends-at-currently",
        ),
        pytest.param(
            "Breast cancer s/p lumpectomy, currently on tamoxifen.", "tamoxifen", (True, True, None, None), id="s-p"
        ),
        pytest.param("She was previously on tamoxifen.", "tamoxifen", (True, False, None, None), id="previously"),
        pytest.param("Not currently on warfarin.", "warfarin", (False, False, None, None), id="not-currently"),
        pytest.param(
            "Imatinib started 2025-03-03.", "imatinib", (True, True, dt.date(2025, 3, 3), None), id="started-on-a-date"
        ),
        pytest.param(
            "Started on warfarin 3 weeks ago.", "warfarin", (True, True, dt.date(2025, 5, 11), None), id="started-ago"
        ),
        pytest.param(
            "Tamoxifen started in 2019 and stopped in 2023.",
            "tamoxifen",
            (True, False, None, dt.date(2023, 7, 1)),
            id="stopped-date-is-the-end",
        ),
    ],
)
def test_medications(note: str, concept: str, expected: tuple[bool, bool, dt.date | None, dt.date | None]) -> None:
    found = [m for m in _facts(note).medications if m.concept == concept]
    assert [(m.present, m.active, m.start, m.end) for m in found] == [expected]


@pytest.mark.parametrize(
    ("note", "size"),
    [
        pytest.param("Confirmed gastric GIST of 12 cm, CD117 positive.", 12.0, id="gist-of-12-cm"),
        pytest.param("CT: a 12-cm gastric GIST.", 12.0, id="12-cm-gist"),
        pytest.param("Tumor measuring 12 x 8 cm on CT.", 12.0, id="largest-dimension"),
        pytest.param("Lung adenocarcinoma, 35 mm, right upper lobe.", 3.5, id="mm-converted"),
        pytest.param("She has a 3 cm liver lesion.", None, id="a-lesion-is-not-the-tumour"),
        pytest.param("CT: 4 cm liver metastasis.", None, id="a-metastasis-is-not-the-primary"),
        pytest.param("A 2 cm lipoma on the back.", None, id="benign"),
        pytest.param("No tumour 3 cm or larger was seen.", None, id="denied"),
        pytest.param("Tumour 4 cm from the anal verge on MRI.", None, id="a-distance-is-not-a-size"),
        pytest.param("Tumour 3.2 cm, resected with 2 cm margins.", 3.2, id="a-margin-is-not-a-size"),
    ],
)
def test_tumour_size_beside_its_name(note: str, size: float | None) -> None:
    sizes = [o.value for o in _facts(note).observations if o.concept == "tumour_size"]
    assert sizes == ([] if size is None else [pytest.approx(size)])


@pytest.mark.parametrize(
    ("note", "age", "sex"),
    [
        pytest.param("She is 58, neutrophils 1,800/mm3.", 58.0, "female", id="she-is"),
        pytest.param("68M, ECOG 1, history of MI 3 months ago.", 68.0, "male", id="68M"),
        pytest.param("72F with COPD on home oxygen.", 72.0, "female", id="72F"),
        pytest.param("He is 50 kg lighter than last year.", None, "male", id="a-weight-is-not-an-age"),
        pytest.param("He's 17 and plays football.", 17.0, "male", id="hes"),
        pytest.param("Patient is 45 years of age. She lives alone.", 45.0, "female", id="years-of-age"),
        pytest.param("At 45 years of age she had a hysterectomy.", None, "female", id="at-an-age-is-not-the-age"),
        pytest.param("Is the minimum age 18? She is keen.", None, "female", id="a-bound-is-not-the-age"),
    ],
)
def test_ages(note: str, age: float | None, sex: str) -> None:
    facts = _facts(note)
    assert (facts.age, facts.sex) == (age, sex)


def test_a_date_of_another_mention_is_not_the_scores() -> None:
    facts = _facts("68M, ECOG 1, history of MI 3 months ago, otherwise well.")
    assert [o.date for o in facts.observations if o.concept == "ecog"] == [None]
    assert [c.onset for c in facts.conditions if c.concept == "myocardial_infarction"] == [dt.date(2025, 3, 1)]


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        pytest.param(
            "Labs today: bilirubin 1.2 x ULN, creatinine 1.1 x ULN.",
            {"NCT01267695:I12": "satisfied", "NCT01267695:I16": "satisfied"},
            id="within",
        ),
        pytest.param(
            "Labs today: bilirubin 2 mg/dL (ULN 1.0), creatinine 0.9 mg/dL (ref 0.6-1.2).",
            {"NCT01267695:I12": "violated", "NCT01267695:I16": "satisfied"},
            id="from-stated-ranges",
        ),
        pytest.param(
            "Labs today: bilirubin 2 mg/dL, creatinine 0.9 mg/dL.",
            {"NCT01267695:I12": "unknown", "NCT01267695:I16": "unknown"},
            id="no-range-no-verdict",
        ),
    ],
)
def test_seed_uln_criteria_from_a_note(note: str, expected: dict[str, str]) -> None:
    _seed_verdicts(note, expected)


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("Histologically confirmed gastric GIST of 12 cm, mitotic count 3/50 HPF.", "satisfied", id="size"),
        pytest.param("Confirmed GIST, 7 cm tumour, mitotic count 8/HPF.", "satisfied", id="size-and-mitoses"),
        pytest.param("Confirmed GIST, 7 cm tumour, mitotic count 3/HPF.", "violated", id="not-locally-advanced"),
        pytest.param("Gastric GIST of 12 cm, 3 mitoses per 50 HPF.", "satisfied", id="size-with-mitoses-per-50"),
    ],
)
def test_seed_locally_advanced_from_a_note(note: str, status: str) -> None:
    _seed_verdicts(note, {"NCT01267695:I2": status})


def _seed_verdicts(note: str, expected: dict[str, str]) -> None:
    protocol = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
    report = check_patient(protocol, read_note(note, TODAY).facts, TODAY, load_rules(protocol, ROOT / "corpus"))
    got = {v.criterion_id: v.status for v in report.verdicts if v.criterion_id in expected}
    assert got == expected
