"""Words that narrow nothing and windows counted from a named visit: "total or partial gastrectomy" is any
gastrectomy, "within 4 months of baseline visit" is a 4-month window; and an operation a class includes is
its own concept, so a criterion on it is not met by another operation of the class. Criteria are quoted from
records of the shared protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from assistant.types import Criterion
from tests.conftest import note_verdict, one_criterion

GASTRECTOMY = (
    "ctgov-legacy-xml/NCT03204344.xml",
    "NCT03204344:E3",
)  # 'Previous history of total or partial gastrectomy;'
BIOLOGICS = (
    "ctgov-v2-json/NCT02210780.json",
    "NCT02210780:E6",
)  # 'Treatment with biologics within 4 months of baseline visit'
TODAY = dt.date(2025, 6, 2)


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(GASTRECTOMY, {"procedure": "gastrectomy"}, id="total-or-partial"),  # any record of an operation
        pytest.param(BIOLOGICS, {"medication": "biologic", "within": {"months": 4}}, id="window-of-baseline-visit"),
    ],
)
def test_record_criteria_compile(record: tuple[str, str], expected: dict[str, Any]) -> None:
    compiled = compile_rule(one_criterion(*record).criteria[0])
    assert compiled.executable and compiled.when == expected, compiled.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Unilateral or bilateral hearing loss", "hearing loss", id="sides"),
        pytest.param("Bilateral or unilateral hearing loss", "hearing loss", id="either-order"),
    ],
)
def test_a_covering_pair_is_the_name_alone(text: str, expected: str) -> None:
    bare = compile_rule(Criterion("X:E1", "exclusion", expected, 0, len(expected)))
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert bare.executable and compiled.when == bare.when


def test_a_pair_whose_bare_name_is_one_of_them_is_read_as_two_items() -> None:
    """ICD-10-CM files "pancreatitis" (NOS) under acute pancreatitis: "acute or chronic pancreatitis" must keep
    chronic pancreatitis, so the pair is dropped only when the criterion does not read with it."""
    text = "Acute or chronic pancreatitis"
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    # "Chronic pancreatitis NOS" is an inclusion term of K86, "Other diseases of pancreas": a residual, so the
    # HPO's own name comes first
    assert compiled.when == {"any": [{"condition": "icd10:K85"}, {"condition": "hpo:HP:0006280"}]}, compiled.note


def test_a_word_alone_is_not_set_aside() -> None:
    """One side alone is no pair: the criterion is not the bare name; the word narrows it, so a record of
    hearing loss leaves the criterion for a clinician (``qualifier``) and only its absence decides."""
    text = "Unilateral hearing loss"
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert compiled.when == {"condition": "hpo:HP:0000365", "qualifier": "Unilateral"}, compiled.note


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param(
            "PMH: laparoscopic cholecystectomy 2019; colectomy for diverticulitis 2021.", "unknown", id="other-op"
        ),
        pytest.param("PMH: distal gastrectomy for peptic ulcer in 2015.", "violated", id="the-operation"),
        pytest.param("No previous abdominal surgery.", "unknown", id="surgery-denied-is-not-every-operation"),
    ],
)
def test_an_operation_of_a_class_is_its_own_concept(note: str, status: str) -> None:
    assert note_verdict(*GASTRECTOMY, note, TODAY).status == status


def test_a_last_item_that_only_widens_the_list_stands_for_review() -> None:
    """'or other alphavirus vaccine' links to nothing but qualifies nothing either: the chikungunya vaccine is
    tested and the rest is left for review (the rule is one-sided)."""
    compiled = compile_rule(one_criterion("ctgov-legacy-xml/NCT03101111.xml", "NCT03101111:E2").criteria[0])
    assert compiled.when == {
        "any": [
            {"medication": "chikungunya_vaccine", "ever": True},
            {"needs_review": "'other alphavirus vaccine' is not linked to a concept"},
        ]
    }


@pytest.mark.parametrize(
    ("text", "item"),
    [
        pytest.param("History of stroke or other cerebrovascular disease", "icd10:I60-I69", id="the-class"),
        pytest.param(
            "Ankylosing spondylitis or any other inflammatory arthritis", "inflammatory_arthritis", id="curated"
        ),
    ],
)
def test_other_item_reads_as_the_class_not_a_residual_code(text: str, item: str) -> None:
    """ICD-10-CM's "Other cerebrovascular diseases" (I67) is what is left of the block; "or other
    cerebrovascular disease" in a criterion means the whole class."""
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert compiled.executable and {"condition": item} in [
        {"condition": node["condition"]} for node in compiled.when["any"]
    ]
    assert "icd10:I67" not in str(compiled.when)
