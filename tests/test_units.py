"""Unit conversion to each concept's canonical unit, and errors that name the unit."""

from __future__ import annotations

import pytest

from assistant.errors import UnitError
from assistant.patient.concepts import load_concepts
from assistant.patient.units import is_uln, normalize_unit, to_canonical

CONCEPTS = load_concepts()


@pytest.mark.parametrize(
    ("concept", "value", "unit", "expected"),
    [
        pytest.param("platelets", 100_000, "/mm3", 100.0, id="per-mm3-to-10*9/L"),
        pytest.param("platelets", 100_000, "/mm³", 100.0, id="superscript-3"),
        pytest.param("platelets", 150, "10*9/L", 150.0, id="ucum-10*9/L"),
        pytest.param("platelets", 150, "10^9/L", 150.0, id="caret-10^9/L"),
        pytest.param("platelets", 150, "10*3/uL", 150.0, id="10*3/uL-equals-10*9/L"),
        pytest.param("platelets", 150, "K/uL", 150.0, id="K/uL-thousands-not-kelvin"),
        pytest.param("platelets", 150_000, "/µL", 150.0, id="per-microlitre-micro-sign"),
        pytest.param("platelets", 150_000, "/mcL", 150.0, id="per-mcL"),
        pytest.param("anc", 1500, "cells/mm3", 1.5, id="cells-per-mm3"),
        pytest.param("anc", 1500, "{cells}/uL", 1.5, id="ucum-annotation"),
        pytest.param("creatinine", 88.42, "umol/L", 1.0002, id="creatinine-umol-to-mg/dL"),
        pytest.param("creatinine", 1, "mg/dL", 1.0, id="creatinine-mg/dL"),
        pytest.param("creatinine", 10, "mg/L", 1.0, id="creatinine-mg/L"),
        pytest.param("bilirubin", 17.1, "µmol/L", 0.99977, id="bilirubin-umol-to-mg/dL"),
        pytest.param("bilirubin", 1.2, "mg/dl", 1.2, id="lower-case-dl"),
        pytest.param("ast", 40, "U/L", 40.0, id="U/L"),
        pytest.param("ast", 40, "[IU]/L", 40.0, id="ucum-IU/L"),
        pytest.param("hemoglobin", 90, "g/L", 9.0, id="hemoglobin-g/L-to-g/dL"),
        pytest.param("tumour_size", 115, "mm", 11.5, id="mm-to-cm"),
        pytest.param("mitotic_count", 10, "/[HPF]", 10.0, id="per-hpf"),
        pytest.param("mitotic_count", 10, "/50[HPF]", 0.2, id="per-50-hpf"),
        pytest.param("potassium", 4.1, "mEq/L", 4.1, id="equivalents-of-a-monovalent-ion-are-moles"),
        pytest.param("sodium", 138, "meq/l", 138.0, id="lower-case-meq"),
        pytest.param("calcium", 5.0, "mEq/L", 10.0195, id="divalent-calcium-half-as-many-moles"),
        pytest.param("magnesium", 2.0, "mEq/L", 2.4305, id="divalent-magnesium"),
    ],
)
def test_conversion(concept: str, value: float, unit: str, expected: float) -> None:
    assert to_canonical(value, unit, CONCEPTS.get(concept), "test") == pytest.approx(expected, rel=1e-4)


def test_boundary_survives_conversion_exactly() -> None:
    # 100,000/mm3 must be exactly 100 10*9/L, so "> 100,000/mm3" is false for it
    assert to_canonical(100_000, "/mm3", CONCEPTS.get("platelets"), "t") == 100.0
    assert to_canonical(1_500, "/mm3", CONCEPTS.get("anc"), "t") == 1.5


@pytest.mark.parametrize(
    ("concept", "unit", "message"),
    [
        pytest.param(
            "platelets",
            "bananas",
            "unknown unit 'bananas' for platelets; expected a count per volume",
            id="unknown-unit",
        ),
        pytest.param("platelets", "mg/dL", "unit 'mg/dL' does not convert to 10*9/L", id="wrong-dimension"),
        pytest.param("ast", "mg/dL", "expected a catalytic activity per volume", id="enzyme-in-mass"),
        pytest.param("tumour_size", "kg", "expected a length", id="size-in-kg"),
        pytest.param("platelets", None, "no unit given for platelets", id="no-unit"),
        pytest.param("hemoglobin", "umol/L", "unit 'umol/L' does not convert to g/dL", id="molar-without-molar-mass"),
        pytest.param(
            "creatinine",
            "mEq/L",
            "unit 'mEq/L' counts equivalents, which convert only for an ion of known charge",
            id="equivalents-of-what-is-not-an-ion",
        ),
    ],
)
def test_unconvertible_unit_is_an_error_naming_it(concept: str, unit: str | None, message: str) -> None:
    with pytest.raises(UnitError, match="^Observation/x valueQuantity.unit: ") as info:
        to_canonical(1.0, unit, CONCEPTS.get(concept), "Observation/x valueQuantity.unit")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("ULN", True), ("x ULN", True), ("×ULN", True), ("U/L", False), (None, False)],
)
def test_uln_units(unit: str | None, expected: bool) -> None:
    assert is_uln(unit) is expected


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("10*9/L", "1e9/L"), ("/mm3", "1/mm**3"), ("µmol/L", "umol/L"), ("/50[HPF]", "1/(50*HPF)")],
)
def test_normalize_unit(unit: str, expected: str) -> None:
    assert normalize_unit(unit) == expected


@pytest.mark.parametrize(
    ("concept", "value", "unit", "expected"),
    [
        pytest.param("hba1c", 8.2, "%", 8.2, id="hba1c-percent"),
        pytest.param("hba1c", 0.082, "1", 8.2, id="hba1c-fraction"),
        pytest.param("hematocrit", 0.42, "L/L", 42.0, id="hematocrit-fraction"),
        pytest.param("lvef", 0.45, "1", 45.0, id="lvef-fraction"),
    ],
)
def test_dimensionless_units_listed_by_the_concept_convert(
    concept: str, value: float, unit: str, expected: float
) -> None:
    from assistant.patient.concepts import load_concepts
    from assistant.patient.units import to_canonical

    assert to_canonical(value, unit, load_concepts().concepts[concept], "unit") == expected


@pytest.mark.parametrize(
    ("concept", "unit"),
    [
        pytest.param("hba1c", "mmol/mol", id="hba1c-ifcc-is-another-scale"),
        pytest.param("lvef", "permille", id="lvef-permille"),
    ],
)
def test_another_dimensionless_scale_is_refused(concept: str, unit: str) -> None:
    from assistant.errors import UnitError
    from assistant.patient.concepts import load_concepts
    from assistant.patient.units import to_canonical

    with pytest.raises(UnitError, match="different scale"):
        to_canonical(64, unit, load_concepts().concepts[concept], "unit")
