"""Care planned ahead: a criterion on a planned procedure or treatment ("Planned major surgery during the
study") compiles to a ``planned`` test; a note's plan ("Knee replacement scheduled for 20 December", "awaiting
kidney transplant", "No surgery ever; none planned") is a ``Plan`` fact, never a procedure done; the test is true
on a plan, false on "none planned", unknown when the record says nothing or both."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from assistant.check import check_patient
from assistant.errors import RulesError
from assistant.parse import parse_protocol
from assistant.patient.facts import PatientFacts, Plan
from assistant.patient.note import read_note
from assistant.rules.compile import compile_rule, draft_rules
from assistant.rules.load import compile_document
from assistant.rules.schema import parse_node
from assistant.types import Criterion
from tests.conftest import note_verdict

SEED = Path(__file__).resolve().parent.parent / "corpus" / "NCT01267695.txt"
SURGERY = ("ctgov-legacy-xml/NCT02438137.xml", "NCT02438137:E12")
# 'Participants with recent surgery (within 3 months prior to screening), or anticipated surgery during the
# length of the study.'
TODAY = dt.date(2025, 12, 2)


def _compiled(text: str) -> Any:
    return compile_rule(Criterion("X:E1", "exclusion", text, 0, len(text)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Planned major surgery during the study", {"planned": "major_surgery"}, id="lead-and-study"),
        pytest.param("Surgery planned during the study", {"planned": "surgery"}, id="trailing"),
        pytest.param(
            "Scheduled surgery within 4 weeks", {"planned": "surgery", "within": {"weeks": 4}}, id="window-ahead"
        ),
        pytest.param("Anticipated need for blood transfusion", {"planned": "blood_transfusion"}, id="need-for"),
        pytest.param(
            "Planned elective surgery during the study period",
            {
                "all": [
                    {"planned": "surgery"},
                    {
                        "needs_review": "whether the surgery (any operation) planned falls within the criterion's words "
                        "'elective'"
                    },
                ]
            },
            id="narrowed",
        ),
        pytest.param("Major surgery within 4 weeks", {"procedure": "major_surgery", "within": {"weeks": 4}}, id="done"),
    ],
)
def test_planned_care_compiles(text: str, expected: dict[str, Any]) -> None:
    assert _compiled(text).when == expected


def test_a_record_criterion_of_surgery_done_or_anticipated() -> None:
    from tests.conftest import one_criterion

    compiled = compile_rule(one_criterion(*SURGERY).criteria[0])
    assert compiled.when == {"any": [{"procedure": "surgery", "within": {"months": 3}}, {"planned": "surgery"}]}


@pytest.mark.parametrize(
    ("note", "concept", "planned", "date"),
    [
        pytest.param("Surgery planned next month.", "surgery", True, None, id="planned"),
        pytest.param("Awaiting kidney transplant.", "kidney_transplant", True, None, id="awaiting"),
        pytest.param("He will undergo a colonoscopy next week.", "colonoscopy", True, None, id="will-undergo"),
        pytest.param(
            "Knee replacement scheduled for 20 December 2025.",
            "knee_replacement",
            True,
            dt.date(2025, 12, 20),
            id="a-day-to-come",
        ),
        pytest.param("No surgery planned.", "surgery", False, None, id="denied"),
        pytest.param("No surgery ever; none planned.", "surgery", False, None, id="none-planned-after"),
    ],
)
def test_a_plan_in_a_note_is_a_plan_not_a_procedure(note: str, concept: str, planned: bool, date: Any) -> None:
    facts = read_note(note, TODAY).facts
    assert any(p.concept == concept and p.planned is planned and p.date == date for p in facts.plans), facts.plans
    assert all(not (p.concept == concept and p.present) for p in facts.procedures)


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("Consider surgery if the pain recurs.", id="considered"),
        pytest.param("Her mother is scheduled for surgery.", id="a-relative"),
        pytest.param("Reported to have had surgery in 2019.", id="done-before"),
    ],
)
def test_no_plan_is_read_where_none_is_stated(note: str) -> None:
    assert read_note(note, TODAY).facts.plans == ()


def _check(text: str, plans: tuple[Plan, ...]) -> tuple[str, str]:
    seed = parse_protocol(SEED)
    one = dataclasses.replace(seed, criteria=(Criterion(f"{seed.id}:E1", "exclusion", text, 0, len(text)),))
    rules = compile_document(draft_rules(one), one, "compiled")
    verdict = check_patient(one, PatientFacts(plans=plans), TODAY, rules).verdicts[0]
    return verdict.status, verdict.reason


@pytest.mark.parametrize(
    ("text", "plans", "status"),
    [
        pytest.param("Planned major surgery during the study", (Plan(concept="major_surgery"),), "violated", id="plan"),
        pytest.param(
            "Planned major surgery during the study",
            (Plan(concept="surgery", planned=False),),
            "satisfied",
            id="none-of-a-wider-kind",
        ),
        pytest.param(
            "Planned major surgery during the study", (Plan(concept="surgery"),), "unknown", id="a-wider-kind-planned"
        ),
        pytest.param(
            "Planned major surgery during the study",
            (Plan(concept="surgery"), Plan(concept="surgery", planned=False)),
            "unknown",
            id="both-stated",
        ),
        pytest.param("Planned major surgery during the study", (), "unknown", id="nothing-on-record"),
        pytest.param(
            "Scheduled surgery within 4 weeks",
            (Plan(concept="surgery", date=TODAY + dt.timedelta(days=10)),),
            "violated",
            id="inside-the-window",
        ),
        pytest.param(
            "Scheduled surgery within 4 weeks",
            (Plan(concept="surgery", date=TODAY + dt.timedelta(days=60)),),
            "satisfied",
            id="after-the-window",
        ),
        pytest.param("Scheduled surgery within 4 weeks", (Plan(concept="surgery"),), "unknown", id="undated-plan"),
    ],
)
def test_the_planned_test(text: str, plans: tuple[Plan, ...], status: str) -> None:
    found, reason = _check(text, plans)
    assert found == status, reason


def test_a_planned_test_needs_a_procedure_or_medication() -> None:
    from assistant.patient.concepts import load_concepts
    from assistant.rules.engine import compile_node

    with pytest.raises(RulesError, match="when.planned"):
        compile_node(parse_node({"planned": "hypertension"}, "when"), load_concepts(), "when")


def test_a_facts_file_states_plans(tmp_path: Path) -> None:
    from assistant.errors import PatientDataError
    from assistant.patient.factsfile import read_facts_file

    path = tmp_path / "p.yaml"
    path.write_text("plans:\n  - {concept: surgery, date: 2026-01-15}\n  - {concept: radiotherapy, planned: false}\n")
    plans = read_facts_file(path, today=TODAY).plans
    assert plans[0].date == dt.date(2026, 1, 15) and plans[1].planned is False
    path.write_text("plans:\n  - {concept: surgery, when: soon}\n")
    with pytest.raises(PatientDataError, match="unknown key 'when'; valid keys: concept, planned, date, source"):
        read_facts_file(path, today=TODAY)


def test_the_rules_file_validator_names_the_keys_of_a_planned_test() -> None:
    with pytest.raises(RulesError, match="valid keys: planned, within"):
        parse_node({"planned": "surgery", "ever": True}, "when")


def test_a_record_criterion_on_a_note() -> None:
    verdict = note_verdict(*SURGERY, "Never had surgery; none planned.", TODAY)
    assert verdict.status == "satisfied", verdict.reason


def test_a_plan_alone_meets_the_anticipated_alternative() -> None:
    verdict = note_verdict(*SURGERY, "Surgery planned next month.", TODAY)
    assert verdict.status == "violated", verdict.reason  # anticipated surgery: one alternative holds
