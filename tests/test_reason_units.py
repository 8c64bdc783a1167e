"""A threshold's reason shows the patient's value in the rule's unit too, when the two units differ.

The seed's platelet criterion is written per mm3 and records give platelets in 10*9/L: "245 10*9/L is
> 100,000 /mm3" makes a clinician convert; the reason says "245 10*9/L (…; 245,000 /mm3)". A value in the
rule's own unit is shown once.
"""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.check import check_patient
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Observation, PatientFacts
from assistant.patient.units import from_canonical, to_canonical
from assistant.types import Protocol

AS_OF = dt.date(2024, 6, 3)
DAY = dt.date(2024, 5, 28)


@pytest.mark.parametrize(
    ("value", "unit", "comparator", "reason"),
    [
        pytest.param(
            245, "10*9/L", None, "platelet count 245 10*9/L (2024-05-28; 245,000 /mm3) is > 100,000 /mm3", id="si"
        ),
        pytest.param(
            80, "10*9/L", None, "platelet count 80 10*9/L (2024-05-28; 80,000 /mm3) is not > 100,000 /mm3", id="low"
        ),
        pytest.param(
            245000, "/mm3", None, "platelet count 245,000 /mm3 (2024-05-28) is > 100,000 /mm3", id="same-unit"
        ),
        pytest.param(
            150, "10*9/L", ">", "platelet count > 150 10*9/L (2024-05-28; > 150,000 /mm3) is > 100,000 /mm3", id="bound"
        ),
    ],
)
def test_the_value_is_restated_in_the_rules_unit(
    seed: Protocol, value: float, unit: str, comparator: str | None, reason: str
) -> None:
    obs = Observation(concept="platelets", value=value, unit=unit, comparator=comparator, date=DAY, source="test")
    check = check_patient(seed, PatientFacts(observations=(obs,)), AS_OF)
    verdict = next(v for v in check.verdicts if v.criterion_id == "NCT01267695:I9")
    assert verdict.reason == reason


@pytest.mark.parametrize(
    ("concept", "value", "unit"),
    [
        pytest.param("body_temperature", 101.5, "degF", id="offset-scale"),
        pytest.param("platelets", 100000, "/mm3", id="factor"),
        pytest.param("creatinine", 88.4, "umol/L", id="molar-mass"),
    ],
)
def test_from_canonical_undoes_to_canonical(concept: str, value: float, unit: str) -> None:
    details = load_concepts().concepts[concept]
    assert from_canonical(to_canonical(value, unit, details, "u"), unit, details, "u") == pytest.approx(value)
