"""The fourth note set (eval/note_fresh2/): it validates against its parsed protocols, every criterion of each
protocol is labelled once, and its protocols are used by neither the development, the held-out nor the third
(eval/note_fresh/) set."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from eval.note_eval import NoteCase, load_cases
from tests.test_note_dev import DEV, HELD_OUT, PROTOCOLS

FRESH = Path(__file__).resolve().parent.parent / "eval" / "note_fresh"
FRESH2 = Path(__file__).resolve().parent.parent / "eval" / "note_fresh2"


@pytest.fixture(scope="module")
def cases() -> list[NoteCase]:
    return load_cases(FRESH2, PROTOCOLS)


def test_every_case_validates(cases: list[NoteCase]) -> None:
    assert len(cases) == len(list(FRESH2.glob("*.yaml"))) == 8
    assert {c.note_path.name for c in cases} == {p.name for p in (FRESH2 / "notes").glob("*.txt")}
    assert sum(len(c.labels) for c in cases) == 98
    assert sum(label.status == "violated" for c in cases for label in c.labels.values()) == 20


def test_its_protocols_are_in_no_other_set(cases: list[NoteCase]) -> None:
    development = {yaml.safe_load(p.read_text())["protocol"] for p in DEV.glob("*.yaml")}
    third = {yaml.safe_load(p.read_text())["protocol"] for p in FRESH.glob("*.yaml")}
    fresh2 = {c.protocol_id for c in cases}
    assert fresh2 and fresh2.isdisjoint(development) and fresh2.isdisjoint(HELD_OUT) and fresh2.isdisjoint(third)
