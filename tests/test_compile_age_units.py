"""Age limits in months, weeks and days: how the compiler reads them (each bound in its own unit, years
left unstated as before), and how the checker decides them from a date of birth (whole months, weeks,
days) or from an age stated in years (decided only when every birthday that age allows agrees)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.errors import RulesError
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import PatientFacts
from assistant.rules.compile import compile_rule
from assistant.rules.context import PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.ops import FALSE, TRUE, UNKNOWN
from assistant.rules.schema import parse_node
from tests.test_compile_patterns import form, real

AS_OF = dt.date(2025, 1, 1)


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        pytest.param(
            real("age ≥2 weeks to 4 months;"),
            {"all": [{"age": ">=", "value": 2.0, "unit": "weeks"}, {"age": "<=", "value": 4.0, "unit": "months"}]},
            id="NCT02708238-I2-weeks-to-months",
        ),
        pytest.param(
            real("Male and female subjects aged 9 to 17 months on the day of inclusion"),
            {"age": "between", "value": [9.0, 17.0], "unit": "months"},
            id="chia-NCT01890759-months-range",
        ),
        pytest.param(
            real("Age of 18 years and beyond;"),
            {"age": ">=", "value": 18.0},
            id="NCT03204344-I1-and-beyond",
        ),
        pytest.param(
            real("Adult, > or equal to 18-yr"), {"age": ">=", "value": 18.0}, id="NCT02830269-I1-or-equal-to-hyphen-yr"
        ),
        pytest.param(
            form("Age 6 months to 17 years"),
            {"all": [{"age": ">=", "value": 6.0, "unit": "months"}, {"age": "<=", "value": 17.0}]},
            id="months-to-years",
        ),
        pytest.param(
            form("Infants less than 12 weeks of age"),
            {"age": "<", "value": 12.0, "unit": "weeks"},
            id="infants-weeks",
        ),
        pytest.param(form("Children aged 2 to 12 years"), {"age": "between", "value": [2.0, 12.0]}, id="years-no-unit"),
    ],
)
def test_reads_age_units(criterion: Any, expected: dict[str, Any]) -> None:
    compiled = compile_rule(criterion)
    assert compiled.when == expected, compiled.note
    assert compiled.kind == "age"


@pytest.mark.parametrize(
    "criterion",
    [
        pytest.param(real("Patients with an injury over 4 weeks old,", "exclusion"), id="NCT02591810-E2-injury-age"),
        pytest.param(real("Pregnant gestational age >= 28 weeks"), id="chia-NCT01912677-gestational-age"),
        pytest.param(
            real("Age between 1 month and 24 months of age (not beyond second birthday at baseline)."),
            id="chia-remark-unread",
        ),
        pytest.param(form("Myocardial infarction less than 6 months ago", "exclusion"), id="no-age-word"),
    ],
)
def test_not_an_age_rule(criterion: Any) -> None:
    compiled = compile_rule(criterion)
    assert not (compiled.kind == "age" and compiled.executable), compiled.when


def _verdict(text: str, facts: PatientFacts) -> int:
    when = compile_rule(form(text)).when
    evaluate, _ = compile_node(parse_node(when, "when"), load_concepts(), "when")
    return evaluate(PatientContext(facts, AS_OF))[0]


_RANGE = "Age 6 months to 17 years"
_INFANT = "Infants less than 12 weeks of age"


@pytest.mark.parametrize(
    ("text", "facts", "truth"),
    [
        pytest.param(_RANGE, PatientFacts(birth_date=dt.date(2024, 7, 1)), TRUE, id="six-months-to-the-day"),
        pytest.param(_RANGE, PatientFacts(birth_date=dt.date(2024, 7, 2)), FALSE, id="a-day-short-of-six-months"),
        pytest.param(_RANGE, PatientFacts(birth_date=dt.date(2007, 1, 2)), TRUE, id="last-day-aged-17"),
        pytest.param(_RANGE, PatientFacts(birth_date=dt.date(2007, 1, 1)), FALSE, id="eighteenth-birthday"),
        pytest.param(_RANGE, PatientFacts(age=1), TRUE, id="stated-one-year-is-over-six-months"),
        pytest.param(_RANGE, PatientFacts(age=0), UNKNOWN, id="stated-zero-years-undecided"),
        pytest.param(_RANGE, PatientFacts(), UNKNOWN, id="no-age"),
        pytest.param(_INFANT, PatientFacts(birth_date=dt.date(2024, 10, 10)), TRUE, id="eleven-weeks-six-days"),
        pytest.param(_INFANT, PatientFacts(birth_date=dt.date(2024, 10, 9)), FALSE, id="twelve-weeks-to-the-day"),
        pytest.param(_INFANT, PatientFacts(age=0), UNKNOWN, id="stated-zero-years"),
        pytest.param(_INFANT, PatientFacts(age=1), FALSE, id="stated-one-year"),
        pytest.param(
            "Aged 9 to 17 months", PatientFacts(birth_date=dt.date(2023, 7, 2)), TRUE, id="last-day-aged-17-months"
        ),
        pytest.param(
            "Aged 9 to 17 months", PatientFacts(birth_date=dt.date(2023, 7, 1)), FALSE, id="eighteen-months-to-the-day"
        ),
        pytest.param("Aged 9 to 17 months", PatientFacts(age=1), UNKNOWN, id="stated-one-year-straddles"),
        pytest.param("Aged 9 to 17 months", PatientFacts(age=2), FALSE, id="stated-two-years"),
    ],
)
def test_age_units_at_the_boundaries(text: str, facts: PatientFacts, truth: int) -> None:
    assert _verdict(text, facts) == truth


def test_month_end_birthday() -> None:
    """Born on 31 August: six months are complete on the last day of February."""
    facts = PatientFacts(birth_date=dt.date(2024, 8, 31))
    assert facts.age_range_on(dt.date(2025, 2, 28), "months") == (6, 6)
    assert facts.age_range_on(dt.date(2025, 2, 27), "months") == (5, 5)


def test_an_unknown_unit_is_a_rules_error() -> None:
    with pytest.raises(RulesError):
        parse_node({"age": "<", "value": 3, "unit": "fortnights"}, "when")


_PER_SEX_AND = "Men ≥ 45 years and women ≥ 55 years"
_PER_SEX_OR = "Males aged 18-65 or females aged 18-55"


@pytest.mark.parametrize(
    ("text", "facts", "truth"),
    [
        # each sex's bounds are its own: they were read as one list of bounds for every patient, so a man of 50
        # failed 'age ≥ 55' and a woman of 60 passed 'age 18-65'
        pytest.param(_PER_SEX_AND, PatientFacts(sex="male", age=50), TRUE, id="man-50-meets-the-men-bound"),
        pytest.param(_PER_SEX_AND, PatientFacts(sex="female", age=50), FALSE, id="woman-50-is-under-the-women-bound"),
        pytest.param(_PER_SEX_AND, PatientFacts(sex="female", age=60), TRUE, id="woman-60"),
        pytest.param(_PER_SEX_AND, PatientFacts(age=50), UNKNOWN, id="sex-unknown-50"),
        pytest.param(_PER_SEX_OR, PatientFacts(sex="female", age=60), FALSE, id="woman-60-over-the-women-range"),
        pytest.param(_PER_SEX_OR, PatientFacts(sex="male", age=60), TRUE, id="man-60-within-the-men-range"),
    ],
)
def test_age_bounds_stated_for_each_sex(text: str, facts: PatientFacts, truth: int) -> None:
    assert _verdict(text, facts) == truth


def test_age_bounds_without_a_sex_before_each_are_left_for_review() -> None:
    """ "Aged 18-65 for men, 18-55 for women": the sex comes after its bounds; not read."""
    assert not compile_rule(form("Aged 18-65 for men and 18-55 for women")).executable
