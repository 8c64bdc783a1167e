"""``eval/reader_parity.py``: the note reader's facts for the chat's patient questions, compared in canonical units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from eval import reader_parity as PARITY

ROOT = Path(__file__).resolve().parent.parent
CASES: dict[str, dict[str, Any]] = {
    c["id"]: c for c in yaml.safe_load((ROOT / "eval" / "patient_questions.yaml").read_text(encoding="utf-8"))["cases"]
}


@pytest.mark.parametrize(
    ("case_id", "read", "missed"),
    [
        pytest.param("P08-si-units-with-ranges", {"age", "sex", "creatinine", "bilirubin"}, set(), id="si-with-ranges"),
        pytest.param("P04-ast-no-liver-mets", {"sex", "ast", "alt", "hepatic_metastases"}, set(), id="uln-multiples"),
        pytest.param(
            "P18-locally-advanced-by-size", {"sex", "gist", "tumour_size", "mitotic_count"}, set(), id="sizes"
        ),
        pytest.param(
            "P12-washout-too-short",
            {"sex", "chemotherapy", "radiotherapy", "rapidly_progressing_disease"},
            set(),
            id="negated-synonym",
        ),
    ],
)
def test_compare(case_id: str, read: set[str], missed: set[str]) -> None:
    result = PARITY.compare(CASES[case_id])
    assert (set(result.read), set(result.missed)) == (read, missed)


def test_a_wrong_value_is_a_miss() -> None:
    case = dict(CASES["P22-follow-up-creatinine"])
    case["message"] = "and her creatinine is 2.4 mg/dL (ULN 1.1)?"
    assert PARITY.compare(case).missed == ("creatinine",)
