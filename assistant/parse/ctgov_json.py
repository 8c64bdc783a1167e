"""ClinicalTrials.gov API v2 study records (JSON with ``protocolSection``)."""

from __future__ import annotations

from typing import Any

from assistant.errors import ProtocolParseError
from assistant.parse.builder import Lines, RecordFields, render_record
from assistant.types import Protocol


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _join(values: Any) -> str | None:
    if isinstance(values, list):
        return ", ".join(str(v) for v in values if v) or None
    return str(values) if values not in (None, "") else None


def _arms(module: dict[str, Any]) -> Lines:
    lines: Lines = []
    for arm in module.get("armGroups") or []:
        label = f"Arm: {arm.get('label', '')}" + (f" ({arm['type']})" if arm.get("type") else "")
        lines.append((label, arm.get("description") or arm.get("label")))
    for item in module.get("interventions") or []:
        label = f"Intervention: {item.get('type', '').title()}: {item.get('name', '')}"
        lines.append((label, item.get("description") or item.get("name")))
        if item.get("otherNames"):
            lines.append(("Other Names", _join(item["otherNames"])))
    return lines


def _outcomes(module: dict[str, Any]) -> Lines:
    lines: Lines = []
    for kind, key in (("Primary", "primaryOutcomes"), ("Secondary", "secondaryOutcomes"), ("Other", "otherOutcomes")):
        for outcome in module.get(key) or []:
            lines.append((f"{kind} Outcome", outcome.get("measure")))
            lines.append(("Description", outcome.get("description")))
            lines.append(("Time Frame", outcome.get("timeFrame")))
    return lines


def parse_ctgov_json(data: Any, path: str) -> Protocol:
    """Parse a v2 study record; raise ProtocolParseError when it is not one."""
    section = _get(data, "protocolSection")
    if not isinstance(section, dict):
        raise ProtocolParseError(path, "JSON has no 'protocolSection'; not a ClinicalTrials.gov API v2 study record")
    nct = _get(section, "identificationModule", "nctId")
    if not nct:
        raise ProtocolParseError(path, "protocolSection.identificationModule.nctId is missing")
    ident = section.get("identificationModule", {})
    status = section.get("statusModule", {})
    design = section.get("designModule", {})
    elig = section.get("eligibilityModule") or {}
    facts = {
        "Study Type": _get(design, "studyType"),
        "Phase": _join(design.get("phases")),
        "Allocation": _get(design, "designInfo", "allocation"),
        "Intervention Model": _get(design, "designInfo", "interventionModel"),
        "Primary Purpose": _get(design, "designInfo", "primaryPurpose"),
        "Masking": _get(design, "designInfo", "maskingInfo", "masking"),
        "Enrollment": _join(_get(design, "enrollmentInfo", "count")),
        "Overall Status": status.get("overallStatus"),
        "Study Start Date": _get(status, "startDateStruct", "date"),
        "Primary Completion Date": _get(status, "primaryCompletionDateStruct", "date"),
        "Minimum Age": elig.get("minimumAge"),
        "Maximum Age": elig.get("maximumAge"),
        "Sex": elig.get("sex"),
        "Accepts Healthy Volunteers": _join(elig.get("healthyVolunteers")),
    }
    conditions = section.get("conditionsModule", {})
    sponsor = section.get("sponsorCollaboratorsModule", {})
    fields = RecordFields(
        nct_id=nct,
        title=ident.get("briefTitle") or ident.get("officialTitle") or nct,
        official_title=ident.get("officialTitle"),
        facts=facts,
        brief_summary=_get(section, "descriptionModule", "briefSummary"),
        detailed_description=_get(section, "descriptionModule", "detailedDescription"),
        conditions=_join(conditions.get("conditions")),
        keywords=_join(conditions.get("keywords")),
        arms_and_interventions=_arms(section.get("armsInterventionsModule", {})),
        outcomes=_outcomes(section.get("outcomesModule", {})),
        criteria_text=elig.get("eligibilityCriteria"),
        lead_sponsor=_get(sponsor, "leadSponsor", "name"),
        collaborators=_join([c.get("name") for c in sponsor.get("collaborators") or []]),
        locations=[
            ", ".join(str(x) for x in (loc.get("facility"), loc.get("city"), loc.get("country")) if x)
            for loc in _get(section, "contactsLocationsModule", "locations") or []
        ],
    )
    return render_record(fields, "ctgov-v2-json", path)
