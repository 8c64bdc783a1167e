"""Legacy ClinicalTrials.gov XML records (``<clinical_study>``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from assistant.errors import ProtocolParseError
from assistant.parse.builder import Lines, RecordFields, render_record
from assistant.types import Protocol


def _text(node: ET.Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip("\n") or None


def _all(node: ET.Element, path: str) -> str | None:
    values = [e.text.strip() for e in node.findall(path) if e.text and e.text.strip()]
    return ", ".join(values) or None


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


def parse_ctgov_xml(raw: str, path: str) -> Protocol:
    """Parse a legacy XML record; raise ProtocolParseError when it is not one."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise ProtocolParseError(path, f"malformed XML ({exc})") from None
    if root.tag != "clinical_study":
        raise ProtocolParseError(path, f"root element is <{root.tag}>, expected <clinical_study>")
    nct = _text(root, "id_info/nct_id")
    if not nct:
        raise ProtocolParseError(path, "<id_info><nct_id> is missing")
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
    fields = RecordFields(
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
    return render_record(fields, "ctgov-xml", path)
