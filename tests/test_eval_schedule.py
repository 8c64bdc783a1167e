"""The schedule questions of eval/ give the dates worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.schedule import compute_schedule, load_schedule

ROOT = Path(__file__).resolve().parent.parent
EVAL = yaml.safe_load((ROOT / "eval" / "schedule_questions.yaml").read_text(encoding="utf-8"))
QUESTIONS: list[dict[str, Any]] = EVAL["questions"]


def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def test_eval_has_at_least_ten_dated_questions() -> None:
    dated = [q for q in QUESTIONS if q["start"] or q["surgery"]]
    assert len(dated) >= 10
    assert len({q["id"] for q in QUESTIONS}) == len(QUESTIONS)
    assert all(q["question"].strip().endswith("?") for q in QUESTIONS)


@pytest.mark.parametrize("item", [pytest.param(q, id=q["id"]) for q in QUESTIONS])
def test_schedule_question(item: dict[str, Any]) -> None:
    schedule = load_schedule(EVAL["protocol"], ROOT / "corpus")
    computed = compute_schedule(schedule, _day(item["start"]), _day(item["surgery"]))
    for step_id, window in item["expected"].items():
        step = computed.step(step_id)
        assert (step.earliest, step.latest) == (_day(window["earliest"]), _day(window["latest"])), step_id
        assert step.citations, step_id
    noted = {s.id for s in computed.steps if s.notes}
    assert noted == set(item.get("notes_on", []))
