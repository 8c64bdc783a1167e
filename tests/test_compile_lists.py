"""Criteria from real records and the Chia development set: measurements named at the end of longer words,
"x normal" as a multiple of the upper limit, measurements sharing one limit, and lists where one threshold
or one condition cannot be tested."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from assistant.types import Criterion
from tests.test_compile_patterns import real
from tests.test_compile_windows import _statuses

SHARED = Path(__file__).resolve().parents[2] / "shared"
CHIA = SHARED / "criteria" / "chia-dev"


def _rule(text: str, kind: str = "inclusion") -> Any:
    return compile_rule(Criterion("NCT00000000:I1", kind, text, 0, len(text)))  # type: ignore[arg-type]


_AST_250 = {"observation": "ast", "op": ">", "value": 250.0, "unit": "U/L"}
_ALT_250 = {"observation": "alt", "op": ">", "value": 250.0, "unit": "U/L"}


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Patients must have adequate renal function as documented by a calculated creatinine clearance ≥ 60.",
            "inclusion",
            {"observation": "creatinine_clearance", "op": ">=", "value": 60.0, "unit": "mL/min"},
            id="organ-function-lead-in",
        ),
        pytest.param(
            "Abnormal renal function as evidenced by a calculated creatinine clearance < 30 ml/minute.",
            "exclusion",
            {"observation": "creatinine_clearance", "op": "<", "value": 30.0, "unit": "ml/minute"},
            id="abnormal-function-lead-in",
        ),
        pytest.param(
            "Patients must have a Zubrod performance status of 0-2.",
            "inclusion",
            {"observation": "ecog", "op": "between", "value": [0.0, 2.0]},
            id="zubrod-after-must-have",
        ),
        pytest.param(
            "Bilirubin less than 1.5x upper limit of normal, AST less than 3x upper limit of normal, serum creatinine "
            "less than 1.5x normal and Hgb 8.0 g/dL or greater",
            "inclusion",
            {
                "all": [
                    {"observation": "bilirubin", "op": "<", "uln": 1.5},
                    {"observation": "ast", "op": "<", "uln": 3.0},
                    {"observation": "creatinine", "op": "<", "uln": 1.5},
                    {"observation": "hemoglobin", "op": ">=", "value": 8.0, "unit": "g/dL"},
                ]
            },
            id="times-normal-is-uln",
        ),
        pytest.param(
            "7. Have an ALT/AST>3x upper limit of normal.",
            "exclusion",
            {"any": [{"observation": "alt", "op": ">", "uln": 3.0}, {"observation": "ast", "op": ">", "uln": 3.0}]},
            id="shared-limit-exclusion-any",
        ),
        pytest.param(
            "7. Have an ALT/AST>3x upper limit of normal.",
            "inclusion",
            {"all": [{"observation": "alt", "op": ">", "uln": 3.0}, {"observation": "ast", "op": ">", "uln": 3.0}]},
            id="shared-limit-inclusion-all",
        ),
        pytest.param(
            "Resting heart rate < 65 beats per minute",
            "exclusion",
            {"observation": "heart_rate", "op": "<", "value": 65.0, "unit": "/min"},
            id="beats-per-minute-in-words",
        ),
        pytest.param(
            "Respiratory rate > 30 breaths per minute",
            "exclusion",
            {"observation": "respiratory_rate", "op": ">", "value": 30.0, "unit": "/min"},
            id="breaths-per-minute-in-words",
        ),
        pytest.param(
            "AST or ALT > 2.5 x ULN",
            "inclusion",
            {"any": [{"observation": "ast", "op": ">", "uln": 2.5}, {"observation": "alt", "op": ">", "uln": 2.5}]},
            id="shared-limit-or-any",
        ),
    ],
)
def test_read(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = _rule(text, kind)
    assert compiled.executable, compiled.note
    assert compiled.when == expected


@pytest.mark.parametrize(
    ("text", "left"),
    [
        pytest.param("Initial WBC < 20,000/µL", "initial", id="initial-is-not-current"),
        pytest.param("Pre-operative hemoglobin >8 g/dl", "pre-operative", id="timing-qualifier"),
        pytest.param("Premorbid IQ of over 70 ", "premorbid", id="premorbid"),
        pytest.param("2-hour C-peptide level < 1.8 ng/mL.", "hour", id="stimulated-value"),
        pytest.param("Severe hepatitis activity as documented by ALT>10 x ULN", "hepatitis", id="condition-lead-in"),
    ],
)
def test_words_before_a_measurement_are_accounted_for(text: str, left: str) -> None:
    """A measurement found at the end of longer words is linked, but the words before it still decide:
    a qualifier the compiler cannot read leaves the criterion for review, naming the word."""
    compiled = _rule(text)
    assert not compiled.executable
    assert left in compiled.when["needs_review"]


def test_a_list_with_one_untestable_threshold_decides_only_one_way() -> None:
    text = "Platelets ≥ 100,000/mm3, ANC ≥ 1,500/mm3 and fibrinogen degradation products < 10 mg/L"
    compiled = _rule(text)
    assert compiled.executable
    leaves = compiled.when["all"]
    assert leaves[:2] == [
        {"observation": "platelets", "op": ">=", "value": 100000.0, "unit": "/mm3"},
        {"observation": "anc", "op": ">=", "value": 1500.0, "unit": "/mm3"},
    ]
    assert set(leaves[2]) == {"needs_review"} and "fibrinogen degradation products" in leaves[2]["needs_review"]
    assert "partly executable: 1 of 3" in compiled.note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("ANC ≥ 1500/mm3 (or ≥ 1000/mm3 for patients of Asian descent)", id="alternative-limit"),
        pytest.param("Bilirubin < 20.0mg/dL (if Gilberts then < 2.5 mg/dL) and AST/AST < 2.5 ULN ", id="if-clause"),
    ],
)
def test_an_untestable_threshold_that_may_qualify_the_others_keeps_the_criterion_for_review(text: str) -> None:
    assert not _rule(text).executable


def test_the_real_lines_are_in_the_chia_files() -> None:
    """The criterion lines above are quoted from the Chia development set, not paraphrased."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CHIA.glob("*.txt")))
    for line in (
        "Patients must have adequate renal function as documented by a calculated creatinine clearance ≥ 60.",
        "Patients must have a Zubrod performance status of 0-2.",
        "serum creatinine less than 1.5x normal and Hgb 8.0 g/dL or greater",
        "7. Have an ALT/AST>3x upper limit of normal.",
        "Initial WBC < 20,000/µL",
        "Severe hepatitis activity as documented by ALT>10 x ULN",
    ):
        assert line in text


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        pytest.param("Vaginal bleeding or placental abruption.", {"condition": "hpo:HP:0011419"}, id="first-unlinked"),
        pytest.param(
            "Patients receiving growth hormone therapy or taking insulin", {"medication": "insulin"}, id="medications"
        ),
    ],
)
def test_an_or_list_with_an_unlinked_item_tests_the_linked_ones(text: str, linked: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.executable
    first, *rest = compiled.when["any"]
    assert first == linked
    assert rest and all(set(leaf) == {"needs_review"} for leaf in rest)
    assert "partly executable" in compiled.note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "History of moderate or severe non-traumatic arthritis or arthralgia within 3 months of the Screening "
            "Visit.",
            id="severity-words-qualify-the-rest",
        ),
        pytest.param("Hepatitis B or zorbloid infection requiring treatment", id="narrowing-in-the-unlinked-item"),
        pytest.param("Cancer, unless curatively treated, or stroke", id="exception-item"),
        pytest.param("Myocardial infarction or zorbloid disease", id="last-item-unlinked"),
    ],
)
def test_an_unlinked_item_that_may_qualify_the_others_keeps_the_criterion_for_review(text: str) -> None:
    assert not compile_rule(Criterion("NCT0:E1", "exclusion", text, 0, len(text))).executable


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        pytest.param('{"conditions": [{"concept": "hpo:HP:0011419"}]}', "violated", id="linked-item-present"),
        pytest.param('{"conditions": [{"concept": "hpo:HP:0011419", "present": false}]}', "needs_review", id="absent"),
        pytest.param("{}", "unknown", id="nothing-known"),
    ],
)
def test_the_unlinked_item_never_lets_the_criterion_pass(facts: str, status: str) -> None:
    """Placental abruption decides the exclusion when present; its absence leaves vaginal bleeding for review."""
    assert _statuses("NCT02699827.xml", facts)["Vaginal bleeding or placental abruption."] == status


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        pytest.param('{"medications": [{"concept": "tofacitinib"}]}', "violated", id="immunosuppressant-jak"),
        pytest.param('{"medications": [{"concept": "ruxolitinib"}]}', "violated", id="antineoplastic-jak"),
        pytest.param('{"medications": [{"concept": "jak_inhibitor", "present": false}]}', "satisfied", id="none"),
        pytest.param('{"medications": [{"concept": "methylprednisolone"}]}', "unknown", id="other-drug"),
    ],
)
def test_a_jak_inhibitor_criterion_on_a_record(facts: str, status: str) -> None:
    """'Concomitant use of any JAK inhibitor.' (NCT03147742) links to the class of ATC L04AF and L01EJ."""
    assert _statuses("NCT03147742.xml", facts)["Concomitant use of any JAK inhibitor."] == status


def test_only_the_immunosuppressive_jak_inhibitors_are_immunosuppressants() -> None:
    """ATC L04AF (tofacitinib, upadacitinib, …) are immunosuppressants; L01EJ (ruxolitinib, …) are not listed so."""
    from assistant.patient.concepts import load_concepts

    includes = load_concepts().concepts["immunosuppressant"].includes
    assert {"tofacitinib", "upadacitinib", "baricitinib"} <= set(includes)
    assert not {"ruxolitinib", "fedratinib", "jak_inhibitor"} & set(includes)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "renal failure (creatinine > 2 mg/dL)",
            {"observation": "creatinine", "op": ">", "value": 2.0, "unit": "mg/dL"},
            id="condition-defined-by-its-bracket",
        ),
        pytest.param(
            "liver failure (AST and ALT > 250 U/L)",
            {  # 'and' may ask for both or list them: decided where both readings agree
                "any": [
                    {"all": [_AST_250, _ALT_250]},
                    {
                        "all": [
                            {"any": [_AST_250, _ALT_250]},
                            {
                                "needs_review": "only some of the values joined by 'and' are beyond the limit: "
                                "each or any one may be meant"
                            },
                        ]
                    },
                ]
            },
            id="defined-by-a-shared-limit",
        ),
        pytest.param(
            "severe scoliosis (Cobb angle (CA) >40°)",
            {"observation": "cobb_angle", "op": ">", "value": 40.0, "unit": "deg"},
            id="a-judgement-the-bracket-defines-and-an-abbreviation-that-is-not-another-measurement",
        ),
        pytest.param(
            "Severe anemia (hemoglobin <8 g/dL)",
            {"observation": "hemoglobin", "op": "<", "value": 8.0, "unit": "g/dL"},
            id="severe-anaemia-defined",
        ),
        pytest.param(
            "Severe Renal dysfunction (Ccr<30 ml/min)",
            {"observation": "creatinine_clearance", "op": "<", "value": 30.0, "unit": "ml/min"},
            id="creatinine-clearance-defines-renal-dysfunction",
        ),
    ],
)
def test_a_condition_defined_by_bracketed_thresholds(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(real(text, "exclusion"))
    assert compiled.when == expected
    assert "read as what its thresholds define" in compiled.note


def test_a_name_that_is_no_condition_before_a_bracket_keeps_the_criterion_for_review() -> None:
    text = "Zorbloid index (creatinine > 2 mg/dL)"
    assert not compile_rule(Criterion("NCT0:E1", "exclusion", text, 0, len(text))).executable


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        pytest.param(
            '{"sex": "female", "observations": [{"concept": "bmi", "value": 39, "unit": "kg/m2"}]}',
            "violated",
            id="woman-39",
        ),
        pytest.param(
            '{"sex": "female", "observations": [{"concept": "bmi", "value": 31, "unit": "kg/m2"}]}',
            "satisfied",
            id="woman-31",
        ),
        pytest.param(
            '{"sex": "male", "observations": [{"concept": "bmi", "value": 39, "unit": "kg/m2"}]}',
            "not_applicable",
            id="man",
        ),
    ],
)
def test_thresholds_stated_for_one_sex(facts: str, status: str) -> None:
    """'Women with BMI>37' (NCT02389088) concerns women only: for a man it is not applicable."""
    assert _statuses("NCT02389088.xml", facts)["Women with BMI>37"] == status
