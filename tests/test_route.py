"""Routing of chat messages (general / patient / schedule) and the conversation state between them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_core.runnables import RunnableLambda

from assistant.chat.route import Route, classify, routing_chain
from assistant.chat.state import ConversationState
from assistant.errors import AssistantError
from assistant.patient.facts import Observation, PatientFacts

TODAY = dt.date(2025, 6, 1)
ROOT = Path(__file__).resolve().parent.parent

ROUTES = [
    # (message, patient, schedule)
    pytest.param("my patient is 72, platelets 90k, ECOG 2 — can she enroll?", True, False, id="issue-eligibility"),
    pytest.param("surgery was on 3 March, when does postoperative imatinib start?", False, True, id="issue-schedule"),
    pytest.param("Her surgery was on 3 March; when does she restart imatinib?", True, True, id="both"),
    pytest.param("What platelet count is required?", False, False, id="general-platelets"),
    pytest.param("How long is preoperative imatinib given?", False, True, id="how-long-preop"),
    pytest.param("What are the exclusion criteria?", False, False, id="exclusion-criteria"),
    pytest.param("Are patients with brain metastases eligible?", False, False, id="patients-with"),
    pytest.param("Can pregnant women enroll?", False, False, id="pregnant-women"),
    pytest.param("What is the primary end point?", False, False, id="outcome"),
    pytest.param("Is ECOG 3 allowed?", True, False, id="hypothetical-value-is-checked"),
    pytest.param("Is Mrs Chen eligible?", True, False, id="named-patient"),
    pytest.param("Can he enroll?", True, False, id="can-he-enroll"),
    pytest.param("Is this patient eligible? AST 3x ULN, no liver mets", True, False, id="this-patient"),
    pytest.param("I have a patient with a 12 cm GIST, mitotic count 8/HPF", True, False, id="i-have-a-patient"),
    pytest.param("imatinib started 2025-01-10 — when is surgery?", False, True, id="start-date-schedule"),
    pytest.param("When should surgery happen after the last dose of imatinib?", False, True, id="when-surgery"),
    pytest.param("How many weeks after surgery does postoperative imatinib begin?", False, True, id="weeks-after"),
    pytest.param("What is the duration of postoperative imatinib?", False, True, id="duration"),
    pytest.param("When can she enroll?", True, False, id="when-without-step"),
    pytest.param("How long after surgery does the patient restart imatinib?", False, True, id="the-patient-generic"),
    pytest.param("Give me the schedule: imatinib started on 10 January 2025", False, True, id="schedule-word"),
    pytest.param(
        "72F on warfarin 5 mg daily, when would surgery be after 6 months of imatinib?",
        True,
        True,
        id="facts-and-timing",
    ),
]


@pytest.mark.parametrize(("message", "patient", "schedule"), ROUTES)
def test_routes(message: str, patient: bool, schedule: bool) -> None:
    route = classify(message, today=TODAY)
    assert (route.patient, route.schedule) == (patient, schedule), route.reasons
    assert route.general == (not patient and not schedule)
    assert route.reasons or route.general


@pytest.mark.parametrize(
    ("message", "role", "day"),
    [
        pytest.param(
            "surgery was on 3 March, when does postoperative imatinib start?",
            "surgery",
            dt.date(2025, 3, 3),
            id="surgery-yearless-past",
        ),
        pytest.param(
            "surgery is planned for 10 July, when does imatinib stop?",
            "surgery",
            dt.date(2025, 7, 10),
            id="surgery-yearless-future",
        ),
        pytest.param(
            "surgery is scheduled for 3 March; when restart imatinib?",
            "surgery",
            dt.date(2026, 3, 3),
            id="future-wraps-to-next-year",
        ),
        pytest.param(
            "imatinib started 2025-01-10, when is surgery due?", "start", dt.date(2025, 1, 10), id="iso-start"
        ),
        pytest.param(
            "she began imatinib on March 3rd, 2024 — schedule?", "start", dt.date(2024, 3, 3), id="month-day-year"
        ),
        pytest.param(
            "operated 25/12/2024, when does adjuvant imatinib start?",
            "surgery",
            dt.date(2024, 12, 25),
            id="numeric-day-first",
        ),
        pytest.param(
            "she had her resection 3 weeks ago, when is imatinib restarted?",
            "surgery",
            dt.date(2025, 5, 11),
            id="relative",
        ),
    ],
)
def test_dates_have_roles(message: str, role: str, day: dt.date) -> None:
    route = classify(message, today=TODAY)
    assert route.schedule
    assert route.date_for(role) == day  # type: ignore[arg-type]


def test_ambiguous_numeric_date_is_not_turned_into_a_day() -> None:
    route = classify("surgery on 04/05/2025, when does imatinib restart?", today=TODAY)
    assert route.date_for("surgery") is None
    assert [d.text for d in route.dates] == ["04/05/2025"]
    assert any("not a precise day" in r for r in route.reasons)


def test_schedule_dates_of_the_trials_own_steps_are_not_patient_history() -> None:
    route = classify("imatinib started 2025-01-10, when is surgery due?", today=TODAY)
    assert route.facts is not None and route.facts.empty
    assert any("used for the schedule" in n for n in route.facts.notes)


def test_follow_up_updates_the_same_patient_and_general_follow_up_keeps_protocol() -> None:
    state = ConversationState(protocol_id="NCT01267695", as_of=TODAY)
    first = state.update_from_message("72 yo woman, platelets 150k, ECOG 1 — eligible?")
    assert first.patient
    state.record_answer("(answer)")

    follow = state.update_from_message("and her creatinine is 2.1 mg/dL?")
    assert follow.patient and not follow.schedule
    patient = state.patient
    assert patient is not None
    concepts = {o.concept: (o.value, o.unit) for o in patient.observations}
    assert concepts == {"platelets": (150.0, "10*9/L"), "ecog": (1.0, None), "creatinine": (2.1, "mg/dL")}
    assert patient.age == 72.0 and patient.sex == "female"

    general = state.update_from_message("what about the exclusion criteria?")
    assert general.general
    assert state.protocol_id == "NCT01267695"
    assert state.last_topic == "exclusion criteria"
    assert [m for m, _ in state.history] == [
        "72 yo woman, platelets 150k, ECOG 1 — eligible?",
        "and her creatinine is 2.1 mg/dL?",
        "what about the exclusion criteria?",
    ]
    assert state.history[0][1] == "(answer)"


@pytest.mark.parametrize(
    ("message", "patient"),
    [
        pytest.param("what about the bilirubin?", True, id="names-a-lab"),
        pytest.param("and the platelets?", True, id="and-the-platelets"),
        pytest.param("what about the exclusion criteria?", False, id="general-topic"),
        pytest.param("what is the primary outcome?", False, id="no-follow-up-opener"),
    ],
)
def test_follow_up_needs_a_patient_in_the_history(message: str, patient: bool) -> None:
    with_patient = ConversationState(as_of=TODAY)
    with_patient.update_from_message("she is 60, ECOG 1")
    assert classify(message, with_patient, today=TODAY).patient is patient
    assert classify(message, ConversationState(as_of=TODAY), today=TODAY).patient is False


def test_a_later_statement_replaces_the_earlier_value() -> None:
    state = ConversationState(as_of=TODAY)
    state.update_from_message("my patient: platelets 90k")
    state.update_from_message("sorry, platelets are 190k")
    assert state.patient is not None
    assert [(o.concept, o.value) for o in state.patient.observations] == [("platelets", 190.0)]


def test_new_patient_starts_afresh_and_loaded_patient_is_updated() -> None:
    state = ConversationState(as_of=TODAY)
    loaded = PatientFacts(
        patient_id="p1", age=50.0, observations=(Observation(concept="anc", value=2.0, unit="10*9/L"),)
    )
    state.load_patient(loaded)
    assert state.has_patient
    state.update_from_message("her ANC is now 1.2 x10^9/L")
    assert state.patient is not None
    assert state.patient.patient_id == "p1"
    assert [(o.concept, o.value) for o in state.patient.observations] == [("anc", 1.2)]
    route = state.update_from_message("Another patient: 45-year-old man, ECOG 0")
    assert route.new_patient
    assert state.patient is not None
    assert state.patient.patient_id is None and state.patient.age == 45.0


def test_protocol_named_in_a_message_becomes_the_conversation_protocol() -> None:
    state = ConversationState(protocol_id="NCT01267695", as_of=TODAY)
    state.update_from_message("What is the phase of NCT00000001?")
    assert state.protocol_id == "NCT00000001"


def test_record_answer_without_a_message_is_an_error() -> None:
    with pytest.raises(AssistantError, match="no message"):
        ConversationState().record_answer("x")


def test_routing_chain_runs_every_kind_that_fired() -> None:
    calls: list[str] = []

    def handler(kind: str) -> RunnableLambda:  # type: ignore[type-arg]
        def run(inputs: dict[str, object]) -> str:
            calls.append(kind)
            assert isinstance(inputs["route"], Route)
            return f"{kind}: {inputs['message']}"

        return RunnableLambda(run)

    chain = routing_chain(
        {"general": handler("general"), "patient": handler("patient"), "schedule": handler("schedule")}
    )
    both = chain.invoke({"message": "Her surgery was on 3 March; when does she restart imatinib?", "today": TODAY})
    assert set(both["answers"]) == {"patient", "schedule"}
    general = chain.invoke({"message": "What are the exclusion criteria?", "today": TODAY})
    assert list(general["answers"]) == ["general"]
    assert calls == ["patient", "schedule", "general"]


def test_routing_chain_needs_every_handler() -> None:
    with pytest.raises(ValueError, match="schedule"):
        routing_chain({"general": lambda x: x, "patient": lambda x: x})  # type: ignore[dict-item]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_classify_never_raises_and_general_means_neither(message: str) -> None:
    route = classify(message, today=TODAY)
    assert route.general == (not route.patient and not route.schedule)
    for date in route.dates:
        assert message[date.start : date.end] == date.text


SCHEDULE_EVAL = yaml.safe_load((ROOT / "eval" / "schedule_questions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", [pytest.param(q, id=q["id"]) for q in SCHEDULE_EVAL["questions"]])
def test_schedule_eval_questions_route_to_schedule_with_their_dates(item: dict[str, Any]) -> None:
    route = classify(item["question"], today=dt.date(2025, 6, 1))
    assert route.schedule, route.reasons
    for role in ("start", "surgery"):
        expected = item[role]
        assert route.date_for(role) == (dt.date.fromisoformat(expected) if expected else None), (role, route.dates)


GENERAL_EVAL = yaml.safe_load((ROOT / "eval" / "questions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", [pytest.param(q, id=q["id"]) for q in GENERAL_EVAL["questions"]])
def test_general_eval_questions_are_not_about_a_patient(item: dict[str, Any]) -> None:
    route = classify(item["question"], today=TODAY)
    assert not route.patient, route.reasons
    assert route.facts is not None and route.facts.empty
