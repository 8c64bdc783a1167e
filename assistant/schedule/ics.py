"""Write a computed schedule as an iCalendar file: one all-day event per window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar, Event

from assistant.errors import ScheduleError
from assistant.schedule.compute import ComputedSchedule, ComputedStep

_PRODID = "-//Protocol Assistant//Treatment schedule//EN"


def _description(step: ComputedStep) -> str:
    lines = [step.window[0].upper() + step.window[1:] + "."]
    if step.condition:
        lines.append(f"Only {step.condition}.")
    if step.interpretation:
        lines.append(f"Interpretation: {step.interpretation}")
    lines.extend(step.notes)
    for citation in step.citations:
        lines.append(
            f"{citation.protocol}, {citation.section} [{citation.start}:{citation.end}]: \u201c{citation.quote}\u201d"
        )
    return "\n".join(lines)


def to_calendar(computed: ComputedSchedule, stamp: dt.datetime | None = None) -> Calendar:
    """The schedule as an iCalendar object; steps without dates are left out."""
    dated = [s for s in computed.steps if s.earliest is not None and s.latest is not None]
    if not dated:
        raise ScheduleError("no step has dates; give a start or surgery date to write a calendar")
    stamp = stamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
    given = "-".join(day.isoformat() for day in computed.given.values())
    calendar = Calendar.new(
        prodid=_PRODID,
        name=f"{computed.protocol_id} schedule",
        uid=f"{computed.protocol_id}-{given}@protocol-assistant",
    )
    for step in dated:
        assert step.earliest is not None and step.latest is not None
        summary = f"{computed.protocol_id}: {step.label}"
        if step.earliest != step.latest:
            summary += " (window)"
        calendar.add_component(
            Event.new(
                summary=summary,
                start=step.earliest,
                end=step.latest + dt.timedelta(days=1),  # DTEND of an all-day event is exclusive
                description=_description(step),
                uid=f"{computed.protocol_id}-{step.id}-{given}@protocol-assistant",
                stamp=stamp,
                categories=[computed.protocol_id],
            )
        )
    return calendar


def write_ics(computed: ComputedSchedule, path: Path) -> Path:
    """Write the schedule's windows to ``path`` as an ``.ics`` file and return the path."""
    calendar = to_calendar(computed)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(calendar.to_ical())
    except OSError as exc:
        raise ScheduleError(f"--ics: cannot write {path} ({exc.strerror})") from exc
    return path
