"""Legacy ClinicalTrials.gov XML records (``<clinical_study>``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from assistant.errors import InputLimitError, ProtocolParseError
from assistant.ids import validate_protocol_id
from assistant.parse.builder import Lines, RecordFields, render_record
from assistant.types import Protocol


class _StructureError(Exception):
    """An element whose shape is not the record's: holds the element's path and what is wrong."""


def _leaf_text(element: ET.Element, path: str) -> str | None:
    """The text of an element that must hold text only."""
    child = next(iter(element), None)
    if child is not None:
        raise _StructureError(f"<{path.replace('/', '><')}>: expected text, found a child element <{child.tag}>")
    return element.text


def _text(node: ET.Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path)
    if found is None:
        return None
    text = _leaf_text(found, path)
    if text is None:
        return None
    return text.strip("\n") or None


def _all(node: ET.Element, path: str) -> str | None:
    texts = [_leaf_text(e, path) for e in node.findall(path)]
    values = [t.strip() for t in texts if t and t.strip()]
    return ", ".join(values) or None


def _read_tree(raw: str, path: str, max_depth: int) -> ET.Element:
    """The document's root, read event by event so nesting past ``max_depth`` stops the read at once."""
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    depth = 0
    root: ET.Element | None = None
    step = 1 << 16
    try:
        for offset in range(0, len(raw), step):
            parser.feed(raw[offset : offset + step])
            for event, element in parser.read_events():
                if event == "start":
                    root = element if root is None else root
                    depth += 1
                    if depth > max_depth:
                        raise InputLimitError(
                            f"{path}: XML nested more than {max_depth} levels deep, over the limit "
                            f"max_nesting_depth={max_depth} (raise it with PA_MAX_NESTING_DEPTH)"
                        )
                else:
                    depth -= 1
        parser.close()
    except ET.ParseError as exc:
        raise ProtocolParseError(path, f"malformed XML ({exc})") from None
    if root is None:
        raise ProtocolParseError(path, "malformed XML (no element found)")
    return root


def _arms(root: ET.Element) -> Lines:
    lines: Lines = []
    for arm in root.findall("arm_group"):
        kind = _text(arm, "arm_group_type")
        label = f"Arm: {_text(arm, 'arm_group_label') or ''}" + (f" ({kind})" if kind else "")
        lines.append((label, _text(arm, "description") or _text(arm, "arm_group_label")))
    for item in root.findall("intervention"):
        label = f"Intervention: {_text(item, 'intervention_type') or ''}: {_text(item, 'intervention_name') or ''}"
        lines.append((label, _text(item, "description") or _text(item, "intervention_name")))
        lines.append(("Other Names", _all(item, "other_name")))
    return lines


def _outcomes(root: ET.Element) -> Lines:
    lines: Lines = []
    for kind, tag in (("Primary", "primary_outcome"), ("Secondary", "secondary_outcome"), ("Other", "other_outcome")):
        for outcome in root.findall(tag):
            lines.append((f"{kind} Outcome", _text(outcome, "measure")))
            lines.append(("Description", _text(outcome, "description")))
            lines.append(("Time Frame", _text(outcome, "time_frame")))
    return lines


def parse_ctgov_xml(raw: str, path: str, max_depth: int = 64) -> Protocol:
    """Parse a legacy XML record; raise ProtocolParseError naming the element when it is not one."""
    root = _read_tree(raw, path, max_depth)
    if root.tag != "clinical_study":
        raise ProtocolParseError(path, f"root element is <{root.tag}>, expected <clinical_study>")
    try:
        return render_record(_fields(root, path), "ctgov-xml", path)
    except _StructureError as exc:
        raise ProtocolParseError(path, str(exc)) from None


def _fields(root: ET.Element, path: str) -> RecordFields:
    ids = root.findall("id_info/nct_id")
    if len(ids) > 1:
        raise _StructureError(f"<id_info><nct_id>: {len(ids)} elements, expected one")
    nct = _text(root, "id_info/nct_id")
    if not nct:
        raise ProtocolParseError(path, "<id_info><nct_id> is missing")
    nct = validate_protocol_id(nct, f"{path}: <id_info><nct_id>")
    if len(root.findall("eligibility")) > 1:
        raise _StructureError("<eligibility>: more than one element, expected one")
    elig = root.find("eligibility")
    facts = {
        "Study Type": _text(root, "study_type"),
        "Phase": _text(root, "phase"),
        "Allocation": _text(root, "study_design_info/allocation"),
        "Intervention Model": _text(root, "study_design_info/intervention_model"),
        "Primary Purpose": _text(root, "study_design_info/primary_purpose"),
        "Masking": _text(root, "study_design_info/masking"),
        "Enrollment": _text(root, "enrollment"),
        "Overall Status": _text(root, "overall_status"),
        "Study Start Date": _text(root, "start_date"),
        "Primary Completion Date": _text(root, "primary_completion_date"),
        "Minimum Age": _text(elig, "minimum_age"),
        "Maximum Age": _text(elig, "maximum_age"),
        "Sex": _text(elig, "gender"),
        "Accepts Healthy Volunteers": _text(elig, "healthy_volunteers"),
        "NCT Aliases": _all(root, "id_info/nct_alias"),
    }
    return RecordFields(
        nct_id=nct,
        title=_text(root, "brief_title") or _text(root, "official_title") or nct,
        official_title=_text(root, "official_title"),
        facts=facts,
        brief_summary=_text(root, "brief_summary/textblock"),
        detailed_description=_text(root, "detailed_description/textblock"),
        conditions=_all(root, "condition"),
        keywords=_all(root, "keyword"),
        arms_and_interventions=_arms(root),
        outcomes=_outcomes(root),
        criteria_text=_text(elig, "criteria/textblock"),
        lead_sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        collaborators=_all(root, "sponsors/collaborator/agency"),
        locations=[
            ", ".join(
                x
                for x in (
                    _text(loc, "facility/name"),
                    _text(loc, "facility/address/city"),
                    _text(loc, "facility/address/country"),
                )
                if x
            )
            for loc in root.findall("location")
        ],
    )
