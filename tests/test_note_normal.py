"""Tests a note states normal without a number: each test a normal result bounds by its upper limit is read as
at most 1 × ULN, which decides "≤ 2.5 × ULN" criteria and no absolute limit; a denied, conditional, family or
vital-sign statement is not read, and a test with its own number keeps that number."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.patient.concepts import load_concepts
from assistant.patient.facts import PatientFacts
from assistant.patient.note import read_note
from assistant.rules.context import PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.ops import TRUE, UNKNOWN
from assistant.rules.schema import parse_node

TODAY = dt.date(2025, 6, 2)
LIVER = ["alp", "alt", "ast", "bilirubin"]


def _bounded(text: str) -> list[str]:
    facts = read_note(text, TODAY).facts
    assert all(o.comparator == "<=" and o.value == 1 and o.unit == "ULN" for o in facts.observations if o.unit == "ULN")
    return sorted(o.concept for o in facts.observations if o.unit == "ULN")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "FBC, U&E and LFTs within normal limits.", sorted(["creatinine", "urea", *LIVER]), id="list-of-panels"
        ),
        pytest.param("Labs: LFTs normal.", LIVER, id="panel"),
        pytest.param("LFTs: normal.", LIVER, id="panel-colon"),
        pytest.param("Transaminases WNL.", ["alt", "ast"], id="wnl"),
        pytest.param("Normal renal function.", ["creatinine", "urea"], id="normal-before-the-panel"),
        pytest.param("Creatinine normal.", ["creatinine"], id="one-test"),
        pytest.param("Her bilirubin was within normal limits.", ["bilirubin"], id="one-test-with-words-between"),
        pytest.param(
            "ALT 35 U/L (ULN 40). LFTs otherwise normal.",
            ["alp", "ast", "bilirubin"],
            id="a-test-with-a-number-keeps-it",
        ),
        pytest.param("LFTs not within normal limits.", [], id="denied"),
        pytest.param("LFTs abnormal.", [], id="abnormal-is-not-normal"),
        pytest.param("If LFTs are normal, start treatment.", [], id="conditional"),
        pytest.param("Repeat LFTs pending; last normal.", [], id="pending"),
        pytest.param("Family history: mother with normal renal function.", [], id="family"),
        pytest.param("Heart rate normal. Normal heart sounds.", [], id="a-vital-sign-has-no-uln"),
        pytest.param("Full blood count, renal and bone profiles normal.", [], id="a-list-with-an-unknown-item"),
    ],
)
def test_tests_stated_normal(text: str, expected: list[str]) -> None:
    assert _bounded(text) == expected


@pytest.mark.parametrize(
    ("raw", "truth"),
    [
        pytest.param({"observation": "ast", "op": "<=", "uln": 2.5}, TRUE, id="uln-limit-decided"),
        pytest.param({"not": {"observation": "bilirubin", "op": ">", "uln": 1.5}}, TRUE, id="exclusion-decided"),
        pytest.param(
            {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL"}, UNKNOWN, id="absolute-limit-open"
        ),
    ],
)
def test_a_normal_statement_decides_uln_limits_only(raw: dict[str, Any], truth: int) -> None:
    facts = read_note("LFTs and renal function within normal limits.", TODAY).facts
    evaluate, _ = compile_node(parse_node(raw, "when"), load_concepts(), "when")
    got = evaluate(PatientContext(PatientFacts(observations=facts.observations), TODAY))
    assert got[0] == truth, got[1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Renal function: normal creatinine but low GFR.", ["creatinine"], id="the-test-after-normal"),
        pytest.param("U&E: normal, LFTs: ALT 80 U/L.", ["creatinine", "urea"], id="a-heading-stated-normal"),
        pytest.param(
            "Normal LFTs and renal function.", sorted([*LIVER, "creatinine", "urea"]), id="a-list-after-normal"
        ),
        pytest.param("Normal LFTs and low platelets.", LIVER, id="the-first-name-when-the-list-says-more"),
    ],
)
def test_a_heading_before_normal_words_is_read_only_when_they_end_the_clause(text: str, expected: list[str]) -> None:
    assert _bounded(text) == expected
