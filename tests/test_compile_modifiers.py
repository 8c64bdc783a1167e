"""Modifiers before a name: alternatives joined before one name ("Severe or uncontrolled hypertension") bear on
that name, and a word shaped as a modifier ("invasive candidiasis", "tumor-related pain") narrows it. Either
way the name's absence decides the criterion and its presence is left for a clinician, never counted as the
criterion met. Criteria are quoted from records of the shared protocols where one has the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from assistant.rules.compile.coordination import coordinated_modifiers
from assistant.rules.compile.heads import is_modifier, set_aside_modifiers
from assistant.types import Criterion
from tests.conftest import note_verdict, one_criterion

INFECTIONS = ("ctgov-legacy-xml/NCT02438137.xml", "NCT02438137:E11")
# 'Participants with a history of active, serious or persistent infections.'
PAIN = ("ctgov-legacy-xml/NCT03424005.xml", "NCT03424005:E7")  # 'Uncontrolled tumor-related pain'
TODAY = dt.date(2025, 6, 2)


def _compiled(text: str) -> Any:
    return compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(
            INFECTIONS,
            {"condition": "infection", "ever": True, "qualifier": "active, serious or persistent"},
            id="timing-and-judgement-joined",
        ),
        pytest.param(PAIN, {"condition": "icd10:R52", "qualifier": "uncontrolled tumor-related"}, id="hyphenated"),
    ],
)
def test_record_criteria_compile(record: tuple[str, str], expected: dict[str, Any]) -> None:
    compiled = compile_rule(one_criterion(*record).criteria[0])
    assert compiled.executable and compiled.when == expected, compiled.note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Severe or uncontrolled hypertension",
            {"condition": "hypertension", "qualifier": "severe or uncontrolled"},
            id="two-judgements",
        ),
        pytest.param(
            "No severe, uncontrolled or unstable cardiac disease",
            {"not": {"condition": "heart_disease", "qualifier": "severe, uncontrolled or unstable"}},
            id="three-judgements-negated",
        ),
        pytest.param(
            "Severe and uncontrolled asthma",
            {"condition": "icd10:J45", "qualifier": "severe and uncontrolled"},
            id="and-between-judgements",
        ),
        pytest.param(
            "History of severe or recurrent pancreatitis",
            {"condition": "icd10:K85", "ever": True, "qualifier": "severe or recurrent"},
            id="history-kept",
        ),
        pytest.param(
            "Subjects with active, known or suspected autoimmune disease.",
            {"condition": "icd10:M30-M36"},
            id="timings-only",
        ),
        pytest.param("Invasive candidiasis", {"condition": "icd10:B37", "qualifier": "Invasive"}, id="modifier"),
        pytest.param(
            "Intractable neuropathic pain",
            {"condition": "icd10:R52", "qualifier": "Intractable neuropathic"},
            id="two-modifiers",
        ),
    ],
)
def test_modifiers_before_a_name_narrow_it(text: str, expected: dict[str, Any]) -> None:
    compiled = _compiled(text)
    assert compiled.executable and compiled.when == expected, compiled.note


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Gall bladder cancer", id="noun-modifier-is-another-organ"),
        pytest.param("Adequately treated non-melanoma skin cancer", id="privative-prefix"),
        pytest.param("Prior and current hypertension", id="timings-joined-by-and"),
    ],
)
def test_words_that_do_not_narrow_are_not_set_aside(text: str) -> None:
    assert not _compiled(text).executable


def test_a_list_of_names_is_still_read_as_a_list() -> None:
    """ "Chronic or recurrent infections" names two HPO terms; it is not read as judgements on one."""
    compiled = _compiled("Chronic or recurrent infections")
    assert compiled.when == {"any": [{"condition": "hpo:HP:0031035"}, {"condition": "hpo:HP:0002719"}]}


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("invasive", True, id="ive"),
        pytest.param("periocular", True, id="ar"),
        pytest.param("tumor-related", True, id="related"),
        pytest.param("clinically", True, id="adverb"),
        pytest.param("gall", False, id="noun"),
        pytest.param("latent", False, id="over-or-other"),
        pytest.param("non-traumatic", False, id="negative-prefix"),
        pytest.param("previous", False, id="past-qualifier"),
    ],
)
def test_modifier_shape(word: str, expected: bool) -> None:
    assert is_modifier(word) is expected


def test_at_most_two_modifiers_and_a_name_are_left() -> None:
    assert set_aside_modifiers("intractable neuropathic pain") == [
        ("neuropathic pain", "intractable"),
        ("pain", "intractable neuropathic"),
    ]
    assert set_aside_modifiers("invasive") == []
    assert coordinated_modifiers("severe hypertension") is None  # one word is no coordination


@pytest.mark.parametrize(
    ("record", "note", "status"),
    [
        pytest.param(INFECTIONS, "PMH: no infections of any kind.", "satisfied", id="absence-decides"),
        pytest.param(
            INFECTIONS, "PMH: pneumonia in 2019 treated with antibiotics.", "unknown", id="presence-is-judged"
        ),
        pytest.param(PAIN, "Denies pain.", "satisfied", id="pain-denied"),
        pytest.param(PAIN, "Metastatic breast cancer with bone pain on oxycodone.", "unknown", id="pain-present"),
    ],
)
def test_verdicts_on_notes(record: tuple[str, str], note: str, status: str) -> None:
    verdict = note_verdict(*record, note, TODAY)
    assert verdict.status == status, verdict.reason
    if status == "unknown":  # found, and left for a clinician: not "no record either way"
        assert verdict.reason.endswith("a clinician judges"), verdict.reason
