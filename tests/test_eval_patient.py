"""End to end: every patient-specific question of the evaluation set through the chat chain.

The expected verdicts in eval/patient_questions.yaml were read from the criterion texts by hand; here
the chain (extraction → checker) must reproduce them, follow-ups in the same conversation.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from assistant.chat.chain import ChatSession
from assistant.index import ProtocolIndex
from assistant.types import Protocol
from tests.conftest import ROOT

DATA = yaml.safe_load((ROOT / "eval" / "patient_questions.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = DATA["cases"]
BY_ID = {case["id"]: case for case in CASES}


def _conversation(case: dict[str, Any]) -> list[dict[str, Any]]:
    chain = [case]
    while chain[0].get("follows"):
        chain.insert(0, BY_ID[chain[0]["follows"]])
    return chain


def test_the_set_is_large_enough() -> None:
    assert len(CASES) >= 15
    assert any("ignore" in c["message"].lower() for c in CASES)
    assert any(c.get("follows") for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_patient_question(fake_index: ProtocolIndex, seed: Protocol, case: dict[str, Any]) -> None:
    fake_index.ingest([seed])
    session = ChatSession(fake_index, fake_index.settings)
    for step in _conversation(case):
        if step.get("patient_file"):
            session.load_patient(ROOT / step["patient_file"])
        response = session.respond(step["message"], protocol_id=DATA["protocol"], as_of=step["as_of"])
    data = response.to_json()
    assert data["route"]["patient"] == case["expected_route"]["patient"]
    assert data["route"]["schedule"] == case["expected_route"]["schedule"]
    got = {c["id"]: c["status"] for c in data["patient_check"]["criteria"]}
    expected = case["expected_verdicts"]
    assert {cid: got[cid] for cid in expected} == expected
    assert data["patient_check"]["overall"] == case["expected_overall"]
    # The verdict sentence comes from the checker: it never calls an ineligible patient eligible.
    if case["expected_overall"] != "eligible":
        assert not response.answer.text.startswith("Eligible")
    cited = {c["criterion_id"] for c in data["citations"]}
    if case.get("follows"):
        # A follow-up quotes what it concerns, and every violated criterion.
        assert {cid for cid, status in expected.items() if status == "violated"} <= cited
    else:
        assert set(expected) <= cited
