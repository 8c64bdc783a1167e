"""What extraction returns: the facts, and where in the message each one was read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Procedure

MentionKind = Literal["age", "sex", "observation", "condition", "medication", "procedure"]
Fact = Observation | Condition | Medication | Procedure


@dataclass(frozen=True, slots=True)
class Mention:
    """One fact read from a message, with the exact text it was read from."""

    concept: str
    """Concept name (``platelets``, ``hiv`` …), or ``age`` / ``sex``."""
    kind: MentionKind
    """Which part of ``PatientFacts`` holds the fact."""
    start: int
    """Offset of the source text in the message."""
    end: int
    """Offset one past the source text; ``message[start:end] == text``."""
    text: str
    """The source text, verbatim."""
    rendering: str
    """The fact as shown back to the clinician, e.g. ``platelets 90,000 /mm3 (from '90k')``."""
    fact: Fact | None = None
    """The fact itself (None for age and sex, which are fields of ``PatientFacts``)."""


@dataclass(frozen=True, slots=True)
class ExtractedFacts:
    """The facts a message states about its patient, and what was read but not used."""

    facts: PatientFacts
    """Facts with ``source="message"``; nothing the message does not state."""
    mentions: tuple[Mention, ...]
    """One mention per fact, in message order."""
    notes: tuple[str, ...] = ()
    """Numbers and phrases deliberately not used, with why ("a bound, not a value" …)."""
    read: tuple[tuple[int, int], ...] | None = None
    """Spans of every condition, medication, procedure and observation the reader found, used or not; None
    when not known. The read-back lists those no fact used, without reading the message again."""

    @property
    def empty(self) -> bool:
        """True when the message states no fact about a patient (a conflicting or unusable one counts)."""
        return not self.mentions and not self.facts.conflicts

    @property
    def concepts(self) -> list[str]:
        """Concepts the message states something about, used or not, in order."""
        return list(dict.fromkeys([m.concept for m in self.mentions] + [c.concept for c in self.facts.conflicts]))

    def show(self) -> list[str]:
        """The renderings, in message order, then what was stated but not used: what the clinician is shown back."""
        return [m.rendering for m in self.mentions] + [f"{c.describe()} (not used)" for c in self.facts.conflicts]


def format_number(value: float) -> str:
    """A number as a clinician writes it: thousands separated, no trailing zeros."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.6g}"
