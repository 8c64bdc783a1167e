"""Criteria made of clauses of different kinds, each read alone and joined as the words join them; lists of
thresholds in an exclusion; and the clause lists the compiler must leave for review."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from tests.test_compile_patterns import form, real


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Glomerular filtration rate <30mL/minute or on dialysis",
            "exclusion",
            {
                "any": [
                    {"observation": "egfr", "op": "<", "value": 30.0, "unit": "mL/minute"},
                    {
                        "all": [
                            {"procedure": "dialysis"},
                            {"needs_review": "whether the dialysis (renal replacement therapy) recorded goes on now"},
                        ]
                    },
                ]
            },
            id="threshold-or-procedure",
        ),
        pytest.param(
            "Congestive heart failure within 6 mo and LVEF < 45%",
            "exclusion",
            {
                "all": [
                    {"condition": "congestive_heart_failure", "within": {"months": 6}},
                    {"observation": "lvef", "op": "<", "value": 45.0, "unit": "%"},
                ]
            },
            id="condition-in-a-window-and-threshold",
        ),
        pytest.param(
            "Type 2 diabetes mellitus with HbA1c > 7.5 %",
            "inclusion",
            {"all": [{"condition": "type_2_diabetes"}, {"observation": "hba1c", "op": ">", "value": 7.5, "unit": "%"}]},
            id="condition-with-threshold-needs-both",
        ),
        pytest.param(
            "Pre-existent neutropenia (neutrophils <1,500/mm3) or thrombocytopenia (platelets < 90,000/mm3)",
            "exclusion",
            {
                "any": [
                    {"observation": "anc", "op": "<", "value": 1500.0, "unit": "/mm3"},
                    {"observation": "platelets", "op": "<", "value": 90000.0, "unit": "/mm3"},
                ]
            },
            id="conditions-each-defined-by-its-bracket",
        ),
    ],
)
def test_clauses_of_different_kinds(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, kind))
    assert compiled.when == expected, compiled.note
    assert compiled.kind == "combined"
    assert text.rstrip(" .") in compiled.note


def test_a_medication_with_a_threshold_needs_both() -> None:
    compiled = compile_rule(form("Warfarin therapy with INR > 3", "exclusion"))
    assert compiled.when == {
        "all": [{"medication": "warfarin"}, {"observation": "inr", "op": ">", "value": 3.0, "unit": "{INR}"}]
    }, compiled.note


@pytest.mark.parametrize(
    ("kind", "operator"),
    [pytest.param("exclusion", "any", id="exclusion-any-excludes"), pytest.param("inclusion", "all", id="inclusion")],
)
def test_thresholds_listed_with_commas(kind: str, operator: str) -> None:
    """In an exclusion each listed threshold is a reason to exclude: reading them as all required would
    call a patient with one of them eligible."""
    compiled = compile_rule(form("ANC < 1500/mm3, platelets < 100,000/mm3", kind))
    assert list(compiled.when) == [operator]
    assert [leaf["observation"] for leaf in compiled.when[operator]] == ["anc", "platelets"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("Age more than 70 yr and less than 40 yr.", "exclusion", id="bounds-that-cannot-both-hold"),
        pytest.param("No history of stroke or HbA1c > 8 %", "exclusion", id="negation-scopes-over-the-list"),
        pytest.param("Creatinine > 2 mg/dL or dialysis and LVEF < 40%", "exclusion", id="and-with-or"),
        pytest.param("Women with HbA1c > 8 % or stroke", "exclusion", id="a-clause-for-one-sex"),
        pytest.param(
            "Creatinine clearance < 30 mL/min, not on dialysis",
            "exclusion",
            id="a-denied-clause-narrows-the-one-before",
        ),
    ],
)
def test_clause_lists_left_for_review(text: str, kind: str) -> None:
    criterion = real(text, kind) if text.startswith("Age more") else form(text, kind)
    compiled = compile_rule(criterion)
    assert not compiled.executable, compiled.when
    assert compiled.kind != "combined"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "13. Serum aspartate transaminase (AST) and/or alanine transaminase (ALT) ≤2.5 × ULN ",
            {"all": [{"observation": "ast", "op": "<=", "uln": 2.5}, {"observation": "alt", "op": "<=", "uln": 2.5}]},
            id="and-or-in-an-inclusion-needs-both",
        ),
        pytest.param(
            "WHO (World Health organization) Performance status: 0, 1 or 2 ",
            {"observation": "ecog", "op": "between", "value": [0.0, 2.0]},
            id="who-in-capitals-and-its-spelled-out-bracket",
        ),
        pytest.param(
            "calculated creatinine clearance less than 60 mL per minute",
            {"observation": "creatinine_clearance", "op": "<", "value": 60.0, "unit": "mL/minute"},
            id="ml-per-minute",
        ),
        pytest.param(
            "QTc >500 milliseconds on EKG at screening.",
            {"observation": "qtc", "op": ">", "value": 500.0, "unit": "milliseconds"},
            id="milliseconds-and-the-test-it-is-read-on",
        ),
        pytest.param(
            "Calculated eGFR below 60ml/min/1.73m2 (MDRD)",
            {"observation": "egfr", "op": "<", "value": 60.0, "unit": "ml/min/1.73m2"},
            id="the-formula-in-brackets",
        ),
        pytest.param(
            "creatinine > 2,5 mg/dl",
            {"observation": "creatinine", "op": ">", "value": 2.5, "unit": "mg/dl"},
            id="decimal-comma",
        ),
        pytest.param(
            "Serum potassium < 3.5 or > 5.1 mEq/L ",
            {
                "any": [
                    {"observation": "potassium", "op": "<", "value": 3.5, "unit": "mEq/L"},
                    {"observation": "potassium", "op": ">", "value": 5.1, "unit": "mEq/L"},
                ]
            },
            id="equivalents",
        ),
        pytest.param(
            "Adequate kidney function (serum creatinine < 1.5 mg/dL) ",
            {"observation": "creatinine", "op": "<", "value": 1.5, "unit": "mg/dL"},
            id="organ-function-its-bracket-defines",
        ),
        pytest.param(
            "Abnormal coagulation profile: INR > 2.5 and/or PTT > 80 ",
            {
                "all": [
                    {"observation": "inr", "op": ">", "value": 2.5, "unit": "{INR}"},
                    {"observation": "aptt", "op": ">", "value": 80.0, "unit": "s"},
                ]
            },
            id="a-condition-its-thresholds-define-after-a-colon",
        ),
        pytest.param(
            "Symptomatic anemia (hemoglobin <10 g/dL) as determined by investigator",
            {"observation": "hemoglobin", "op": "<", "value": 10.0, "unit": "g/dL"},
            id="defined-by-its-bracket-with-an-aside-after",
        ),
        pytest.param(
            "Hematologic ANC > 1000/uL and platelet > 75,000/uL, ",
            {
                "all": [
                    {"observation": "anc", "op": ">", "value": 1000.0, "unit": "/uL"},
                    {"observation": "platelets", "op": ">", "value": 75000.0, "unit": "/uL"},
                ]
            },
            id="an-organ-word-heading-abbreviations",
        ),
        pytest.param(
            "3. Weighing at least 50 kg ",
            {"observation": "body_weight", "op": ">=", "value": 50.0, "unit": "kg"},
            id="weighing",
        ),
        pytest.param(
            "12. Heart rate <50 at time of screening ",
            {"observation": "heart_rate", "op": "<", "value": 50.0, "unit": "/min"},
            id="at-time-of-screening",
        ),
    ],
)
def test_threshold_forms(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text))
    assert compiled.when == expected, compiled.note


def test_and_or_between_thresholds_in_an_exclusion_excludes_on_either() -> None:
    compiled = compile_rule(real("Abnormal coagulation profile: INR > 2.5 and/or PTT > 80 ", "exclusion"))
    assert [leaf["observation"] for leaf in compiled.when["any"]] == ["inr", "aptt"], compiled.note


def test_an_organ_word_before_a_lower_case_word_is_part_of_a_name() -> None:
    """ "renal failure (…)": "renal" names the failure its bracket defines; it is not a heading."""
    compiled = compile_rule(form("renal failure (creatinine > 2 mg/dL)", "exclusion"))
    assert "'renal failure' read as what its thresholds define" in compiled.note


def test_a_decimal_comma_is_not_a_list_of_scores() -> None:
    assert compile_rule(form("ECOG 0,1 or 2")).when == {"observation": "ecog", "op": "between", "value": [0.0, 2.0]}


_CHIA_NCT00305097 = (
    "Abnormal hepatic function (liver function test > twice the normal range), abnormal renal function (creatinine "
    "> 1.1 mg/dl), fasting plasma glucose in the diabetic range (>/= 126 mg/dl), or blood pressure > 140/90 mmHg."
)


def test_clauses_not_read_stand_for_review_beside_those_read() -> None:
    """Chia NCT00305097: a creatinine above 1.1 mg/dl excludes whatever the hepatic and glucose clauses say;
    below it, those two are left for review."""
    compiled = compile_rule(real(_CHIA_NCT00305097, "exclusion"))
    tests = compiled.when["any"]
    assert [("needs_review" in t) for t in tests] == [True, False, True, False]
    assert tests[1] == {"observation": "creatinine", "op": ">", "value": 1.1, "unit": "mg/dl"}
    assert "partly executable: 'Abnormal hepatic function" in compiled.note


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # the bound after "and" shares the subject of the clause before it: it is not an age
        pytest.param(
            "Duration of current episode of depression ≥4 weeks and ≤3 years", "inclusion", id="bound-fragment"
        ),
        # in an exclusion, "and" may join requirements both needed or list reasons to exclude
        pytest.param("Labile disease course and serum creatinine > 2 mg/dL", "exclusion", id="exclusion-and-unread"),
    ],
)
def test_clauses_not_read_that_could_qualify_the_others_keep_the_criterion_for_review(text: str, kind: str) -> None:
    assert not compile_rule(form(text, kind)).executable


def test_a_listed_clause_not_read_in_an_exclusion_stands_for_review() -> None:
    """The same clauses listed with a comma: each excludes, so a creatinine above 2 mg/dL decides."""
    compiled = compile_rule(form("Labile disease course, serum creatinine > 2 mg/dL", "exclusion"))
    assert compiled.when["any"][1] == {"observation": "creatinine", "op": ">", "value": 2.0, "unit": "mg/dL"}
    assert "needs_review" in compiled.when["any"][0]


_NCT03599518_I12 = (
    "Has Eastern Cooperative Oncology Group (ECOG) performance status (PS) of 0 or 1, with\n"
    "             no deterioration over the previous 2 weeks"
)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        pytest.param(
            _NCT03599518_I12, {"observation": "ecog", "op": "between", "value": [0.0, 1.0]}, id="threshold-with-words"
        ),
        pytest.param(
            "Patients aged 18 years or older with a diagnosis confirmed by a specialist",
            {"age": ">=", "value": 18.0},
            id="age-with-words",
        ),
    ],
)
def test_an_age_or_threshold_with_words_not_read_is_required_whatever_they_say(text: str, first: Any) -> None:
    """NCT03599518:I12: an ECOG of 2 rules the patient out; 0 or 1 leaves "no deterioration" for review."""
    compiled = compile_rule(form(text, "inclusion"))
    required, words = compiled.when["all"]
    assert required == first and "needs_review" in words


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ANC >= 1500/mm3 with or without G-CSF", id="or-without-widens"),
        pytest.param("Hemoglobin >= 9 g/dL with transfusion allowed", id="allowed-widens"),
    ],
)
def test_words_after_with_that_widen_keep_the_criterion_for_review(text: str) -> None:
    assert not compile_rule(form(text, "inclusion")).executable
