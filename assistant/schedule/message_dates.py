"""Dates and time spans written in a chat message, resolved against a reference day, for the schedule.

Absolute dates are found by pattern and read by python-dateutil; spans ("3 weeks ago", "last
month") by ``relativedelta``. A date without a year ("3 March") is the most recent such day on or
before the reference day, unless its clause speaks of the future ("will", "planned", "next", "is
scheduled" …): then it is the first such day on or after it. Month-only and year-only dates
("in March 2024", "in 2019") and day/month orders that cannot be told apart ("04/05/2025") are
kept as imprecise: found, shown, never turned into a day.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import Literal

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from assistant.clauses import clause_bounds, rx
from assistant.dates import checked, shifted
from assistant.numbers import NUMBER_WORDS

Precision = Literal["day", "imprecise"]

WORD_NUMBERS: dict[str, int] = {"a": 1, "an": 1, **NUMBER_WORDS}
"""The counts a span may be written in ("a week ago", "three days ago")."""

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|(?-i:May|MAY|may(?=\s+\d{4}))|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_DAY = r"(?-i:May|MAY|may)"
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:,?[\s-]+(?P<year>(?:19|20)\d{2}))?"
_UNIT = r"(?P<unit>days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y)"
_COUNT = r"(?P<count>\d+|" + "|".join(WORD_NUMBERS) + r")"

ABSOLUTE: tuple[str, ...] = (
    r"(?<![\d-])(?P<iso>(?:19|20)\d{2}-\d{1,2}-\d{1,2})(?![\d-])",
    r"(?<![\w/.])(?P<d>\d{1,2})"
    + _ORD
    + r"(?:\s+of)?[\s-]+(?P<m>"
    + _MONTH
    + r"|"
    + _MONTH_DAY
    + r")(?![a-z])"
    + _YEAR,
    r"(?<![\w])(?P<m>" + _MONTH + r")\s+(?P<d>\d{1,2})" + _ORD + r"(?![\d:])\b" + _YEAR,
)
NUMERIC = r"(?<![\w/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)?\d{2})(?![\w/.])"
IMPRECISE = (
    r"(?<!\w)(?:in\s+|since\s+)?(?P<m>" + _MONTH + r")\s+(?P<year>(?:19|20)\d{2})(?!\d)",
    r"\b(?:in|since|during)\s+(?P<year>(?:19|20)\d{2})(?![\d-])",
)
RELATIVE_PAST = r"\b" + _COUNT + r"\s*(?:-\s*)?" + _UNIT + r"\s+(?:ago|back|earlier)\b"
RELATIVE_FUTURE = r"\bin\s+" + _COUNT + r"\s*" + _UNIT + r"(?!\s+(?:ago|after|before|since))\b"
NAMED = r"\b(?P<named>yesterday|today|last\s+(?:week|month|year)|this\s+morning|tomorrow|next\s+(?:week|month))\b"
FUTURE_CUES = (
    r"\b(?:will|planned|plans?|scheduled|is\s+due|due\s+on|next|going\s+to|booked|upcoming|to\s+be|shall"
    r"|would\s+be|is\s+set\s+for|expected)\b"
)


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A date or time span written in a message."""

    start: int
    """Offset of the expression in the message."""
    end: int
    """Offset one past the expression."""
    text: str
    """The expression as written."""
    date: dt.date | None
    """The day it stands for; None when imprecise."""
    precision: Precision
    """``day`` when ``date`` is set; ``imprecise`` for months, years and ambiguous orders."""
    relative: bool
    """True for spans counted from the reference day ("3 weeks ago")."""


def _count(text: str) -> int:
    return int(text) if text.isdigit() else WORD_NUMBERS[text.lower()]


def _delta(count: int, unit: str) -> relativedelta:
    unit = unit.lower()
    if unit.startswith("d"):
        return relativedelta(days=count)
    if unit.startswith("w"):
        return relativedelta(weeks=count)
    if unit.startswith("m"):
        return relativedelta(months=count)
    return relativedelta(years=count)


def _future_clause(message: str, start: int, end: int) -> bool:
    left, right = clause_bounds(message, start, end)
    return bool(rx(FUTURE_CUES).search(message[left:right]))


def _month_day(match: re.Match[str], message: str, today: dt.date) -> dt.date | None:
    """A day-and-month date read by dateutil; a missing year is chosen around ``today``."""
    text = f"{match.group('d')} {match.group('m').rstrip('.')}"
    year = match.group("year")
    try:
        if year:
            return date_parser.parse(f"{text} {year}", dayfirst=True).date()
        future = _future_clause(message, match.start(), match.end())
        for delta in (0, 1, 2) if future else (0, -1, -2):  # 29 February needs a leap year
            try:
                day = date_parser.parse(text, default=dt.datetime(today.year + delta, 1, 1), dayfirst=True).date()
            except ValueError:
                continue
            if (future and day >= today) or (not future and day <= today):
                return day
    except (ValueError, OverflowError):
        return None
    return None


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when ``start:end`` overlaps a span of ``spans`` (sorted, none overlapping another): only the
    neighbours of its place in the order can overlap it."""
    at = bisect_left(spans, (start, end))
    return (at > 0 and spans[at - 1][1] > start) or (at < len(spans) and spans[at][0] < end)


def find_times(message: str, today: dt.date) -> list[TimeExpr]:
    """Every date and time span in ``message``, in text order, resolved against ``today``."""
    found: list[TimeExpr] = []
    spans: list[tuple[int, int]] = []

    def add(start: int, end: int, day: dt.date | None, precision: Precision, relative: bool) -> None:
        if not _overlaps(spans, start, end):
            insort(spans, (start, end))
            found.append(TimeExpr(start, end, message[start:end], day, precision, relative))

    for match in rx(ABSOLUTE[0]).finditer(message):
        try:
            day = date_parser.isoparse(match.group("iso")).date()
        except ValueError:
            continue
        add(match.start(), match.end(), day, "day", False)
    for pattern in ABSOLUTE[1:]:
        for match in rx(pattern).finditer(message):
            named_day = _month_day(match, message, today)
            if named_day is not None:
                add(match.start(), match.end(), named_day, "day", False)
    for match in rx(NUMERIC).finditer(message):
        a, b = int(match.group("a")), int(match.group("b"))
        if a <= 12 and b <= 12 and a != b:
            add(match.start(), match.end(), None, "imprecise", False)
            continue
        try:
            day = date_parser.parse(match.group(0), dayfirst=a > 12).date()
        except (ValueError, OverflowError):
            continue
        add(match.start(), match.end(), day, "day", False)
    for pattern in IMPRECISE:
        for match in rx(pattern).finditer(message):
            add(match.start(), match.end(), None, "imprecise", False)
    for sign, pattern in ((-1, RELATIVE_PAST), (1, RELATIVE_FUTURE)):
        for match in rx(pattern).finditer(message):
            delta = _delta(sign * _count(match.group("count")), match.group("unit"))
            add(match.start(), match.end(), shifted(today, delta, repr(match.group(0))), "day", True)
    for match in rx(NAMED).finditer(message):
        add(match.start(), match.end(), _named(match.group("named"), today), "day", True)
    for time in found:
        if time.date is not None:
            checked(time.date, repr(time.text))
    return sorted(found, key=lambda t: t.start)


def _named(word: str, today: dt.date) -> dt.date:
    word = " ".join(word.lower().split())
    offsets = {
        "yesterday": relativedelta(days=-1),
        "today": relativedelta(),
        "this morning": relativedelta(),
        "tomorrow": relativedelta(days=1),
        "last week": relativedelta(weeks=-1),
        "last month": relativedelta(months=-1),
        "last year": relativedelta(years=-1),
        "next week": relativedelta(weeks=1),
        "next month": relativedelta(months=1),
    }
    return today + offsets[word]
