"""A criterion that does not apply to the patient (a pregnancy criterion for a man) reads as such in the chat."""

from __future__ import annotations

import datetime as dt

from assistant.chat.chain import ChatSession
from assistant.chat.verdicts import verdict_statements
from assistant.index import ProtocolIndex
from assistant.parse import parse_protocol
from assistant.settings import Settings

from .conftest import SHARED_PROTOCOLS

RECORD = SHARED_PROTOCOLS / "ctgov-v2-json" / "NCT04207047.json"


def test_a_pregnancy_criterion_does_not_apply_to_a_man(fake_index: ProtocolIndex, settings: Settings) -> None:
    protocol = parse_protocol(RECORD)
    fake_index.ingest([protocol])
    chat = ChatSession(fake_index, settings.model_copy(update={"audit_enabled": False}))
    response = chat.respond(
        "My patient is a 60 year old man. Can he enroll?", protocol_id=protocol.id, as_of=dt.date(2024, 6, 3)
    )
    assert response.check is not None
    statuses = {v.criterion_id: v.status for v in response.check.verdicts}
    assert statuses["NCT04207047:I7"] == "not_applicable"  # "Subjects of childbearing potential must have …"
    sentences = verdict_statements(protocol, response.check, ["NCT04207047:I7"])
    assert "I7 “Subjects of childbearing potential" in sentences[1].text
    assert "does not apply to this patient — " in sentences[1].text
