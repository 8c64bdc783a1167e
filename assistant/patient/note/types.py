"""The typed result of reading a clinical note: what was read, from which words, and what was not used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Plan, Procedure

MentionKind = Literal["observation", "condition", "medication", "procedure", "age", "sex", "obstetric"]
Fact = Observation | Condition | Medication | Procedure | Plan


@dataclass(frozen=True, slots=True)
class NoteContext:
    """The clinical context ConText and the Sectionizer gave a mention."""

    negated: bool = False
    """Stated absent ("no fever", "denies chest pain")."""
    historical: bool = False
    """In the past ("history of", a past date, the past medical history section)."""
    hypothetical: bool = False
    """Not a fact about now ("if", "return for", the allergies or instructions section)."""
    family: bool = False
    """About a relative, not the patient ("mother had", the family history section)."""
    uncertain: bool = False
    """Possible, not established ("possible", "cannot rule out")."""
    generic: bool = False
    """About people in general, not this patient ("patients with brain metastases", "pregnant women")."""

    def describe(self) -> str:
        """The flags that are set, comma-separated, or 'asserted'."""
        names = [
            name
            for name in ("negated", "historical", "hypothetical", "family", "uncertain", "generic")
            if getattr(self, name)
        ]
        return ", ".join(names) or "asserted"


@dataclass(frozen=True, slots=True)
class NoteMention:
    """One thing the note states about the patient, with the words it came from."""

    kind: MentionKind
    """What sort of fact: observation, condition, medication, procedure, age, sex or obstetric history."""
    concept: str
    """Concept name in the vocabulary (or 'age', 'sex', 'obstetric_history')."""
    start: int
    """Offset of the first character of ``text`` in the note."""
    end: int
    """Offset just past the last character of ``text`` in the note."""
    text: str
    """The words it came from, verbatim: ``text == note[start:end]``."""
    rendering: str
    """How it was read, e.g. "creatinine 1.3 mg/dL (from 'serum creatinine is 1.3 mg/dL')"."""
    fact: Fact | None
    """The fact it became; None for age, sex, obstetric history and mentions not used."""
    context: NoteContext
    """Negated / historical / hypothetical / family / uncertain flags."""
    code: str | None = None
    """Code of the linked concept in ``system``, when the vocabulary has one."""
    system: str | None = None
    """Code system URI of ``code``."""


@dataclass(frozen=True, slots=True)
class NoteReading:
    """Everything read from one note."""

    facts: PatientFacts
    """The patient facts the checker consumes."""
    mentions: tuple[NoteMention, ...]
    """Every mention read, in note order, used or not."""
    notes: tuple[str, ...]
    """What was dropped and why, one sentence each."""
    not_understood: tuple[str, ...]
    """Phrases that look like patient facts (a number with a unit, a lab-like word) that were not read."""
