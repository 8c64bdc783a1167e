"""The ClinicalTrials.gov study page as a clinician copies it: the file text is the canonical text."""

from __future__ import annotations

import re

from assistant.errors import ProtocolParseError
from assistant.parse.criteria import split_criteria
from assistant.types import Protocol, Section

# (machine name, title, pattern of the line that opens the section), in the page's order.
SECTION_HEADINGS: tuple[tuple[str, str, str], ...] = (
    ("status", "Study Status", r"The safety and scientific validity of this study"),
    ("summary", "Brief Summary", r"Brief Summary\s*:"),
    ("conditions", "Condition, Intervention and Phase", r"Condition or disease\b"),
    ("detailed_description", "Detailed Description", r"Detailed Description\s*:"),
    ("design", "Study Design", r"Study Type\s*:"),
    ("interventions", "Arms and Interventions", r"(Arms and )?Interventions?( Details)?\s*:"),
    ("outcomes", "Outcome Measures", r"Primary Outcome Measures?\s*:"),
    ("about", "About Clinical Studies", r"Information from the National Library of Medicine"),
    ("eligibility", "Eligibility Criteria", r"(Ages Eligible for Study|Eligibility Criteria)\s*:"),
    ("locations", "Contacts and Locations", r"To learn more about this study, you or your doctor may contact"),
    ("sponsor", "Sponsors and Collaborators", r"Sponsors and Collaborators\b"),
    ("additional_information", "More Information", r"Additional Information\s*:"),
    ("keywords", "Keywords", r"Keywords provided by\b"),
    ("mesh_terms", "MeSH Terms", r"Additional relevant MeSH terms\s*:"),
)
_NCT = re.compile(r"\bNCT\d{8}\b")
# "Key: value" on one line. Only bounded or possessive runs, so a long run of spaces costs linear time;
# the value's trailing space is stripped by the caller.
_FACT_LINE = re.compile(r"^(?P<key>[A-Z][A-Za-z /()-]{2,60}?)\s*+:\s++(?P<value>\S[^\n]*+)", re.MULTILINE)
_ELIGIBILITY_FACTS = re.compile(
    r"(?P<key>Ages Eligible for Study|Sexes Eligible for Study|Accepts Healthy Volunteers)\s*:\s*(?P<value>[^\n]+)"
)


def _find_sections(text: str) -> list[Section]:
    """Sections by heading; a heading opens a section only after the previous one (the page's order)."""
    found: list[tuple[int, str, str]] = []
    pos = 0
    for name, title, pattern in SECTION_HEADINGS:
        match = re.compile(r"^[ \t]*" + pattern, re.MULTILINE).search(text, pos)
        if match:
            found.append((match.start(), name, title))
            pos = match.end()
    if not found or found[0][0] > 0:
        found.insert(0, (0, "title", "Title"))
    sections = []
    for i, (start, name, title) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        if name == "eligibility":
            # The page repeats the library's notice after the criteria: it closes the eligibility text.
            notice = text.find("Information from the National Library of Medicine", start, end)
            if notice != -1:
                sections.append(Section(name, title, start, notice))
                sections.append(Section("about", "About Clinical Studies", notice, end))
                continue
        sections.append(Section(name, title, start, end))
    return sections


def parse_ctgov_text(text: str, path: str) -> Protocol:
    """Parse the registry page text; raise ProtocolParseError when it is not one."""
    ids = _NCT.findall(text)
    if not ids:
        raise ProtocolParseError(path, "no NCT identifier found; not a ClinicalTrials.gov record")
    protocol_id = max(set(ids), key=ids.count)
    sections = _find_sections(text)
    names = {s.name for s in sections}
    if not names & {"summary", "eligibility", "detailed_description"}:
        raise ProtocolParseError(
            path, "no 'Brief Summary', 'Detailed Description' or 'Eligibility' section; not a study record"
        )
    title_line = text.strip().splitlines()[0].strip()
    criteria: tuple = ()
    facts: dict[str, str] = {}
    for section in sections:
        if section.name == "eligibility":
            body = text[section.start : section.end]
            last_fact = 0
            for match in _ELIGIBILITY_FACTS.finditer(body):
                facts[match.group("key")] = re.sub(r"\s+", " ", match.group("value")).strip()
                last_fact = match.end()
            criteria = split_criteria(protocol_id, text, section.start + last_fact, section.end)
        elif section.name in {"design", "status"}:
            for match in _FACT_LINE.finditer(text, section.start, section.end):
                facts.setdefault(match.group("key").strip(), " ".join(match.group("value").split()))
        elif section.name == "conditions":
            phase = re.search(
                r"\b(Early Phase 1|Phase [1-4](?:/Phase [1-4])?|Not Applicable)\b", text[section.start : section.end]
            )
            if phase:
                facts["Phase"] = phase.group(1)
    return Protocol(
        id=protocol_id,
        title=title_line,
        text=text,
        source_format="ctgov-text",
        source_path=path,
        sections=tuple(sections),
        criteria=criteria,
        facts=facts,
    )
