"""Render a structured record (JSON or XML) into the canonical text that spans and quotes refer to.

Field values are copied verbatim, so a quote of the canonical text is also a quote of a field of the
source record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.parse.criteria import split_criteria
from assistant.types import Criterion, Protocol, Section


@dataclass
class TextBuilder:
    """Accumulates titled sections into one text, remembering each section's span."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    sections: list[Section] = field(default_factory=list)
    eligibility_span: tuple[int, int] | None = None

    def _append(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    def section(self, name: str, title: str, lines: list[tuple[str | None, str | None]]) -> None:
        """Add a section of ``label: value`` lines (label None: the value alone); empty values are left out."""
        kept = [(label, value.strip("\n")) for label, value in lines if value and value.strip()]
        if not kept:
            return
        start = self.length
        self._append(f"{title}:\n")
        for label, value in kept:
            if label is not None:
                self._append(f"{label}: ")
            value_span = self._append(value)
            if name == "eligibility" and label is None:
                self.eligibility_span = value_span
            self._append("\n")
        self._append("\n")
        self.sections.append(Section(name, title, start, self.length - 1))

    def build(self, protocol_id: str, title: str, source_format: str, path: str, facts: dict[str, str]) -> Protocol:
        """The finished Protocol, its criteria split from the eligibility text."""
        text = "".join(self.parts)
        criteria: tuple[Criterion, ...] = ()
        if self.eligibility_span is not None:
            criteria = split_criteria(protocol_id, text, *self.eligibility_span)
        return Protocol(
            id=protocol_id,
            title=title,
            text=text,
            source_format=source_format,  # type: ignore[arg-type]
            source_path=path,
            sections=tuple(self.sections),
            criteria=criteria,
            facts={k: v for k, v in facts.items() if v},
        )
