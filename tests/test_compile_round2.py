"""Shapes of criteria on real text of the records and Chia: a threshold read once more without the brackets
that only abbreviate the words before them, receipts stated in the past ("Patients who have received …",
"Prior receipt of …"), elliptic lists of tests ("hepatitis B surface antigen and/or C antibodies"), and the
verdicts of the rules they make."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from assistant.rules.compile.lists import elliptic, list_items
from tests.test_compile_patterns import form, real
from tests.test_compile_windows import _statuses

pytestmark = pytest.mark.usefixtures("exact_links")


_HEPATITIS = "Positive blood screen for hepatitis B surface antigen and/or C antibodies"
_HIV = "Positive blood screen for HIV-1 and/or 2 antibodies"
_UNSTABLE = (
    "Hemodynamically or clinically unstable condition systolic blood pressure (BP) < 90 mmHg, atrial or ventricular "
    "arrhythmias, or persistent resting chest pain felt to be ischemic despite adequate therapy)"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Estimated glomerular filtration rate (e-GFR) < 30 mL/min",
            {"observation": "egfr", "op": "<", "value": 30.0, "unit": "mL/min"},
            id="hyphenated-abbreviation",
        ),
        pytest.param(
            "Estimated glomerular filtration rate (eGFR) > 30 ml/min",
            {"observation": "egfr", "op": ">", "value": 30.0, "unit": "ml/min"},
            id="first-reading-stays",
        ),
    ],
)
def test_a_threshold_is_read_past_a_bracket_that_only_abbreviates(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(form(text, "exclusion"))
    assert compiled.when == expected, compiled.note


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            _UNSTABLE,
            "read systolic blood pressure < 90.0 mmHg, but not the words: hemodynamically clinically unstable "
            "condition atrial ventricular arrhythmias persistent",
            id="the-words-left-are-named",
        ),
    ],
)
def test_a_threshold_beside_unread_words_stays_for_review(text: str, reason: str) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert not compiled.executable
    assert compiled.when == {"needs_review": reason}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Patients who have received a live vaccine within 30 days prior to the first dose of trial treatment.",
            {"medication": "live_vaccine", "within": {"days": 30}},
            id="who-have-received-in-a-window",
        ),
    ],
)
def test_a_receipt_in_the_past_from_chia(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.when == expected, compiled.note
    assert 'linked "live vaccine" → vocabulary:live_vaccine' in compiled.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Prior receipt of any live vaccine", {"medication": "live_vaccine", "ever": True}, id="receipt"),
        pytest.param(
            "No prior receipt of chemotherapy", {"not": {"medication": "chemotherapy", "ever": True}}, id="no-receipt"
        ),
        pytest.param(
            "Received chemotherapy within 4 weeks",
            {"medication": "chemotherapy", "within": {"weeks": 4}},
            id="received-in-a-window",
        ),
        pytest.param("Has received chemotherapy", {"medication": "chemotherapy", "ever": True}, id="has-received"),
        pytest.param(
            "Have been treated with chemotherapy", {"medication": "chemotherapy", "ever": True}, id="been-treated-with"
        ),
    ],
)
def test_receipt_forms(text: str, expected: dict[str, Any]) -> None:
    assert compile_rule(form(text, "exclusion")).when == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Subjects who have received valproic acid for treatment of epilepsy within 30 days of enrollment"),
        pytest.param("Patients who have received prior chemotherapy for unresectable disease"),
        pytest.param("Received PRIDE intervention in past six months during pilot study"),
    ],
)
def test_a_receipt_with_unread_words_stays_for_review(text: str) -> None:
    assert not compile_rule(real(text, "exclusion")).executable


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("HIV-1 and/or 2 antibodies", ["HIV-1 antibodies", "HIV-2 antibodies"], id="number-after-hyphen"),
        pytest.param(
            "hepatitis B surface antigen and/or C antibodies",
            ["hepatitis B surface antigen", "hepatitis C antibodies"],
            id="letter-with-its-own-head",
        ),
        pytest.param("hepatitis B or C", ["hepatitis B", "hepatitis C"], id="letter-alone"),
        pytest.param("Stage III or IV cancer", ["Stage III cancer", "Stage IV cancer"], id="roman-numerals"),
        pytest.param("hepatitis B surface antigen or C", None, id="two-ways-to-complete"),
        pytest.param("BCVA 20/40 - 20/200 Snellen equivalent in study eye", None, id="not-a-list"),
        pytest.param("stroke or MI", None, id="no-ellipsis"),
    ],
)
def test_elliptic_items(phrase: str, expected: list[str] | None) -> None:
    assert elliptic(list_items(phrase)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            _HEPATITIS,
            {"any": [{"observation": "hbsag", "flag": True}, {"observation": "anti_hcv", "flag": True}]},
            id="each-expanded-test-links",
        ),
        pytest.param(
            _HIV,
            {"any": [{"observation": "hiv_test", "flag": True}, {"observation": "hiv_test", "flag": True}]},
            id="each-expanded-hiv-test-links",
        ),
    ],
)
def test_elliptic_lists_of_tests(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.when == expected
    if text == _HEPATITIS:
        assert 'linked "hepatitis C antibodies" → loinc:16128-1' in compiled.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "History of hepatitis B or C",
            {"any": [{"condition": "hepatitis_b", "ever": True}, {"condition": "hepatitis_c", "ever": True}]},
            id="history",
        ),
        pytest.param(
            "Hepatitis B or C infection requiring treatment",
            {
                "any": [
                    {"condition": "hepatitis_b", "qualifier": "requiring treatment"},
                    {"condition": "hepatitis_c", "qualifier": "requiring treatment"},
                ]
            },
            id="narrowed-each",
        ),
    ],
)
def test_elliptic_lists_of_conditions(text: str, expected: dict[str, Any]) -> None:
    assert compile_rule(form(text, "exclusion")).when == expected


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        pytest.param(
            '{"observations": [{"concept": "hbsag", "flag": false}, {"concept": "anti_hcv", "flag": false}]}',
            "satisfied",
            id="both-negative",
        ),
        pytest.param('{"observations": [{"concept": "anti_hcv", "flag": true}]}', "violated", id="hcv-positive"),
        pytest.param('{"observations": [{"concept": "hbsag", "flag": false}]}', "unknown", id="hcv-not-tested"),
    ],
)
def test_elliptic_list_verdicts(facts: str, status: str) -> None:
    assert _statuses("NCT01841593.xml", facts)[_HEPATITIS] == status
