"""Shared types of the pipeline: protocol → chunks → index → retrieval → answer → verification."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CriterionType = Literal["inclusion", "exclusion"]
Status = Literal["satisfied", "violated", "unknown", "needs_review", "not_applicable"]
Overall = Literal["eligible", "ineligible", "undetermined"]


@dataclass(frozen=True, slots=True)
class Section:
    """A titled region of a protocol's canonical text."""

    name: str
    """Machine name of the section, e.g. ``eligibility`` or ``interventions``."""
    title: str
    """Heading as a person reads it, e.g. ``Eligibility Criteria``."""
    start: int
    """Offset of the section's first character in ``Protocol.text``."""
    end: int
    """Offset one past the section's last character in ``Protocol.text``."""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One eligibility criterion, exactly as the protocol states it."""

    id: str
    """Stable id: protocol id, ``I``/``E`` and a 1-based number, e.g. ``NCT01234567:I7``."""
    type: CriterionType
    """Whether the patient must meet it (inclusion) or must not (exclusion)."""
    text: str
    """The criterion text, a verbatim substring of ``Protocol.text``."""
    start: int
    """Offset of ``text`` in ``Protocol.text``."""
    end: int
    """Offset one past the end of ``text`` in ``Protocol.text``."""
    category: str | None = None
    """Category heading the source gives (e.g. ``Hepatic``), or None."""
    parent: str | None = None
    """Id of the criterion this one is a sub-item of, or None."""


@dataclass(frozen=True, slots=True)
class Protocol:
    """A parsed clinical-trial protocol."""

    id: str
    """NCT number, e.g. ``NCT01234567``."""
    title: str
    """Brief title."""
    text: str
    """Canonical text; every span and every citation quote refers to it."""
    source_format: Literal["ctgov-text", "ctgov-v2-json", "ctgov-xml"]
    """Format the protocol was parsed from."""
    source_path: str
    """Path of the file it was parsed from."""
    sections: tuple[Section, ...]
    """Sections in text order."""
    criteria: tuple[Criterion, ...]
    """Eligibility criteria in text order."""
    facts: dict[str, str] = field(default_factory=dict)
    """Design facts stated by the record (phase, enrollment, minimum age, …)."""

    @property
    def content_hash(self) -> str:
        """SHA-256 of the canonical text (first 16 hex digits)."""
        import hashlib

        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]

    def section_at(self, offset: int) -> Section | None:
        """The section that contains ``offset``, if any."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; KeyError if there is none."""
        for criterion in self.criteria:
            if criterion.id == criterion_id:
                return criterion
        raise KeyError(criterion_id)

    def criterion_citation(self, criterion_id: str) -> Citation:
        """A citation quoting the whole criterion with this id."""
        criterion = self.criterion(criterion_id)
        section = self.section_at(criterion.start)
        return Citation(
            protocol=self.id,
            section=section.name if section else "eligibility",
            quote=criterion.text,
            start=criterion.start,
            end=criterion.end,
            criterion_id=criterion.id,
        )


@dataclass(frozen=True, slots=True)
class Chunk:
    """A retrievable piece of a protocol; never splits a criterion."""

    id: str
    """Stable id: protocol id, section and a hash of the content."""
    protocol_id: str
    """NCT number of the protocol."""
    section: str
    """Machine name of the section the chunk lies in."""
    text: str
    """Chunk text, a verbatim substring of ``Protocol.text``."""
    start: int
    """Offset of ``text`` in ``Protocol.text``."""
    end: int
    """Offset one past the end of ``text`` in ``Protocol.text``."""
    criterion_ids: tuple[str, ...] = ()
    """Ids of the criteria wholly inside the chunk."""


@dataclass(frozen=True, slots=True)
class Citation:
    """An exact quote of a protocol that supports a statement."""

    protocol: str
    """NCT number of the quoted protocol."""
    section: str
    """Machine name of the section the quote lies in."""
    quote: str
    """The quoted text, a verbatim substring of the protocol's canonical text."""
    start: int
    """Offset of the quote in the protocol's canonical text."""
    end: int
    """Offset one past the end of the quote."""
    criterion_id: str | None = None
    """Id of the criterion quoted, if the quote is (part of) a criterion."""

    def to_json(self) -> dict[str, object]:
        """The citation as the JSON contract of ``ask --json``."""
        return {
            "protocol": self.protocol,
            "section": self.section,
            "criterion_id": self.criterion_id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class Statement:
    """One sentence of an answer with the citations that support it."""

    text: str
    """The sentence shown to the user."""
    citations: tuple[Citation, ...]
    """Quotes that support the sentence; empty only for an abstention."""


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer to a question about a protocol."""

    question: str
    """The question as asked."""
    statements: tuple[Statement, ...]
    """The answer's sentences, each with its citations."""
    abstained: bool
    """True when the protocol does not say and nothing is asserted."""
    protocol_id: str | None = None
    """Protocol the answer is about, when known."""

    @property
    def text(self) -> str:
        """The answer as one paragraph."""
        return " ".join(s.text for s in self.statements)

    @property
    def citations(self) -> tuple[Citation, ...]:
        """All citations, in order, without repeats."""
        seen: dict[tuple[str, int, int], Citation] = {}
        for statement in self.statements:
            for citation in statement.citations:
                seen.setdefault((citation.protocol, citation.start, citation.end), citation)
        return tuple(seen.values())

    def to_json(self) -> dict[str, object]:
        """The answer as the JSON contract of ``ask --json``."""
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "protocol": self.protocol_id,
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True, slots=True)
class Verdict:
    """The checker's decision on one criterion for one patient."""

    criterion_id: str
    """Id of the criterion decided."""
    type: CriterionType
    """Inclusion or exclusion."""
    text: str
    """The criterion text, verbatim."""
    status: Status
    """From the patient's side: satisfied means the patient passes this criterion."""
    reason: str
    """Why, in one sentence a clinician can check."""
    facts_used: tuple[str, ...] = ()
    """Patient facts the decision rests on, each as ``concept = value unit (date)``."""
    missing: tuple[str, ...] = ()
    """Data that would settle an unknown, e.g. ``total bilirubin with its reference range``."""

    def to_json(self) -> dict[str, object]:
        """The verdict as one entry of ``check --json``'s ``criteria``."""
        return {
            "id": self.criterion_id,
            "type": self.type,
            "text": self.text,
            "status": self.status,
            "reason": self.reason,
            "facts_used": list(self.facts_used),
            "missing": list(self.missing),
        }
