"""Site default reference ranges (off by default) and the grouping of what would settle unknowns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.check import check_patient
from assistant.errors import PatientDataError
from assistant.patient.facts import Observation, PatientFacts
from assistant.patient.site_ranges import site_ranges
from assistant.settings import get_settings
from assistant.types import Protocol

from .conftest import CORPUS

AS_OF = dt.date(2024, 6, 3)
EXAMPLE = CORPUS / "site-ranges.example.yaml"


def _creatinine_verdict(seed: Protocol, facts: PatientFacts) -> tuple[str, str]:
    check = check_patient(seed, facts, AS_OF)
    verdict = next(v for v in check.verdicts if "reatinine" in v.text)
    return verdict.status, verdict.reason


@pytest.fixture
def with_ranges(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setenv("PA_SITE_RANGES", str(EXAMPLE))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


CREATININE = PatientFacts(observations=(Observation(concept="creatinine", value=0.9, unit="mg/dL"),))


def test_without_a_reference_range_the_criterion_is_unknown(seed: Protocol) -> None:
    status, reason = _creatinine_verdict(seed, CREATININE)
    assert status == "unknown"
    assert "no reference range" in reason


@pytest.mark.usefixtures("with_ranges")
@pytest.mark.parametrize(
    ("value", "unit", "status", "ratio"),
    [
        pytest.param(0.9, "mg/dL", "satisfied", "0.75", id="normal-mg-dl"),
        pytest.param(80, "umol/L", "satisfied", "0.754", id="normal-umol-l"),
        pytest.param(2.1, "mg/dL", "violated", "1.75", id="high"),
    ],
)
def test_the_site_range_is_used_and_named(seed: Protocol, value: float, unit: str, status: str, ratio: str) -> None:
    facts = PatientFacts(observations=(Observation(concept="creatinine", value=value, unit=unit),))
    got, reason = _creatinine_verdict(seed, facts)
    assert got == status
    assert f"is {ratio} × ULN" in reason
    assert "ULN 1.2 mg/dL assumed from Example site laboratory" in reason


@pytest.mark.usefixtures("with_ranges")
def test_a_stated_reference_range_wins_over_the_site_range(seed: Protocol) -> None:
    facts = PatientFacts(
        observations=(
            Observation(concept="creatinine", value=0.9, unit="mg/dL", reference_high=0.5, reference_high_unit="mg/dL"),
        )
    )
    status, reason = _creatinine_verdict(seed, facts)
    assert status == "violated"
    assert "assumed" not in reason


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("site: X\nranges:\n  creatinine: {high: 1.2, unit: mg/dL, low: 0.5}\n", "low", id="unknown-key"),
        pytest.param("site: X\nranges:\n  cirrhosis: {high: 1, unit: mg/dL}\n", "cirrhosis", id="not-a-lab"),
        pytest.param("site: X\nranges:\n  creatinine: {high: 1.2, unit: cm}\n", "'cm'", id="wrong-unit"),
        pytest.param("site: X\nranges:\n  creatinine: {high: -1, unit: mg/dL}\n", "greater than 0", id="negative"),
        pytest.param("ranges: {}\n", "site", id="no-site"),
    ],
)
def test_a_bad_site_file_is_an_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ranges.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PatientDataError, match=message):
        site_ranges(path)


def test_unknowns_are_grouped_into_data_to_order_and_questions_to_ask(seed: Protocol) -> None:
    check = check_patient(seed, PatientFacts(age=60, sex="female"), AS_OF)
    settle = check.to_settle()
    assert "platelet count" in settle["order"]
    assert "absolute neutrophil count" in settle["order"]
    assert any("brain metastases" in item for item in settle["ask"])
    assert not set(settle["order"]) & set(settle["ask"])
    assert check.to_json()["to_settle"] == settle
