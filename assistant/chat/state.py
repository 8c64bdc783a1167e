"""What a chat remembers between messages: the protocol, the patient, the topic, the exchanges.

Facts stated in messages accumulate (``PatientFacts.merged_with``: a later statement of a concept
replaces the earlier one), so "and her creatinine is 2.1 mg/dL?" updates the same patient. A
patient loaded from a file (FHIR bundle or facts file) is kept apart; ``patient`` is the loaded
record updated by what the messages state. "Another patient: …" starts afresh. A general follow-up
("what about the exclusion criteria?") keeps the protocol.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from assistant.chat.route import Role, Route, classify
from assistant.errors import AssistantError
from assistant.patient.facts import PatientFacts

SCHEDULE_ROLES: tuple[Role, ...] = ("start", "surgery")
"""The dates a schedule answer is computed from, remembered across messages."""


def _has_facts(facts: PatientFacts) -> bool:
    return bool(
        facts.age is not None
        or facts.birth_date
        or facts.sex
        or facts.observations
        or facts.conditions
        or facts.medications
        or facts.procedures
        or facts.plans
        or facts.conflicts
    )


@dataclass
class ConversationState:
    """The state of one chat."""

    protocol_id: str | None = None
    """Protocol the conversation is about (kept across general follow-ups)."""
    as_of: dt.date | None = None
    """Day relative dates count from ("3 weeks ago"); the system date when None."""
    message_facts: PatientFacts = field(default_factory=PatientFacts)
    """Facts stated in the messages so far, later statements winning."""
    loaded_facts: PatientFacts | None = None
    """Facts of a patient loaded from a file, if any."""
    last_route: Route | None = None
    """How the latest message was routed."""
    last_topic: str | None = None
    """What the conversation was last about, e.g. ``exclusion criteria``."""
    history: list[tuple[str, str]] = field(default_factory=list)
    """(message, answer text) pairs in order; the answer is empty until recorded."""
    dates: dict[Role, dt.date] = field(default_factory=dict)
    """Schedule dates given so far by role (``start``, ``surgery``), the latest statement winning."""

    def date_for(self, route: Route, role: Role) -> dt.date | None:
        """The day for ``role`` the message gives, else the one an earlier message gave."""
        return route.date_for(role) or self.dates.get(role)

    @property
    def has_patient(self) -> bool:
        """True when a patient is loaded or a message has stated facts about one."""
        return self.loaded_facts is not None or _has_facts(self.message_facts)

    @property
    def patient(self) -> PatientFacts | None:
        """The patient to check: the loaded record updated by what the messages state."""
        if self.loaded_facts is None:
            return self.message_facts if _has_facts(self.message_facts) else None
        return self.loaded_facts.merged_with(self.message_facts)

    def load_patient(self, facts: PatientFacts) -> None:
        """Use ``facts`` (from a FHIR bundle or a facts file) as the conversation's patient."""
        self.loaded_facts = facts

    def forget_patient(self) -> None:
        """Drop the loaded patient, every stated fact and the schedule dates given for them."""
        self.loaded_facts = None
        self.message_facts = PatientFacts()
        self.dates = {}

    def update_from_message(self, message: str, *, today: dt.date | None = None) -> Route:
        """Classify ``message`` in this conversation and fold what it states into the state."""
        route = classify(message, self, today=today)
        if route.new_patient:
            self.forget_patient()
        if route.patient and route.facts is not None and not route.facts.empty:
            self.message_facts = self.message_facts.merged_with(route.facts.facts)
        if route.protocol_ids:
            if self.protocol_id is not None and route.protocol_ids[-1] != self.protocol_id:
                self.dates = {}  # another protocol's timeline: its dates are not these
            self.protocol_id = route.protocol_ids[-1]
        for role in SCHEDULE_ROLES:
            day = route.date_for(role)
            if day is not None:
                self.dates[role] = day
        if route.topic is not None:
            self.last_topic = route.topic
        self.last_route = route
        self.history.append((message, ""))
        return route

    def record_answer(self, answer: str) -> None:
        """Attach the answer text to the latest message."""
        if not self.history:
            raise AssistantError("record_answer: no message to attach the answer to; call update_from_message first")
        message, _ = self.history[-1]
        self.history[-1] = (message, answer)
