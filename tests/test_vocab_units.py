"""Every quantity observation of the vocabulary converts its canonical and alternative units with pint."""

from __future__ import annotations

import pytest

from assistant.errors import UnitError
from assistant.patient.concepts import Concept, load_concepts
from assistant.patient.units import factor, to_canonical

CONCEPTS = load_concepts()
QUANTITIES = [CONCEPTS.concepts[n] for n in CONCEPTS.names("observation") if CONCEPTS.concepts[n].value == "quantity"]
NEW_TABLE = [c for c in QUANTITIES if c.plausible is not None]


def test_the_table_is_large_enough() -> None:
    table = [c for c in CONCEPTS.concepts.values() if c.kind == "observation" and c.plausible is not None]
    assert len(CONCEPTS.names("observation")) >= 115 and len(table) >= 100
    assert sum(1 for c in table if c.loinc) >= 85


@pytest.mark.parametrize("concept", QUANTITIES, ids=lambda c: c.name)
def test_canonical_unit_converts(concept: Concept) -> None:
    assert factor(concept.unit, concept, "test") == 1.0


@pytest.mark.parametrize(
    ("concept", "unit"),
    [pytest.param(c, u, id=f"{c.name}-{u}") for c in QUANTITIES for u in c.units],
)
def test_alternative_unit_converts(concept: Concept, unit: str) -> None:
    assert factor(unit, concept, "test") > 0


@pytest.mark.parametrize("concept", NEW_TABLE, ids=lambda c: c.name)
def test_every_new_quantity_has_an_alternative_and_a_plausible_range(concept: Concept) -> None:
    assert concept.plausible is not None and concept.units
    low, high = concept.plausible
    assert low <= high


@pytest.mark.parametrize(
    ("name", "value", "unit", "canonical"),
    [
        pytest.param("creatinine", 88.42, "umol/L", 1.0, id="creatinine-si"),
        pytest.param("glucose", 5.551, "mmol/L", 100.0, id="glucose-si"),
        pytest.param("bilirubin", 17.1, "umol/L", 1.0, id="bilirubin-si"),
        pytest.param("calcium", 2.5, "mmol/L", 10.02, id="calcium-si"),
        pytest.param("bun", 3.57, "mmol/L", 10.0, id="bun-si"),
        pytest.param("uric_acid", 357, "umol/L", 6.0, id="urate-si"),
        pytest.param("total_cholesterol", 5.172, "mmol/L", 200.0, id="cholesterol-si"),
        pytest.param("triglycerides", 1.694, "mmol/L", 150.0, id="triglycerides-si"),
        pytest.param("free_t4", 12.87, "pmol/L", 1.0, id="free-t4-si"),
        pytest.param("testosterone", 1.734, "nmol/L", 50.0, id="castrate-testosterone"),
        pytest.param("body_weight", 154.32, "[lb_av]", 70.0, id="pounds"),
        pytest.param("body_height", 70, "[in_i]", 177.8, id="inches"),
        pytest.param("systolic_bp", 18.665, "kPa", 140.0, id="kpa"),
        pytest.param("egfr", 60, "mL/min/1.73m2", 60.0, id="egfr-per-1.73"),
        pytest.param("hemoglobin", 90, "g/L", 9.0, id="hb-g-per-l"),
        pytest.param("cd4_count", 0.2, "10*9/L", 200.0, id="cd4-per-litre"),
        pytest.param("creatinine_clearance", 1.0, "mL/s", 60.0, id="crcl-si"),
        pytest.param("tsh", 4.5, "u[IU]/mL", 4.5, id="tsh"),
        pytest.param("hba1c", 0.065, "1", 6.5, id="hba1c-fraction"),
    ],
)
def test_conversions(name: str, value: float, unit: str, canonical: float) -> None:
    assert to_canonical(value, unit, CONCEPTS.concepts[name], "test") == pytest.approx(canonical, rel=2e-3)


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        pytest.param("heart_rate", "kg", id="wrong-dimension"),
        pytest.param("sodium", "furlongs", id="unknown-unit"),
        pytest.param("glucose", "U/L", id="activity-for-mass"),
    ],
)
def test_wrong_units_are_errors(name: str, unit: str) -> None:
    with pytest.raises(UnitError, match=name):
        factor(unit, CONCEPTS.concepts[name], "test")
