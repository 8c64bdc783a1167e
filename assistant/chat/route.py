"""Which kind of question a chat message asks: general, about one patient, about the schedule.

``classify(message, history, today=...)`` decides deterministically from cue lists (the data in
``assistant.chat.cues``) and from the facts ``extract_facts`` reads. A message can be about a patient
and about the schedule at once; it is general when it is neither.

* patient: the message states a fact about a patient, or points at one ("my patient", "she", "can
  he enroll", "is Mrs K eligible"), or — when the conversation already holds a patient — it is a
  follow-up that names a lab or condition ("and her creatinine?", "what about the bilirubin?").
* schedule: a timing question ("when", "how long", "what date", "schedule" …) about a treatment
  step (the scheduled medication, surgery, postoperative …) or about a date the message gives; never a
  question about the study's own dates ("when did the study start?") or the time since a prior treatment
  an eligibility criterion asks for ("how long after radiotherapy can a patient start the study?").
* dates: every date in the message with its role — ``surgery`` ("surgery was on 3 March"),
  ``start`` ("<drug> started 2025-01-10") or ``other`` — resolved against ``today`` by
  ``assistant.schedule.message_dates`` (a date without a year is the latest such day not after ``today``, or
  the next one on or after it when its clause speaks of the future).

``routing_chain`` wraps this as a LangChain runnable that hands the message to the answerers whose
kind fired.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal, Protocol

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.chat.cues import (
    ELIGIBILITY_QUESTIONS,
    ELIGIBILITY_WAITS,
    FOLLOW_UP_OPENERS,
    NEW_PATIENT,
    ROLE_CUES,
    STUDY_EVENTS,
    TIMING_QUESTIONS,
    TOPICS,
    TREATMENT_STEPS,
    Role,
)
from assistant.chat.extract import (
    PATIENT_REFERENCES,
    ExtractedFacts,
    Mention,
    extract_facts,
    mask_markup,
    split_patients,
    without,
)
from assistant.chat.steps import current_steps
from assistant.clauses import clause_bounds, rx
from assistant.patient.note import named_terms
from assistant.schedule.message_dates import find_times

Kind = Literal["patient", "schedule", "general"]


class History(Protocol):
    """What routing needs of the conversation so far (``chat.state.ConversationState`` has it): routing
    does not depend on the state module, which depends on routing."""

    @property
    def as_of(self) -> dt.date | None:
        """The day the conversation is about, when set."""

    @property
    def has_patient(self) -> bool:
        """True when facts of a patient are already held."""


def __getattr__(name: str) -> Any:
    if name == "SCHEDULE_STEPS":  # concepts that, dated in a schedule question, are the trial's own steps
        return current_steps().concepts
    raise AttributeError(name)


def _role_patterns() -> dict[Role, str]:
    medication = current_steps().medication_pattern
    return {**ROLE_CUES, "start": ROLE_CUES["start"] + rf"|{medication}\s+(?:from|since)\b"}


PROTOCOL_ID = r"\bNCT\d{8}\b"


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date written in the message, with its role in the schedule."""

    role: Role
    """``surgery``, ``start`` (of the scheduled medication), or ``other``."""
    date: dt.date | None
    """The day; None when the message gives only a month or year, or an ambiguous day/month order."""
    text: str
    """The date as written."""
    start: int
    """Offset of the date in the message."""
    end: int
    """Offset one past the date."""


@dataclass(frozen=True, slots=True)
class Route:
    """How a message is routed, and why."""

    patient: bool
    """The message is about one patient (eligibility of a stated or loaded patient)."""
    schedule: bool
    """The message asks about the timing of treatment steps."""
    reasons: tuple[str, ...]
    """The cues that fired, e.g. ``fact: platelets``, ``pronoun: she``, ``timing: when``."""
    dates: tuple[DateMention, ...] = ()
    """Dates in the message with their roles, in message order."""
    facts: ExtractedFacts | None = None
    """The facts the message states (empty when it states none)."""
    topic: str | None = None
    """What the message is about (``exclusion criteria`` …), when it says."""
    protocol_ids: tuple[str, ...] = ()
    """NCT numbers named in the message."""
    new_patient: bool = False
    """The message introduces a different patient."""
    general: bool = field(init=False)
    """Neither about a patient nor about the schedule: a question about the protocol."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "general", not (self.patient or self.schedule))

    @property
    def kinds(self) -> tuple[Kind, ...]:
        """The kinds that fired, in the order answers are given."""
        if self.general:
            return ("general",)
        fired: list[Kind] = []
        if self.patient:
            fired.append("patient")
        if self.schedule:
            fired.append("schedule")
        return tuple(fired)

    def date_for(self, role: Role) -> dt.date | None:
        """The first day given for ``role`` (``surgery``, ``start``), if any."""
        return next((d.date for d in self.dates if d.role == role and d.date is not None), None)


def _names_a_medication(words: str) -> bool:
    """Whether a capitalised word taken for a person's name is a medication ("Is Herceptin allowed")."""
    from assistant.patient.concepts import load_concepts

    concepts = load_concepts()
    return any(concepts.by_text(w, "medication") is not None for w in re.findall(r"[A-Z][a-z]+", words))


def _first(text: str, patterns: tuple[str, ...]) -> re.Match[str] | None:
    matches = [m for m in (rx(p).search(text) for p in patterns) if m]
    return min(matches, key=lambda m: m.start()) if matches else None


@lru_cache(maxsize=64)
def _role_cues(message: str) -> tuple[tuple[int, int, Role], ...]:
    """Every word of ``message`` that gives a date a role, as (start, end, role), in text order."""
    cues = [
        (m.start(), m.end(), role) for role, pattern in _role_patterns().items() for m in rx(pattern).finditer(message)
    ]
    return tuple(sorted(cues))


@lru_cache(maxsize=64)
def _longest_cue(message: str) -> int:
    """The length of the longest role cue of ``message``."""
    return max((cue_end - cue_start for cue_start, cue_end, _ in _role_cues(message)), default=0)


def _role(message: str, start: int, end: int) -> Role:
    """The role of the date at ``start:end``: the nearest cue before it in its clause, else the first after.
    Cues are sorted by start and none is longer than the longest, so only those near the date are looked
    at, however long the clause."""
    left, right = clause_bounds(message, start, end)
    cues = _role_cues(message)
    longest = _longest_cue(message)
    before: tuple[int, int, Role] | None = None  # the cue ending nearest before the date (the earliest of ties)
    first = bisect_left(cues, (left, -1, ""))
    for i in range(bisect_left(cues, (start, -1, ""), first) - 1, first - 1, -1):
        if before is not None and cues[i][0] + longest < before[1]:
            break
        if cues[i][1] <= start and (before is None or cues[i][1] >= before[1]):
            before = cues[i]
    after: tuple[int, int, Role] | None = None  # the first cue in the clause that does not end before the date
    for i in range(bisect_left(cues, (max(left, start - longest), -1, "")), len(cues)):
        if cues[i][0] >= right:
            break
        if start < cues[i][1] <= right:
            after = cues[i]
            break
    if before is None or (after is not None and after[0] - end + 1000 < start - before[1]):
        return after[2] if after is not None else "other"
    if after is not None and after[0] - end + 1000 == start - before[1] and after < before:
        return after[2]
    return before[2]


def find_dates(message: str, today: dt.date) -> tuple[DateMention, ...]:
    """Every date in ``message`` with its schedule role, resolved against ``today``."""
    return tuple(
        DateMention(_role(message, t.start, t.end), t.date, t.text, t.start, t.end)
        for t in find_times(message, today)
        if t.text.lower() not in ("today", "this morning")
    )


def _dated_by(mention: Mention, date: DateMention) -> bool:
    """Whether ``date`` is the date of the fact ``mention`` read (its words, or the day its fact holds)."""
    if mention.start <= date.start and date.end <= mention.end:
        return True
    fact = mention.fact
    days = [getattr(fact, name, None) for name in ("start", "end", "date", "onset")]
    return date.date is not None and date.date in days


def classify(message: str, history: History | None = None, *, today: dt.date | None = None) -> Route:
    """Route ``message``: patient-specific, schedule, both, or general. ``today`` (default: the
    conversation's ``as_of``, else the system date) is the day relative dates count from."""
    day = today or (history.as_of if history is not None and history.as_of else None) or dt.date.today()
    message = mask_markup(message)
    dates = find_dates(message, day)
    timing = _first(message, TIMING_QUESTIONS)
    steps = current_steps()
    step = _first(message, (*TREATMENT_STEPS, steps.medication_pattern))
    dated = any(d.role != "other" for d in dates)
    about_study = _first(message, STUDY_EVENTS) or _first(message, ELIGIBILITY_WAITS)
    schedule = bool(timing and (dated or (step and not about_study)))
    facts = extract_facts(message, day)
    if schedule:  # "<drug> started 2025-01-10, when is surgery?": the trial's own steps, not history
        anchors = [
            m
            for m in facts.mentions
            if m.concept in steps.concepts and any(_dated_by(m, d) for d in dates if d.role != "other")
        ]
        facts = without(facts, anchors, "a date of the trial's treatment, used for the schedule") if anchors else facts
    reasons: list[str] = []

    new_patient = _first(message, NEW_PATIENT)
    if new_patient and any(m.start < new_patient.start() for m in facts.mentions):
        # facts before "another patient": two people in one message; the later ones are not this patient's
        reasons.append(f"second patient in the message: {new_patient.group(0)}")
        facts = split_patients(message, new_patient.span(), day)
        new_patient = None
    elif new_patient:
        reasons.append(f"new patient: {new_patient.group(0)}")
    concepts = facts.concepts
    if concepts:
        reasons.append("fact: " + ", ".join(concepts))
    reference = PATIENT_REFERENCES.search(message)
    if reference:
        reasons.append(f"patient reference: {reference.group(0)}")
    question = _first(message, ELIGIBILITY_QUESTIONS)
    if question and _names_a_medication(question.group(0)):
        question = None
    if question:
        reasons.append(f"eligibility of one patient: {question.group(0)}")
    has_patient = history is not None and history.has_patient and not new_patient
    if has_patient and not (concepts or reference or question):
        opener = _first(message, FOLLOW_UP_OPENERS)
        named = named_terms(message)[:1] if opener else []
        if opener and named:
            reasons.append(
                f"follow-up on the patient: {opener.group(0).strip()} … {message[named[0][0] : named[0][1]]}"
            )
    patient = bool(concepts or reference or question or any(r.startswith("follow-up") for r in reasons))

    if schedule and timing:
        reasons.append(f"timing: {timing.group(0)}" + (f" … {step.group(0)}" if step else ""))
    reasons += [f"date ({d.role}): {d.text}" + ("" if d.date else " (not a precise day)") for d in dates]

    topic = next((name for name, pattern in TOPICS if rx(pattern).search(message)), None)
    if topic is None and schedule:
        topic = "schedule"
    ids = tuple(dict.fromkeys(m.group(0).upper() for m in rx(PROTOCOL_ID).finditer(message)))
    return Route(
        patient=patient,
        schedule=schedule,
        reasons=tuple(reasons),
        dates=dates,
        facts=facts,
        topic=topic,
        protocol_ids=ids,
        new_patient=bool(new_patient),
    )


def _classify_step(inputs: Mapping[str, Any]) -> dict[str, Any]:
    route = classify(inputs["message"], inputs.get("state"), today=inputs.get("today"))
    return {**inputs, "route": route}


def classifier() -> Runnable[Mapping[str, Any], dict[str, Any]]:
    """A runnable that adds ``route`` to its input ``{"message", "state"?, "today"?}``."""
    return RunnableLambda(_classify_step)


def routing_chain(
    handlers: Mapping[Kind, Runnable[Any, Any] | Callable[[dict[str, Any]], Any]],
) -> Runnable[Mapping[str, Any], dict[str, Any]]:
    """Classify, then run the handler of every kind that fired (patient and schedule may both).

    Input ``{"message": str, "state": ConversationState | None, "today": date | None}``; each handler
    gets that input plus ``route``; the output is ``{"route": Route, "answers": {kind: answer}}``.
    """
    missing = [k for k in ("general", "patient", "schedule") if k not in handlers]
    if missing:
        raise ValueError(f"routing_chain: no handler for {', '.join(missing)}; give general, patient and schedule")
    runnables: dict[str, Runnable[Any, Any]] = {
        kind: h if isinstance(h, Runnable) else RunnableLambda(h) for kind, h in handlers.items()
    }

    def dispatch(inputs: dict[str, Any]) -> dict[str, Any]:
        route: Route = inputs["route"]
        return {"route": route, "answers": {kind: runnables[kind].invoke(inputs) for kind in route.kinds}}

    return classifier() | RunnableLambda(dispatch)
