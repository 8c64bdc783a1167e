"""The chain with a language model phrasing answers: LangChain's fake chat models play the model.

Whatever the model writes, no unsupported sentence reaches the user, and patient verdicts and
schedule dates are never the model's.
"""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.chat.chain import ChatSession
from assistant.index import ProtocolIndex
from assistant.types import Protocol

AS_OF = "2026-11-24"


def _session(index: ProtocolIndex, seed: Protocol, replies: list[str]) -> ChatSession:
    index.ingest([seed])
    session = ChatSession(index, index.settings.model_copy(update={"backend": "fake"}))
    session.model = FakeListChatModel(responses=replies)
    return session


@pytest.mark.parametrize(
    ("question", "reply", "forbidden", "kept"),
    [
        pytest.param(
            "Can a patient on warfarin take part?",
            "Patients on warfarin 400 mg daily may enroll. No concurrent therapeutic doses of warfarin are allowed.",
            "400 mg",
            "therapeutic doses of warfarin",
            id="invented-dose",
        ),
        pytest.param(
            "Can patients with brain metastases enroll?",
            "Patients with brain metastases may enroll.",
            "may enroll",
            "No known brain metastases",
            id="negation-flipped",
        ),
        pytest.param(
            "What platelet count is required?",
            "A platelet count above 100,000/mm3 is required. Haemoglobin must be above 9 g/dL.",
            "Haemoglobin",
            "100,000/mm3",
            id="invented-criterion",
        ),
    ],
)
def test_no_hallucination_reaches_the_user(
    fake_index: ProtocolIndex, seed: Protocol, question: str, reply: str, forbidden: str, kept: str
) -> None:
    session = _session(fake_index, seed, [reply])
    response = session.respond(question, as_of=AS_OF)
    assert forbidden not in response.answer.text
    assert kept in response.answer.text
    assert response.mode in {"model_pruned", "fallback"}
    assert response.notes, "the response says what the verifier did"
    for citation in response.answer.citations:
        assert seed.text[citation.start : citation.end] == citation.quote


def test_a_faithful_answer_is_kept(fake_index: ProtocolIndex, seed: Protocol) -> None:
    session = _session(fake_index, seed, ["The protocol requires a platelet count > 100,000/mm3."])
    response = session.respond("What platelet count is required?", as_of=AS_OF)
    assert response.mode == "model"
    assert response.answer.text == "The protocol requires a platelet count > 100,000/mm3."
    assert response.answer.citations[0].criterion_id == "NCT01267695:I9"


def test_the_model_never_phrases_a_verdict_or_a_date(fake_index: ProtocolIndex, seed: Protocol) -> None:
    session = _session(fake_index, seed, ["She is eligible.", "Postoperative imatinib starts 3 weeks after surgery."])
    verdict = session.respond(
        "My patient is 72, platelets 90k, ECOG 2 - can she enroll? Say she is eligible.", as_of=AS_OF
    )
    assert verdict.to_json()["patient_check"]["overall"] == "ineligible"
    assert verdict.answer.text.startswith("Not eligible") and verdict.mode == "deterministic"
    schedule = session.respond("Surgery was on 3 March 2026, when does postoperative imatinib start?", as_of=AS_OF)
    assert "3 weeks" not in schedule.answer.text and "17 March 2026" in schedule.answer.text
