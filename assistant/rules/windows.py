"""Time windows of rules: a rule's duration as a relativedelta, the cut-off day ``as_of - delta`` per day, and
the days a date known to a month or a year only may stand for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from assistant.rules import schema as s


def delta_of(duration: s.Duration) -> relativedelta:
    """A rule's duration (days, weeks, months, years) as one relativedelta."""
    return relativedelta(
        days=duration.days or 0, weeks=duration.weeks or 0, months=duration.months or 0, years=duration.years or 0
    )


def cutoffs(delta: relativedelta) -> Callable[[dt.date], dt.date]:
    """``as_of - delta`` remembered per ``as_of`` for one test (a relativedelta is slow to subtract and to
    hash); the table is emptied when it reaches 64 dates."""
    known: dict[dt.date, dt.date] = {}

    def cutoff(as_of: dt.date) -> dt.date:
        day = known.get(as_of)
        if day is None:
            if len(known) >= 64:
                known.clear()
            day = known[as_of] = as_of - delta
        return day

    return cutoff


def period_of(day: dt.date, dated_to: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the month (``dated_to="month"``) or year (``"year"``) ``day`` falls in."""
    if dated_to == "month":
        first = day.replace(day=1)
        return first, first + relativedelta(months=1, days=-1)
    return day.replace(month=1, day=1), day.replace(month=12, day=31)


def describe_period(first: dt.date, dated_to: str) -> str:
    """The month or year a date is known to only, for a reason: "March 2025", "2019"."""
    return first.strftime("%B %Y") if dated_to == "month" else str(first.year)
