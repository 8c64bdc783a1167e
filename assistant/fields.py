"""Design-field answers: questions about what a record states as fields (phase, masking, allocation,
enrollment, dates, status, sponsor, locations, arms, outcomes) answered from the field's own line.

A field is found by what the question means, not by the words it shares with the line: "Is the trial
blinded?" is a masking question even though the record says "Masking: None (Open Label)". The quote is
always the field's line as it stands in ``Protocol.text``; when the record has no such field, the
answer is None and the general answerer decides (usually: the protocol does not say).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.types import Answer, Citation, Protocol, Section, Statement


@dataclass(frozen=True)
class Field:
    """A design field: how questions ask for it and how the record labels it."""

    name: str
    """What the answer calls it, e.g. ``masking``."""
    asks: re.Pattern[str]
    """Questions that ask for this field."""
    labels: re.Pattern[str]
    """Labels of the record's ``label: value`` lines that state it."""
    sections: tuple[str, ...]
    """Sections the labelled lines lie in."""


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_DATE_VERB = r"(?:start|begin|began|begun|commence|open|launch)"
_END_VERB = r"(?:end|finish|complete|close|stop)"
_TRIAL = r"(?:study|trial|registry|recruitment|enrol?lment|protocol)"
FIELDS: tuple[Field, ...] = (
    Field(
        "masking",
        _rx(r"\b(?:blind\w*|mask\w*|open[- ]?label|unblinded)\b"),
        _rx(r"^Masking$"),
        ("design",),
    ),
    Field(
        "phase",
        _rx(r"\bphase\b(?!\s+of\b)|\bpivotal\b"),
        _rx(r"^Phase$"),
        ("design", "conditions"),
    ),
    Field(
        "allocation",
        _rx(r"\brandomi[sz]\w*|\ballocat\w*|\bnon-?randomi[sz]\w*"),
        _rx(r"^Allocation$"),
        ("design",),
    ),
    Field(
        "enrollment",
        _rx(
            r"\bhow\s+many\s+(?:patients|participants|subjects|people|persons|volunteers|women|men|children)\b"
            r"(?!.*\b(?:per|each|a)\s+(?:site|day|week|month)\b)"
            r"|\b(?:what\s+(?:is|was)\s+the\s+|actual\s+|planned\s+|target\s+)enrol?l?ment\b"
            r"|\benrol?l?ment\s+(?:count|number|size|target)\b|\bsample\s+size\b|\bnumber\s+of\s+(?:patients|participants|subjects)\b"
            r"|\bhow\s+(?:big|large)\s+is\s+the\s+(?:study|trial)\b"
        ),
        _rx(r"^(?:Actual |Anticipated |Estimated )?Enrollment$"),
        ("design",),
    ),
    Field(
        "start date",
        _rx(
            rf"\bwhen\s+(?:did|does|was|will|is)\s+(?:the\s+)?{_TRIAL}\s+(?:\w+\s+)?{_DATE_VERB}\w*"
            rf"|\b{_TRIAL}\s+{_DATE_VERB}\w*\s+(?:date|when)\b|\bstart\s+date\b|\bwhen\s+(?:did|was)\s+(?:the\s+)?"
            rf"{_TRIAL}\s+(?:started|begun|opened|launched)\b"
        ),
        _rx(r"^Study Start(?: Date)?$"),
        ("status", "design"),
    ),
    Field(
        "completion date",
        _rx(
            rf"\bwhen\s+(?:did|does|was|will|is)\s+(?:the\s+)?{_TRIAL}\s+(?:\w+\s+)?{_END_VERB}\w*"
            r"|\bcompletion\s+date\b|\bend\s+date\b"
        ),
        _rx(r"^(?:Actual |Anticipated |Estimated )?(?:Primary |Study )?Completion Date$"),
        ("status", "design"),
    ),
    Field(
        "status",
        _rx(
            r"\b(?:still\s+)?recruiting\b|\brecruitment\s+status\b|\boverall\s+status\b|\bstatus\s+of\s+the\b"
            r"|\bis\s+the\s+(?:study|trial)\s+(?:still\s+)?(?:open|active|ongoing|completed|closed|finished|over)\b"
        ),
        _rx(r"^(?:Overall|Recruitment) Status$"),
        ("status",),
    ),
    Field(
        "study type",
        _rx(
            r"\b(?:type|kind|sort)\s+of\s+(?:study|trial)\b|\bstudy\s+type\b"
            r"|\bis\s+(?:it|the\s+(?:study|trial))\s+(?:an?\s+)?(?:interventional|observational)\b"
        ),
        _rx(r"^Study Type$"),
        ("design",),
    ),
    Field(
        "design",
        _rx(r"\bintervention(?:al)?\s+model\b|\bparallel[- ]group\b|\bcross-?over\b|\bsingle[- ]arm\b"),
        _rx(r"^Intervention Model$"),
        ("design",),
    ),
    Field(
        "purpose",
        _rx(r"\bprimary\s+purpose\b|\bpurpose\s+of\s+the\s+(?:study|trial)\b"),
        _rx(r"^Primary Purpose$"),
        ("design",),
    ),
    Field(
        "sex",
        _rx(r"\bwhich\s+(?:sex|sexes|gender|genders)\b|\b(?:sex|gender)\s+(?:is|are)\s+eligible\b|\bboth\s+sexes\b"),
        _rx(r"^(?:Sex|Sexes Eligible for Study|Gender)$"),
        ("eligibility",),
    ),
    Field(
        "age",
        _rx(
            r"\bhow\s+old\b|\bage\s+(?:range|limits?|requirements?|criteri\w+)\b|\bwhat\s+ages?\b"
            r"|\b(?:minimum|maximum|lower|upper)\s+age\b|\bages?\s+(?:are|is)\s+eligible\b"
        ),
        _rx(r"^(?:Minimum Age|Maximum Age|Ages Eligible for Study)$"),
        ("eligibility",),
    ),
    Field(
        "healthy volunteers",
        _rx(r"\bhealthy\s+(?:volunteers?|subjects|participants|controls)\b"),
        _rx(r"^Accepts Healthy Volunteers$"),
        ("eligibility",),
    ),
    Field(
        "sponsor",
        _rx(
            r"\bsponsor\w*|\bwho\s+(?:runs|leads|funds|conducts|organi[sz]es|is\s+running|is\s+behind)\b"
            r"|\bfunded\s+by\b|\bcollaborators?\b"
        ),
        _rx(r"^(?:Lead Sponsor|Collaborators|Sponsor)$"),
        ("sponsor",),
    ),
)
LOCATION = _rx(
    r"\bwhere\s+(?:is|was|are|will)\b(?!.*\b(?:dose|injected|applied|given|measured)\b)|\bin\s+which\s+(?:city|country|cities|countries)\b"
    r"|\bwhich\s+(?:city|country|cities|countries|sites?|hospitals?|cent(?:er|re)s?)\b|\blocations?\b|\bstudy\s+sites?\b"
)
ARMS = _rx(
    r"\b(?:what|which|how\s+many)\s+(?:are\s+the\s+)?(?:study\s+)?(?:arms|groups|cohorts)\b|\bwhat\s+are\s+the\s+arms\b"
)
OUTCOMES = _rx(r"\b(primary|secondary|main|other)?\s*(?:outcomes?|end\s*-?\s*points?)(?:\s+measures?)?\b")
OUTCOME_HEADING = re.compile(r"^(Primary|Secondary|Other)(?: Pre-specified)? Outcome(?: Measures?)?\s*:\s*(.*)$")
NEGATIVE_VALUE = _rx(r"^(?:none|no|false|n/?a|open label)\b|\(open label\)")
_LINE = re.compile(r"[^\n]+")


def _lines(protocol: Protocol, section: Section) -> Iterator[tuple[int, int]]:
    """Spans of the section's non-empty lines, surrounding white space and bullets left out."""
    for match in _LINE.finditer(protocol.text, section.start, section.end):
        start, end = match.start(), match.end()
        while start < end and protocol.text[start] in " \t•*-\u00a0":
            start += 1
        while end > start and protocol.text[end - 1] in " \t\r":
            end -= 1
        if end > start:
            yield start, end


def _citation(protocol: Protocol, section: Section, start: int, end: int) -> Citation:
    return Citation(protocol.id, section.name, protocol.text[start:end], start, end)


def _labelled(protocol: Protocol, field: Field) -> list[Citation]:
    """Lines ``label: value`` of the field's sections whose label the field names (one per label)."""
    found: list[Citation] = []
    for section in protocol.sections:
        if section.name not in field.sections:
            continue
        for start, end in _lines(protocol, section):
            line = protocol.text[start:end]
            for part in re.finditer(r"(?:^|\s{2,}|(?<=\d{4})\s+)([A-Z][A-Za-z ()/]{1,60}?)\s*:\s*(?=\S)", line):
                if field.labels.search(part.group(1).strip()):
                    value_end = _value_end(line, part.end())
                    found.append(_citation(protocol, section, start + part.start(1), start + value_end))
    return found


def _value_end(line: str, value_start: int) -> int:
    """Where a value ends: the line's end, or the next ``Label :`` on the same line."""
    following = re.search(r"\s+[A-Z][A-Za-z ()/]{2,60}\s+:\s", line[value_start:])
    end = value_start + following.start() if following else len(line)
    return len(line[:end].rstrip())


def _section_lines(protocol: Protocol, name: str) -> list[Citation]:
    """The lines of a section that state something (no heading, no boilerplate sentence)."""
    out: list[Citation] = []
    for section in protocol.sections:
        if section.name != name:
            continue
        for start, end in _lines(protocol, section):
            line = protocol.text[start:end]
            if line.endswith(":") or start == section.start or len(line.split()) > 14 or "NCT" in line:
                continue
            if line.endswith(".") and len(line.split()) > 6:
                continue
            out.append(_citation(protocol, section, start, end))
    return out


def _lead(field: Field, question: str, citations: list[Citation]) -> str:
    """A verdict sentence for yes/no field questions ("Is the trial blinded?")."""
    yes_no = re.match(r"^\s*(?:is|are|was|were|does|do|did)\b", question, re.IGNORECASE)
    value = citations[0].quote.split(":", 1)[-1].strip()
    if not yes_no:
        return f"The record states its {field.name}."
    if field.name == "masking":
        asks_open = re.search(r"open[- ]?label|unblinded", question, re.IGNORECASE)
        masked = not NEGATIVE_VALUE.search(value)
        return "Yes." if masked != bool(asks_open) else "No."
    if field.name == "allocation":
        randomised = not re.search(r"non|n/a|^na$", value, re.IGNORECASE)
        asks_non = re.search(r"non-?randomi", question, re.IGNORECASE)
        return "Yes." if randomised != bool(asks_non) else "No."
    if field.name == "healthy volunteers":
        return "No." if NEGATIVE_VALUE.search(value) else "Yes."
    return f"The record states its {field.name}."


def _answer(question: str, protocol: Protocol, lead: str, citations: list[Citation], limit: int = 12) -> Answer:
    titles = {s.name: s.title for s in protocol.sections}
    shown = citations[:limit]
    statements = [Statement(lead, tuple(shown))]
    statements += [Statement(f"{titles.get(c.section, c.section)}: “{' '.join(c.quote.split())}”", (c,)) for c in shown]
    if len(citations) > limit:
        statements.append(Statement(f"… and {len(citations) - limit} more.", tuple(citations[limit:])))
    return Answer(question=question, statements=tuple(statements), abstained=False, protocol_id=protocol.id)


def _outcomes(question: str, protocol: Protocol) -> Answer | None:
    match = OUTCOMES.search(question)
    if not match:
        return None
    wanted = (match.group(1) or "").lower()
    wanted = "primary" if wanted == "main" else wanted
    lines = _outcome_lines(protocol)
    chosen = [c for kind, c in lines if not wanted or kind == wanted]
    if not chosen:
        return None
    noun = f"{wanted} outcome measures" if wanted else "outcome measures"
    return _answer(question, protocol, f"{protocol.id} lists {len(chosen)} {noun}.", chosen)


def _outcome_lines(protocol: Protocol) -> list[tuple[str, Citation]]:
    """Each outcome measure's line with its kind (primary, secondary, other)."""
    out: list[tuple[str, Citation]] = []
    for section in protocol.sections:
        if section.name != "outcomes":
            continue
        kind = ""
        for start, end in _lines(protocol, section):
            line = protocol.text[start:end]
            heading = OUTCOME_HEADING.match(line)
            if heading:
                kind = heading.group(1).lower()
                if heading.group(2):  # "Primary Outcome: <measure>" (structured records)
                    offset = start + heading.start(2)
                    out.append((kind, _citation(protocol, section, offset, end)))
                continue
            if out and line.startswith("Description:") and out[-1][1].end < start:
                # a measure's description says what it measures: quoted with the measure
                last_kind, last = out[-1]
                out[-1] = (last_kind, _citation(protocol, section, last.start, end))
                continue
            numbered = re.match(r"^\d+\.\s+", line)
            if kind and numbered:  # "1. <measure> [ Time Frame: … ]" (registry page)
                out.append((kind, _citation(protocol, section, start + numbered.end(), end)))
    return out


def _arms(question: str, protocol: Protocol) -> Answer | None:
    if not ARMS.search(question):
        return None
    chosen = [
        c
        for c in _section_lines_all(protocol, "interventions")
        if re.match(r"^(?:Arm|Arm Group|Group)\b|^(?:Drug|Procedure|Device|Biological):", c.quote)
    ]
    arms = [c for c in chosen if c.quote.startswith(("Arm", "Group"))] or chosen
    if not arms:
        return None
    return _answer(question, protocol, f"{protocol.id} describes {len(arms)} arms or interventions.", arms)


def _section_lines_all(protocol: Protocol, name: str) -> list[Citation]:
    return [
        _citation(protocol, section, start, end)
        for section in protocol.sections
        if section.name == name
        for start, end in _lines(protocol, section)
    ]


def answer_field(question: str, protocol: Protocol) -> Answer | None:
    """The answer from a design field of ``protocol`` when ``question`` asks for one it states, else None;
    an abstention when it asks where the study runs and the record names no location."""
    for field in FIELDS:
        if field.asks.search(question):
            citations = _labelled(protocol, field)
            if field.name == "age":  # the criteria that state an age say it in the protocol's own words
                citations += [
                    protocol.criterion_citation(c.id)
                    for c in protocol.criteria
                    if re.search(r"\bage[sd]?\b", c.text, re.IGNORECASE)
                    and re.search(r"\d", c.text)
                    and not any(c.start <= x.start < c.end for x in citations)
                ]
            if not citations and field.name == "sponsor":
                citations = _section_lines(protocol, "sponsor")
            if citations:
                return _answer(question, protocol, _lead(field, question, citations), citations)
            return None
    if LOCATION.search(question):
        places = _section_lines(protocol, "locations")
        if places:
            return _answer(question, protocol, f"{protocol.id} names {len(places)} location lines.", places)
        text = f"The protocol {protocol.id} does not say: the record names no study location."
        return Answer(question=question, statements=(Statement(text, ()),), abstained=True, protocol_id=protocol.id)
    return _arms(question, protocol) or _outcomes(question, protocol)
