"""The chat chain: classify a message, answer it with citations, verify patient-specific claims with the
checker, compute schedule dates, and remember the conversation.

Built from LangChain runnables so evaluation scripts, the CLI and the Streamlit app talk to one chain.
The verdict sentences come from the checker's result only; no model output and no text in the message
can change them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import ask
from assistant.index import ProtocolIndex
from assistant.settings import Settings
from assistant.types import Answer


@dataclass
class Response:
    """What the chain returns for one message."""

    question: str
    """The message as received."""
    answer: Answer
    """The cited answer (for a patient question, the checker's verdict sentences first)."""
    route: dict[str, Any] = field(default_factory=dict)
    """How the message was classified: patient, schedule, general, and the cues that fired."""
    backend: str = "deterministic"
    """Who phrased the answer."""
    mode: str = "deterministic"
    """deterministic, model, model_pruned (unsupported sentences removed) or fallback."""
    notes: list[str] = field(default_factory=list)
    """Notes for the reader (e.g. which sentences a verifier removed)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """JSON-ready additions: patient_check, facts, schedule."""

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``ask --json``."""
        data: dict[str, Any] = self.answer.to_json()
        data.update({"route": self.route, "backend": self.backend, "mode": self.mode, "notes": self.notes})
        data.update(self.extra)
        return data

    def render_text(self) -> str:
        """The answer as a person reads it in a terminal, citations listed under it."""
        lines = [self.answer.text]
        for i, citation in enumerate(self.answer.citations, start=1):
            where = citation.criterion_id or f"{citation.protocol} {citation.section}"
            lines.append(f"  [{i}] {where} @{citation.start}-{citation.end}: {' '.join(citation.quote.split())}")
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def build_chain(index: ProtocolIndex, settings: Settings) -> Runnable[dict[str, Any], Response]:
    """The chain: {message, protocol_id, ...} → Response."""

    def general(inputs: dict[str, Any]) -> Response:
        answer = ask(inputs["message"], index, settings, inputs.get("protocol_id"))
        return Response(question=inputs["message"], answer=answer, route={"general": True})

    return RunnableLambda(general)


def respond_once(
    question: str,
    index: ProtocolIndex,
    settings: Settings,
    protocol_id: str | None = None,
    patient_path: Path | None = None,
    as_of: str | dt.date | None = None,
) -> Response:
    """Answer one message with no conversation history (the CLI's ``ask``)."""
    chain = build_chain(index, settings)
    return chain.invoke({"message": question, "protocol_id": protocol_id, "patient_path": patient_path, "as_of": as_of})
