"""Words that neither narrow nor widen a criterion: a closing "regardless of …" clause, how a diagnosis was
shown ("histologically or cytologically-documented"), and a name its
bracketed thresholds define ("end stage renal function (CrCl < 15 mL/min …)"); and a number's thousands
comma, which is no clause separator ("Active bleeding or platelets < 50,000/mm3")."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from tests.conftest import one_criterion
from tests.test_compile_patterns import form

CRCL_OR_GFR = {
    "any": [
        {"observation": "creatinine_clearance", "op": "<", "value": 15.0, "unit": "mL/min"},
        {"observation": "egfr", "op": "<", "value": 15.0, "unit": "mL/min"},
    ]
}


def test_a_closing_regardless_clause_and_a_defined_organ_function() -> None:
    # 'Patients with end stage renal function (creatinine clearance (CrCl) < 15 mL/min or glomerular
    # filtration rate < 15 mL/min), regardless of whether hemodialysis is required.'
    criterion = one_criterion("ctgov-legacy-xml/NCT03147742.xml", "NCT03147742:E5").criteria[0]
    assert "regardless of whether hemodialysis" in criterion.text
    assert compile_rule(criterion).when == CRCL_OR_GFR


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "History of seizures, regardless of cause",
            {"condition": "icd10:R56", "ever": True},
            id="regardless-of-cause",
        ),
        pytest.param(
            "Active bleeding or platelets < 50,000/mm3",
            {
                "any": [
                    {"condition": "bleeding"},
                    {"observation": "platelets", "op": "<", "value": 50000.0, "unit": "/mm3"},
                ]
            },
            id="thousands-comma-is-no-separator",
        ),
        pytest.param(
            "Histologically or cytologically-documented NSCLC",
            {"condition": "non_small_cell_lung_cancer"},
            id="how-a-diagnosis-was-shown",
        ),
        pytest.param("Pathologically proven breast cancer", {"condition": "icd10:C50"}, id="pathologically-proven"),
        pytest.param(
            "Seizures regardless of age or sex, and epilepsy",
            None,
            id="regardless-before-more-words-is-not-dropped",
        ),
    ],
)
def test_words_that_neither_narrow_nor_widen(text: str, expected: dict[str, Any] | None) -> None:
    compiled = compile_rule(form(text, "exclusion"))
    if expected is None:
        assert not compiled.executable, compiled.when
    else:
        assert compiled.when == expected, compiled.note


def test_a_decimal_point_ends_no_sentence() -> None:
    from assistant.rules.compile.text import clean

    assert clean("Neutropenia, regardless of ANC < 1.5 x 10^9/L") == "Neutropenia"
    assert clean("ANC < 1.5 x 10^9/L regardless of G-CSF; platelets < 100") == "ANC < 1.5 x 10^9/L; platelets < 100"
