"""Read a FHIR R4 Bundle (JSON) into ``PatientFacts``, validating every resource with fhir.resources.

Resources are validated with the R4B models of fhir.resources (R4B differs from R4 in none of the
elements read here). Read: Patient (birthDate, gender); Observation by LOINC code, else by
``code.text``/display, with ``valueQuantity`` (UCUM), ``valueInteger``, ``valueBoolean``,
``valueCodeableConcept`` or ``valueString`` and ``referenceRange.high`` as the upper limit of normal
(a ``valueQuantity.comparator`` — "<20 copies/mL" — keeps the value as the bound it is);
Condition by ICD-10-CM or SNOMED CT code, else by text, with clinical and verification status, onset
and abatement; MedicationStatement / MedicationRequest by RxNorm code or drug name, with dose and
period; Procedure by SNOMED CT code or text, with its date. Observations are read in
``assistant.patient.fhir_observations``.

Anything that cannot be read as stated — a malformed resource, a value missing without a
``dataAbsentReason``, a unit that does not convert, a negative count, a date in the future —
raises ``PatientDataError`` naming the resource and the field, as do the checks every patient reader
applies (``assistant.patient.validate``): finite numbers within the concept's plausible range, units
without invisible characters, dates in the accepted range and not after the check date, periods that
do not end before they start, a gender that is a FHIR or one-letter administrative code. Resources of concepts the
vocabulary does not know are skipped: no rule could use them. Partial dates (``2019``,
``2024-03``) are read as the last day they can mean, which can only make an exposure look more
recent, never older; a birth date must be a full date.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from assistant.errors import PatientDataError
from assistant.limits import load_json
from assistant.patient import validate
from assistant.patient.concepts import LOINC, Concept, ConceptSet, Kind, load_concepts
from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Procedure
from assistant.patient.fhir_observations import UCUM, as_float, dated_to, read_observation
from assistant.settings import get_settings

_STATUSES: dict[str, frozenset[str]] = {
    "Observation": frozenset(
        {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
    ),
    "MedicationStatement": frozenset(
        {"active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"}
    ),
    "MedicationRequest": frozenset(
        {"active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"}
    ),
    "Procedure": frozenset(
        {"preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"}
    ),
}
"""The required status value sets of FHIR R4: any other status is refused, never read as a final result."""
_USED = ("Patient", "Observation", "Condition", "MedicationStatement", "MedicationRequest", "Procedure", "Medication")


def read_fhir_bundle(
    source: str | Path | dict[str, Any], today: dt.date | None = None, as_of: dt.date | None = None
) -> PatientFacts:
    """The facts of the one patient a FHIR R4 Bundle describes; ``today`` bounds dates (default: today),
    ``as_of`` (the check date) the birth date."""
    name = "bundle" if isinstance(source, dict) else str(source)
    data = source if isinstance(source, dict) else _load_json(Path(source))
    return _Reader(data, name, today or dt.date.today(), load_concepts(), as_of).read()


def _load_json(path: Path) -> dict[str, Any]:
    text = validate.file_text(path)
    try:
        data = load_json(text, get_settings(), str(path))
    except json.JSONDecodeError as exc:
        raise PatientDataError(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(data, dict):
        raise PatientDataError(f"{path}: expected a FHIR Bundle object, got a JSON {type(data).__name__}")
    return data


class _Reader:
    def __init__(
        self, data: dict[str, Any], name: str, today: dt.date, concepts: ConceptSet, as_of: dt.date | None = None
    ) -> None:
        self.data, self.name, self.today, self.concepts, self.as_of = data, name, today, concepts, as_of
        self.medications: dict[str, Any] = {}

    # --------------------------------------------------------------------------- bundle and entries

    def resources(self) -> Iterator[tuple[str, Any]]:
        data = self.data
        if data.get("resourceType") != "Bundle":
            raise PatientDataError(f"{self.name} resourceType: expected 'Bundle', got {data.get('resourceType')!r}")
        entries = data.get("entry", [])
        if not isinstance(entries, list):
            raise PatientDataError(f"{self.name} Bundle.entry: expected a list of entries")
        for i, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                raise PatientDataError(f"{self.name} Bundle.entry[{i}].resource: missing or not an object")
            rtype = resource.get("resourceType")
            ref = f"{rtype}/{resource.get('id', f'entry[{i}]')}"
            if rtype not in _USED:
                continue
            try:
                model = get_fhir_model_class(rtype).model_validate(resource)
            except ValidationError as exc:
                error = exc.errors()[0]
                loc = ".".join(str(p) for p in error["loc"])
                msg = error["msg"].removeprefix("Value error, ")
                shown = repr(error.get("input"))
                shown = shown if len(shown) <= 80 else shown[:77] + "..."
                raise PatientDataError(f"{ref} {loc}: {msg} (got {shown})") from None
            allowed, status = _STATUSES.get(rtype), getattr(model, "status", None)
            if allowed is not None and status not in allowed:
                raise PatientDataError(
                    f"{ref} status: {validate.shown(status)} is not a {rtype} status; "
                    f"expected one of {', '.join(sorted(allowed))}"
                )
            yield ref, model

    def read(self) -> PatientFacts:
        resources = list(self.resources())
        for ref, res in resources:
            if ref.startswith("Medication/"):
                self.medications[ref] = res
        patient: dict[str, Any] = {}
        observations: list[Observation] = []
        conditions: list[Condition] = []
        medications: list[Medication] = []
        procedures: list[Procedure] = []
        for ref, res in resources:
            kind = ref.split("/", 1)[0]
            if kind == "Patient":
                if patient:
                    raise PatientDataError(f"{ref}: a second Patient in the bundle; give one patient per bundle")
                patient = self.patient(ref, res)
            elif kind == "Observation":
                observations.extend(self.observation(ref, res))
            elif kind == "Condition":
                conditions.extend(self.condition(ref, res))
            elif kind in ("MedicationStatement", "MedicationRequest"):
                medications.extend(self.medication(ref, res))
            elif kind == "Procedure":
                procedures.extend(self.procedure(ref, res))
        return PatientFacts(
            **patient,
            observations=tuple(observations),
            conditions=tuple(conditions),
            medications=tuple(medications),
            procedures=tuple(procedures),
        )

    # ------------------------------------------------------------------------------------ helpers

    def date(self, value: Any, where: str, birth: bool = False) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            day = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            text = str(value)
            parts = text.split("-")
            try:
                if len(parts) == 1:
                    if birth:
                        raise PatientDataError(f"{where}: {text!r} is only a year; a full date is needed for age")
                    day = dt.date(int(parts[0]), 12, 31)
                elif len(parts) == 2:
                    if birth:
                        raise PatientDataError(f"{where}: {text!r} is only a month; a full date is needed for age")
                    day = dt.date(int(parts[0]), int(parts[1]), 1) + relativedelta(months=1, days=-1)
                else:
                    day = dt.date.fromisoformat(text[:10])
            except ValueError:
                raise PatientDataError(f"{where}: {text!r} is not a date") from None
        return validate.date(day, where, self.today, self.as_of if birth else None)

    def concept(self, code: Any, kind: Kind) -> Concept | None:
        if code is None:
            return None
        for coding in code.coding or ():
            found = self.concepts.by_code(coding.system, coding.code, kind)
            if found is not None:
                return found
        for text in (code.text, *(c.display for c in code.coding or ())):
            found = self.concepts.by_text(text, kind)
            if found is not None:
                return found
        for coding in code.coding or ():
            found = self.concepts.by_terminology(coding.system, coding.code, kind)
            if found is not None:
                return found
        return None

    def period(self, ref: str, field: str, value: Any) -> None:
        """PatientDataError when a FHIR Period ends before it starts."""
        start = self.date(value.start, f"{ref} {field}.start")
        end = self.date(value.end, f"{ref} {field}.end")
        validate.period(start, end, ref, f"{field}.start", f"{field}.end")

    # ---------------------------------------------------------------------------------- resources

    def patient(self, ref: str, res: Any) -> dict[str, Any]:
        sex = validate.sex(res.gender, f"{ref} gender")
        return {
            "patient_id": res.id,
            "birth_date": self.date(res.birthDate, f"{ref} birthDate", birth=True),
            "sex": sex,
        }

    def observation(self, ref: str, res: Any) -> list[Observation]:
        return read_observation(self, ref, res)

    def condition(self, ref: str, res: Any) -> list[Condition]:
        verification = _code(res.verificationStatus)
        if verification in ("entered-in-error", "unconfirmed", "provisional", "differential"):
            return []
        concept = self.concept(res.code, "condition")
        if concept is None:
            return []
        onset_value = res.onsetDateTime or (res.onsetPeriod.start if res.onsetPeriod else None)
        abatement_value = res.abatementDateTime or (res.abatementPeriod.end if res.abatementPeriod else None)
        onset = self.date(onset_value, f"{ref} onsetDateTime")
        abatement = self.date(abatement_value, f"{ref} abatementDateTime")
        validate.period(onset, abatement, ref, "onsetDateTime", "abatementDateTime")
        clinical = _code(res.clinicalStatus)
        active = clinical in ("active", "recurrence", "relapse") if clinical else abatement is None
        return [
            Condition(
                concept=concept.name,
                present=verification != "refuted",
                active=active,
                onset=onset,
                abatement=abatement,
                dated_to=dated_to(onset_value, abatement_value),
                source=ref,
            )
        ]

    def medication(self, ref: str, res: Any) -> list[Medication]:
        status = res.status
        if status in ("entered-in-error", "intended", "draft", "cancelled", "unknown"):
            return []
        code = res.medicationCodeableConcept
        if code is None and res.medicationReference is not None:
            target = self.medications.get(res.medicationReference.reference or "")
            code = target.code if target is not None else None
        concept = self.concept(code, "medication")
        if concept is None:
            return []
        if status == "not-taken":
            return [Medication(concept=concept.name, present=False, source=ref)]
        dosages = getattr(res, "dosage", None) or getattr(res, "dosageInstruction", None) or ()
        start = end = None
        given: tuple[Any, ...] = ()
        if ref.startswith("MedicationStatement"):
            if res.effectivePeriod is not None:
                start = self.date(res.effectivePeriod.start, f"{ref} effectivePeriod.start")
                end = self.date(res.effectivePeriod.end, f"{ref} effectivePeriod.end")
                given = (res.effectivePeriod.start, res.effectivePeriod.end)
            elif res.effectiveDateTime is not None:
                start = self.date(res.effectiveDateTime, f"{ref} effectiveDateTime")
                end = start if status in ("completed", "stopped") else None
                given = (res.effectiveDateTime,)
        else:
            start = self.date(res.authoredOn, f"{ref} authoredOn")
            given = (res.authoredOn,)
            bounds = dosages[0].timing.repeat.boundsPeriod if dosages and _has_bounds(dosages[0]) else None
            if bounds is not None:
                start = self.date(bounds.start, f"{ref} dosageInstruction[0].timing.repeat.boundsPeriod.start") or start
                end = self.date(bounds.end, f"{ref} dosageInstruction[0].timing.repeat.boundsPeriod.end")
                given = (bounds.start or res.authoredOn, bounds.end)
        validate.period(start, end, ref, "start", "end")
        dose, dose_unit, per_day = self.dose(ref, dosages)
        return [
            Medication(
                concept=concept.name,
                dose=dose,
                dose_unit=dose_unit,
                per_day=per_day,
                start=start,
                end=end,
                active=status == "active" and (end is None or end >= self.today),
                dated_to=dated_to(*given),
                source=ref,
            )
        ]

    def dose(self, ref: str, dosages: Any) -> tuple[float | None, str | None, bool]:
        if not dosages:
            return None, None, True
        dosage = dosages[0]
        rates = dosage.doseAndRate or ()
        qty = rates[0].doseQuantity if rates else None
        if qty is None:
            return None, None, True
        if qty.value is None:
            raise PatientDataError(f"{ref} dosage[0].doseAndRate[0].doseQuantity.value: missing")
        where = f"{ref} dosage[0].doseAndRate[0].doseQuantity.value"
        value = validate.number(as_float(qty.value, where), where) or 0.0
        if value < 0:
            raise PatientDataError(f"{where}: negative dose {value:g}")
        validate.visible(qty.unit, f"{ref} dosage[0].doseAndRate[0].doseQuantity.unit")
        unit = qty.code if qty.system == UCUM and qty.code else (qty.unit or qty.code)
        repeat = dosage.timing.repeat if dosage.timing is not None else None
        if repeat is not None and repeat.periodUnit == "d" and repeat.frequency:
            per = float(repeat.period or 1)
            return value * float(repeat.frequency) / per, unit, True
        timing_code = _code(dosage.timing.code) if dosage.timing is not None else None
        if timing_code in ("QD", "DAILY"):
            return value, unit, True
        return value, unit, False

    def procedure(self, ref: str, res: Any) -> list[Procedure]:
        if res.status in ("entered-in-error", "preparation", "unknown"):
            return []
        concept = self.concept(res.code, "procedure")
        if concept is None:
            return []
        if res.status == "not-done":
            return [Procedure(concept=concept.name, present=False, source=ref)]
        performed = res.performedDateTime
        field = "performedDateTime"
        if performed is None and res.performedPeriod is not None:
            performed = res.performedPeriod.end or res.performedPeriod.start
            field = "performedPeriod"
            self.period(ref, field, res.performedPeriod)
        date = self.date(performed, f"{ref} {field}")
        return [Procedure(concept=concept.name, date=date, dated_to=dated_to(performed), source=ref)]


def _code(concept: Any) -> str | None:
    if concept is None:
        return None
    for coding in concept.coding or ():
        if coding.code:
            return str(coding.code)
    return None


def _has_bounds(dosage: Any) -> bool:
    return (
        dosage.timing is not None and dosage.timing.repeat is not None and dosage.timing.repeat.boundsPeriod is not None
    )


__all__ = ["LOINC", "read_fhir_bundle"]
