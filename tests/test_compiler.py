"""The drafting compiler: common patterns become executable rules; anything else needs review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.parse import parse_protocol
from assistant.rules.compile import compile_criterion, compile_rule, draft_rules, dump_rules
from assistant.rules.extract import extract_thresholds
from assistant.rules.load import compile_document
from assistant.rules.schema import parse_document
from assistant.types import Criterion

pytestmark = pytest.mark.usefixtures("exact_links")

ROOT = Path(__file__).resolve().parent.parent
CHIA = ROOT.parent / "shared" / "criteria" / "chia-dev"
SHARED = ROOT.parent / "shared"


def criterion(text: str, kind: str = "inclusion") -> Criterion:
    return Criterion(id="NCT0:I1", type=kind, text=text, start=0, end=len(text))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Age:18 and over", {"age": ">=", "value": 18.0}, id="age-and-over"),
        pytest.param("18 years of age or older", {"age": ">=", "value": 18.0}, id="age-or-older"),
        pytest.param("Age between 18 and 75 years", {"age": "between", "value": [18.0, 75.0]}, id="age-range"),
        pytest.param(
            "Age ≥ 18 and ≤ 65",
            {"all": [{"age": ">=", "value": 18.0}, {"age": "<=", "value": 65.0}]},
            id="age-two-bounds",
        ),
        pytest.param(
            "Platelet count > 100,000/mm3",
            {"observation": "platelets", "op": ">", "value": 100000.0, "unit": "/mm3"},
            id="platelets",
        ),
        pytest.param(
            "ANC ≥ 1.5 x 10^9/L",
            {"observation": "anc", "op": ">=", "value": 1.5, "unit": "10^9/L"},
            id="anc-scientific",
        ),
        pytest.param(
            "Hemoglobin >= 9 g/dL",
            {"observation": "hemoglobin", "op": ">=", "value": 9.0, "unit": "g/dL"},
            id="hemoglobin",
        ),
        pytest.param("Bilirubin < 1.5 times ULN", {"observation": "bilirubin", "op": "<", "uln": 1.5}, id="uln"),
        pytest.param(
            "Serum creatinine ≤ 1.5 x the institutional upper limit of normal",
            {"observation": "creatinine", "op": "<=", "uln": 1.5},
            id="uln-long",
        ),
        pytest.param(
            "Performance status:ECOG 0-3",
            {"observation": "ecog", "op": "between", "value": [0.0, 3.0]},
            id="ecog-range",
        ),
        pytest.param(
            "ECOG performance status of 0 or 1",
            {"observation": "ecog", "op": "between", "value": [0.0, 1.0]},
            id="ecog-list",
        ),
        pytest.param(
            "Karnofsky performance status ≥ 70%",
            {"observation": "karnofsky", "op": ">=", "value": 70.0},
            id="karnofsky",
        ),
        pytest.param(
            "Platelets ≥ 100,000/µL and ANC ≥ 1,500/µL",
            {
                "all": [
                    {"observation": "platelets", "op": ">=", "value": 100000.0, "unit": "/µL"},
                    {"observation": "anc", "op": ">=", "value": 1500.0, "unit": "/µL"},
                ]
            },
            id="two-labs",
        ),
        pytest.param("No known brain metastases", {"not": {"condition": "brain_metastases"}}, id="no-known-x"),
        pytest.param("No cirrhosis", {"not": {"condition": "cirrhosis"}}, id="no-x"),
        pytest.param(
            "No myocardial infarction within the past 6 months",
            {"not": {"condition": "myocardial_infarction", "within": {"months": 6}}},
            id="no-x-within",
        ),
        pytest.param(
            "No concurrent anticancer chemotherapy", {"not": {"medication": "chemotherapy"}}, id="no-concurrent-drug"
        ),
        pytest.param(
            "At least 28 days since prior radiotherapy",
            {"since": "radiotherapy", "op": ">=", "days": 28},
            id="since-at-least",
        ),
        pytest.param(
            "More than 4 weeks since prior chemotherapy",
            {"since": "chemotherapy", "op": ">", "weeks": 4},
            id="since-more-than",
        ),
        pytest.param(
            "No radiotherapy within 4 weeks prior to study entry",
            {"since": "radiotherapy", "op": ">", "weeks": 4},
            id="no-x-within-before-entry",
        ),
    ],
)
def test_common_patterns_compile(text: str, expected: dict[str, Any]) -> None:
    when, note = compile_criterion(criterion(text))
    assert when == expected, note


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        pytest.param(
            "Not pregnant or nursing",
            "inclusion",
            {"not": {"any": [{"condition": "pregnant"}, {"condition": "nursing"}]}},
            id="not-pregnant",
        ),
        pytest.param(
            "Negative pregnancy test", "inclusion", {"observation": "pregnancy_test", "flag": False}, id="negative-test"
        ),
        pytest.param(
            "Pregnant or lactating women",
            "exclusion",
            {"any": [{"condition": "pregnant"}, {"condition": "nursing"}]},
            id="exclusion-pregnant",
        ),
    ],
)
def test_pregnancy_concerns_female_patients_only(text: str, kind: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(criterion(text, kind))
    assert compiled.when == expected, compiled.note
    assert compiled.applies_to == {"sex": ["female"]}


def test_other_chronic_liver_disease_now_links_to_its_concept() -> None:
    when, note = compile_criterion(criterion("No other chronic liver disease"))
    assert when == {"not": {"condition": "chronic_liver_disease"}}
    assert "icd10:K70" in note


@pytest.mark.parametrize(
    ("text", "because"),
    [
        pytest.param("Must be medically fit to undergo surgery", "no pattern", id="judgement"),
        pytest.param(
            "Platelet count > 100,000/mm3 unless marrow involvement",
            "not the words: unless marrow",
            id="unread-qualifier",
        ),
        pytest.param("Shunt fraction ≥ 60 mL/min", "is not in the concept vocabulary", id="other-measurement"),
        pytest.param("Platelets > 100", "threshold without a unit", id="no-unit"),
        pytest.param("Hemoglobin > 9 mmol/L", "does not convert", id="unconvertible-unit"),
        pytest.param("No other liver disease", "no pattern", id="other-x"),
        pytest.param(
            "AST and ALT < 2.5 times ULN (5 times ULN if hepatic metastases are present)",
            "not the words",
            id="conditional-limit",
        ),
        pytest.param(
            "Platelets > 50,000/mm3 and ANC > 1,000/mm3 or hemoglobin > 9 g/dL", "cannot tell how", id="and-or-mixed"
        ),
    ],
)
def test_what_cannot_be_read_needs_review(text: str, because: str) -> None:
    when, _ = compile_criterion(criterion(text))
    assert set(when) == {"needs_review"}
    assert because in when["needs_review"]


def test_seed_draft_is_valid_and_compiles() -> None:
    protocol = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
    document = draft_rules(protocol)
    assert document.status == "draft"
    reloaded = parse_document(yaml.safe_load(dump_rules(document)), "draft")
    rules = compile_document(reloaded, protocol, "compiled")
    assert len(rules.rules) == len(protocol.criteria)
    executable = {r.criterion_id.split(":")[1] for r in rules.rules if r.executable}
    assert {"I6", "I7", "I8", "I9", "I10", "I12", "I16", "I20", "I23", "I24", "I35"} <= executable
    assert "I26" not in executable and "I11" not in executable


def test_thresholds_carry_spans() -> None:
    text = "Absolute neutrophil count (ANC) >1,500/microL and platelets >100,000/microL"
    found = extract_thresholds(text)
    assert [text[t.start : t.end] for t in found] == [">1,500/microL", ">100,000/microL"]
    assert [text[t.m_start : t.m_end] for t in found] == ["ANC", "platelets"]


def test_chia_threshold_extraction_holds_its_measured_level() -> None:
    assert CHIA.exists(), f"the Chia development set is expected at {CHIA}"
    from eval.chia_compiler import evaluate

    result = evaluate(CHIA)
    assert result["gold_thresholds"] > 500
    assert result["precision"] >= 0.65 and result["recall"] >= 0.6, result
    # executable rules: measured 0.953 / 0.325 (eval/chia_compiler.py); the floors sit just under. Of the 10
    # executable thresholds that match no annotation, most are correct readings the annotators left out.
    assert result["exec_precision"] >= 0.94 and result["exec_recall"] >= 0.30, result


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("> 2,5 mg/dl", (">", 2.5, "mg/dl"), id="decimal-comma"),
        pytest.param("1,5 mg/dL or more", (">=", 1.5, "mg/dL"), id="decimal-comma-postfix"),
        pytest.param(">= 100,000/mm3", (">=", 100000.0, "/mm3"), id="thousands-comma"),
        pytest.param("below 60ml/min/1.73m2", ("<", 60.0, "ml/min/1.73m2"), id="number-after-a-slash-is-the-unit"),
        pytest.param(">50 kg (110 lbs)", (">", 50.0, "kg"), id="limit-restated-in-a-bracket"),
        pytest.param("at/above 100 umol per liter", (">=", 100.0, "umol per liter"), id="at-slash-above"),
        pytest.param("< 40% of predicted value", ("<", 40.0, "%"), id="percent-of-predicted"),
        pytest.param(
            "< 2 x ULN (5 x ULN if liver metastases)",
            ("<", 2.0, "×ULN"),
            id="a-conditional-limit-in-a-bracket-is-not-the-limit",
        ),
    ],
)
def test_the_reference_reader_of_annotated_values(value: str, expected: tuple[str, float, str]) -> None:
    from assistant.evaluation.chia import gold_threshold

    assert gold_threshold(value) == expected


@pytest.mark.parametrize(
    ("record", "criterion_id", "expected"),
    [
        pytest.param(
            "ctgov-legacy-xml/NCT00513591.xml", "NCT00513591:I8", {"condition": "icd10:M35.0"}, id="NCT00513591:I8"
        ),
    ],
)
def test_real_criterion_with_an_accent_folded_name_links(
    record: str, criterion_id: str, expected: dict[str, Any]
) -> None:
    """ "Sjogren's Syndrome" as the record writes it, without the ö of the ICD-10-CM title."""
    protocol = parse_protocol(SHARED / "protocols" / record)
    found = next(c for c in protocol.criteria if c.id == criterion_id)
    when, note = compile_criterion(found)
    assert when == expected, note
    assert "icd10:M35.0" in note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Mini-mental State Examination (MMSE) [18] score = 23.",
            {"observation": "mmse", "op": "==", "value": 23.0},
            id="scale-in-a-bracket-before-score",
        ),
        pytest.param(
            "a score of at least 20 on the Hamilton Anxiety Rating Scale",
            {"observation": "hama", "op": ">=", "value": 20.0},
            id="scale-named-after-the-limit",
        ),
        pytest.param(
            "Score greater than 8 on Children's Yale-Brown Obsessive Compulsive Scale",
            None,
            id="a-scale-the-vocabulary-lacks-stays-unread",
        ),
        pytest.param("Grade 2 or 3", None, id="a-grade-of-nothing-named-stays-unread"),
        pytest.param(
            "Mini-Mental State Examination exam score < 24",
            {"observation": "mmse", "op": "<", "value": 24.0},
            id="scale-name-then-exam-score",
        ),
        pytest.param(
            "Patients must have a score of greater than 20 on the Yale-Brown Obsessive Compulsive Scale",
            {"observation": "ybocs", "op": ">", "value": 20.0},
            id="must-have-a-score-on-the-scale",
        ),
        pytest.param(
            "Subjects must score 2 or higher on the modified Medical Research Council Dyspnea scale",
            {"observation": "mmrc_dyspnea", "op": ">=", "value": 2.0},
            id="must-score-on-the-scale",
        ),
        pytest.param(
            "American Society of Anesthesiologists Status 1 -3",
            {"observation": "asa_class", "op": "between", "value": [1.0, 3.0]},
            id="society-status",
        ),
        pytest.param("The score of HAMD =21", None, id="hamd-without-its-item-count-stays-unread"),
        pytest.param(
            "Bilirubin level at/above 100 umol per liter (5.8 mg/dL)",
            {"observation": "bilirubin", "op": ">=", "value": 100.0, "unit": "umol/liter"},
            id="at-slash-above-and-a-restated-limit",
        ),
        pytest.param(
            "Weight: At least 60 kg (132 lbs)",
            {"observation": "body_weight", "op": ">=", "value": 60.0, "unit": "kg"},
            id="restated-in-pounds",
        ),
        pytest.param("Serum creatinine > 1.5 mg/dL (200 µmol/L)", None, id="a-restatement-that-disagrees-stays"),
        pytest.param(
            "creatinine clearance more or equal to 60 ml/min",
            {"observation": "creatinine_clearance", "op": ">=", "value": 60.0, "unit": "ml/min"},
            id="more-or-equal",
        ),
        pytest.param(
            "A platelet count less than 75,000 cells/mm3 or greater than 700,000 cells/mm3",
            {
                "any": [
                    {"observation": "platelets", "op": "<", "value": 75000.0, "unit": "cells/mm3"},
                    {"observation": "platelets", "op": ">", "value": 700000.0, "unit": "cells/mm3"},
                ]
            },
            id="or-greater-than-is-a-second-limit-not-a-postfix",
        ),
        pytest.param(
            "Has left ventricular ejection fraction (LVEF) < 45% by either echocardiogram (ECHO) or multigated "
            "acquisition (MUGA) scan",
            {"observation": "lvef", "op": "<", "value": 45.0, "unit": "%"},
            id="either-of-two-methods",
        ),
        pytest.param(
            "GFR < 90 mL/min/1.73 m2 (MDRD equation) at selection",
            {"observation": "egfr", "op": "<", "value": 90.0, "unit": "mL/min/1.73m2"},
            id="equation-in-a-bracket-and-at-selection",
        ),
        pytest.param(
            "Patients aged 18 years or older with type 2 diabetes",
            {"all": [{"age": ">=", "value": 18.0}, {"condition": "type_2_diabetes"}]},
            id="an-age-with-a-condition",
        ),
        pytest.param("Men aged 40-70 years with hypertension", None, id="an-age-of-one-sex-stays-for-review"),
        pytest.param(
            "FEV1 < 40% of predicted value",
            {"observation": "fev1_percent_predicted", "op": "<", "value": 40.0, "unit": "%"},
            id="percent-of-predicted",
        ),
        pytest.param(
            "FVC < 50% predicted",
            {"observation": "fvc_percent_predicted", "op": "<", "value": 50.0, "unit": "%"},
            id="percent-predicted",
        ),
        pytest.param(
            "Temperature > 101.5 °F",
            {"observation": "body_temperature", "op": ">", "value": 101.5, "unit": "°F"},
            id="degrees-fahrenheit",
        ),
        pytest.param(
            "Patients in liver failure with a MELD score ≥ 30.",
            {"all": [{"condition": "hpo:HP:0001399"}, {"observation": "meld", "op": ">=", "value": 30.0}]},
            id="patients-in-a-condition-with-a-score",
        ),
        pytest.param(
            "fasting plasma glucose concentration of 110 mg/dL or greater",
            {"observation": "fasting_glucose", "op": ">=", "value": 110.0, "unit": "mg/dL"},
            id="concentration-is-filler",
        ),
    ],
)
def test_scales_comparators_and_restated_limits(text: str, expected: dict[str, Any] | None) -> None:
    compiled = compile_rule(criterion(text))
    if expected is None:
        assert not compiled.executable, compiled.when
    else:
        assert compiled.when == expected, compiled.note
