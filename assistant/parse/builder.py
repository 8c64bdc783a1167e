"""Render a structured record (JSON or XML) into the canonical text that spans and quotes refer to.

Field values are copied verbatim, so a quote of the canonical text is also a quote of a field of the
source record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.parse.criteria import split_criteria
from assistant.types import Criterion, Protocol, Section

Lines = list[tuple[str | None, str | None]]
STATUS_FACTS = ("Overall Status", "Study Start Date", "Primary Completion Date")
DESIGN_FACTS = ("Study Type", "Phase", "Allocation", "Intervention Model", "Primary Purpose", "Masking", "Enrollment")
ELIGIBILITY_FACTS = ("Minimum Age", "Maximum Age", "Sex", "Accepts Healthy Volunteers")


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

    def section(self, name: str, title: str, lines: Lines) -> None:
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


@dataclass
class RecordFields:
    """What a structured registry record says, read out of its own format (JSON or XML)."""

    nct_id: str
    title: str
    official_title: str | None
    facts: dict[str, str | None]
    brief_summary: str | None
    detailed_description: str | None
    conditions: str | None
    keywords: str | None
    arms_and_interventions: Lines
    outcomes: Lines
    criteria_text: str | None
    lead_sponsor: str | None
    collaborators: str | None
    locations: list[str]


def render_record(fields: RecordFields, source_format: str, path: str) -> Protocol:
    """The canonical text of a structured record, section by section, and the Protocol over it."""
    facts = fields.facts
    b = TextBuilder()
    b.section(
        "title",
        "Title",
        [(None, fields.title), ("Official Title", fields.official_title), ("Identifier", fields.nct_id)],
    )
    b.section("status", "Study Status", [(k, facts.get(k)) for k in STATUS_FACTS])
    b.section("summary", "Brief Summary", [(None, fields.brief_summary)])
    b.section("detailed_description", "Detailed Description", [(None, fields.detailed_description)])
    b.section("conditions", "Conditions", [("Conditions", fields.conditions), ("Keywords", fields.keywords)])
    b.section("design", "Study Design", [(k, facts.get(k)) for k in DESIGN_FACTS])
    b.section("interventions", "Arms and Interventions", fields.arms_and_interventions)
    b.section("outcomes", "Outcome Measures", fields.outcomes)
    b.section(
        "eligibility",
        "Eligibility Criteria",
        [(k, facts.get(k)) for k in ELIGIBILITY_FACTS] + [(None, fields.criteria_text)],
    )
    b.section(
        "sponsor",
        "Sponsors and Collaborators",
        [("Lead Sponsor", fields.lead_sponsor), ("Collaborators", fields.collaborators)],
    )
    b.section("locations", "Locations", [(None, "\n".join(fields.locations))])
    return b.build(fields.nct_id, fields.title, source_format, path, {k: v for k, v in facts.items() if v})
