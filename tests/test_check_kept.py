"""A verdict the checker keeps for a rule that reads none of the patient's facts is the verdict it would make."""

from __future__ import annotations

import datetime as dt
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest

from assistant.check import check_patient
from assistant.parse import parse_protocol
from assistant.patient.facts import Condition, Conflict, Observation, PatientFacts, Review
from assistant.rules import load_rules
from assistant.types import Verdict

ROOT = Path(__file__).resolve().parent.parent
PROTOCOL = parse_protocol(ROOT / "corpus" / "NCT01267695.txt")
AS_OF = dt.date(2024, 6, 3)
LATER = dt.date(2026, 1, 15)

EMPTY = PatientFacts()
REVIEWED = PatientFacts(reviews=(Review(criterion="NCT01267695:I3", met=True, by="surgeon"),))
CONFLICT = PatientFacts(
    conflicts=(Conflict(concept="platelets", kind="observation", values=("80,000/mm3", "200,000/mm3")),)
)
FUTURE_LAB = PatientFacts(
    observations=(Observation(concept="platelets", value=50, unit="10*9/L", date=LATER),),
)
ONE_FACT = PatientFacts(sex="male", conditions=(Condition(concept="brain_metastases", present=False),))
BORN = PatientFacts(birth_date=dt.date(1960, 2, 29))


@pytest.mark.parametrize(
    ("earlier", "facts", "day"),
    [
        pytest.param([(EMPTY, AS_OF)], EMPTY, AS_OF, id="same-patient-same-date"),
        pytest.param([(EMPTY, LATER)], EMPTY, AS_OF, id="kept-at-another-date"),
        pytest.param([(REVIEWED, AS_OF)], EMPTY, AS_OF, id="a-review-is-not-kept-for-the-next-patient"),
        pytest.param([(EMPTY, AS_OF)], REVIEWED, AS_OF, id="a-review-overrides-a-kept-verdict"),
        pytest.param([(EMPTY, AS_OF)], CONFLICT, AS_OF, id="a-conflict-overrides-a-kept-verdict"),
        pytest.param([(CONFLICT, AS_OF)], EMPTY, AS_OF, id="a-conflict-is-not-kept"),
        pytest.param([(EMPTY, AS_OF)], FUTURE_LAB, AS_OF, id="a-fact-dated-after-the-check-is-not-read"),
        pytest.param([(EMPTY, LATER)], FUTURE_LAB, LATER, id="the-same-fact-on-its-date-is-read"),
        pytest.param([(EMPTY, AS_OF)], ONE_FACT, AS_OF, id="rules-reading-the-one-fact-are-decided-anew"),
        pytest.param([(ONE_FACT, AS_OF), (EMPTY, AS_OF)], BORN, AS_OF, id="age-read-from-a-birth-date"),
    ],
)
def test_kept_verdicts_are_those_of_a_rule_set_that_kept_none(
    earlier: list[tuple[PatientFacts, dt.date]], facts: PatientFacts, day: dt.date
) -> None:
    rules = load_rules(PROTOCOL, ROOT / "corpus")  # a rule set of its own: it keeps what these checks leave
    for other, other_day in earlier:
        check_patient(PROTOCOL, other, other_day, rules)
    kept = check_patient(PROTOCOL, facts, day, rules)
    cold = check_patient(PROTOCOL, facts, day, load_rules(PROTOCOL, ROOT / "corpus"))
    assert kept.verdicts == cold.verdicts
    assert kept.overall == cold.overall


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param(EMPTY, id="no-facts"),
        pytest.param(ONE_FACT, id="one-fact"),
        pytest.param(REVIEWED, id="reviewed"),
        pytest.param(CONFLICT, id="conflict"),
    ],
)
def test_verdicts_are_those_their_constructor_makes(facts: PatientFacts) -> None:
    for verdict in check_patient(PROTOCOL, facts, AS_OF, load_rules(PROTOCOL, ROOT / "corpus")).verdicts:
        made = Verdict(**{f.name: getattr(verdict, f.name) for f in fields(Verdict)})
        assert type(verdict) is Verdict
        assert verdict == made and hash(verdict) == hash(made)
        with pytest.raises(FrozenInstanceError):
            verdict.reason = "changed"  # type: ignore[misc]
