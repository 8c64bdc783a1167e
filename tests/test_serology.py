"""Serology tests as flags (corpus/vocabulary/observations.yaml): hepatitis B core antibody (LOINC 16933-4),
and the spelled-out names of the HCV and HIV antibody tests criteria use; a note's result read as the flag.
Criteria are quoted from records of the shared protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.rules.compile import compile_rule
from tests.conftest import note_verdict, one_criterion

TODAY = dt.date(2025, 7, 8)
HBC = ("ctgov-legacy-xml/NCT03424005.xml", "NCT03424005:I13")  # 'Negative total hepatitis B core antibody (HBcAb)'


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(HBC, {"observation": "anti_hbc", "flag": False}, id="NCT03424005:I13"),
        pytest.param(
            ("ctgov-legacy-xml/NCT03424005.xml", "NCT03424005:I14"),  # 'Negative hepatitis C virus (HCV) antibody test'
            {"observation": "anti_hcv", "flag": False},
            id="NCT03424005:I14",
        ),
        pytest.param(
            (
                "ctgov-legacy-xml/NCT01841593.xml",
                "NCT01841593:E5",
            ),  # 'Positive blood screen for HIV-1 and/or 2 antibodies'
            {"any": [{"observation": "hiv_test", "flag": True}, {"observation": "hiv_test", "flag": True}]},
            id="NCT01841593:E5",
        ),
    ],
)
def test_serology_criteria_compile(record: tuple[str, str], expected: dict[str, Any]) -> None:
    compiled = compile_rule(one_criterion(*record).criteria[0])
    assert compiled.executable and compiled.when == expected


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("Serology: HBsAg negative, hepatitis B core antibody negative.", "satisfied", id="negative"),
        pytest.param("Hepatitis B core antibody positive, HBsAg negative.", "violated", id="resolved-infection"),
        pytest.param("Anti-HBc total: reactive.", "violated", id="reactive"),
        pytest.param("HBsAg negative.", "unknown", id="core-antibody-not-tested"),
    ],
)
def test_core_antibody_decides_the_criterion(note: str, status: str) -> None:
    verdict = note_verdict(*HBC, note, TODAY)
    assert verdict.status == status, verdict
