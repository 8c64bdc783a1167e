"""Turn a schedule and the dates a user gives into calendar windows.

Calendar conventions (the schedule file repeats them in its ``conventions``):

* Weeks are 7 days. Months and years are calendar months and years added with dateutil's
  ``relativedelta``: the day of the month is kept, and clamped to the month's last day when the
  month is shorter (31 August + 6 months = 28 February, 29 February + 2 years = 28 February).
* A course "for N months" that starts on day S runs S … S + N months − 1 day: its first day is
  day 1, so 6 months from 3 March 2025 last until 2 September 2025 inclusive.
* "2–6 weeks after completion" counts from a course's last day.
* Windows propagate: a step after a window is itself a window from the earliest of the earliest
  to the latest of the latest. A step pinned by a given date has earliest = latest = that date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from dateutil.relativedelta import relativedelta

from assistant.dates import checked
from assistant.errors import ScheduleError
from assistant.schedule.load import Schedule, ScheduleStep
from assistant.schedule.spec import Duration
from assistant.types import Citation, Statement

Basis = Literal["given", "computed", "unknown"]
_ONE_DAY = dt.timedelta(days=1)


def parse_date(field: str, value: str | dt.date | None) -> dt.date | None:
    """``value`` as a date (ISO 8601, ``YYYY-MM-DD``); ScheduleError naming ``field`` and the value if it is not one."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = value.strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"{field}: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-03-03") from None
    return checked(day, field)


def fmt_date(day: dt.date) -> str:
    """A date as a clinician reads it, e.g. ``16 September 2025``."""
    return f"{day.day} {day:%B %Y}"


def _delta(duration: Duration) -> relativedelta:
    return relativedelta(years=duration.years, months=duration.months, weeks=duration.weeks, days=duration.days)


@dataclass(frozen=True, slots=True)
class ComputedStep:
    """One step of a schedule with its window in calendar dates."""

    id: str
    """Machine name of the step, e.g. ``surgery``."""
    label: str
    """What happens, e.g. ``Surgical resection``."""
    window: str
    """The relative window in words, e.g. ``2–6 weeks after completing the preoperative course``."""
    earliest: dt.date | None
    """First day of the window; None when the dates given do not determine it."""
    latest: dt.date | None
    """Last day of the window (inclusive); None when the dates given do not determine it."""
    basis: Basis
    """``given`` (a date the user gave), ``computed`` (from given dates) or ``unknown``."""
    citations: tuple[Citation, ...]
    """Protocol passages the step rests on."""
    condition: str | None = None
    """When the step only happens under a condition."""
    interpretation: str | None = None
    """A reading the protocol does not state outright, labelled as such."""
    notes: tuple[str, ...] = ()
    """Remarks on the given dates, e.g. a surgery date outside the planned window."""

    def when(self) -> str:
        """The window in dates when known, else in words."""
        if self.earliest is None or self.latest is None:
            return self.window
        if self.earliest == self.latest:
            return f"on {fmt_date(self.earliest)}"
        return f"between {fmt_date(self.earliest)} and {fmt_date(self.latest)}"

    def sentence(self) -> str:
        """One sentence answering "when" for this step."""
        text = f"{self.label}: {self.when()}"
        if self.earliest is not None and self.basis == "computed":
            text += f" ({self.window})"
        if self.condition:
            text += f", only {self.condition}"
        text += "."
        if self.interpretation:
            text += f" Interpretation: {self.interpretation}"
        return text

    def statement(self) -> Statement:
        """The step as a cited statement of an answer."""
        return Statement(text=self.sentence(), citations=self.citations)

    def to_json(self) -> dict[str, object]:
        """The step as an entry of ``schedule --json`` and of ``ask --json``'s ``schedule``."""
        return {
            "id": self.id,
            "label": self.label,
            "window": self.window,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
            "basis": self.basis,
            "condition": self.condition,
            "interpretation": self.interpretation,
            "notes": list(self.notes),
            "citations": [c.to_json() for c in self.citations],
        }


@dataclass(frozen=True, slots=True)
class ComputedSchedule:
    """A schedule evaluated for the dates a user gave."""

    protocol_id: str
    """NCT number of the protocol."""
    protocol_hash: str
    """Content hash of the protocol text the citations refer to."""
    given: dict[str, dt.date]
    """The dates given, by name (``start``, ``surgery`` …)."""
    conventions: tuple[str, ...]
    """How durations were mapped to calendar dates."""
    steps: tuple[ComputedStep, ...]
    """Steps in timeline order."""

    def step(self, step_id: str) -> ComputedStep:
        """The computed step with this id; ScheduleError listing the ids if there is none."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise ScheduleError(f"unknown step {step_id!r}; steps: {', '.join(s.id for s in self.steps)}")

    def to_json(self) -> dict[str, object]:
        """The JSON of ``schedule --json``; its ``steps`` are what ``ask --json`` carries as ``schedule``."""
        return {
            "protocol": self.protocol_id,
            "protocol_hash": self.protocol_hash,
            "given": {name: day.isoformat() for name, day in self.given.items()},
            "conventions": list(self.conventions),
            "steps": [s.to_json() for s in self.steps],
        }


Window = tuple[dt.date, dt.date]


def _planned(step: ScheduleStep, windows: Mapping[str, Window | None]) -> Window | None:
    """The window the schedule's rule gives a step, from the windows of earlier steps."""
    spec = step.spec
    if spec.after is not None:
        anchor = windows[spec.after.step]
        if anchor is None:
            return None
        return anchor[0] + _delta(spec.after.min), anchor[1] + _delta(spec.after.max)
    if spec.ends_course is not None:
        anchor = windows[spec.ends_course.started]
        if anchor is None:
            return None
        length = _delta(spec.ends_course.length)
        return anchor[0] + length - _ONE_DAY, anchor[1] + length - _ONE_DAY
    if spec.during is not None:
        opens, closes = windows[spec.during.from_], windows[spec.during.to]
        if opens is None or closes is None:
            return None
        return opens[0], closes[1]
    return None


def _check_given(schedule: Schedule, given: Mapping[str, dt.date | None]) -> dict[str, dt.date]:
    valid = schedule.given_names
    dates: dict[str, dt.date] = {}
    for name, day in given.items():
        if name not in valid:
            raise ScheduleError(f"unknown date {name!r} for {schedule.protocol_id}; dates it takes: {', '.join(valid)}")
        if day is not None:
            dates[name] = day
    ordered = [name for name in valid if name in dates]
    for earlier_index, earlier in enumerate(ordered):
        for later in ordered[earlier_index + 1 :]:
            if dates[later] < dates[earlier]:
                raise ScheduleError(
                    f"{later}: {dates[later].isoformat()} is before {earlier} {dates[earlier].isoformat()}"
                )
    return dates


def compute_schedule(
    schedule: Schedule,
    start: dt.date | None,
    surgery: dt.date | None = None,
    *,
    other: Mapping[str, dt.date | None] | None = None,
) -> ComputedSchedule:
    """The windows of every step for the dates given.

    ``start`` and ``surgery`` pin the steps whose ``given_by`` names them; ``other`` gives further
    named dates the schedule accepts. A step none of whose anchors is known has no dates (but keeps
    its relative window and citations). A given date before an earlier given date is an error; a
    given date outside the planned window is kept and noted on the step.
    """
    named: dict[str, dt.date | None] = {}
    if "start" in schedule.given_names or start is not None:
        named["start"] = start
    if "surgery" in schedule.given_names or surgery is not None:
        named["surgery"] = surgery
    named.update(other or {})
    dates = _check_given(schedule, named)

    windows: dict[str, Window | None] = {}
    steps: list[ComputedStep] = []
    for step in schedule.steps:
        spec = step.spec
        planned = _planned(step, windows)
        notes: list[str] = []
        pinned = dates.get(spec.given_by) if spec.given_by else None
        if pinned is not None:
            window: Window | None = (pinned, pinned)
            basis: Basis = "given"
            if planned is not None and not planned[0] <= pinned <= planned[1]:
                notes.append(
                    f"{spec.given_by} {pinned.isoformat()} is outside the planned window "
                    f"{planned[0].isoformat()} – {planned[1].isoformat()} ({spec.window})"
                )
        else:
            window = planned
            basis = "computed" if planned is not None else "unknown"
        windows[spec.id] = window
        steps.append(
            ComputedStep(
                id=spec.id,
                label=spec.label,
                window=spec.window,
                earliest=window[0] if window else None,
                latest=window[1] if window else None,
                basis=basis,
                citations=step.citations,
                condition=spec.condition,
                interpretation=spec.interpretation,
                notes=tuple(notes),
            )
        )
    return ComputedSchedule(
        protocol_id=schedule.protocol_id,
        protocol_hash=schedule.protocol_hash,
        given=dates,
        conventions=schedule.conventions,
        steps=tuple(steps),
    )
