"""Thresholds on the vocabulary's newer measurements, units misspelled or unstated, and pregnancy plans."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from assistant.types import Criterion


def _rule(text: str) -> Any:
    return compile_rule(Criterion("NCT00000000:E1", "exclusion", text, 0, len(text)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Life expectancy =/> 3 months, as determined by the investigator",
            {"observation": "life_expectancy", "op": ">=", "value": 3.0, "unit": "months"},
            id="life-expectancy",
        ),
        pytest.param(
            "Subject has a HAMD17 score of ≥ 26 at screening",
            {"observation": "hamd17", "op": ">=", "value": 26.0},
            id="hamd17",
        ),
        pytest.param(
            "Eczema Area and Severity Index (EASI) score ≥16 at the screening visit and the baseline visit",
            {  # one value is one visit: it settles the criterion only when it fails the limit
                "all": [
                    {"observation": "easi", "op": ">=", "value": 16.0},
                    {
                        "needs_review": "whether the limits hold at each visit named ('at the screening visit and "
                        "the baseline visit'): one value is one visit"
                    },
                ]
            },
            id="name-with-and",
        ),
        pytest.param(
            "Hb level < 9gm/dl", {"observation": "hemoglobin", "op": "<", "value": 9.0, "unit": "g/dl"}, id="gm-dl"
        ),
        pytest.param("BMI < 40", {"observation": "bmi", "op": "<", "value": 40.0, "unit": "kg/m2"}, id="bmi-no-unit"),
        pytest.param(
            "Platelet counts < 100,000",
            {"observation": "platelets", "op": "<", "value": 100000.0, "unit": "/mm3"},
            id="plural-and-count-unit-implied",
        ),
    ],
)
def test_thresholds(text: str, expected: dict[str, Any]) -> None:
    compiled = _rule(text)
    assert compiled.when == expected, compiled.note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Hemoglobin < 10", id="hb-g-dl-or-mmol-l"),
        pytest.param("Temperature > 100.4", id="fahrenheit-not-listed"),
        pytest.param("Gleason score < 7 mg", id="score-with-a-unit"),
    ],
)
def test_unreadable_units_stay_for_review(text: str) -> None:
    assert not _rule(text).executable


def test_pregnancy_plan_is_left_for_review_but_pregnancy_decides() -> None:
    compiled = _rule("Women who are pregnant or plan to become pregnant during the study")
    assert compiled.applies_to == {"sex": ["female"]}
    assert compiled.when["any"][0] == {"condition": "pregnant"}
    assert "needs_review" in compiled.when["any"][1]


def test_negative_pregnancy_test_for_women_of_childbearing_potential() -> None:
    compiled = _rule("Negative urine/serum pregnancy test for female subjects of child-bearing potential")
    assert compiled.when == {"observation": "pregnancy_test", "flag": False}
    assert compiled.applies_to == {"sex": ["female"]}
