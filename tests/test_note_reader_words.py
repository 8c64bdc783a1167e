"""Readings of the note reader where a word decides the sense: a unit only one measurement takes, "controlled",
a panel's multiple of the ULN, a day and month with no year, a letter closing a sentence, a clause's date."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Condition, Medication, Observation, Procedure
from assistant.patient.note import read_note
from assistant.patient.note.dates import find_dates

TODAY = dt.date(2025, 6, 1)
Fact = Observation | Condition | Medication | Procedure


def facts(text: str) -> dict[str, Fact]:
    """Every fact read from ``text``, by concept."""
    f = read_note(text, TODAY).facts
    return {x.concept: x for x in (*f.observations, *f.conditions, *f.medications, *f.procedures)}


@pytest.mark.parametrize(
    ("text", "concept", "check"),
    [
        pytest.param(
            "Pathology: MI 5/50 HPF.", "mitotic_count", lambda f: f.value == pytest.approx(0.1), id="mi-per-hpf"
        ),
        pytest.param(
            "History of MI 3 months ago.",
            "myocardial_infarction",
            lambda f: f.onset == dt.date(2025, 3, 1),
            id="mi-then-a-duration-is-the-infarction",
        ),
        pytest.param(
            "Gastric GIST of 12 cm.", "gist", lambda f: f.present, id="a-size-after-a-tumour-keeps-the-tumour"
        ),
        pytest.param("MI 2019.", "myocardial_infarction", lambda f: f.onset.year == 2019, id="condition-then-year"),
        pytest.param(
            "Diabetes well controlled on metformin.",
            "diabetes_uncontrolled",
            lambda f: not f.present,
            id="controlled-denies-uncontrolled",
        ),
        pytest.param(
            "Type 2 diabetes, poorly controlled.",
            "diabetes_uncontrolled",
            lambda f: f.present,
            id="poorly-controlled-after",
        ),
        pytest.param(
            "Transaminases 4 x ULN.", "ast", lambda f: (f.value, f.unit) == (4.0, "ULN"), id="panel-multiple-ast"
        ),
        pytest.param(
            "Transaminases 4 x ULN.", "alt", lambda f: (f.value, f.unit) == (4.0, "ULN"), id="panel-multiple-alt"
        ),
        pytest.param(
            "Transaminases 4 x ULN in March 2019, since normal.",
            "ast",
            lambda f: (f.date.year, f.dated_to) == (2019, "month"),
            id="panel-multiple-keeps-its-date",
        ),
        pytest.param(
            "Major surgery on 3 March.", "major_surgery", lambda f: f.date == dt.date(2025, 3, 3), id="day-month"
        ),
        pytest.param(
            "No history of hepatitis B. Seen today.", "hepatitis_b", lambda f: not f.present, id="letter-at-end"
        ),
        pytest.param(
            "History of sarcoidosis, takes warfarin daily.", "warfarin", lambda f: f.active, id="history-ends-at-takes"
        ),
        pytest.param(
            "She had a hysterectomy in 2019; BNP 400 pg/mL.",
            "bnp",
            lambda f: f.date is None,
            id="a-year-of-another-clause-is-not-the-labs",
        ),
        pytest.param(
            "Labs 3/1/2025: creatinine 1.2 mg/dL; hemoglobin 12 g/dL.",
            "hemoglobin",
            lambda f: f.date == dt.date(2025, 3, 1),
            id="a-day-heading-the-sentence-dates-each-lab",
        ),
        pytest.param(
            "Diabetes well controlled on metformin.",
            "diabetes_uncontrolled",
            lambda f: not f.covers_past,
            id="controlled-now-says-nothing-of-the-past",
        ),
        pytest.param("90k platelets.", "platelets", lambda f: f.value == pytest.approx(90.0), id="thousands-before"),
        pytest.param(
            "On warfarin 5 mg daily.", "warfarin", lambda f: (f.dose, f.dose_unit) == (5.0, "mg"), id="dose-kept"
        ),
        pytest.param(
            "Obstructive sleep apnoea confirmed on polysomnography in October 2024.",
            "obstructive_sleep_apnea",
            lambda f: f.active is True,
            id="a-confirmed-diagnosis-stands",
        ),
        pytest.param(
            "Polysomnography: AHI 28 events/h.",
            "apnea_hypopnea_index",
            lambda f: f.value == pytest.approx(28.0),
            id="events-per-hour-is-a-count",
        ),
        pytest.param(
            "She is a woman with diabetes.", "diabetes_mellitus", lambda f: f.present, id="is-a-woman-is-not-anyone"
        ),
        pytest.param(
            "He does a 30-minute walk daily despite COPD.",
            "hpo:HP:0006510",
            lambda f: f.present,
            id="does-a-walk-is-not-a-question",
        ),
        pytest.param(
            "On methotrexate 15 mg weekly for rheumatoid arthritis.",
            "methotrexate",
            lambda f: f.active,
            id="methotrexate-is-its-own-drug",
        ),
    ],
)
def test_reads(text: str, concept: str, check: object) -> None:
    found = facts(text)
    assert concept in found, sorted(found)
    assert check(found[concept])  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        pytest.param("Pathology: MI 5/50 HPF.", "myocardial_infarction", id="mi-per-hpf-is-no-infarction"),
        pytest.param("History of MI 3 months ago.", "life_expectancy", id="a-duration-is-no-measurement"),
        pytest.param("LFTs 3 x ULN.", "bilirubin", id="a-mixed-panel-multiple-is-not-spread"),
        pytest.param("Transaminases < 2 x ULN is required.", "ast", id="a-bound-is-not-a-value"),
        pytest.param("If transaminases 3 x ULN, hold the dose.", "alt", id="a-condition-is-not-a-value"),
        pytest.param("Surgery is due next week.", "surgery", id="due-is-to-come"),
        pytest.param("Major surgery booked on 3 June.", "major_surgery", id="booked-is-to-come"),
        pytest.param("Is prior imatinib allowed?", "imatinib", id="allowed-asks-about-anyone"),
        pytest.param("Does a patient with HIV qualify?", "hiv", id="does-a-patient-asks-about-anyone"),
        pytest.param("When does imatinib start?", "imatinib", id="start-asks-about-what-is-to-come"),
        pytest.param("ECOG 1-2.", "ecog", id="a-range"),
        pytest.param(
            "HTN well controlled, diabetes on insulin.", "diabetes_uncontrolled", id="controlled-of-the-item-before"
        ),
        pytest.param("Platelets 1,2 x10^9/L.", "platelets", id="a-decimal-comma"),
    ],
)
def test_does_not_read(text: str, concept: str) -> None:
    assert concept not in facts(text)


def test_a_decimal_comma_and_a_range_are_said() -> None:
    notes = " ".join(read_note("Platelets 1,2 x10^9/L. ECOG 1-2.", TODAY).notes)
    assert "decimal comma" in notes and "'ECOG 1-2'" in notes


@pytest.mark.parametrize(
    ("drug_class", "drug"),
    [
        pytest.param("immunosuppressant", "methotrexate", id="methotrexate-immunosuppressant-atc-l04ax03"),
        pytest.param("chemotherapy", "methotrexate", id="methotrexate-antimetabolite-atc-l01ba01"),
        pytest.param("immunosuppressant", "tacrolimus", id="tacrolimus"),
    ],
)
def test_a_drug_counts_for_each_class_it_is_in(drug_class: str, drug: str) -> None:
    assert drug in load_concepts().descendants(drug_class)


@pytest.mark.parametrize(
    ("text", "today", "day"),
    [
        pytest.param("surgery on 3 March", dt.date(2025, 6, 1), dt.date(2025, 3, 3), id="earlier-this-year"),
        pytest.param("seen on 28 December", dt.date(2025, 1, 5), dt.date(2024, 12, 28), id="last-year"),
        pytest.param("caesarean on 26 June", dt.date(2025, 6, 23), None, id="a-day-to-come"),
        pytest.param("seen on 29 February", dt.date(2025, 3, 10), dt.date(2024, 2, 29), id="leap-day"),
        pytest.param("seen on 1 December", dt.date(2024, 6, 3), dt.date(2023, 12, 1), id="half-a-year-either-way"),
    ],
)
def test_a_day_and_month_is_the_latest_past_one_unless_a_nearer_one_is_just_ahead(
    text: str, today: dt.date, day: dt.date | None
) -> None:
    found = find_dates(text, today)
    assert [d.date for d in found] == ([day] if day is not None else [])
