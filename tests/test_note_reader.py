"""The clinical note reader: context (negation, history, family, hypothetical, uncertainty), sections, values
and units, dates, demographics, pregnancy, conflicts and series, markup and second persons, bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import PatientDataError
from assistant.patient.facts import Condition, Medication, Observation, Procedure
from assistant.patient.note import NoteReading, read_note
from assistant.patient.note.dates import find_dates
from assistant.patient.note.pipeline import note_pipeline
from assistant.patient.reader import read_patient
from assistant.settings import get_settings

NOTES = Path(__file__).resolve().parent / "data" / "notes"
TODAY = dt.date(2024, 6, 3)


@cache
def reading(name: str) -> NoteReading:
    return read_note((NOTES / name).read_text(encoding="utf-8"), TODAY)


def facts_of(name: str, concept: str) -> list[Observation | Condition | Medication | Procedure]:
    f = reading(name).facts
    every: list[Observation | Condition | Medication | Procedure] = [
        *f.observations,
        *f.conditions,
        *f.medications,
        *f.procedures,
    ]
    return [x for x in every if x.concept == concept]


ONC, UNITS, CONFL, PREG, CURPREG, MOTHER = (
    "hp_oncology_woman.txt",
    "hp_units_vitals.txt",
    "hp_conflicts_series.txt",
    "hp_pregnancy_dates.txt",
    "hp_current_pregnancy.txt",
    "hp_man_with_mother.txt",
)


@pytest.mark.parametrize(
    ("note", "concept", "expected"),
    [
        pytest.param(ONC, "brain_metastases", {"present": False}, id="negated-condition"),
        pytest.param(
            ONC, "myocardial_infarction", {"active": False, "onset": dt.date(2022, 6, 3)}, id="historical-dated"
        ),
        pytest.param(
            ONC,
            "warfarin",
            {"active": True, "dose": 5.0, "dose_unit": "mg", "start": dt.date(2022, 7, 1)},
            id="med-current-since",
        ),
        pytest.param(ONC, "creatinine", {"value": 1.3, "unit": "mg/dL"}, id="lab-is-mg-dl"),
        pytest.param(ONC, "platelets", {"value": 142.0, "unit": "10*9/L"}, id="lab-per-mm3"),
        pytest.param(ONC, "anc", {"value": 3.1}, id="lab-x10-9"),
        pytest.param(ONC, "systolic_bp", {"value": 152.0}, id="bp-systolic"),
        pytest.param(ONC, "diastolic_bp", {"value": 94.0}, id="bp-diastolic"),
        pytest.param(ONC, "body_temperature", {"value": 37.2}, id="temperature-celsius"),
        pytest.param(ONC, "ecog", {"value": 1.0}, id="score-ecog"),
        pytest.param(UNITS, "creatinine", {"value": 1.30088, "unit": "mg/dL"}, id="umol-to-mg-dl"),
        pytest.param(UNITS, "body_temperature", {"value": 38.5}, id="fahrenheit-to-celsius"),
        pytest.param(UNITS, "gcs", {"value": 6.0}, id="score-gcs-of-15"),
        pytest.param(UNITS, "hba1c", {"value": 8.2, "unit": "%"}, id="percent"),
        pytest.param(UNITS, "egfr", {"value": 48.0}, id="egfr-per-1-73"),
        pytest.param(UNITS, "hemoglobin", {"value": 10.9, "unit": "g/dL"}, id="hemoglobin"),
        pytest.param(UNITS, "platelets", {"value": 95.0}, id="platelets-x10-9"),
        pytest.param(UNITS, "systolic_bp", {"value": 100.0}, id="blood-pressure-mmhg"),
        pytest.param(PREG, "pregnancy_test", {"flag": False}, id="pregnancy-test-negative"),
        pytest.param(PREG, "radiotherapy", {"present": True, "date": dt.date(2024, 5, 13)}, id="procedure-weeks-ago"),
        pytest.param(PREG, "tumor_biopsy", {"date": dt.date(2024, 3, 1)}, id="procedure-month-year"),
        pytest.param(PREG, "warfarin", {"active": False, "end": dt.date(2022, 6, 3), "dose": None}, id="med-stopped"),
        pytest.param(PREG, "imatinib", {"present": False}, id="med-not-taken"),
        pytest.param(CURPREG, "pregnant", {"present": True, "active": True}, id="current-pregnancy"),
    ],
)
def test_facts_read(note: str, concept: str, expected: dict[str, Any]) -> None:
    found = facts_of(note, concept)
    assert len(found) == 1, found
    for key, value in expected.items():
        assert getattr(found[0], key) == value, (key, found[0])


@pytest.mark.parametrize(
    ("note", "concept", "reason"),
    [
        pytest.param(ONC, "hepatic_metastases", "not used: uncertain", id="uncertain"),
        pytest.param(ONC, "cirrhosis", "not used: family", id="family-section"),
        pytest.param(ONC, "major_surgery", "not used: hypothetical", id="hypothetical"),
        pytest.param(CONFL, "platelets", "not used: family", id="sister-lab"),
    ],
)
def test_context_not_used(note: str, concept: str, reason: str) -> None:
    mentions = [m for m in reading(note).mentions if m.concept == concept and reason in m.rendering]
    assert mentions and all(m.fact is None for m in mentions)
    assert any(reason in n for n in reading(note).notes)
    if concept != "platelets":
        assert not facts_of(note, concept)


@pytest.mark.parametrize(
    ("words", "flag", "section"),
    [
        pytest.param("Type 2 diabetes", "historical", "past_medical_history", id="past-medical-history"),
        pytest.param("cirrhosis", "family", "family_history", id="family-history"),
        pytest.param("rash", "hypothetical", "allergy", id="allergies"),
        pytest.param("Platelets 142,000/mm3", None, "labs_and_studies", id="labs"),
        pytest.param("major surgery", "hypothetical", "observation_and_plan", id="assessment-and-plan"),
    ],
)
def test_sections_give_context(words: str, flag: str | None, section: str) -> None:
    doc = note_pipeline()((NOTES / ONC).read_text(encoding="utf-8"))
    [ent] = [e for e in doc.ents if words.startswith(e.text)]
    assert ent._.section_category == section
    [mention] = [m for m in reading(ONC).mentions if m.text.startswith(ent.text)]
    flags = {f for f in ("negated", "historical", "hypothetical", "family", "uncertain") if getattr(mention.context, f)}
    assert flags == ({flag} if flag else set())


def test_dropped_unit_is_named_and_the_rest_stands() -> None:
    r = reading(UNITS)
    assert "'White blood cell count of 17,580/mm': unit '/mm' cannot be converted to 10*9/L; not used" in r.notes
    assert not facts_of(UNITS, "wbc")
    assert len(r.facts.observations) >= 10


@pytest.mark.parametrize(
    ("note", "age", "sex"),
    [
        pytest.param(ONC, 62.0, "female", id="mrs-woman-her-mother"),
        pytest.param(UNITS, 55.0, "male", id="yo-male"),
        pytest.param(CONFL, 70.0, "male", id="mr-other-patient-is-a-woman"),
        pytest.param(PREG, 38.0, "female", id="yo-woman"),
        pytest.param(MOTHER, 70.0, "male", id="mother-and-sister-are-not-the-patient"),
    ],
)
def test_demographics(note: str, age: float, sex: str) -> None:
    assert (reading(note).facts.age, reading(note).facts.sex) == (age, sex)


@pytest.mark.parametrize(
    ("words", "onset"),
    [
        pytest.param("ectopic pregnancy", dt.date(2012, 6, 3), id="at-age-26"),
        pytest.param("miscarriage", dt.date(2019, 7, 1), id="in-2019"),
    ],
)
def test_past_pregnancy_is_history(words: str, onset: dt.date) -> None:
    r = reading(PREG)
    [fact] = [m.fact for m in r.mentions if words in m.text.lower()]
    assert isinstance(fact, Condition) and (fact.present, fact.active, fact.onset) == (True, False, onset)


def test_obstetric_history_is_not_a_current_pregnancy() -> None:
    r = reading(PREG)
    assert any(m.kind == "obstetric" and m.text == "G2P2" for m in r.mentions)
    assert all(not c.active or not c.present for c in r.facts.conditions if c.concept == "pregnant")
    assert any(not c.present for c in r.facts.conditions if c.concept == "pregnant")  # its negative test today
    assert any(c.active for c in reading(CURPREG).facts.conditions if c.concept == "pregnant")


def test_conflicts_are_not_resolved_and_a_dated_series_is_kept() -> None:
    r = reading(CONFL)
    conflicts = {c.concept: c for c in r.facts.conflicts}
    assert conflicts["platelets"].values == ("Platelets 80,000/mm3", "platelets 85,000/mm3")
    assert conflicts["anc"].values == ("ANC 1.2 x10^9/L", "1.5 x10^9/L")
    assert {c.source for c in conflicts.values()} == {"note"}
    assert not facts_of(CONFL, "platelets") and not facts_of(CONFL, "anc")
    unused = [m for m in r.mentions if m.concept == "platelets" and "conflicting" in m.rendering]
    assert len(unused) == 2 and all(m.fact is None for m in unused)
    series = sorted((o.date, o.value) for o in r.facts.observations if o.concept == "creatinine")
    assert series == [(dt.date(2024, 3, 1), 1.1), (dt.date(2024, 4, 2), 1.4)]


def test_markup_comments_and_another_patient_are_not_read() -> None:
    r = reading(CONFL)
    assert 4.0 not in {o.value for o in r.facts.observations}
    assert not facts_of(CONFL, "ecog")
    text = (NOTES / CONFL).read_text(encoding="utf-8")
    assert all(m.start < text.index("Another patient") for m in r.mentions)


def all_mentions() -> Iterator[Any]:
    for path in sorted(NOTES.glob("*.txt")):
        yield pytest.param(path.name, id=path.stem)


@pytest.mark.parametrize("note", list(all_mentions()))
def test_mention_text_is_verbatim(note: str) -> None:
    text = (NOTES / note).read_text(encoding="utf-8")
    for m in reading(note).mentions:
        assert text[m.start : m.end] == m.text
        assert m.rendering


@pytest.mark.parametrize(
    ("text", "age", "expected"),
    [
        pytest.param("diagnosed 2 years earlier", None, dt.date(2022, 6, 3), id="years-earlier"),
        pytest.param("started 3 weeks ago", None, dt.date(2024, 5, 13), id="weeks-ago"),
        pytest.param("resected in March 2021", None, dt.date(2021, 3, 1), id="month-year"),
        pytest.param("an ectopic pregnancy at age 26", 38.0, dt.date(2012, 6, 3), id="at-age"),
        pytest.param("creatinine 1.1 on 3/1", None, dt.date(2024, 3, 1), id="month-day"),
        pytest.param("creatinine 1.1 on 12/1", None, dt.date(2023, 12, 1), id="month-day-last-year"),
        pytest.param("a miscarriage in 2019", None, dt.date(2019, 7, 1), id="year"),
        pytest.param("seen last month", None, dt.date(2024, 5, 3), id="last-month"),
        pytest.param("biopsy on 2024-02-14", None, dt.date(2024, 2, 14), id="iso"),
    ],
)
def test_relative_dates(text: str, age: float | None, expected: dt.date) -> None:
    assert [d.date for d in find_dates(text, TODAY, age)] == [expected]


def test_at_age_without_the_patients_age_gives_no_date() -> None:
    assert find_dates("an ectopic pregnancy at age 26", TODAY, None) == []


@pytest.mark.parametrize(
    ("text", "concept", "value", "note"),
    [
        pytest.param("Labs: eGFR 48.", "egfr", 48.0, None, id="unitless-within-plausible-range"),
        pytest.param(
            "Vitals: temperature 55 C.", "body_temperature", None, "outside the plausible range", id="implausible"
        ),
        pytest.param(
            "Labs: creatinine 1.3.", "creatinine", None, "no unit given for creatinine", id="unitless-no-range"
        ),
        pytest.param("Labs: platelets 150 x10^9/L.", "platelets", 150.0, None, id="x10-9-per-l"),
    ],
)
def test_values_units_and_ranges(text: str, concept: str, value: float | None, note: str | None) -> None:
    r = read_note(text, TODAY)
    got = [o.value for o in r.facts.observations if o.concept == concept]
    assert got == ([value] if value is not None else [])
    if note is not None:
        assert any(note in n for n in r.notes), r.notes


def test_two_ages_are_a_conflict() -> None:
    r = read_note("HPI: 62-year-old woman. Later in the note: patient aged 64.", TODAY)
    assert r.facts.age is None
    assert [(c.concept, c.values) for c in r.facts.conflicts] == [("age", ("62-year-old", "aged 64"))]


def test_two_sexes_are_a_conflict() -> None:
    r = read_note("HPI: Mr. Jones is a 50-year-old woman with fatigue.", TODAY)
    assert r.facts.sex is None
    assert [(c.concept, c.kind) for c in r.facts.conflicts] == [("sex", "sex")]


def test_the_other_language_check_reads_nothing_even_where_a_term_would_match() -> None:
    text = (NOTES / "note_french.txt").read_text(encoding="utf-8") + " HbA1c 8,2 %, ECOG 1."
    r = read_note(text, TODAY)
    assert r.mentions == () and r.not_understood == ()


def test_empty_note_is_refused() -> None:
    with pytest.raises(PatientDataError, match="empty"):
        read_note(" \n\t ", TODAY)


def test_oversized_note_names_the_limit_and_the_setting() -> None:
    big = "Platelets 142,000/mm3. " * (get_settings().note_max_chars // 20)
    with pytest.raises(PatientDataError, match=r"limit of [\d,]+ \(setting PA_NOTE_MAX_CHARS\)"):
        read_note(big, TODAY)


def test_a_limit_raised_past_spacys_own_is_the_one_that_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy refuses texts over 1,000,000 characters by default; a site that raises PA_NOTE_MAX_CHARS past
    that gets its note read, not spaCy's error."""
    monkeypatch.setenv("PA_NOTE_MAX_CHARS", "1200000")
    get_settings.cache_clear()
    try:
        text = "Platelets 142,000/mm3." + " " * 1_050_000 + "No diabetes."
        r = read_note(text, TODAY)
    finally:
        monkeypatch.delenv("PA_NOTE_MAX_CHARS")
        get_settings.cache_clear()
    assert {o.concept for o in r.facts.observations} == {"platelets"}
    assert any(c.present is False for c in r.facts.conditions)


def test_a_note_in_another_language_reads_nothing() -> None:
    r = reading("note_french.txt")
    assert r.mentions == () and r.facts.observations == () and r.facts.age is None
    assert any("is not in English (detected language 'fr'" in n for n in r.notes), r.notes


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("Cr 1.4 mg/dl, ULN 1.1 mg/dl; creatinine 1.4 mg/dL, ULN 1.1 mg/dL", id="lab-list"),
        pytest.param("CBC: WBC 12.5 x10^9/L, Hb 9.8 g/dL, PLT 88 x10^9/L, ANC 9.1 x10^9/L; INR 1.1, PT 12 s", id="cbc"),
    ],
)
def test_a_list_of_abbreviated_labs_is_not_taken_for_another_language(note: str) -> None:
    r = read_note(note, TODAY)
    assert not any("not in English" in n for n in r.notes), r.notes
    assert r.facts.observations


def test_numbers_with_units_that_were_not_read_are_listed() -> None:
    assert any("fever up to 39 C" in p for p in reading(UNITS).not_understood)


def test_read_patient_reads_a_txt_file_as_a_note() -> None:
    facts = read_patient(NOTES / ONC, TODAY)
    assert facts.age == 62.0 and any(o.concept == "platelets" for o in facts.observations)


def test_pipeline_is_built_once() -> None:
    assert note_pipeline() is note_pipeline()
    assert {"sentencizer", "note_line_sentences", "note_vocabulary_matcher", "medspacy_sectionizer"} <= set(
        note_pipeline().pipe_names
    )


@pytest.mark.parametrize(
    ("note", "language"),
    [
        pytest.param(
            "Paciente de 64 años con hipertensión arterial y diabetes tipo 2. Niega dolor torácico.", "es", id="es"
        ),
        pytest.param(
            "64-jähriger Patient mit arterieller Hypertonie und Diabetes mellitus Typ 2. Kreatinin 1,4 mg/dl.",
            "de",
            id="de",
        ),
        pytest.param(
            "Paciente de 64 anos com hipertensão e diabetes tipo 2. Nega dor torácica ao esforço.", "pt", id="pt"
        ),
    ],
)
def test_notes_in_other_languages_read_nothing(note: str, language: str) -> None:
    r = read_note(note, TODAY)
    assert r.mentions == ()
    assert any(f"detected language {language!r}" in n for n in r.notes), r.notes


def test_a_terse_english_note_is_read_as_english() -> None:
    note = (
        "HPI: 64-year-old man referred for screening.\n"
        "PMH: Hypertension, type 2 diabetes mellitus, chronic kidney disease stage 3.\n"
        "Medications: metformin 1000 mg twice daily.\n"
        "Labs: creatinine 1.4 mg/dL, HbA1c 8.1%, platelets 210,000/mm3.\n"
    )
    r = read_note(note, TODAY)
    assert r.facts.age == 64.0 and r.facts.sex == "male"
    conditions = {c.concept: c.active for c in r.facts.conditions}
    # an undated entry of the past medical history may still be current: its activity is not guessed
    assert conditions and all(active is None for active in conditions.values()), conditions
    assert {o.concept for o in r.facts.observations} >= {"creatinine", "hba1c", "platelets"}


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        pytest.param("Date: 3 March 2025\n\n28-year-old woman.", 2, id="blank-line"),
        pytest.param("Medications:\nAspirin 81 mg daily\nAtorvastatin 40 mg", 3, id="list-lines"),
        pytest.param("No chest pain, no dyspnoea and\nno palpitations.", 1, id="wrapped-line-goes-on"),
        pytest.param("Seen by Dr. Jones today. BP 130/80.", 2, id="title-abbreviation-kept"),
    ],
)
def test_sentences_follow_punctuation_and_line_breaks(text: str, sentences: int) -> None:
    assert len(list(note_pipeline()(text).sents)) == sentences


def test_a_negation_does_not_reach_the_next_line_of_a_list() -> None:
    facts = read_note("Denies chest pain\nAspirin 81 mg daily", TODAY).facts
    assert [(m.concept, m.present) for m in facts.medications] == [("aspirin", True)]


@pytest.mark.parametrize(
    ("note", "concept", "active"),
    [
        pytest.param("PMH: hypertension since 2015.", "hypertension", True, id="since-a-year-goes-on"),
        pytest.param("PMH: hypertension, 2015.", "hypertension", None, id="a-year-alone-is-not-known"),
        pytest.param("PMH: asthma in remission since 2019.", "icd10:J45", False, id="over-since"),
        pytest.param("PMH: MI since 2019.", "myocardial_infarction", False, id="an-episode-is-over"),
    ],
)
def test_a_condition_of_the_history_since_a_date_goes_on(note: str, concept: str, active: bool | None) -> None:
    conditions = {c.concept: c.active for c in read_note(note, TODAY).facts.conditions}
    assert conditions[concept] is active, conditions
