"""Read a hand-written facts file (YAML or JSON) into ``PatientFacts``; the format is in docs/facts-file.md.

Every key is validated: unknown keys, unknown concepts (or a concept of the wrong kind), units
that do not convert or hold invisible characters, values that are not finite numbers, negative or
implausible values (``assistant.patient.validate``), dates outside the accepted range, in the future
or after the check date, periods that end before they start and unknown sex codes raise
``PatientDataError`` naming the file, the entry and the field, with the valid choices.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import PatientDataError, RulesError
from assistant.limits import load_yaml
from assistant.patient import validate
from assistant.patient.concepts import ConceptSet, Kind, load_concepts
from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Plan, Procedure, Review
from assistant.patient.units import converts, is_uln
from assistant.settings import get_settings

TOP_KEYS = ("patient", "observations", "conditions", "medications", "procedures", "plans", "absent", "reviews")
PATIENT_KEYS = ("id", "birth_date", "age", "sex")
_MODELS: dict[str, tuple[type[BaseModel], Kind]] = {
    "observations": (Observation, "observation"),
    "conditions": (Condition, "condition"),
    "medications": (Medication, "medication"),
    "procedures": (Procedure, "procedure"),
}
_DATE_FIELDS = ("date", "onset", "abatement", "start", "end")


def read_facts_file(path: str | Path, today: dt.date | None = None, as_of: dt.date | None = None) -> PatientFacts:
    """The facts stated in a facts file; ``today`` bounds dates (default: today), ``as_of`` the birth date."""
    file = Path(path)
    text = validate.file_text(file)
    try:
        raw = load_yaml(text, get_settings(), str(file))
    except yaml.YAMLError as exc:
        raise PatientDataError(f"{file}: not valid YAML or JSON: {exc}") from None
    return parse_facts(raw, str(file), today, as_of)


def parse_facts(raw: object, name: str, today: dt.date | None = None, as_of: dt.date | None = None) -> PatientFacts:
    """The facts in an already-loaded facts mapping; no date after ``today``, no birth after ``as_of``."""
    today = today or dt.date.today()
    concepts = load_concepts()
    if not isinstance(raw, dict):
        raise PatientDataError(f"{name}: expected a mapping with keys {', '.join(TOP_KEYS)}")
    unknown = [k for k in raw if k not in TOP_KEYS]
    if unknown:
        raise PatientDataError(f"{name}: unknown key {unknown[0]!r}; valid keys: {', '.join(TOP_KEYS)}")
    patient = _patient(raw.get("patient") or {}, f"{name} patient", today, as_of)
    groups: dict[str, list[Any]] = {key: [] for key in _MODELS}
    for key, (model, kind) in _MODELS.items():
        entries = raw.get(key) or []
        if not isinstance(entries, list):
            raise PatientDataError(f"{name} {key}: expected a list of entries")
        for i, entry in enumerate(entries):
            groups[key].append(_entry(entry, model, kind, f"{name} {key}[{i}]", concepts, today))
    absent = raw.get("absent") or []
    if not isinstance(absent, list):
        raise PatientDataError(f"{name} absent: expected a list of concept names")
    for i, concept_name in enumerate(absent):
        where = f"{name} absent[{i}]"
        concept = _concept(str(concept_name), ("condition", "medication", "procedure"), where, concepts)
        kind_key = f"{concept.kind}s"
        model = _MODELS[kind_key][0]
        groups[kind_key].append(model(concept=concept.name, present=False, source=f"{name} absent"))
    return PatientFacts(
        **patient,
        reviews=_reviews(raw.get("reviews") or [], f"{name} reviews"),
        observations=tuple(groups["observations"]),
        conditions=tuple(groups["conditions"]),
        medications=tuple(groups["medications"]),
        procedures=tuple(groups["procedures"]),
        plans=_plans(raw.get("plans") or [], f"{name} plans", concepts),
    )


def _plans(raw: object, where: str, concepts: ConceptSet) -> tuple[Plan, ...]:
    """Procedures and treatments planned (``planned: false``: stated none planned); a plan's date is to come."""
    entries = _mappings(raw, where, list(Plan.model_fields))
    plans = []
    for i, entry in enumerate(entries):
        concept = _concept(str(entry.get("concept")), ("procedure", "medication"), f"{where}[{i}]", concepts)
        source = entry.get("source") or where
        plans.append(_validated(Plan, {**entry, "concept": concept.name, "source": source}, f"{where}[{i}]"))
    return tuple(plans)


def _reviews(raw: object, where: str) -> tuple[Review, ...]:
    """Clinicians' decisions on judgement criteria, each naming the criterion and the reviewer."""
    entries = _mappings(raw, where, list(Review.model_fields))
    return tuple(_validated(Review, entry, f"{where}[{i}]") for i, entry in enumerate(entries))


def _mappings(raw: object, where: str, valid: list[str]) -> list[dict[str, Any]]:
    """``raw`` as a list of mappings with only ``valid`` keys; PatientDataError naming the entry otherwise."""
    if not isinstance(raw, list):
        raise PatientDataError(f"{where}: expected a list of entries")
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise PatientDataError(f"{where}[{i}]: expected a mapping with keys {', '.join(valid)}")
        unknown = [k for k in entry if k not in valid]
        if unknown:
            raise PatientDataError(f"{where}[{i}]: unknown key {unknown[0]!r}; valid keys: {', '.join(valid)}")
    return raw


_M = TypeVar("_M", bound=BaseModel)


def _validated(model: type[_M], entry: dict[str, Any], where: str) -> _M:
    try:
        return model.model_validate(entry)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(p) for p in error["loc"])
        raise PatientDataError(f"{where} {loc}: {error['msg']} (got {error.get('input')!r})") from None


def _patient(raw: object, where: str, today: dt.date, as_of: dt.date | None) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PatientDataError(f"{where}: expected a mapping with keys {', '.join(PATIENT_KEYS)}")
    unknown = [k for k in raw if k not in PATIENT_KEYS]
    if unknown:
        raise PatientDataError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(PATIENT_KEYS)}")
    fields: dict[str, Any] = {
        "patient_id": raw.get("id"),
        "birth_date": raw.get("birth_date"),
        "age": validate.number(raw.get("age"), f"{where}.age"),
        "sex": validate.sex(raw.get("sex"), f"{where}.sex"),
    }
    try:
        facts = PatientFacts(**{k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        error = exc.errors()[0]
        field = {"patient_id": "id"}.get(str(error["loc"][0]), str(error["loc"][0]))
        raise PatientDataError(f"{where}.{field}: {error['msg']} (got {error.get('input')!r})") from None
    validate.date(facts.birth_date, f"{where}.birth_date", today, as_of)
    if facts.age is not None and not 0 <= facts.age < 130:
        raise PatientDataError(f"{where}.age: {facts.age:g} is not an age in years")
    return {k: getattr(facts, k) for k in ("patient_id", "birth_date", "age", "sex")}


def _concept(name: str, kinds: tuple[Kind, ...], where: str, concepts: ConceptSet) -> Any:
    try:
        return concepts.get(name, kinds, f"{where}.concept")
    except RulesError as exc:
        raise PatientDataError(str(exc)) from None


def _entry(raw: object, model: type[BaseModel], kind: Kind, where: str, concepts: ConceptSet, today: dt.date) -> Any:
    valid = [f for f in model.model_fields if f != "source"] + ["source"]
    if not isinstance(raw, dict):
        raise PatientDataError(f"{where}: expected a mapping with keys {', '.join(valid)}")
    unknown = [k for k in raw if k not in model.model_fields]
    if unknown:
        raise PatientDataError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(valid)}")
    concept = _concept(str(raw.get("concept")), (kind,), where, concepts)
    for field in ("value", "reference_high", "dose"):
        validate.number(raw.get(field), f"{where}.{field}")
    for field in ("unit", "reference_high_unit", "dose_unit"):
        validate.visible(raw.get(field), f"{where}.{field}")
    try:
        fact = model.model_validate({**raw, "source": raw.get("source") or where})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = ".".join(str(p) for p in error["loc"])
        raise PatientDataError(f"{where}.{loc}: {error['msg']} (got {error.get('input')!r})") from None
    for field in _DATE_FIELDS:
        validate.date(getattr(fact, field, None), f"{where}.{field}", today)
    if isinstance(fact, Condition):
        validate.period(fact.onset, fact.abatement, where, "onset", "abatement")
    if isinstance(fact, Medication):
        validate.period(fact.start, fact.end, where, "start", "end")
    if isinstance(fact, Observation):
        _check_observation(fact, concept, where)
    if isinstance(fact, Medication) and fact.dose is not None and fact.dose < 0:
        raise PatientDataError(f"{where}.dose: negative dose {fact.dose:g}")
    return fact


def _check_observation(fact: Observation, concept: Any, where: str) -> None:
    if concept.value == "flag":
        if fact.flag is None:
            raise PatientDataError(
                f"{where}.flag: {concept.name} is a positive/negative result; give flag: true or false"
            )
        if fact.comparator is not None:
            raise PatientDataError(
                f"{where}.comparator: {fact.comparator!r} bounds a value, and {concept.name} is a positive/negative "
                "result; give flag alone"
            )
        return
    if fact.value is None:
        raise PatientDataError(f"{where}.value: missing; {concept.name} needs a value")
    if fact.value < 0:
        raise PatientDataError(f"{where}.value: negative {concept.label} {fact.value:g}")
    if concept.value == "quantity" and not is_uln(fact.unit):
        converts(fact.unit, concept, f"{where}.unit")
    validate.plausible(fact.value, fact.unit if concept.value == "quantity" else None, concept, f"{where}.value")
    if fact.reference_high is not None:
        if fact.reference_high <= 0:
            raise PatientDataError(f"{where}.reference_high: must be positive, got {fact.reference_high:g}")
        high_unit = fact.reference_high_unit or fact.unit
        converts(high_unit, concept, f"{where}.reference_high_unit")
        if not is_uln(high_unit):
            validate.plausible(fact.reference_high, high_unit, concept, f"{where}.reference_high")
