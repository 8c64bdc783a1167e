"""The schedule questions of the evaluation set, asked in natural language through the chat chain."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from assistant.chat.chain import ChatSession
from assistant.index import ProtocolIndex
from assistant.types import Protocol
from tests.conftest import ROOT

DATA = yaml.safe_load((ROOT / "eval" / "schedule_questions.yaml").read_text(encoding="utf-8"))
QUESTIONS: list[dict[str, Any]] = DATA["questions"]


def test_the_set_is_large_enough() -> None:
    assert sum(bool(q.get("expected")) for q in QUESTIONS) >= 10


@pytest.mark.parametrize("item", QUESTIONS, ids=[q["id"] for q in QUESTIONS])
def test_schedule_question_through_the_chat(fake_index: ProtocolIndex, seed: Protocol, item: dict[str, Any]) -> None:
    fake_index.ingest([seed])
    session = ChatSession(fake_index, fake_index.settings)
    response = session.respond(item["question"], protocol_id=DATA["protocol"], as_of="2026-11-24")
    data = response.to_json()
    assert data["route"]["schedule"]
    steps = {s["id"]: s for s in data["schedule"]["steps"]}
    for step_id, window in (item.get("expected") or {}).items():
        assert (steps[step_id]["earliest"], steps[step_id]["latest"]) == (window["earliest"], window["latest"]), step_id
    assert response.answer.statements and all(s.citations for s in response.answer.statements)
    for citation in response.answer.citations:
        assert seed.text[citation.start : citation.end] == citation.quote
