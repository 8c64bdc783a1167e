"""Let a generative model phrase an answer, then keep only what the cited quotes support.

The model sees the question and the cited quotes, nothing else. Every sentence it writes is checked
by ``assistant.llm.verify``; unsupported sentences are removed, and when nothing is left (or the
model fails) the deterministic answer is shown instead. The result says which of these happened.
Verdicts of the eligibility checker are never passed through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.llm.verify import SentenceCheck, verify_text
from assistant.types import Answer, Citation, Statement

Mode = Literal["deterministic", "model", "model_pruned", "fallback"]

SYSTEM_PROMPT = (
    "You answer a clinician's question about a clinical-trial protocol using only the numbered quotes "
    "from the protocol. Write two to four short, plain sentences. Keep every number, unit, dose, duration, "
    "frequency and negation exactly as the quotes state them; reuse the quotes' wording. Do not add facts, "
    "advice, eligibility decisions or anything the quotes do not say. If the quotes do not answer the "
    "question, say only: The protocol does not say."
)


@dataclass(frozen=True, slots=True)
class PhrasedAnswer:
    """An answer as it is shown: the model's verified sentences, or the deterministic answer."""

    text: str
    """The answer as one paragraph."""
    statements: tuple[Statement, ...]
    """The sentences shown, each with the quotes that support it."""
    mode: Mode
    """``deterministic`` (no model), ``model`` (all sentences kept), ``model_pruned`` (some removed) or
    ``fallback`` (the model's answer was dropped for the deterministic one)."""
    removed: list[str] = field(default_factory=list)
    """Sentences of the model that were not supported by the quotes and were removed."""
    note: str = ""
    """What happened, in words the interface can show."""
    checks: tuple[SentenceCheck, ...] = ()
    """The verifier's finding on every sentence the model wrote."""

    def to_json(self) -> dict[str, object]:
        """The phrasing part of ``ask --json``."""
        return {
            "answer": self.text,
            "mode": self.mode,
            "note": self.note,
            "removed": list(self.removed),
            "removed_reasons": [list(c.problems) for c in self.checks if not c.supported],
        }


def _deterministic(answer: Answer, mode: Mode, note: str, **extra: object) -> PhrasedAnswer:
    return PhrasedAnswer(text=answer.text, statements=answer.statements, mode=mode, note=note, **extra)  # type: ignore[arg-type]


def build_messages(question: str, citations: tuple[Citation, ...]) -> list[BaseMessage]:
    """The prompt: the question and the cited quotes, numbered."""
    quotes = "\n".join(f"[{i}] {' '.join(c.quote.split())}" for i, c in enumerate(citations, start=1))
    return [
        SystemMessage(content=SYSTEM_PROMPT),
        HumanMessage(content=f"Question: {question}\n\nQuotes from the protocol:\n{quotes}\n\nAnswer:"),
    ]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def phrase_answer(answer: Answer, model: BaseChatModel | None) -> PhrasedAnswer:
    """``answer`` phrased by ``model`` and verified sentence by sentence against its citations."""
    if model is None:
        return _deterministic(answer, "deterministic", "")
    citations = answer.citations
    if answer.abstained or not citations:
        return _deterministic(answer, "deterministic", "Nothing quoted to phrase; the answer is shown as found.")
    try:
        reply = model.invoke(build_messages(answer.question, citations))
        text = reply.text if isinstance(reply, BaseMessage) else str(reply)
    except Exception as exc:  # any backend failure: connection, timeout, bad reply
        return _deterministic(
            answer, "fallback", f"The language model failed ({type(exc).__name__}); showing the quoted answer."
        )

    checks = tuple(verify_text(text, [c.quote for c in citations]))
    kept = [c for c in checks if c.supported]
    removed = [c.sentence for c in checks if not c.supported]
    if not kept:
        note = (
            "The model's answer was empty; showing the quoted answer."
            if not checks
            else f"None of the model's {_plural(len(checks), 'sentence')} was supported by the protocol; "
            "showing the quoted answer."
        )
        return _deterministic(answer, "fallback", note, removed=removed, checks=checks)

    statements = tuple(Statement(text=c.sentence, citations=tuple(citations[i] for i in c.quote_indices)) for c in kept)
    if removed:
        verb = "was" if len(removed) == 1 else "were"
        mode: Mode = "model_pruned"
        note = f"{_plural(len(removed), 'sentence')} not supported by the protocol {verb} removed."
    else:
        mode = "model"
        note = "Phrased by a language model; every sentence was checked against the quoted protocol text."
    return PhrasedAnswer(
        text=" ".join(s.text for s in statements),
        statements=statements,
        mode=mode,
        removed=removed,
        note=note,
        checks=checks,
    )
