"""The range of dates the tool accepts: a date outside it is an error, never a silent overflow."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from assistant.errors import DateRangeError


def _bounds() -> tuple[dt.date, dt.date]:
    from assistant.settings import get_settings

    settings = get_settings()
    return settings.earliest_date, settings.latest_date


def checked(day: dt.date, what: str) -> dt.date:
    """``day`` if it lies within the accepted range; DateRangeError naming ``what`` and the range otherwise."""
    earliest, latest = _bounds()
    if not earliest <= day <= latest:
        raise DateRangeError(
            f"{what}: {day.isoformat()} is outside the dates accepted ({earliest.isoformat()} to {latest.isoformat()};"
            " settings PA_EARLIEST_DATE, PA_LATEST_DATE)"
        )
    return day


def shifted(day: dt.date, delta: relativedelta, what: str) -> dt.date:
    """``day + delta`` within the accepted range; DateRangeError naming ``what`` when it falls outside
    (or outside the calendar altogether, as "999999 weeks ago" does)."""
    try:
        result = day + delta
    except (OverflowError, ValueError):
        earliest, latest = _bounds()
        raise DateRangeError(
            f"{what}: falls outside the calendar; dates accepted are {earliest.isoformat()} to {latest.isoformat()}"
        ) from None
    return checked(result, what)
