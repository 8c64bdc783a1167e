"""The note reader, second round: a family history paragraph does not lend its context to later sections,
negation stops at a clause, unitless values only when one customary unit makes them plausible, and the
on-disk term cache (what is cached, when it is stale, that it gives the same reading)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assistant.patient.facts import Condition, Medication, Observation
from assistant.patient.note import NoteReading, read_note
from assistant.patient.note.cache import cache_path, read_cached, tokenized_terms

NOTE = Path(__file__).resolve().parent / "data" / "notes" / "hp_sections_values.txt"
TODAY = dt.date(2024, 5, 20)


@cache
def reading() -> NoteReading:
    return read_note(NOTE.read_text(encoding="utf-8"), TODAY)


def observation(concept: str) -> Observation | None:
    return next((o for o in reading().facts.observations if o.concept == concept), None)


@pytest.mark.parametrize(
    ("concept", "value", "unit"),
    [
        pytest.param("body_height", 176.0, "cm", id="after-family-paragraph-height"),
        pytest.param("body_weight", 91.0, "kg", id="after-family-paragraph-weight"),
        pytest.param("bmi", 29.4, None, id="after-family-paragraph-bmi"),
        pytest.param("systolic_bp", 138.0, None, id="bp-pair-unitless-systolic"),
        pytest.param("diastolic_bp", 86.0, None, id="bp-pair-unitless-diastolic"),
        pytest.param("heart_rate", 88.0, None, id="hr-unitless-one-customary-unit"),
        pytest.param("spo2", 95.0, "%", id="spo2-on-room-air"),
        pytest.param("body_temperature", 38.4, None, id="temperature-unitless-celsius"),
        pytest.param("creatinine", 1.1, "mg/dL", id="negation-stops-at-comma"),
        pytest.param("egfr", 48.0, None, id="egfr-unitless"),
    ],
)
def test_values_read_after_a_family_history_paragraph(concept: str, value: float, unit: str | None) -> None:
    found = observation(concept)
    assert found is not None, [m.rendering for m in reading().mentions]
    assert found.value == pytest.approx(value)
    if unit is not None:
        assert found.unit == unit


@pytest.mark.parametrize(
    ("concept", "shown"),
    [
        pytest.param("heart_rate", "/min assumed", id="hr"),
        pytest.param("body_temperature", "assumed", id="temperature"),
    ],
)
def test_an_assumed_unit_is_said(concept: str, shown: str) -> None:
    renderings = [m.rendering for m in reading().mentions if m.concept == concept]
    assert renderings and all("unit not written" in r and shown in r for r in renderings), renderings


@pytest.mark.parametrize(
    ("text", "concept", "note"),
    [
        pytest.param("Labs: creatinine 1.3.", "creatinine", "no unit given", id="two-customary-units-mass-substance"),
        pytest.param("Vitals: weight 82.", "body_weight", "no unit given", id="kg-or-lb-both-plausible"),
        pytest.param("Vitals: temperature 101.2.", "body_temperature", "no unit given", id="fahrenheit-unwritten"),
    ],
)
def test_no_unit_is_assumed_when_two_are_plausible(text: str, concept: str, note: str) -> None:
    r = read_note(text, TODAY)
    assert not [o for o in r.facts.observations if o.concept == concept]
    assert any(note in n for n in r.notes), r.notes


@pytest.mark.parametrize(
    ("kind", "concept", "expected"),
    [
        pytest.param(Condition, "icd10:R23.0", {"present": False}, id="examination-negated-finding-not-family"),
        pytest.param(Medication, "analgesic", {"present": False}, id="negated-medication"),
    ],
)
def test_conditions_and_medications(kind: type, concept: str, expected: dict[str, Any]) -> None:
    f = reading().facts
    every: list[Condition | Medication] = [*f.conditions, *f.medications]
    found = [x for x in every if isinstance(x, kind) and x.concept == concept]
    assert found, [m.rendering for m in reading().mentions]
    for key, value in expected.items():
        assert getattr(found[0], key) == value


def test_during_ends_the_negation_and_the_family_paragraph_stays_family() -> None:
    mentions = reading().mentions
    stroke = [m for m in mentions if m.text.lower() == "stroke"]
    assert stroke and all(m.context.family and m.fact is None for m in stroke)
    assert not [m for m in mentions if m.text.lower() == "cyanosis" and m.context.family]


def test_a_drug_to_discuss_is_not_taken() -> None:
    meds = [m for m in reading().mentions if m.kind == "medication" and "sacubitril" in m.text.lower()]
    assert all(m.fact is None for m in meds), [m.rendering for m in meds]


def test_term_cache_is_written_keyed_and_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.settings import get_settings

    monkeypatch.setenv("PA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert read_cached() is None
        rows = tokenized_terms(lambda texts: (tuple(t.split()) for t in texts))
        path = cache_path()
        assert path.is_file() and path.parent.parent == tmp_path
        again = read_cached()
        assert again is not None and len(again) == len(rows) > 1000
        path.write_bytes(b"not msgpack")
        assert read_cached() is None
    finally:
        get_settings.cache_clear()


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        pytest.param("42-year-old man. ECG: PR 160 ms, QTc 402 ms. Height 1.80 m.", "male", id="ms-after-number-unit"),
        pytest.param("Ms. Lee is 50 years old; she has asthma.", "female", id="ms-title"),
    ],
)
def test_a_unit_after_a_number_is_not_a_title(text: str, sex: str) -> None:
    assert read_note(text, TODAY).facts.sex == sex


@pytest.mark.parametrize(
    ("text", "concept", "active"),
    [
        pytest.param("PMH: HTN on lisinopril, DM2 on metformin.", "lisinopril", True, id="on-a-drug-in-the-history"),
        pytest.param("PMH: HTN on lisinopril, DM2 on metformin.", "metformin", True, id="second-item"),
        pytest.param("PMH: breast cancer, currently on tamoxifen.", "tamoxifen", True, id="currently-on"),
        pytest.param("PMH: DVT, was on warfarin for 6 months.", "warfarin", False, id="was-on-is-past"),
        pytest.param("History of DVT, previously on warfarin.", "warfarin", False, id="previously-on-is-past"),
        pytest.param(
            "PMH: breast cancer treated with tamoxifen.", "tamoxifen", False, id="treated-with-in-the-history"
        ),
    ],
)
def test_a_drug_the_history_says_the_patient_is_on(text: str, concept: str, active: bool) -> None:
    """The section of the past history makes what it lists past, but not a drug stated as taken now."""
    found = [m for m in read_note(text, TODAY).facts.medications if m.concept == concept]
    assert [m.active for m in found] == [active], [m.concept for m in read_note(text, TODAY).facts.medications]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        pytest.param("PMH: HTN, T2DM, CAD s/p PCI, AF, OSA, HLD.", "hypertension", id="htn"),
        pytest.param("PMH: HTN, T2DM, CAD s/p PCI, AF, OSA, HLD.", "type_2_diabetes", id="t2dm"),
        pytest.param("PMH: HTN, T2DM, CAD s/p PCI, AF, OSA, HLD.", "coronary_artery_disease", id="cad"),
        pytest.param("PMH: HTN, T2DM, CAD s/p PCI, AF, OSA, HLD.", "atrial_fibrillation", id="af"),
        pytest.param("PMH: HTN, T2DM, CAD s/p PCI, AF, OSA, HLD.", "obstructive_sleep_apnea", id="osa"),
        pytest.param("PMH: HTN, T2DM, CAD s/p PCI, AF, OSA, HLD.", "hyperlipidemia", id="hld"),
        pytest.param("Type 1 diabetes since childhood.", "icd10:E10", id="type-1-is-not-type-2"),  # E10 "… mellitus"
    ],
)
def test_abbreviations_of_a_past_history(text: str, concept: str) -> None:
    assert concept in {c.concept for c in read_note(text, TODAY).facts.conditions if c.present}


@pytest.mark.parametrize(
    ("text", "concept", "onset"),
    [
        pytest.param("PMH: anaemia, sleep apnoea, leukaemia in 2010.", "hpo:HP:0001909", dt.date(2010, 7, 1), id="own"),
        pytest.param("PMH: anaemia, sleep apnoea, leukaemia in 2010.", "hpo:HP:0001903", None, id="first-item"),
        pytest.param("PMH: anaemia, sleep apnoea, leukaemia in 2010.", "hpo:HP:0010535", None, id="middle-item"),
        pytest.param("PMH: breast cancer, on tamoxifen since 2020.", "icd10:C50", None, id="the-drug-s-date"),
        pytest.param("Hypertension diagnosed in 2015.", "hypertension", dt.date(2015, 7, 1), id="one-item"),
    ],
)
def test_a_date_in_a_list_is_the_item_s_it_stands_by(text: str, concept: str, onset: dt.date | None) -> None:
    """A date belongs to the condition no other condition, drug or procedure stands between: a stroke dated by
    the year of the knee surgery listed after it would pass "no stroke in the past 5 years"."""
    found = [c for c in read_note(text, TODAY).facts.conditions if c.concept == concept]
    assert [c.onset for c in found] == [onset], [(c.concept, c.onset) for c in read_note(text, TODAY).facts.conditions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Creatinine 1.8 mg/dL two years ago, now 1.0 mg/dL.",
            [(1.8, dt.date(2022, 5, 20)), (1.0, TODAY)],
            id="now-after-an-older-value",
        ),
        pytest.param("Creatinine today 1.2 mg/dL.", [(1.2, TODAY)], id="today-before-the-value"),
        pytest.param("Creatinine 1.2 mg/dL.", [(1.2, None)], id="undated"),
    ],
)
def test_a_word_of_the_present_dates_a_value_to_the_note_s_day(
    text: str, expected: list[tuple[float, dt.date | None]]
) -> None:
    """Before, the second value took the first's date, the two conflicted and neither was used."""
    found = [(o.value, o.date) for o in read_note(text, TODAY).facts.observations if o.concept == "creatinine"]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "concept", "value"),
    [
        pytest.param("Spirometry: FEV1 45% predicted.", "fev1_percent_predicted", 45.0, id="fev1"),
        pytest.param("FVC 60% of predicted.", "fvc_percent_predicted", 60.0, id="fvc-of-predicted"),
        pytest.param("FEV1 1.2 L.", "fev1", 1.2, id="a-volume-stays-a-volume"),
    ],
)
def test_a_percentage_of_predicted_is_the_percent_predicted_test(text: str, concept: str, value: float) -> None:
    """Before, "FEV1 45% predicted" was dropped: a percentage does not convert to litres."""
    found = [(o.concept, o.value) for o in read_note(text, TODAY).facts.observations]
    assert found == [(concept, value)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Cr 1.4 mg/dL.", [("creatinine", 1.4)], id="cr-with-a-value"),
        pytest.param("Achieved CR after 6 cycles of R-CHOP in 2019.", [], id="complete-response-is-no-value"),
        pytest.param("In CR since 2020.", [], id="in-cr"),
    ],
)
def test_cr_is_creatinine_only_with_a_value(text: str, expected: list[tuple[str, float]]) -> None:
    """ "CR" is also a complete response: a short name without a value states nothing."""
    assert [(o.concept, o.value) for o in read_note(text, TODAY).facts.observations] == expected


@pytest.mark.parametrize(
    ("text", "concept", "active"),
    [
        pytest.param("Medications: aspirin 81 mg daily, warfarin stopped 2 weeks ago.", "aspirin", True, id="listed"),
        pytest.param("Medications: aspirin 81 mg daily, warfarin stopped 2 weeks ago.", "warfarin", False, id="own"),
        pytest.param("Metformin and insulin were stopped.", "metformin", False, id="joined-by-and"),
        pytest.param("Stopped warfarin, started apixaban.", "apixaban", True, id="after-a-comma"),
        pytest.param("Warfarin was discontinued last month.", "warfarin", False, id="discontinued"),
    ],
)
def test_a_drug_stopped_is_the_one_it_stands_by(text: str, concept: str, active: bool) -> None:
    """Before, "stopped" reached across the list and read the aspirin taken daily as past (and dated it)."""
    found = [m.active for m in read_note(text, TODAY).facts.medications if m.concept == concept]
    assert found == [active]


@pytest.mark.parametrize(
    "text",
    [pytest.param("No diabetes, hypertension or stroke.", id="no"), pytest.param("Denies fever, chills.", id="denies")],
)
def test_a_negation_still_reaches_across_its_list(text: str) -> None:
    assert all(not c.present for c in read_note(text, TODAY).facts.conditions)


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        pytest.param(
            "Current medications: metformin 500 mg BID, atorvastatin 20 mg, previously on lisinopril.",
            "metformin",
            [True],
            id="previously-of-the-last-item",
        ),
        pytest.param(
            "Current medications: metformin 500 mg BID, atorvastatin 20 mg, previously on lisinopril.",
            "lisinopril",
            [False],
            id="previously-its-own",
        ),
        pytest.param(
            "History of breast cancer, s/p lumpectomy and radiation in 2018, on anastrozole.",
            "anastrozole",
            [True],
            id="on-a-drug-after-a-procedure-s-year",
        ),
        pytest.param(
            "History of kidney transplant in 2018 on tacrolimus.",
            "tacrolimus",
            [True],
            id="on-a-drug-after-another-s-history",
        ),
        pytest.param("PMH: DVT, was on warfarin for 6 months.", "warfarin", [False], id="was-on-stays-past"),
        pytest.param(
            "He completed chemotherapy with FOLFOX in 2021 and is now on capecitabine.",
            "chemotherapy",
            [False],
            id="the-course-done",
        ),
        pytest.param(
            "He completed chemotherapy with FOLFOX in 2021 and is now on capecitabine.",
            "capecitabine",
            [True],
            id="the-drug-taken-now",
        ),
    ],
)
def test_a_drug_taken_now_stays_current(text: str, concept: str, expected: list[bool]) -> None:
    found = sorted(m.active for m in read_note(text, TODAY).facts.medications if m.concept == concept)
    assert found == expected


@pytest.mark.parametrize(
    ("text", "start"),
    [
        pytest.param("In 2019, started on tamoxifen.", dt.date(2019, 7, 1), id="a-year-of-its-own-before-a-comma"),
        pytest.param("Started on tamoxifen in 2019.", dt.date(2019, 7, 1), id="after"),
        pytest.param("Breast cancer, radiation in 2018, on tamoxifen.", None, id="the-procedure-s-year"),
    ],
)
def test_the_start_of_a_drug_taken(text: str, start: dt.date | None) -> None:
    (tamoxifen,) = [m for m in read_note(text, TODAY).facts.medications if m.concept == "tamoxifen"]
    assert (tamoxifen.active, tamoxifen.start) == (True, start)


@pytest.mark.parametrize(
    ("text", "concept", "family"),
    [
        pytest.param("Her sister has breast cancer.", "hpo:HP:0003002", True, id="a-relative-has"),
        pytest.param("His mother has diabetes and he has hypertension.", "hypertension", False, id="then-he-has"),
        pytest.param("His mother has diabetes and he has hypertension.", "diabetes_mellitus", True, id="the-mother-s"),
        pytest.param("She has diabetes.", "diabetes_mellitus", False, id="the-patient-has"),
    ],
)
def test_a_relative_who_has_a_condition(text: str, concept: str, family: bool) -> None:
    """Before, "has" ended the family scope and "Her sister has breast cancer" was the patient's cancer."""
    present = {c.concept for c in read_note(text, TODAY).facts.conditions if c.present}
    assert (concept not in present) is family


@pytest.mark.parametrize(
    ("text", "covers_past"),
    [
        pytest.param("Patient has no cancer history.", True, id="history-after-the-term"),
        pytest.param("No history of cancer.", True, id="history-before"),
        pytest.param("No cancer.", False, id="now-only"),
    ],
)
def test_a_denied_history_covers_the_past(text: str, covers_past: bool) -> None:
    (cancer,) = [c for c in read_note(text, TODAY).facts.conditions if not c.present]
    assert cancer.covers_past is covers_past


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        pytest.param("Discussed starting metformin; patient declined.", "metformin", [], id="discussed-is-no-fact"),
        pytest.param("Considering a switch to apixaban.", "apixaban", [], id="considering"),
        pytest.param("She declined chemotherapy.", "chemotherapy", [False], id="declined-is-not-taken"),
        pytest.param(
            "Continues on metformin 1 g BID, discussed adding sitagliptin.", "metformin", [True], id="taken-beside"
        ),
    ],
)
def test_a_treatment_discussed_or_declined(text: str, concept: str, expected: list[bool]) -> None:
    """Before, "Discussed starting metformin" read metformin as taken now."""
    found = [m.present for m in read_note(text, TODAY).facts.medications if m.concept == concept]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        pytest.param(
            "He was treated with cisplatin and etoposide for 4 cycles, ending in November 2023.",
            "cisplatin",
            [(False, dt.date(2023, 11, 1))],
            id="a-regimen-shares-its-end",
        ),
        pytest.param(
            "Medications: lisinopril, dexamethasone 4 mg daily started 3 days ago, pantoprazole.",
            "lisinopril",
            [(True, None)],
            id="a-list-item-before",
        ),
        pytest.param(
            "Medications: lisinopril, dexamethasone 4 mg daily started 3 days ago, pantoprazole.",
            "pantoprazole",
            [(True, None)],
            id="a-list-item-after",
        ),
        pytest.param(
            "Latent tuberculosis, isoniazid to start next week.", "isoniazid", [], id="to-start-is-not-yet-taken"
        ),
    ],
)
def test_drugs_of_one_regimen_and_of_a_medication_list(
    text: str, concept: str, expected: list[tuple[bool, dt.date | None]]
) -> None:
    found = [(m.active, m.end or m.start) for m in read_note(text, TODAY).facts.medications if m.concept == concept]
    assert found == expected


@pytest.mark.parametrize(
    ("text", "condition", "present"),
    [
        pytest.param("Hepatitis B: HBsAg negative, anti-HBc positive.", "hepatitis_b", False, id="serology-heading"),
        pytest.param("Tuberculosis: QuantiFERON positive.", "icd10:A15-A19", False, id="an-igra-is-no-active-tb"),
        pytest.param("Diabetes: HbA1c 8.2%.", "diabetes_mellitus", True, id="a-problem-with-its-value"),
        pytest.param("HIV: antibody negative.", "hiv", False, id="a-test-word-before-negative"),
        pytest.param("HIV: positive.", "hiv", True, id="positive"),
    ],
)
def test_a_disease_heading_its_test_results(text: str, condition: str, present: bool) -> None:
    """Before, "Hepatitis B: HBsAg negative, …" read hepatitis B as active."""
    found = {c.concept for c in read_note(text, TODAY).facts.conditions if c.present}
    assert (condition in found) is present, found


def test_a_measurement_stands_between_a_condition_and_its_date() -> None:
    """Before, "Hypertension: BP 150/90 today" dated the hypertension's onset today."""
    (hypertension,) = [c for c in read_note("Hypertension: BP 150/90 today.", TODAY).facts.conditions]
    assert hypertension.onset is None
    bp = [o for o in read_note("Hypertension: BP 150/90 today.", TODAY).facts.observations]
    assert {o.date for o in bp} == {TODAY}, "the time word after the pair is its date, not its unit"


def test_a_date_after_a_later_value_is_that_value_s() -> None:
    """Before, "92,000/mm3 (118,000 yesterday)" dated both counts yesterday, so they conflicted."""
    found = sorted(
        (o.value, o.date)
        for o in read_note("Labs: platelets 92,000/mm3 (118,000 yesterday).", TODAY).facts.observations
        if o.concept == "platelets" and o.value is not None
    )
    assert found == [(92.0, None), (118.0, TODAY - dt.timedelta(days=1))]
