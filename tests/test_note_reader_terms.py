"""The note reader's term matching, sections and context: plurals and head nouns of a term's last word,
negated lists sharing a head, the allergy section (its title stated absent, its reach), titles with a
parenthesis, words naming a laboratory value and a drug, negations inside or after a term and narrowed
ones, tests, vaccines and clinics named after a condition, clause-bound dates, values in two units and
a body mass index from weight and height."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.facts import Condition, Medication, Plan
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
        pytest.param("PMH: No known drug allergies.", "drug_allergy", False, id="plural-of-a-term"),
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
        pytest.param("MRI brain: no intracranial metastases.", "intracranial_metastases", False, id="intracranial"),
    ],
)
def test_terms_written_otherwise_are_read(text: str, concept: str, present: bool) -> None:
    found = conditions(text)
    assert concept in found, [m.rendering for m in read_note(text, TODAY).mentions]
    assert found[concept].present is present


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Cardiac history: unremarkable.", id="subject-of-a-history"),
        pytest.param("Cardiac history reviewed with the patient.", id="history-reviewed"),
    ],
)
def test_a_history_named_by_its_subject_is_not_a_condition(text: str) -> None:
    assert "heart_disease" not in conditions(text), [m.rendering for m in read_note(text, TODAY).mentions]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Medications: none.\nAllergies: none known.", id="none-known"),
        pytest.param("Medications: none.\nAllergies: nil.", id="nil"),
    ],
)
def test_a_negated_allergy_list_is_an_absence_of_allergy_covering_the_past(text: str) -> None:
    allergy = conditions(text)["hpo:HP:0012393"]
    assert allergy.present is False and allergy.covers_past is True


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Allergies: NKDA.", id="drug-allergies-only-denied"),
        pytest.param("Allergies: none to medications; peanuts cause hives.", id="none-of-one-kind"),
    ],
)
def test_an_allergy_title_neither_stated_absent_nor_listing_is_not_a_fact(text: str) -> None:
    assert "hpo:HP:0012393" not in conditions(text)


@pytest.mark.parametrize(
    ("text", "present"),
    [
        pytest.param("Allergies: penicillin.", True, id="a-drug-named"),
        pytest.param("Allergies: penicillin (rash).", True, id="a-drug-and-its-reaction"),
        pytest.param(
            "Allergies: iodinated contrast - generalised hives and wheeze after a contrast CT in 2019.",
            True,
            id="contrast-with-its-story",
        ),
        pytest.param("Allergies: abacavir hypersensitivity.", True, id="a-hypersensitivity"),
        pytest.param("Allergies: NKA.", False, id="no-known-allergies-abbreviated"),
        pytest.param("Allergies: no known allergies.", False, id="no-known-allergies"),
    ],
)
def test_an_allergy_list_that_names_something_is_an_allergy(text: str, present: bool) -> None:
    """Dev notes: the allergy list names what the patient reacts to, so the patient has an allergy; what it
    names is still not a drug taken."""
    assert conditions(text)["hpo:HP:0012393"].present is present


@pytest.mark.parametrize(
    ("text", "drug", "allergic"),
    [
        pytest.param("Allergies: penicillin (rash).", "penicillin", True, id="allergy-list"),
        pytest.param("ALLERGIES: Codeine - nausea; latex.", "codeine", True, id="list-with-reactions"),
        pytest.param("She is allergic to sulfa drugs.", None, True, id="allergic-to"),
        pytest.param("Penicillin allergy.", "penicillin", True, id="drug-before-allergy-word"),
        pytest.param("No penicillin allergy.", "penicillin", None, id="denied-allergy-to-one-drug"),
        pytest.param("Not allergic to penicillin.", "penicillin", None, id="not-allergic-to"),
        pytest.param("Allergies: none.\nMedications: amoxicillin 500 mg tds.", "amoxicillin", None, id="drug-taken"),
        pytest.param("Allergies: NKDA; tolerated amoxicillin last year.", None, False, id="tolerated"),
        pytest.param("Allergies: none known; he took co-trimoxazole in 2022 without problems.", None, None, id="empty"),
    ],
)
def test_a_drug_named_as_an_allergen_is_a_drug_allergy_and_not_a_drug_taken(
    text: str, drug: str | None, allergic: bool | None
) -> None:
    """A drug allergy a criterion asks about ("hypersensitivity to any of the study drugs") is read from the
    allergy list or words of allergy around a drug; a denied allergy to one drug says nothing of the others."""
    found = conditions(text).get("drug_allergy")
    assert (found.present if found is not None else None) is allergic
    if drug is not None and allergic:
        assert drug not in medications(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Allergies: NKDA.", id="nkda"),
        pytest.param("Allergies: NKDA; he had a contrast CT in 2021 without any reaction.", id="nkda-then-more"),
        pytest.param("Allergies: no known drug allergies.", id="spelt-out"),
    ],
)
def test_an_allergy_list_denying_drug_allergies_is_no_drug_allergy_only(text: str) -> None:
    """Dev notes write "Allergies: NKDA": no drug allergy is known; other allergies are not denied."""
    found = conditions(text)
    assert found["drug_allergy"].present is False  # the curated concept over HPO drug allergy (HP:0410323)
    assert "hpo:HP:0012393" not in found


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


def test_a_context_word_inside_a_term_does_not_modify_it() -> None:
    migraine = conditions("Medical history: migraine without aura, 2-3 attacks a year.")["icd10:G43.0"]
    assert migraine.present is True


@pytest.mark.parametrize(
    ("text", "concept", "medication"),
    [
        pytest.param("HIV 1/2 antibody negative.", "hiv", None, id="antibody"),
        pytest.param("HIV-2 western blot indeterminate.", "hiv", None, id="western-blot"),
        pytest.param(
            "She received the yellow fever vaccine 3 weeks ago.", "icd10:A95", "yellow_fever_vaccine", id="vaccine"
        ),
        pytest.param("HIV test pending.", "hiv", None, id="test"),
    ],
)
def test_a_test_or_vaccine_for_a_condition_is_not_the_condition(
    text: str, concept: str, medication: str | None
) -> None:
    """Not the condition; a vaccine the vocabulary names is read as that vaccine, given on its day."""
    r = read_note(text, TODAY)
    assert concept not in conditions(text), [m.rendering for m in r.mentions]
    if medication is None:  # reported as not understood, or read as the test's result
        assert r.not_understood or [o for o in r.facts.observations if o.concept == "hiv_test"]
    else:
        (given,) = r.facts.medications
        assert (given.concept, given.active, given.end) == (medication, False, TODAY - dt.timedelta(weeks=3))


def test_a_result_of_an_earlier_test_is_not_lent_to_a_pending_one() -> None:
    r = read_note("Serology: HCV antibody negative; hepatitis B surface antigen pending.", TODAY)
    assert {o.concept: o.flag for o in r.facts.observations} == {"anti_hcv": False}


@pytest.mark.parametrize(
    ("text", "concept", "value"),
    [
        pytest.param("Exam: height 5 ft 4 in; BP 120/80.", "body_height", 162.56, id="feet-inches"),
        pytest.param("Exam: height 5 feet 4 inches.", "body_height", 162.56, id="feet-inches-words"),
        pytest.param("Exam: height 5 ft.", "body_height", 152.4, id="feet-alone"),
        pytest.param("Exam: weight 11 st 6 lb.", "body_weight", 72.57, id="stone-pounds"),
    ],
)
def test_a_value_in_two_units_is_one_value(text: str, concept: str, value: float) -> None:
    found = [o for o in read_note(text, TODAY).facts.observations if o.concept == concept]
    assert len(found) == 1 and found[0].value == pytest.approx(value, abs=0.05), found


@pytest.mark.parametrize(
    ("text", "bmi"),
    [
        pytest.param("Exam: height 158 cm, weight 80 kg.", 32.05, id="computed"),
        pytest.param("Exam: height 5 ft 4 in, weight 150 lb.", 25.75, id="computed-from-converted-units"),
        pytest.param("Exam: height 158 cm, weight 80 kg, BMI 31.9 kg/m2.", 31.9, id="stated-bmi-kept"),
        pytest.param("Exam: height 158 cm; weight not recorded today.", None, id="no-weight"),
        pytest.param("Exam: height 158 cm, weight 80 kg; repeat weight 84 kg.", None, id="two-weights"),
        pytest.param("Exam: height 158 cm. Fetal weight 2.1 kg.", None, id="implausible-not-a-bmi"),
    ],
)
def test_a_body_mass_index_from_one_weight_and_one_height(text: str, bmi: float | None) -> None:
    r = read_note(text, TODAY)
    found = [o.value for o in r.facts.observations if o.concept == "bmi"]
    assert found == ([] if bmi is None else [pytest.approx(bmi, abs=0.01)]), [m.rendering for m in r.mentions]


@pytest.mark.parametrize(
    ("text", "concept", "read"),
    [
        pytest.param("Past history: no back surgery.", "surgery", False, id="kind-of-procedure"),
        pytest.param("He has no peripheral arthritis.", "icd10:M19", False, id="kind-of-condition"),
        pytest.param("No history of serious or recurrent infections.", "infection", False, id="list-word-narrows"),
        pytest.param("No surgery in the last year.", "surgery", True, id="bare-term"),
        pytest.param("No known heart disease.", "heart_disease", True, id="neutral-word"),
        pytest.param("No clinical signs of heart disease.", "heart_disease", True, id="evidence-words"),
        pytest.param("No personal history of heart disease.", "heart_disease", True, id="personal-history"),
        pytest.param("Not receiving magnesium.", "magnesium_therapy", True, id="verb-between"),
    ],
)
def test_a_narrower_kind_denied_is_not_an_absence_of_the_term(text: str, concept: str, read: bool) -> None:
    r = read_note(text, TODAY)
    every = [*r.facts.conditions, *r.facts.medications, *r.facts.procedures]
    assert any(f.concept == concept and not f.present for f in every) is read, [m.rendering for m in r.mentions]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        pytest.param(
            "Infectious Diseases Clinic - 3 October 2005\n\n52-year-old woman.", "infection", id="clinic-title"
        ),
        pytest.param("Fibromyalgia, followed by the pain clinic.", "icd10:R52", id="clinic-in-text"),
        pytest.param("She reports similar readings at her GP surgery last year.", "surgery", id="gp-surgery"),
    ],
)
def test_the_name_of_a_clinic_or_practice_is_not_a_fact(text: str, concept: str) -> None:
    r = read_note(text, TODAY)
    every = [*r.facts.conditions, *r.facts.procedures]
    assert not [f for f in every if f.concept == concept], [m.rendering for m in r.mentions]


def test_a_negation_ends_at_a_semicolon() -> None:
    text = "Darunavir is not available to him outside a study; currently on zidovudine and lamivudine."
    found = medications(text)
    assert found["zidovudine"].present and found["lamivudine"].present, [
        m.rendering for m in read_note(text, TODAY).mentions
    ]


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        pytest.param(
            "Medications: aspirin 100 mg daily; warfarin stopped in 2019.",
            "aspirin",
            {"active": True, "end": None},
            id="other-clause-date-not-lent",
        ),
        pytest.param(
            "Medications: aspirin 100 mg daily; warfarin stopped in 2019.",
            "warfarin",
            {"active": False, "end": dt.date(2019, 7, 1)},
            id="own-clause-date",
        ),
    ],
)
def test_a_date_belongs_to_its_clause(text: str, concept: str, expected: dict[str, object]) -> None:
    found = medications(text)[concept]
    assert {key: getattr(found, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "concept", "present"),
    [
        pytest.param("Exam: pedal oedema absent.", "hpo:HP:0010741", False, id="absent-after"),
        pytest.param("Exam: ascites: absent.", "icd10:R18", False, id="colon-absent"),
        pytest.param("Exam: cyanosis is not present.", "icd10:R23.0", False, id="not-present"),
        pytest.param("CT: pulmonary embolism has been excluded.", "icd10:I26", False, id="excluded"),
        pytest.param("Serology: HIV negative.", "hiv", False, id="condition-negative"),
        pytest.param("Serology: hepatitis C negative.", "hepatitis_c", False, id="hepatitis-c-class-negative"),
        pytest.param("History of hepatitis B, on tenofovir.", "hepatitis_b", True, id="hepatitis-b-class"),
        pytest.param("Diabetes, peripheral pulses absent.", "diabetes_mellitus", True, id="one-word-reach-only"),
    ],
)
def test_a_negation_after_a_condition_reaches_only_the_word_before_it(text: str, concept: str, present: bool) -> None:
    found = conditions(text)
    assert concept in found, [m.rendering for m in read_note(text, TODAY).mentions]
    assert found[concept].present is present


def test_a_procedure_with_a_negative_result_was_done() -> None:
    r = read_note("Biopsy negative for malignancy.", TODAY)
    assert all(p.present for p in r.facts.procedures) and r.facts.procedures


@pytest.mark.parametrize(
    ("text", "planned", "taken"),
    [
        pytest.param("Plan to start metformin.", "metformin", None, id="plan-to-start"),
        pytest.param("Will be started on warfarin after discharge.", "warfarin", None, id="will-be-started"),
        pytest.param(
            "Metformin 500 mg twice daily; plan to start insulin.", "insulin", "metformin", id="beside-a-taken"
        ),
        pytest.param("Her GP intends to prescribe sertraline.", "sertraline", None, id="intends-to"),
        pytest.param("Awaiting rituximab infusion next week.", "rituximab", None, id="awaiting"),
    ],
)
def test_a_planned_medication_is_not_taken(text: str, planned: str, taken: str | None) -> None:
    """A medication planned, intended or awaited is a plan, not a drug taken; one taken beside it stands."""
    r = read_note(text, TODAY)
    assert [p.concept for p in r.facts.plans if p.planned] == [planned]
    assert [m.concept for m in r.facts.medications] == ([taken] if taken else [])


@pytest.mark.parametrize(
    ("text", "concept", "hypothetical"),
    [
        # dev note nct03599518-c: the planned operation is a plan; the pancreatitis before it happened
        pytest.param(
            "Gallstone pancreatitis in November 2024, managed conservatively, cholecystectomy planned.",
            "icd10:K85.1",
            False,
            id="a-plan-at-the-end-of-a-sentence",
        ),
        pytest.param(
            "No surgery in the past year; knee replacement planned for August.",
            "knee_replacement",
            True,
            id="the-procedure-planned",
        ),
    ],
)
def test_planned_reaches_the_words_next_to_it_only(text: str, concept: str, hypothetical: bool) -> None:
    r = read_note(text, TODAY)
    found = [m for m in r.mentions if m.concept == concept]
    not_done = [m.fact is None or isinstance(m.fact, Plan) for m in found]  # a plan is no record of it done
    assert found and all(flag == hypothetical for flag in not_done), [m.rendering for m in r.mentions]


def test_a_header_date_is_not_lent_to_the_paragraph_under_it() -> None:
    """A blank line ends a sentence; an examination's undated findings are of the note's day."""
    text = (
        "OBSTETRIC ANAESTHESIA PRE-OPERATIVE ASSESSMENT\nDate: 3 March 2025\n\n"
        "28-year-old G2P1 at 37+2 weeks of gestation with preeclampsia without severe features, diagnosed at "
        "35 weeks (BP 150/96, protein:creatinine ratio 0.42). She is booked.\n\n"
        "Examination: BP 144/92, HR 84."
    )
    read = read_note(text, TODAY).facts.observations
    systolic = {o.value: o.date for o in read if o.concept == "systolic_bp"}
    assert systolic == {150.0: None, 144.0: TODAY}


@pytest.mark.parametrize("order", [pytest.param(1, id="undated-first"), pytest.param(-1, id="dated-first")])
def test_on_one_day_a_dated_value_is_the_latest(order: int) -> None:
    from assistant.patient.facts import Observation, PatientFacts
    from assistant.rules.context import PatientContext

    values = [
        Observation(concept="systolic_bp", value=150.0, unit="mm[Hg]"),
        *[Observation(concept="systolic_bp", value=144.0, unit="mm[Hg]", date=TODAY)],
    ][::order]
    assert PatientContext(PatientFacts(observations=tuple(values)), TODAY).latest["systolic_bp"].value == 144.0
