"""The third note set (eval/note_fresh/): it validates against its parsed protocols, every criterion of each
protocol is labelled once, and its protocols are used by neither the development nor the held-out set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from eval.note_eval import NoteCase, load_cases
from tests.test_note_dev import DEV, HELD_OUT, PROTOCOLS

FRESH = Path(__file__).resolve().parent.parent / "eval" / "note_fresh"


@pytest.fixture(scope="module")
def cases() -> list[NoteCase]:
    return load_cases(FRESH, PROTOCOLS)


def test_every_case_validates(cases: list[NoteCase]) -> None:
    assert len(cases) == len(list(FRESH.glob("*.yaml"))) == 6
    assert {c.note_path.name for c in cases} == {p.name for p in (FRESH / "notes").glob("*.txt")}
    assert sum(len(c.labels) for c in cases) == 128


def test_its_protocols_are_in_no_other_set(cases: list[NoteCase]) -> None:
    development = {yaml.safe_load(p.read_text())["protocol"] for p in DEV.glob("*.yaml")}
    fresh = {c.protocol_id for c in cases}
    assert fresh and fresh.isdisjoint(development) and fresh.isdisjoint(HELD_OUT)
