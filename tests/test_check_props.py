"""Properties of the checker over generated patients (hypothesis)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import Condition, Medication, Observation, PatientFacts, Procedure
from assistant.rules import load_rules
from assistant.rules.context import forget_contexts

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
RULES = load_rules(PROTOCOL, ROOT / "corpus")
CONCEPTS = load_concepts()
AS_OF = dt.date(2024, 6, 3)

dates = st.one_of(st.none(), st.dates(min_value=dt.date(2015, 1, 1), max_value=AS_OF))


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    concept = CONCEPTS.concepts[draw(st.sampled_from(CONCEPTS.names("observation")))]
    date = draw(dates)
    if concept.value == "flag":
        return Observation(concept=concept.name, flag=draw(st.booleans()), date=date)
    value = draw(st.floats(min_value=0, max_value=500, allow_nan=False))
    if concept.value == "score":
        return Observation(concept=concept.name, value=float(int(value) % 6), date=date)
    high = draw(st.one_of(st.none(), st.floats(min_value=0.5, max_value=200)))
    unit = draw(st.sampled_from([concept.unit, "ULN"])) if concept.name in ("ast", "alt", "bilirubin") else concept.unit
    if unit == "ULN":
        high = None  # a multiple of ULN carries no reference range of its own
    return Observation(concept=concept.name, value=value, unit=unit, reference_high=high, date=date)


@st.composite
def events(draw: st.DrawFn) -> Condition | Medication | Procedure:
    kind = draw(st.sampled_from(["condition", "medication", "procedure"]))
    name = draw(st.sampled_from(CONCEPTS.names(kind)))  # type: ignore[arg-type]
    present = draw(st.booleans())
    if kind == "condition":
        onset = draw(dates)
        abatement = draw(dates) if draw(st.booleans()) else None
        if onset and abatement and abatement < onset:
            onset, abatement = abatement, onset
        return Condition(
            concept=name,
            present=present,
            active=abatement is None and draw(st.booleans()),
            onset=onset,
            abatement=abatement,
        )
    if kind == "medication":
        start, end = draw(dates), draw(dates)
        if start and end and end < start:
            start, end = end, start
        dose = draw(st.one_of(st.none(), st.floats(min_value=0, max_value=20)))
        return Medication(
            concept=name,
            present=present,
            start=start,
            end=end,
            active=end is None,
            dose=dose,
            dose_unit="mg" if dose is not None else None,
        )
    return Procedure(concept=name, present=present, date=draw(dates))


@st.composite
def patients(draw: st.DrawFn) -> PatientFacts:
    group = draw(st.lists(events(), max_size=12))
    return PatientFacts(
        birth_date=draw(st.one_of(st.none(), st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2015, 1, 1)))),
        sex=draw(st.one_of(st.none(), st.sampled_from(["female", "male"]))),
        observations=tuple(draw(st.lists(observations(), max_size=15))),
        conditions=tuple(f for f in group if isinstance(f, Condition)),
        medications=tuple(f for f in group if isinstance(f, Medication)),
        procedures=tuple(f for f in group if isinstance(f, Procedure)),
    )


def _add(facts: PatientFacts, fact: Observation | Condition | Medication | Procedure) -> PatientFacts:
    field = {Observation: "observations", Condition: "conditions", Medication: "medications", Procedure: "procedures"}
    name = field[type(fact)]
    return facts.model_copy(update={name: (*getattr(facts, name), fact)})


@settings(max_examples=300, deadline=None)
@given(patients())
def test_overall_agrees_with_criterion_statuses(facts: PatientFacts) -> None:
    result = check_patient(PROTOCOL, facts, AS_OF, RULES)
    statuses = [v.status for v in result.verdicts]
    assert len(statuses) == len(PROTOCOL.criteria)
    if "violated" in statuses:
        assert result.overall == "ineligible"
    elif all(s == "satisfied" for s in statuses):
        assert result.overall == "eligible"
    else:
        assert result.overall == "undetermined"
    for verdict in result.verdicts:
        assert verdict.reason
        assert bool(verdict.missing) == (verdict.status == "unknown"), verdict
    assert result.to_json()["overall"] == result.overall


@settings(max_examples=300, deadline=None)
@given(patients(), st.one_of(observations(), events()))
def test_adding_a_fact_changes_only_criteria_that_use_it(facts: PatientFacts, extra: object) -> None:
    before = check_patient(PROTOCOL, facts, AS_OF, RULES)
    after = check_patient(PROTOCOL, _add(facts, extra), AS_OF, RULES)  # type: ignore[arg-type]
    for rule, old, new in zip(RULES.rules, before.verdicts, after.verdicts, strict=True):
        if extra.concept not in rule.uses:  # type: ignore[attr-defined]
            assert old.status == new.status, (rule.criterion_id, extra)
            assert old.reason == new.reason


@settings(max_examples=200, deadline=None)
@given(patients())
def test_no_data_is_never_read_as_normal(facts: PatientFacts) -> None:
    empty = check_patient(PROTOCOL, PatientFacts(), AS_OF, RULES)
    assert {v.status for v in empty.verdicts} <= {"unknown", "needs_review", "satisfied"}
    satisfied = {v.criterion_id for v in empty.verdicts if v.status == "satisfied"}
    assert satisfied == {"NCT01267695:I40"}  # only the permissive criterion passes with no data at all


@settings(max_examples=200, deadline=None)
@given(patients(), st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2030, 1, 1)))
def test_a_kept_context_gives_the_verdicts_of_a_fresh_one(facts: PatientFacts, day: dt.date) -> None:
    first = check_patient(PROTOCOL, facts, day, RULES)
    check_patient(PROTOCOL, facts, AS_OF, RULES)  # another date in between: its own context
    kept = check_patient(PROTOCOL, facts, day, RULES)  # the context of ``first``, its lookups remembered
    forget_contexts()
    fresh = check_patient(PROTOCOL, facts, day, RULES)
    assert kept.verdicts == first.verdicts == fresh.verdicts
    assert kept.overall == fresh.overall
