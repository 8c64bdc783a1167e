"""Routing of coordinator wordings: questions about the protocol's design and eligibility waits are
general; dates of a patient's treatment and the timeline's steps are schedule questions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from assistant.chat.route import classify
from tests.conftest import CORPUS

TODAY = dt.date(2025, 6, 1)

GENERAL = [
    "When did the study start?",
    "When did the trial begin?",
    "What is the study start date?",
    "When was the study completed?",
    "When does the trial end?",
    "What is the primary completion date?",
    "When did recruitment start?",
    "How long after radiotherapy can a patient start the study?",
    "How long after radiotherapy can a patient enroll?",
    "How many weeks since chemotherapy are required?",
    "How many weeks must pass after chemotherapy before enrolment?",
    "How long must a patient wait after prior chemotherapy?",
    "How long since the last dose of a biologic can someone enter the trial?",
    "How many days after investigational drugs can a patient be enrolled?",
    "How long after major surgery can a patient be included?",
    "How long is the washout for prior treatment?",
    "How many months since prior steroid therapy?",
    "Is the trial blinded?",
    "Is the study open label?",
    "In which city is the trial run?",
    "Where is the study conducted?",
    "Who runs the study?",
    "Who is the sponsor?",
    "How many patients were enrolled?",
    "What phase is the study?",
    "Are patients randomised?",
    "What type of study is it?",
    "What are the exclusion criteria?",
    "What are the hepatic laboratory requirements?",
    "What lab values are required for eligibility?",
    "What blood counts are required?",
    "What liver function is required?",
    "Which secondary outcomes are measured?",
    "What is the primary outcome?",
    "Are patients with HIV excluded?",
    "What kind of resection margin is required?",
    "How often are CT scans done during follow-up?",
    "What platelet count is required?",
    "Is the study still recruiting?",
    "How long must fertile patients use contraception?",
    "Within how many months of a myocardial infarction is a patient excluded?",
]
SCHEDULE = [
    "When does postoperative imatinib start?",
    "How long is preoperative imatinib given?",
    "When is surgery performed after imatinib is completed?",
    "How many weeks after surgery does postoperative treatment begin?",
    "How long is postoperative therapy given?",
    "What is the duration of preoperative treatment?",
    "When should surgery happen after the last dose?",
    "imatinib started 2025-01-10 — when is surgery?",
    "Surgery was on 3 March; when does adjuvant treatment start?",
    "Give me the schedule: treatment started on 10 January 2025",
    "Treatment began 2025-02-01, what is the timeline?",
    "When is the follow-up visit after surgery?",
    "Operation planned for 10 July — when does postoperative imatinib stop?",
    "How soon after the operation is treatment resumed?",
    "Started 5 May 2025; when will the preoperative course end?",
    "When does the preoperative course finish if it started on 2025-03-03?",
    "What dates are the surgery window if treatment started 1 February 2025?",
    "How long after surgery does the patient restart imatinib?",
    "When is the neoadjuvant phase over?",
    "Can you put the timeline in a calendar? Surgery on 2025-07-20",
]
PATIENT = [
    ("My patient finished radiotherapy on 1 May; can she start the study?", True, False),
    ("She had chemotherapy 3 weeks ago, can she enroll?", True, False),
    ("Her surgery was on 3 March; when does she restart imatinib?", True, True),
    ("My patient is 72 with platelets 90k — is she eligible?", True, False),
    ("Is Mrs Chen eligible?", True, False),
    ("Is Gleevec allowed?", False, False),
]


@pytest.mark.parametrize("message", [pytest.param(m, id=m[:48]) for m in GENERAL])
def test_protocol_questions_are_general(message: str) -> None:
    route = classify(message, today=TODAY)
    assert route.general, route.reasons


@pytest.mark.parametrize("message", [pytest.param(m, id=m[:48]) for m in SCHEDULE])
def test_timeline_questions_are_schedule(message: str) -> None:
    route = classify(message, today=TODAY)
    assert route.schedule, route.reasons


@pytest.mark.parametrize(("message", "patient", "schedule"), [pytest.param(*p, id=p[0][:48]) for p in PATIENT])
def test_patient_wordings(message: str, patient: bool, schedule: bool) -> None:
    route = classify(message, today=TODAY)
    assert (route.patient, route.schedule) == (patient, schedule), route.reasons


def test_enough_wordings() -> None:
    assert len(GENERAL) + len(SCHEDULE) + len(PATIENT) >= 60


def test_scheduled_medications_come_from_the_schedule_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from assistant.chat import route as route_module
    from assistant.chat.steps import step_vocabulary

    seeded = step_vocabulary(CORPUS.resolve())
    assert "imatinib" in seeded.concepts and "gleevec" in seeded.medication_names
    assert classify("When is gleevec due?", today=TODAY).schedule
    assert seeded.concepts == route_module.SCHEDULE_STEPS
    monkeypatch.setattr(route_module, "current_steps", lambda: step_vocabulary(tmp_path))  # no schedule files
    assert not classify("When is gleevec due?", today=TODAY).schedule
