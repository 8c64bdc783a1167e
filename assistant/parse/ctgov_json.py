"""ClinicalTrials.gov API v2 study records (JSON with ``protocolSection``)."""

from __future__ import annotations

from typing import Any

from assistant.errors import ProtocolParseError
from assistant.parse.builder import TextBuilder
from assistant.types import Protocol

Lines = list[tuple[str | None, str | None]]


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
    b = TextBuilder()
    title = ident.get("briefTitle") or ident.get("officialTitle") or nct
    b.section("title", "Title", [(None, title), ("Official Title", ident.get("officialTitle")), ("Identifier", nct)])
    b.section(
        "status",
        "Study Status",
        [(k, facts[k]) for k in ("Overall Status", "Study Start Date", "Primary Completion Date")],
    )
    b.section("summary", "Brief Summary", [(None, _get(section, "descriptionModule", "briefSummary"))])
    b.section(
        "detailed_description",
        "Detailed Description",
        [(None, _get(section, "descriptionModule", "detailedDescription"))],
    )
    conditions = section.get("conditionsModule", {})
    b.section(
        "conditions",
        "Conditions",
        [("Conditions", _join(conditions.get("conditions"))), ("Keywords", _join(conditions.get("keywords")))],
    )
    b.section(
        "design",
        "Study Design",
        [
            (k, facts[k])
            for k in (
                "Study Type",
                "Phase",
                "Allocation",
                "Intervention Model",
                "Primary Purpose",
                "Masking",
                "Enrollment",
            )
        ],
    )
    b.section("interventions", "Arms and Interventions", _arms(section.get("armsInterventionsModule", {})))
    b.section("outcomes", "Outcome Measures", _outcomes(section.get("outcomesModule", {})))
    b.section(
        "eligibility",
        "Eligibility Criteria",
        [(k, facts[k]) for k in ("Minimum Age", "Maximum Age", "Sex", "Accepts Healthy Volunteers")]
        + [(None, elig.get("eligibilityCriteria"))],
    )
    sponsor = section.get("sponsorCollaboratorsModule", {})
    b.section(
        "sponsor",
        "Sponsors and Collaborators",
        [
            ("Lead Sponsor", _get(sponsor, "leadSponsor", "name")),
            ("Collaborators", _join([c.get("name") for c in sponsor.get("collaborators") or []])),
        ],
    )
    locations = [
        ", ".join(str(x) for x in (loc.get("facility"), loc.get("city"), loc.get("country")) if x)
        for loc in _get(section, "contactsLocationsModule", "locations") or []
    ]
    b.section("locations", "Locations", [(None, "\n".join(locations))])
    return b.build(nct, title, "ctgov-v2-json", path, {k: v for k, v in facts.items() if v})
