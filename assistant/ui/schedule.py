"""The schedule view: rows with "—" and why for a date that cannot be computed, a timeline chart, a calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ScheduleError
from assistant.schedule.compute import ComputedSchedule, compute_schedule
from assistant.schedule.ics import to_calendar
from assistant.schedule.load import Schedule, load_schedule
from assistant.types import Protocol

DASH = "—"


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One step of the timeline as shown."""

    step: str
    """The step's label."""
    earliest: str
    """Earliest date (ISO), or ``—``."""
    latest: str
    """Latest date (ISO), or ``—``."""
    window: str
    """The protocol's window, in words."""
    note: str
    """Why a date is missing, or what the step notes (outside its planned window …)."""


def needed_dates(schedule: Schedule, step_id: str) -> list[str]:
    """The user-given dates (``start``, ``surgery`` …) a step's window is computed from."""
    specs = {s.spec.id: s.spec for s in schedule.steps}
    names: list[str] = []
    pending, seen = [step_id], set()
    while pending:
        spec = specs.get(pending.pop())
        if spec is None or spec.id in seen:
            continue
        seen.add(spec.id)
        if spec.given_by:
            names.append(spec.given_by)
        if spec.after is not None:
            pending.append(spec.after.step)
        if spec.ends_course is not None:
            pending.append(spec.ends_course.started)
        if spec.during is not None:
            pending += [spec.during.from_, spec.during.to]
    return list(dict.fromkeys(names))


def schedule_rows(computed: ComputedSchedule, schedule: Schedule) -> list[ScheduleRow]:
    """One row per step; a step with no dates says which date would give them."""
    rows = []
    for step in computed.steps:
        if step.earliest is None or step.latest is None:
            names = [n for n in needed_dates(schedule, step.id) if n not in computed.given]
            note = f"needs the {' or '.join(names) or 'anchor'} date" if names else "no date can be computed"
        else:
            note = "; ".join(step.notes)
        rows.append(
            ScheduleRow(
                step=step.label,
                earliest=step.earliest.isoformat() if step.earliest else DASH,
                latest=step.latest.isoformat() if step.latest else DASH,
                window=step.window,
                note=note,
            )
        )
    return rows


def protocol_schedule(protocol: Protocol, corpus_dir: Path) -> Schedule | None:
    """The reviewed schedule of ``protocol``, or None when it has none."""
    try:
        return load_schedule(protocol.id, corpus_dir, protocol_text=protocol.text)
    except ScheduleError:
        return None


def remembered_schedule(schedule: Schedule, start: dt.date | None, surgery: dt.date | None) -> ComputedSchedule:
    """The schedule computed for the remembered dates (ScheduleError when they contradict each other)."""
    return compute_schedule(schedule, start, surgery)


def timeline_chart(computed: ComputedSchedule) -> Any | None:
    """An Altair chart of every dated step's window (None when no step has dates)."""
    import altair as alt

    data = [
        {
            "step": s.label,
            "earliest": s.earliest.isoformat(),
            "latest": (s.latest + dt.timedelta(days=1)).isoformat(),
            "window": s.window,
            "basis": s.basis,
        }
        for s in computed.steps
        if s.earliest is not None and s.latest is not None
    ]
    if not data:
        return None
    order = [d["step"] for d in data]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("earliest:T", title="date"),
        y=alt.Y("step:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
        color=alt.Color("basis:N", title="date", scale=alt.Scale(domain=["given", "computed"])),
        tooltip=["step:N", "earliest:T", "latest:T", "window:N"],
    )
    # a bar for the window, a dot where it opens (a one-day window is all dot)
    windows = base.mark_bar(cornerRadius=3, height=14).encode(x2="latest:T")
    opens = base.mark_point(filled=True, size=70)
    return alt.layer(windows, opens).properties(height=max(120, 34 * len(data)))


def ics_bytes(computed: ComputedSchedule) -> bytes:
    """The dated steps as an iCalendar file."""
    return bytes(to_calendar(computed).to_ical())
