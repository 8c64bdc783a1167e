"""Values a lab reports as a bound ("eGFR >90", "HIV RNA <20 copies/mL", FHIR ``Quantity.comparator``): every
reader keeps the bound, and the checker decides a threshold only when the bound settles it — "> 90" meets
"≥ 60" and fails "< 30", but says nothing of "≥ 100", which stays unknown, never a guess from the number."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.errors import PatientDataError
from assistant.patient import read_facts_file, read_fhir_bundle
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Observation, PatientFacts
from assistant.patient.note import read_note
from assistant.rules.context import PatientContext
from assistant.rules.engine import compile_node
from assistant.rules.ops import FALSE, TRUE, UNKNOWN, compare_bound
from assistant.rules.schema import parse_node

CONCEPTS = load_concepts()
TODAY = dt.date(2025, 6, 2)


@pytest.mark.parametrize(
    ("comparator", "value", "op", "threshold", "expected"),
    [
        pytest.param(">", 90.0, ">=", 60.0, True, id="above-90-meets-at-least-60"),
        pytest.param(">", 90.0, "<", 30.0, False, id="above-90-fails-below-30"),
        pytest.param(">", 60.0, ">=", 90.0, None, id="above-60-says-nothing-of-90"),
        pytest.param(">", 60.0, ">", 60.0, True, id="above-60-is-above-60"),
        pytest.param(">=", 60.0, ">", 60.0, None, id="at-least-60-may-be-60"),
        pytest.param("<", 20.0, "<", 50.0, True, id="below-20-is-below-50"),
        pytest.param("<", 20.0, ">", 10.0, None, id="below-20-may-be-above-10"),
        pytest.param("<", 60.0, "<", 60.0, True, id="below-60-is-below-60"),
        pytest.param("<=", 60.0, "<", 60.0, None, id="at-most-60-may-be-60"),
        pytest.param("<", 20.0, ">=", 20.0, False, id="below-20-is-never-20"),
        pytest.param("<", 20.0, "between", (0.0, 19.0), None, id="range-partly-covered"),
        pytest.param("<", 20.0, "between", (0.0, 50.0), None, id="range-open-below"),
        pytest.param(">", 5.0, "between", (1.0, 4.0), False, id="range-missed"),
        pytest.param(">", 5.0, "==", 5.0, False, id="never-equal"),
    ],
)
def test_a_bound_decides_only_what_it_settles(
    comparator: str, value: float, op: str, threshold: float | tuple[float, float], expected: bool | None
) -> None:
    assert compare_bound(comparator, value, op, threshold) is expected


EGFR_60: dict[str, Any] = {"observation": "egfr", "op": ">=", "value": 60, "unit": "mL/min/{1.73_m2}"}
EGFR_90: dict[str, Any] = {"observation": "egfr", "op": ">=", "value": 90, "unit": "mL/min/{1.73_m2}"}
ALT_3ULN: dict[str, Any] = {"observation": "alt", "op": "<=", "uln": 3}


def _truth(raw: dict[str, Any], *observations: Observation) -> tuple[int, str]:
    evaluate, _ = compile_node(parse_node(raw, "when"), CONCEPTS, "when")
    truth, reason, _, _ = evaluate(PatientContext(PatientFacts(observations=observations), TODAY))
    return truth, reason


@pytest.mark.parametrize(
    ("raw", "observation", "truth", "reason"),
    [
        pytest.param(
            EGFR_60, Observation(concept="egfr", value=90, unit="mL/min", comparator=">"), TRUE, "> 90", id="settled"
        ),
        pytest.param(
            EGFR_90,
            Observation(concept="egfr", value=60, unit="mL/min", comparator=">"),
            UNKNOWN,
            "is a bound: it may or may not be ≥ 90",
            id="open",
        ),
        pytest.param(
            {"not": EGFR_90},
            Observation(concept="egfr", value=60, unit="mL/min", comparator=">"),
            UNKNOWN,
            "is a bound",
            id="open-negated-stays-unknown",
        ),
        pytest.param(
            EGFR_90, Observation(concept="egfr", value=60, unit="mL/min", comparator="<"), FALSE, "< 60", id="fails"
        ),
        pytest.param(
            EGFR_90, Observation(concept="egfr", value=60, unit="mL/min"), FALSE, "60 mL/min", id="a-measured-value"
        ),
        pytest.param(
            ALT_3ULN,
            Observation(concept="alt", value=2, unit="ULN", comparator="<"),
            TRUE,
            "< 2 × ULN",
            id="uln-settled",
        ),
        pytest.param(
            ALT_3ULN,
            Observation(concept="alt", value=2, unit="ULN", comparator=">"),
            UNKNOWN,
            "is a bound",
            id="uln-open",
        ),
    ],
)
def test_the_checker_reads_a_bound_as_a_bound(
    raw: dict[str, Any], observation: Observation, truth: int, reason: str
) -> None:
    got, why = _truth(raw, observation)
    assert got == truth, why
    assert reason in why


def _bundle(quantity: dict[str, Any]) -> dict[str, Any]:
    observation = {
        "resourceType": "Observation",
        "id": "vl",
        "status": "final",
        "subject": {"reference": "Patient/p1"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "20447-9"}]},
        "effectiveDateTime": "2025-05-28",
        "valueQuantity": quantity,
    }
    patient = {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1970-01-01"}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}, {"resource": observation}],
    }


def test_fhir_keeps_the_comparator_of_a_quantity() -> None:
    quantity = {"value": 20, "comparator": "<", "unit": "copies/mL", "system": "http://unitsofmeasure.org"}
    facts = read_fhir_bundle(_bundle({**quantity, "code": "{copies}/mL"}), today=TODAY)
    (load,) = facts.observations
    assert (load.concept, load.comparator, load.value) == ("hiv_viral_load", "<", 20)


def test_fhir_refuses_a_comparator_that_is_no_bound() -> None:
    quantity = {"value": 20, "comparator": "ad", "unit": "copies/mL"}
    with pytest.raises(PatientDataError, match=r"vl valueQuantity.comparator: 'ad'"):
        read_fhir_bundle(_bundle(quantity), today=TODAY)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        pytest.param(
            {"concept": "egfr", "value": 90, "unit": "mL/min", "comparator": "~"},
            r"observations\[0\].comparator: Input should be '<', '<=', '>' or '>='",
            id="unknown-comparator",
        ),
        pytest.param(
            {"concept": "hiv_test", "flag": False, "comparator": "<"},
            r"observations\[0\].comparator: '<' bounds a value, and hiv_test is a positive/negative result",
            id="a-flag-has-no-bound",
        ),
    ],
)
def test_a_facts_file_comparator_is_checked(tmp_path: Path, entry: dict[str, Any], message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump({"patient": {"age": 50, "sex": "male"}, "observations": [entry]}))
    with pytest.raises(PatientDataError, match=message):
        read_facts_file(path, today=TODAY)


def test_a_facts_file_reads_a_bound(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    entry = {"concept": "egfr", "value": 90, "unit": "mL/min", "comparator": ">"}
    path.write_text(yaml.safe_dump({"patient": {"age": 50, "sex": "male"}, "observations": [entry]}))
    (egfr,) = read_facts_file(path, today=TODAY).observations
    assert (egfr.comparator, egfr.value) == (">", 90)


@pytest.mark.parametrize(
    ("text", "concept", "expected"),
    [
        pytest.param("Labs: eGFR >90 mL/min/1.73m2.", "egfr", (">", 90.0), id="egfr-above"),
        pytest.param("HIV RNA <20 copies/mL on 2025-05-01.", "hiv_viral_load", ("<", 20.0), id="viral-load-below"),
        pytest.param("eGFR greater than 60.", "egfr", (">", 60.0), id="in-words"),
        pytest.param("HIV viral load 5000 copies/mL.", "hiv_viral_load", (None, 5000.0), id="copies-are-a-count"),
        pytest.param("Creatinine 1.1 mg/dL.", "creatinine", (None, 1.1), id="a-measured-value"),
    ],
)
def test_the_note_reader_keeps_a_stated_bound(text: str, concept: str, expected: tuple[str | None, float]) -> None:
    found = [(o.comparator, o.value) for o in read_note(text, TODAY).facts.observations if o.concept == concept]
    assert found == [expected]


def test_a_bound_on_a_pair_is_a_goal_not_a_reading() -> None:
    reading = read_note("Goal BP <140/90 on treatment.", TODAY)
    assert not reading.facts.observations
    assert any("a bound on two numbers" in n for n in reading.notes)
