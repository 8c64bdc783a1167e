"""Typed ClinicalTrials.gov API v2 study records: the parts of the record the parser reads.

Field names and types follow the API v2 study schema (``protocolSection`` modules). Types are
strict: a field of the wrong type is an error naming its path and the type found
(``protocolSection.identificationModule.nctId: expected a string, got integer 123``). Fields the
parser does not read are ignored, whatever they hold.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.alias_generators import to_camel

from assistant.errors import ProtocolParseError


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, alias_generator=to_camel)


class IdentificationModule(_Record):
    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None


class DateStruct(_Record):
    date: str | None = None


class StatusModule(_Record):
    overall_status: str | None = None
    start_date_struct: DateStruct | None = None
    primary_completion_date_struct: DateStruct | None = None


class MaskingInfo(_Record):
    masking: str | None = None


class DesignInfo(_Record):
    allocation: str | None = None
    intervention_model: str | None = None
    primary_purpose: str | None = None
    masking_info: MaskingInfo | None = None


class EnrollmentInfo(_Record):
    count: int | None = None


class DesignModule(_Record):
    study_type: str | None = None
    phases: list[str] | None = None
    design_info: DesignInfo | None = None
    enrollment_info: EnrollmentInfo | None = None


class EligibilityModule(_Record):
    eligibility_criteria: str | None = None
    minimum_age: str | None = None
    maximum_age: str | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None


class DescriptionModule(_Record):
    brief_summary: str | None = None
    detailed_description: str | None = None


class ConditionsModule(_Record):
    conditions: list[str] | None = None
    keywords: list[str] | None = None


class ArmGroup(_Record):
    label: str | None = None
    type: str | None = None
    description: str | None = None


class Intervention(_Record):
    type: str | None = None
    name: str | None = None
    description: str | None = None
    other_names: list[str] | None = None


class ArmsInterventionsModule(_Record):
    arm_groups: list[ArmGroup] | None = None
    interventions: list[Intervention] | None = None


class Outcome(_Record):
    measure: str | None = None
    description: str | None = None
    time_frame: str | None = None


class OutcomesModule(_Record):
    primary_outcomes: list[Outcome] | None = None
    secondary_outcomes: list[Outcome] | None = None
    other_outcomes: list[Outcome] | None = None


class Sponsor(_Record):
    name: str | None = None


class SponsorCollaboratorsModule(_Record):
    lead_sponsor: Sponsor | None = None
    collaborators: list[Sponsor] | None = None


class Location(_Record):
    facility: str | None = None
    city: str | None = None
    country: str | None = None


class ContactsLocationsModule(_Record):
    locations: list[Location] | None = None


class ProtocolSection(_Record):
    identification_module: IdentificationModule
    status_module: StatusModule | None = None
    design_module: DesignModule | None = None
    eligibility_module: EligibilityModule | None = None
    description_module: DescriptionModule | None = None
    conditions_module: ConditionsModule | None = None
    arms_interventions_module: ArmsInterventionsModule | None = None
    outcomes_module: OutcomesModule | None = None
    sponsor_collaborators_module: SponsorCollaboratorsModule | None = None
    contacts_locations_module: ContactsLocationsModule | None = None


class StudyRecord(_Record):
    """One API v2 study record."""

    protocol_section: ProtocolSection


_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "number"),
    (str, "string"),
    (list, "list"),
    (dict, "object"),
    (type(None), "null"),
)
_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "bool_type": "a boolean",
    "list_type": "a list",
    "model_type": "an object",
    "dict_type": "an object",
    "model_attributes_type": "an object",
}


def _json_type(value: Any) -> str:
    for kind, name in _JSON_TYPES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return ""
    text = repr(value)
    return " " + (text if len(text) <= 60 else text[:60] + "…")


def describe(exc: ValidationError) -> str:
    """The first problem of a validation error as ``path: expected …, got <type> <value>``."""
    error = exc.errors(include_url=False)[0]
    where = _location(tuple(error["loc"])) or "record"
    if error["type"] == "missing":
        return f"{where} is missing"
    value = error.get("input")
    expected = _EXPECTED.get(error["type"], error["msg"].lower())
    return f"{where}: expected {expected}, got {_json_type(value)}{_shown(value)}"


def read_study_record(data: Any, path: str) -> StudyRecord:
    """The typed study record in ``data``; ProtocolParseError naming the field when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("protocolSection"), dict):
        raise ProtocolParseError(path, "JSON has no 'protocolSection'; not a ClinicalTrials.gov API v2 study record")
    try:
        return StudyRecord.model_validate(data)
    except ValidationError as exc:
        raise ProtocolParseError(path, describe(exc)) from None
