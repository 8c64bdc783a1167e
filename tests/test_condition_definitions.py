"""A condition the vocabulary defines by one measurement (thrombocytopenia: a platelet count below
150 x10^9/L) is read from a recent value of it when the record names the condition neither present nor
absent; an old value, a history criterion or a record of the condition itself are left to what they say.
Criteria are quoted verbatim from records of the shared protocols."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from assistant.check import check_patient
from assistant.patient.concepts import load_concepts
from assistant.patient.note import read_note
from assistant.rules.compile import draft_rules
from assistant.rules.load import compile_document
from tests.conftest import compiled_one

TODAY = dt.date(2025, 5, 12)
THROMBOCYTOPENIA = ("ctgov-legacy-xml/NCT02699827.xml", "NCT02699827:E9")  # 'Thrombocytopenia.'


@pytest.mark.parametrize(
    ("note", "expected", "said"),
    [
        pytest.param("Labs today: Hb 11.6 g/dL, platelets 188,000/mm3.", "satisfied", "absent", id="normal-count"),
        pytest.param("Labs today: platelets 98 x10^9/L.", "violated", "present", id="low-count"),
        pytest.param("Platelets 150,000/mm3 this morning.", "satisfied", "absent", id="at-the-limit-is-not-below"),
        pytest.param("Platelets 188,000/mm3 on 2 January 2025.", "unknown", "no record", id="value-too-old"),
        pytest.param(
            "Immune thrombocytopenia, on eltrombopag. Platelets 188,000/mm3 today.",
            "violated",
            "present (",
            id="a-current-record-decides-not-the-count",
        ),
        pytest.param(
            "Immune thrombocytopenia in 2019, resolved after splenectomy. Platelets 98 x10^9/L today.",
            "unknown",
            "resolved, but thrombocytopenia present",
            id="resolved-record-against-a-low-count",
        ),
        pytest.param(
            "History of immune thrombocytopenia. Platelets 188,000/mm3 today.",
            "satisfied",
            "absent: platelet count 188",
            id="history-not-stated-current-and-a-normal-count",
        ),
        pytest.param(
            "No thrombocytopenia. Platelets 140,000/mm3 today.",
            "unknown",
            "stated absent, but thrombocytopenia present",
            id="stated-absent-against-a-low-count",
        ),
        pytest.param("No thrombocytopenia. Platelets 188,000/mm3 today.", "satisfied", "stated absent", id="agree"),
        pytest.param("Hb 11.6 g/dL.", "unknown", "platelet count", id="no-count"),
    ],
)
def test_a_defined_condition_is_read_from_its_measurement(note: str, expected: str, said: str) -> None:
    protocol, rules = compiled_one(*THROMBOCYTOPENIA)
    verdict = check_patient(protocol, read_note(note, TODAY).facts, TODAY, rules).verdicts[0]
    assert verdict.status == expected, verdict.reason
    assert said in verdict.reason + " ".join(verdict.missing)


def test_the_reason_names_the_definition_and_its_source() -> None:
    protocol, rules = compiled_one(*THROMBOCYTOPENIA)
    facts = read_note("Labs today: platelets 188,000/mm3.", TODAY).facts
    reason = check_patient(protocol, facts, TODAY, rules).verdicts[0].reason
    assert "defined as platelet count < 150 10*9/L" in reason and "Merck Manual" in reason


def test_a_normal_value_today_says_nothing_of_a_history() -> None:
    protocol, _ = compiled_one(*THROMBOCYTOPENIA)
    criterion = protocol.criteria[0]
    history = dataclasses.replace(criterion, text="History of thrombocytopenia")
    one = dataclasses.replace(protocol, criteria=(history,))
    rules = compile_document(draft_rules(one), one, "compiled")
    assert rules.document.rules[0].when == {"condition": "thrombocytopenia", "ever": True}
    facts = read_note("Labs today: platelets 188,000/mm3.", TODAY).facts
    assert check_patient(one, facts, TODAY, rules).verdicts[0].status == "unknown"


def test_every_definition_loads_with_a_unit_of_its_measurement() -> None:
    concepts = load_concepts()
    defined = [c for c in concepts.concepts.values() if c.defined_by is not None]
    assert len(defined) >= 10
    for concept in defined:
        assert concept.defined_by is not None
        measured = concepts.concepts[concept.defined_by.observation]
        assert measured.kind == "observation" and concept.kind == "condition"
        assert concept.defined_by.source
