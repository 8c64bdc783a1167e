"""The patient questions of eval/patient_questions.yaml: the facts and routes the chat must read.

Verdicts of the file are checked end to end elsewhere; here the file itself is validated (keys,
criterion ids of the parsed seed protocol) and every case's facts and route are compared with
``extract_facts`` and ``classify``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.chat.extract import extract_facts
from assistant.chat.route import SCHEDULE_STEPS
from assistant.chat.state import ConversationState
from assistant.parse import parse_protocol
from assistant.patient.concepts import load_concepts
from assistant.patient.facts import PatientFacts
from assistant.patient.units import is_uln, to_canonical

ROOT = Path(__file__).resolve().parent.parent
EVAL = yaml.safe_load((ROOT / "eval" / "patient_questions.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = EVAL["cases"]
BY_ID = {case["id"]: case for case in CASES}

CASE_KEYS = {
    "id",
    "message",
    "as_of",
    "patient_file",
    "follows",
    "expected_route",
    "expected_schedule_dates",
    "expected_facts",
    "expected_verdicts",
    "expected_overall",
    "notes",
}
FACT_KEYS = {"age", "sex", "observations", "conditions", "medications", "procedures"}
STATUSES = {"satisfied", "violated", "unknown", "needs_review"}
OVERALL = {"eligible", "ineligible", "undetermined"}


def _as_of(case: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(case["as_of"])


def test_file_is_well_formed() -> None:
    assert EVAL["protocol"] == "NCT01267695"
    assert len(CASES) >= 15
    assert len(BY_ID) == len(CASES)
    criterion_ids = {c.id for c in parse_protocol(ROOT / "corpus" / "NCT01267695.txt").criteria}
    for case in CASES:
        assert set(case) == CASE_KEYS, case["id"]
        assert set(case["expected_facts"]) <= FACT_KEYS, case["id"]
        assert case["expected_verdicts"], case["id"]
        assert set(case["expected_verdicts"]) <= criterion_ids, case["id"]
        assert set(case["expected_verdicts"].values()) <= STATUSES, case["id"]
        assert case["expected_overall"] in OVERALL, case["id"]
        violated = "violated" in case["expected_verdicts"].values()
        assert (case["expected_overall"] == "ineligible") == violated, case["id"]
        assert case["follows"] is None or case["follows"] in BY_ID, case["id"]


def test_file_covers_injection_and_a_follow_up_pair() -> None:
    assert any("ignore" in c["message"].lower() for c in CASES)
    follow_ups = [c for c in CASES if c["follows"]]
    assert follow_ups
    for case in follow_ups:
        earlier = set(BY_ID[case["follows"]]["expected_verdicts"])
        assert earlier <= set(case["expected_verdicts"]), "a follow-up keeps the verdicts of the same patient"


def _observed(facts: PatientFacts) -> dict[str, Any]:
    """The extracted facts in the file's shape, with every field the file may state."""
    out: dict[str, Any] = {}
    if facts.age is not None:
        out["age"] = facts.age
    if facts.sex is not None:
        out["sex"] = facts.sex
    for name in ("observations", "conditions", "medications", "procedures"):
        items = getattr(facts, name)
        if items:
            out[name] = {
                f.concept: {
                    k: (v.isoformat() if isinstance(v, dt.date) else v)
                    for k, v in f.model_dump().items()
                    if k not in ("concept", "source")
                }
                for f in items
            }
    return out


def _canonical(concept: str, value: float, unit: str | None) -> tuple[float, str | None]:
    """``value`` in ``unit`` in the concept's canonical unit: "90,000 /mm3" and "90 10*9/L" are one value."""
    details = load_concepts().get(concept)
    if details is None or details.unit is None or unit is None or is_uln(unit):
        return value, unit
    return to_canonical(value, unit, details, concept), details.unit


def _compare(expected: dict[str, Any], facts: PatientFacts) -> None:
    observed = _observed(facts)
    assert ("age" in observed) == ("age" in expected)
    if "age" in expected:
        assert observed["age"] == pytest.approx(float(expected["age"]))
    assert observed.get("sex") == expected.get("sex")
    for kind in ("observations", "conditions", "medications", "procedures"):
        wanted = {item["concept"]: item for item in expected.get(kind, [])}
        got = observed.get(kind, {})
        assert set(got) == set(wanted), (kind, sorted(got), sorted(wanted))
        for concept, item in wanted.items():
            fields = got[concept]
            if kind == "observations":  # unit, flag and range: what is not listed must be absent
                for value_key, unit_key in (("value", "unit"), ("reference_high", "reference_high_unit")):
                    if item.get(value_key) is None:
                        assert fields[value_key] is None and fields[unit_key] == item.get(unit_key), (
                            concept,
                            value_key,
                        )
                        continue
                    stated = _canonical(concept, float(item[value_key]), item.get(unit_key))
                    read = _canonical(concept, fields[value_key], fields[unit_key])
                    assert read[0] == pytest.approx(stated[0]) and read[1] == stated[1], (
                        concept,
                        value_key,
                        read,
                        stated,
                    )
                assert fields["flag"] == item.get("flag"), (concept, "flag")
            else:
                for key, value in item.items():
                    if key != "concept":
                        assert fields[key] == value, (concept, key, fields[key])
                if kind in ("conditions", "procedures"):
                    date_key = "onset" if kind == "conditions" else "date"
                    assert fields[date_key] == item.get(date_key), (concept, date_key)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_extracted_facts_match_the_file(case: dict[str, Any]) -> None:
    extracted = extract_facts(case["message"], _as_of(case))
    _compare(case["expected_facts"], extracted.facts)
    for mention in extracted.mentions:
        assert case["message"][mention.start : mention.end] == mention.text


def _conversation(case: dict[str, Any]) -> list[dict[str, Any]]:
    chain = [case]
    while chain[0]["follows"]:
        chain.insert(0, BY_ID[chain[0]["follows"]])
    return chain


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_route_and_merged_patient_match_the_file(case: dict[str, Any]) -> None:
    state = ConversationState(protocol_id=EVAL["protocol"], as_of=_as_of(case))
    for earlier in _conversation(case)[:-1]:
        state.update_from_message(earlier["message"])
    route = state.update_from_message(case["message"])
    assert (route.patient, route.schedule) == (case["expected_route"]["patient"], case["expected_route"]["schedule"])
    assert state.protocol_id == EVAL["protocol"]
    patient = state.patient
    assert patient is not None
    merged_concepts = (
        {o.concept for o in patient.observations}
        | {c.concept for c in patient.conditions}
        | {m.concept for m in patient.medications}
        | {p.concept for p in patient.procedures}
    )
    expected_concepts = {
        item["concept"]
        for c in _conversation(case)
        for kind in ("observations", "conditions", "medications", "procedures")
        for item in c["expected_facts"].get(kind, [])
    }
    dates = case["expected_schedule_dates"]
    if dates is not None:  # the trial's own dated steps go to the schedule, not to the patient checked
        expected_concepts -= SCHEDULE_STEPS
        for role in ("start", "surgery"):
            assert route.date_for(role) == (dt.date.fromisoformat(dates[role]) if dates[role] else None), role
    assert merged_concepts == expected_concepts
