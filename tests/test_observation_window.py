"""A measurement test with a window ("Serum creatinine ≤ 1.5 mg/dL within the past 90 days") reads only the
latest value, and only when it is dated inside the window before the check date (the window's first day
included, as for conditions): an undated latest value, an older one or none leaves the test unknown with the
date and the window in the reason, never met or not met; negated, the unknown stays unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Observation, PatientFacts
from assistant.rules.context import PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.ops import FALSE, TRUE, UNKNOWN
from assistant.rules.schema import parse_node

CONCEPTS = load_concepts()
AS_OF = dt.date(2025, 6, 2)
CREATININE: dict[str, Any] = {"observation": "creatinine", "op": "<=", "value": 1.5, "unit": "mg/dL"}
WINDOWED = {**CREATININE, "within": {"days": 90}}


def _creatinine(value: float, day: dt.date | None) -> Observation:
    return Observation(concept="creatinine", value=value, unit="mg/dL", date=day)


def _result(raw: dict[str, Any], *observations: Observation) -> tuple[int, str, tuple[str, ...], tuple[str, ...]]:
    evaluate, _ = compile_node(parse_node(raw, "when"), CONCEPTS, "when")
    return evaluate(PatientContext(PatientFacts(observations=observations), AS_OF))


@pytest.mark.parametrize(
    ("observations", "truth", "reason"),
    [
        pytest.param((_creatinine(1.2, dt.date(2025, 5, 1)),), TRUE, "dated within 90 days of 2025-06-02", id="inside"),
        pytest.param((_creatinine(2.2, dt.date(2025, 5, 1)),), FALSE, "is not ≤ 1.5 mg/dL", id="inside-not-met"),
        pytest.param((_creatinine(1.2, dt.date(2025, 3, 4)),), TRUE, "(2025-03-04)", id="first-day-of-window"),
        pytest.param(
            (_creatinine(1.2, dt.date(2025, 3, 3)),),
            UNKNOWN,
            "latest creatinine dated 2025-03-03, before 2025-03-04: outside 90 days of 2025-06-02",
            id="day-before-window",
        ),
        pytest.param((_creatinine(1.2, None),), UNKNOWN, "latest creatinine is undated", id="undated"),
        pytest.param(
            (_creatinine(2.2, dt.date(2025, 1, 2)), _creatinine(1.2, dt.date(2025, 5, 20))),
            TRUE,
            "1.2 mg/dL (2025-05-20)",
            id="latest-of-several",
        ),
        pytest.param(
            (_creatinine(1.2, dt.date(2025, 1, 2)), _creatinine(1.1, dt.date(2025, 6, 10))),
            UNKNOWN,
            "dated 2025-01-02",
            id="after-check-date-not-known-yet",
        ),
        pytest.param((), UNKNOWN, "no creatinine on record", id="none"),
    ],
)
def test_window(observations: tuple[Observation, ...], truth: int, reason: str) -> None:
    result = _result(WINDOWED, *observations)
    assert result[0] == truth
    assert reason in result[1]
    assert bool(result[3]) == (truth == UNKNOWN)
    if truth == UNKNOWN:
        assert result[3] == ("creatinine dated within 90 days before the check date",)


@pytest.mark.parametrize(
    ("observations", "truth"),
    [
        pytest.param((_creatinine(2.2, dt.date(2025, 5, 1)),), TRUE, id="inside-swapped"),
        pytest.param((_creatinine(2.2, dt.date(2024, 5, 1)),), UNKNOWN, id="older-stays-unknown"),
        pytest.param((_creatinine(2.2, None),), UNKNOWN, id="undated-stays-unknown"),
    ],
)
def test_negated_window(observations: tuple[Observation, ...], truth: int) -> None:
    assert _result({"not": WINDOWED}, *observations)[0] == truth


@pytest.mark.parametrize(
    ("raw", "observation", "truth"),
    [
        pytest.param(
            {"observation": "pregnancy_test", "flag": False, "within": {"days": 7}},
            Observation(concept="pregnancy_test", flag=False, date=dt.date(2025, 5, 30)),
            TRUE,
            id="flag-inside",
        ),
        pytest.param(
            {"observation": "pregnancy_test", "flag": False, "within": {"days": 7}},
            Observation(concept="pregnancy_test", flag=False, date=dt.date(2025, 5, 1)),
            UNKNOWN,
            id="flag-older",
        ),
        pytest.param(
            {"observation": "alt", "op": "<=", "uln": 2.5, "within": {"weeks": 2}},
            Observation(concept="alt", value=50, unit="U/L", reference_high=40, date=dt.date(2025, 5, 26)),
            TRUE,
            id="uln-inside",
        ),
        pytest.param(
            {"observation": "ecog", "op": "<=", "value": 1, "within": {"months": 1}},
            Observation(concept="ecog", value=1, date=dt.date(2025, 4, 1)),
            UNKNOWN,
            id="score-older",
        ),
    ],
)
def test_window_on_every_form(raw: dict[str, Any], observation: Observation, truth: int) -> None:
    assert _result(raw, observation)[0] == truth


def test_without_window_the_latest_value_decides_as_before() -> None:
    old = _creatinine(1.2, dt.date(2020, 1, 1))
    assert _result(CREATININE, old)[0] == TRUE
    assert _result(CREATININE, _creatinine(1.2, None))[0] == TRUE
