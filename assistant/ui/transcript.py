"""One turn of the chat as the page keeps it: the message, the answer or the error, and the patient it concerned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.schedule.compute import ComputedSchedule
from assistant.schedule.load import Schedule
from assistant.ui.facts import FactFeedback, feedback
from assistant.ui.patient import LoadedPatient

if TYPE_CHECKING:
    from assistant.chat.chain import Response

STATED_PATIENT = "the patient described in the messages"


@dataclass
class Exchange:
    """One message and what came of it; a failed turn keeps its error and stays in the transcript."""

    message: str
    response: Response | None = None
    """The chain's ``Response`` (None when the turn failed)."""
    error: str | None = None
    """Why the turn failed, as shown."""
    patient: str | None = None
    """Who the answer concerns (None: no patient)."""
    read_back: FactFeedback = field(default_factory=FactFeedback)
    """What the message said about its patient."""
    schedule: ComputedSchedule | None = None
    """The timeline computed with the remembered dates."""
    schedule_spec: Schedule | None = None
    """The schedule it was computed from."""
    schedule_error: str | None = None
    """Why the remembered dates could not be used."""
    as_of: dt.date | None = None
    """The check date of the turn."""
    seconds: float = 0.0
    """How long the chain took to answer."""


def patient_label(loaded: LoadedPatient | None, has_patient: bool) -> str | None:
    """Who a patient answer concerns: the loaded file's patient, the one stated in messages, or nobody."""
    if loaded is not None:
        return loaded.describe()
    return STATED_PATIENT if has_patient else None


def read_back(message: str, route: Any, today: dt.date | None = None) -> FactFeedback:
    """The read-back of a message from the chain's route (``ConversationState.last_route``); with ``today``,
    clinical terms the chat did not read are listed as not understood."""
    if route is None or not getattr(route, "patient", False):
        return FactFeedback()
    dates = [d.text for d in getattr(route, "dates", ()) if getattr(d, "text", None)]
    return feedback(message, getattr(route, "facts", None), dates, today)


def given_dates(route_json: dict[str, Any]) -> dict[str, dt.date]:
    """The start and surgery dates a message gave (from ``Response.route``)."""
    found: dict[str, dt.date] = {}
    for item in route_json.get("dates", []):
        if item.get("role") in ("start", "surgery") and item.get("date"):
            found[item["role"]] = dt.date.fromisoformat(item["date"])
    return found
