"""ClinicalTrials.gov API v2 study records (JSON with ``protocolSection``)."""

from __future__ import annotations

from typing import Any

from assistant.ids import validate_protocol_id
from assistant.parse.builder import Lines, RecordFields, render_record
from assistant.parse.records import (
    ArmsInterventionsModule,
    DesignModule,
    EligibilityModule,
    OutcomesModule,
    SponsorCollaboratorsModule,
    StudyRecord,
    read_study_record,
)
from assistant.types import Protocol


def _join(values: list[str] | None) -> str | None:
    return ", ".join(v for v in values if v) or None if values else None


def _scalar(value: int | bool | None) -> str | None:
    return None if value is None else str(value)


def _arms(module: ArmsInterventionsModule | None) -> Lines:
    lines: Lines = []
    if module is None:
        return lines
    for arm in module.arm_groups or []:
        label = f"Arm: {arm.label or ''}" + (f" ({arm.type})" if arm.type else "")
        lines.append((label, arm.description or arm.label))
    for item in module.interventions or []:
        label = f"Intervention: {(item.type or '').title()}: {item.name or ''}"
        lines.append((label, item.description or item.name))
        if item.other_names:
            lines.append(("Other Names", _join(item.other_names)))
    return lines


def _outcomes(module: OutcomesModule | None) -> Lines:
    lines: Lines = []
    if module is None:
        return lines
    for kind, outcomes in (
        ("Primary", module.primary_outcomes),
        ("Secondary", module.secondary_outcomes),
        ("Other", module.other_outcomes),
    ):
        for outcome in outcomes or []:
            lines.append((f"{kind} Outcome", outcome.measure))
            lines.append(("Description", outcome.description))
            lines.append(("Time Frame", outcome.time_frame))
    return lines


def _design_facts(design: DesignModule) -> dict[str, str | None]:
    info = design.design_info
    return {
        "Study Type": design.study_type,
        "Phase": _join(design.phases),
        "Allocation": info.allocation if info else None,
        "Intervention Model": info.intervention_model if info else None,
        "Primary Purpose": info.primary_purpose if info else None,
        "Masking": info.masking_info.masking if info and info.masking_info else None,
        "Enrollment": _scalar(design.enrollment_info.count) if design.enrollment_info else None,
    }


def _sponsors(module: SponsorCollaboratorsModule | None) -> tuple[str | None, str | None]:
    if module is None:
        return None, None
    lead = module.lead_sponsor.name if module.lead_sponsor else None
    return lead, _join([c.name for c in module.collaborators or [] if c.name])


def fields_of(record: StudyRecord, path: str) -> RecordFields:
    """What the parser reads from a typed study record."""
    section = record.protocol_section
    ident = section.identification_module
    nct = validate_protocol_id(ident.nct_id, f"{path}: protocolSection.identificationModule.nctId")
    status = section.status_module
    elig = section.eligibility_module or EligibilityModule()
    facts = _design_facts(section.design_module or DesignModule())
    facts.update(
        {
            "Overall Status": status.overall_status if status else None,
            "Study Start Date": status.start_date_struct.date if status and status.start_date_struct else None,
            "Primary Completion Date": (
                status.primary_completion_date_struct.date if status and status.primary_completion_date_struct else None
            ),
            "Minimum Age": elig.minimum_age,
            "Maximum Age": elig.maximum_age,
            "Sex": elig.sex,
            "Accepts Healthy Volunteers": _scalar(elig.healthy_volunteers),
        }
    )
    description = section.description_module
    conditions = section.conditions_module
    lead, collaborators = _sponsors(section.sponsor_collaborators_module)
    contacts = section.contacts_locations_module
    return RecordFields(
        nct_id=nct,
        title=ident.brief_title or ident.official_title or nct,
        official_title=ident.official_title,
        facts=facts,
        brief_summary=description.brief_summary if description else None,
        detailed_description=description.detailed_description if description else None,
        conditions=_join(conditions.conditions) if conditions else None,
        keywords=_join(conditions.keywords) if conditions else None,
        arms_and_interventions=_arms(section.arms_interventions_module),
        outcomes=_outcomes(section.outcomes_module),
        criteria_text=elig.eligibility_criteria,
        lead_sponsor=lead,
        collaborators=collaborators,
        locations=[
            ", ".join(x for x in (loc.facility, loc.city, loc.country) if x)
            for loc in (contacts.locations or [] if contacts else [])
        ],
    )


def parse_ctgov_json(data: Any, path: str) -> Protocol:
    """Parse a v2 study record; raise ProtocolParseError (or ProtocolIdError) when it is not one."""
    return render_record(fields_of(read_study_record(data, path), path), "ctgov-v2-json", path)
