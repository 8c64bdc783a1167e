"""Temperatures in °F against a concept in °C: a scale with an offset converts by its formula (101.5 °F is
38.6 °C), never by a factor (101.5 × 0.93 would be 94.8 °C, a fever limit no patient reaches), in rules, in
FHIR and in facts files; ``factor`` refuses such a unit by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.errors import UnitError
from assistant.patient import read_facts_file
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Observation, PatientFacts
from assistant.patient.units import factor, to_canonical
from assistant.rules.compile import compile_rule
from assistant.rules.context import PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.ops import FALSE, TRUE
from assistant.rules.schema import parse_node
from assistant.types import Criterion

CONCEPTS = load_concepts()
TEMPERATURE = CONCEPTS.concepts["body_temperature"]
TODAY = dt.date(2025, 6, 2)


@pytest.mark.parametrize(
    ("value", "unit", "celsius"),
    [
        pytest.param(101.5, "[degF]", 38.6111111111, id="ucum-fahrenheit"),
        pytest.param(98.6, "°F", 37.0, id="degree-sign"),
        pytest.param(38.5, "Cel", 38.5, id="the-concept-s-own"),
        pytest.param(38.5, "°C", 38.5, id="celsius-spelled-otherwise"),
    ],
)
def test_a_temperature_converts_by_its_formula(value: float, unit: str, celsius: float) -> None:
    assert to_canonical(value, unit, TEMPERATURE, "t") == pytest.approx(celsius)


def test_no_factor_takes_fahrenheit_to_celsius() -> None:
    with pytest.raises(UnitError, match=r"'\[degF\]' is a scale with an offset from Cel"):
        factor("[degF]", TEMPERATURE, "t")


@pytest.mark.parametrize(
    ("celsius", "truth"),
    [pytest.param(39.0, TRUE, id="fever"), pytest.param(38.0, FALSE, id="below-101.5-F")],
)
def test_a_compiled_fahrenheit_limit_is_checked_in_celsius(celsius: float, truth: int) -> None:
    text = "Acute infection (Temperature > 101.5 °F)"
    compiled = compile_rule(Criterion("NCT0:E1", "exclusion", text, 0, len(text)), CONCEPTS)
    assert compiled.executable, compiled.when
    raw: dict[str, Any] = compiled.when
    evaluate, _ = compile_node(parse_node(raw, "when"), CONCEPTS, "when")
    facts = PatientFacts(observations=(Observation(concept="body_temperature", value=celsius, unit="Cel"),))
    assert evaluate(PatientContext(facts, TODAY))[0] == truth


def test_a_facts_file_temperature_in_fahrenheit(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    entry = {"concept": "body_temperature", "value": 101.5, "unit": "[degF]"}
    path.write_text(yaml.safe_dump({"patient": {"age": 50, "sex": "male"}, "observations": [entry]}))
    (temperature,) = read_facts_file(path, today=TODAY).observations
    evaluate, _ = compile_node(
        parse_node({"observation": "body_temperature", "op": ">", "value": 38.5, "unit": "Cel"}, "when"), CONCEPTS, "w"
    )
    assert evaluate(PatientContext(PatientFacts(observations=(temperature,)), TODAY))[0] == TRUE


def test_an_implausible_fahrenheit_value_names_the_range_in_fahrenheit(tmp_path: Path) -> None:
    from assistant.errors import PatientDataError

    path = tmp_path / "p.yaml"
    entry = {"concept": "body_temperature", "value": 150, "unit": "[degF]"}
    path.write_text(yaml.safe_dump({"patient": {"age": 50, "sex": "male"}, "observations": [entry]}))
    with pytest.raises(
        PatientDataError, match=r"150 \[degF\] is not a plausible body temperature .*: 77 to 113 \[degF\]"
    ):
        read_facts_file(path, today=TODAY)
