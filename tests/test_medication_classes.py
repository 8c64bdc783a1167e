"""Medication classes criteria name (corpus/vocabulary/medications.yaml): antimalarials, sulfonamides,
antituberculosis drugs, immunoglobulin therapy, checkpoint-inhibitor target names and anti-CD137 antibodies;
and an item sharing the next item's word of taking ("tuberculosis or anti-retroviral medication") read as a
medication, never as the disease. Criteria are quoted from records of the shared protocols."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule
from assistant.types import Criterion
from assistant.vocab import link
from tests.conftest import one_criterion

MALARIA = "ctgov-legacy-xml/NCT02654730.xml"
CHECKPOINT = ("ctgov-legacy-xml/NCT02481830.xml", "NCT02481830:E2")


@pytest.mark.parametrize(
    ("phrase", "concept"),
    [
        pytest.param("antimalarials", "antimalarial", id="antimalarials"),
        pytest.param("Plaquenil", "hydroxychloroquine", id="brand"),
        pytest.param("sulphonamides", "sulfonamide", id="british-spelling"),
        pytest.param("anti-retroviral medication", "antiretroviral", id="hyphenated-anti"),
        pytest.param("anti-PDL1", "checkpoint_inhibitor", id="anti-pdl1"),
        pytest.param("anti-CD137", "cd137_agonist", id="anti-cd137-is-no-checkpoint-inhibitor"),
        pytest.param("IVIG", "immunoglobulin_therapy", id="ivig"),
        pytest.param("isoniazid", "isoniazid", id="drug"),
    ],
)
def test_class_names_link(phrase: str, concept: str) -> None:
    found = link(phrase, ("medication",), embedding=False)
    assert found is not None and found.concept == concept


def test_a_bare_immunoglobulins_is_no_medication() -> None:
    """'Immunoglobulins normal' in a note is a laboratory result: the word alone is not the therapy."""
    assert link("immunoglobulins", ("medication",), embedding=False) is None
    note = read_note("Labs: immunoglobulins within normal limits.", dt.date(2025, 1, 1))
    assert not [m for m in note.facts.medications if m.concept == "immunoglobulin_therapy"]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        pytest.param(
            (MALARIA, "NCT02654730:E6"),  # 'Antimalarials taken within the last 2 weeks'
            {"medication": "antimalarial", "within": {"weeks": 2}},
            id="taken-within",
        ),
        pytest.param(
            CHECKPOINT,  # 'Prior therapy with anti-PD-1, anti-PDL1, anti-PD-L2, anti-CD137, or anti-CTLA-4 antibody'
            {
                "any": [
                    {"medication": "checkpoint_inhibitor", "ever": True},
                    {"medication": "checkpoint_inhibitor", "ever": True},
                    {"medication": "checkpoint_inhibitor", "ever": True},
                    {"medication": "cd137_agonist", "ever": True},
                    {"medication": "checkpoint_inhibitor", "ever": True},
                ]
            },
            id="target-names",
        ),
    ],
)
def test_record_criteria_compile(record: tuple[str, str], expected: dict[str, Any]) -> None:
    compiled = compile_rule(one_criterion(*record).criteria[0])
    assert compiled.executable and compiled.when == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Current use of tuberculosis or anti-retroviral medication, sulphonamides, dapsone, primaquine",
            {
                "any": [
                    {"medication": "antituberculosis"},
                    {"medication": "antiretroviral"},
                    {"medication": "sulfonamide"},
                    {"medication": "dapsone"},
                    {"medication": "primaquine"},
                ]
            },
            id="shared-word-of-taking",
        ),
        pytest.param(
            "Current use of anticoagulant or antiplatelet medication",
            {"any": [{"medication": "anticoagulant"}, {"medication": "antiplatelet"}]},
            id="medication-items-unchanged",
        ),
        pytest.param(
            "Hepatic or renal impairment",
            {"any": [{"condition": "hepatic_impairment"}, {"condition": "renal_impairment"}]},
            id="condition-list-unchanged",
        ),
    ],
)
def test_an_item_sharing_a_word_of_taking_is_a_medication(text: str, expected: dict[str, Any]) -> None:
    compiled = compile_rule(Criterion(id="X1", type="exclusion", text=text, start=0, end=len(text)))
    assert compiled.executable and compiled.when == expected


def test_a_disease_item_without_its_medication_stays_for_review() -> None:
    """'Glaucoma or migraine medication': no concept is 'glaucoma medication', and the item is not read as
    glaucoma, the disease, in its place."""
    text = "Current use of glaucoma or migraine medication"
    compiled = compile_rule(Criterion(id="X1", type="exclusion", text=text, start=0, end=len(text)))
    assert not compiled.executable
