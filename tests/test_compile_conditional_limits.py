"""A limit that changes for patients with a condition ("AST, ALT < 2.5 × ULN (< 5 × ULN if liver metastases are
present)", Chia NCT00050349_inc): the limit that applies decides; a value within both limits decides without the
condition, one beyond both decides against it, one between them waits for the condition to be known."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.load import compile_document
from assistant.types import Criterion

SEED = Path(__file__).resolve().parent.parent / "corpus" / "NCT01267695.txt"
LIVER = "AST, ALT<2.5X ULN (<5 X ULN if liver metastases are present)"  # Chia NCT00050349_inc
TODAY = dt.date(2025, 6, 2)


def _verdict(text: str, note: str) -> tuple[str, str]:
    seed = parse_protocol(SEED)
    one = dataclasses.replace(seed, criteria=(Criterion(f"{seed.id}:I1", "inclusion", text, 0, len(text)),))
    rules = compile_document(draft_rules(one), one, "compiled")
    verdict = check_patient(one, read_note(note, TODAY).facts, TODAY, rules).verdicts[0]
    return verdict.status, verdict.reason


@pytest.mark.parametrize(
    ("note", "status"),
    [
        pytest.param("AST 40 U/L (ULN 40), ALT 30 U/L (ULN 40).", "satisfied", id="within-both-limits"),
        pytest.param(
            "AST 150 U/L (ULN 40), ALT 120 U/L (ULN 40). Liver metastases on CT.", "satisfied", id="wider-limit-applies"
        ),
        pytest.param(
            "AST 150 U/L (ULN 40), ALT 120 U/L (ULN 40). CT: no liver metastases.", "violated", id="first-limit-applies"
        ),
        pytest.param("AST 150 U/L (ULN 40), ALT 120 U/L (ULN 40).", "unknown", id="between-limits-condition-unknown"),
        pytest.param(
            "AST 250 U/L (ULN 40), ALT 120 U/L (ULN 40). Liver metastases on CT.", "violated", id="beyond-both-limits"
        ),
    ],
)
def test_the_limit_that_applies_decides(note: str, status: str) -> None:
    found, reason = _verdict(LIVER, note)
    assert found == status, reason


def test_an_exclusion_with_a_wider_limit_does_not_exclude_within_it() -> None:
    text = "AST/ALT > 2.5 x ULN (> 5 x ULN for patients with liver metastases)"
    compiled = compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))
    assert compiled.executable and compiled.kind == "combined", compiled.note
    assert {"condition": "hepatic_metastases"} in compiled.when["any"][1]["all"]


def test_only_the_limit_before_the_bracket_changes() -> None:
    text = "Total bilirubin <1.5 X ULN; AST, ALT<2.5X ULN (<5 X ULN if liver metastases are present)"
    compiled = compile_rule(Criterion("X:I1", "inclusion", text, 0, len(text)))
    wider = compiled.when["any"][1]["all"][1]
    assert {"observation": "bilirubin", "op": "<", "uln": 1.5} in wider["all"], wider
