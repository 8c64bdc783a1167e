"""Dates a note states, resolved against the note's date: "3 weeks ago", "in March 2021", "at age 26", "on 3/1"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from assistant.numbers import NUMBER_WORDS

_COUNT = r"(?P<n>\d+|an?|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|several|few)"
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

_RELATIVE = re.compile(
    r"\b" + _COUNT + r"\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before|prior|previously)\b", re.IGNORECASE
)
_LAST = re.compile(r"\b(?:last|past|previous)\s+(?P<unit>week|month|year)\b", re.IGNORECASE)
_AT_AGE = re.compile(r"\bat\s+(?:the\s+)?age\s+(?:of\s+)?(?P<age>\d{1,3})\b", re.IGNORECASE)
_DAY_MONTH = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>"
    + _MONTHS
    + r")|(?P<m2>"
    + _MONTHS
    + r")\s+(?P<d2>\d{1,2})"
    r"(?:st|nd|rd|th)?)(?!\w|\.\d|,?\s*\d)",
    re.IGNORECASE,
)
"""A day of a month with no year ("on 3 March", "March 3rd"): the latest such day not after the note's date, unless
a nearer one is just ahead (see ``_nearest_past``)."""
_MONTH_YEAR = re.compile(
    r"\b(?P<text>(?:\d{1,2}\s+)?" + _MONTHS + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?,?)?\s+(?:of\s+)?\d{4})\b", re.IGNORECASE
)
_ISO = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_NUMERIC = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{2}|\d{4})\b")
_ON_MONTH_DAY = re.compile(r"\bon\s+(?P<m>\d{1,2})/(?P<d>\d{1,2})\b(?!\s*/)", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:in|since|during|from|until|of)\s+(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE)
_DAY_OF_MONTH = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
"""A day number in a month-and-year date ("3 March 2025", "March 3rd, 2025"; not "March 2025")."""
_DAY_WORD = re.compile(r"\b(?P<w>yesterday|today)\b", re.IGNORECASE)


Precision = Literal["day", "month", "year"]


@dataclass(frozen=True, slots=True)
class StatedDate:
    """A date expression in a text and the day it stands for."""

    start: int
    """Offset of the expression in the text searched."""
    end: int
    """Offset just past it."""
    date: dt.date
    """The day it resolves to (the first of the month or mid-year when only those are given)."""
    text: str
    """The expression as written."""
    precision: Precision = "day"
    """How precisely the expression dates it: a day, or only a month ("in March 2021") or a year ("in 2019")."""


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in ("a", "an"):
        return 1
    if word in ("several", "few"):
        return 3
    return NUMBER_WORDS[word]


def _ago(today: dt.date, n: int, unit: str) -> dt.date:
    unit = unit.lower()
    delta = {
        "day": relativedelta(days=n),
        "week": relativedelta(weeks=n),
        "month": relativedelta(months=n),
        "year": relativedelta(years=n),
    }[unit]
    return today - delta


def find_dates(text: str, today: dt.date, age: float | None = None) -> list[StatedDate]:
    """Every date expression in ``text``, resolved against ``today`` (and the patient's ``age`` for "at age N")."""
    return list(_dates_in(text, today, age))


@lru_cache(maxsize=256)
def _dates_in(text: str, today: dt.date, age: float | None) -> tuple[StatedDate, ...]:
    """``find_dates``, once per sentence: each term of a sentence asks for its dates."""
    found: list[StatedDate] = []

    def add(match: re.Match[str], day: dt.date | None, precision: Precision = "day") -> None:
        if day is not None and not any(f.start <= match.start() < f.end for f in found):
            found.append(StatedDate(match.start(), match.end(), day, match.group(0), precision))

    for m in _RELATIVE.finditer(text):
        add(m, _ago(today, _count(m.group("n")), m.group("unit")))
    for m in _LAST.finditer(text):
        add(m, _ago(today, 1, m.group("unit")))
    for m in _AT_AGE.finditer(text):
        if age is not None and int(m.group("age")) <= age:
            add(m, today - relativedelta(years=int(age) - int(m.group("age"))))
    for m in _ISO.finditer(text):
        add(m, _safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d"))))
    for m in _NUMERIC.finditer(text):
        year = int(m.group("y"))
        add(m, _safe_date(year + 2000 if year < 100 else year, int(m.group("m")), int(m.group("d"))))
    for m in _MONTH_YEAR.finditer(text):
        add(m, _parse_month_year(m.group("text")), "day" if _DAY_OF_MONTH.search(m.group("text")) else "month")
    for m in _DAY_MONTH.finditer(text):
        month_word = m.group("m1") or m.group("m2")
        if month_word == "may":  # the verb ("she may 2 …"), not the month
            continue
        month = _month_number(month_word)
        if month is not None:
            add(m, _nearest_past(today, month, int(m.group("d1") or m.group("d2"))))
    for m in _ON_MONTH_DAY.finditer(text):
        add(m, _nearest_past(today, int(m.group("m")), int(m.group("d"))))
    for m in _YEAR.finditer(text):
        add(m, _safe_date(int(m.group("y")), 7, 1), "year")
    for m in _DAY_WORD.finditer(text):
        add(m, today - dt.timedelta(days=1) if m.group("w").lower() == "yesterday" else today)
    return tuple(sorted(found, key=lambda f: f.start))


def _nearest_past(today: dt.date, month: int, day: int) -> dt.date | None:
    """The day a date with no year stands for: the latest such day not after the note's date, unless the next
    one is nearer and at most ``note_date_ahead_days`` ahead ("on 26 June" in a note of 23 June is a booking,
    not 26 June of last year): then None."""
    from assistant.settings import get_settings

    past = next((d for d in (_safe_date(today.year - k, month, day) for k in range(0, 5)) if d and d <= today), None)
    ahead = next((d for d in (_safe_date(today.year + k, month, day) for k in range(0, 5)) if d and d > today), None)
    soon = ahead is not None and (ahead - today).days <= get_settings().note_date_ahead_days
    if soon and ahead is not None and (past is None or (ahead - today) < (today - past)):
        return None
    return past


def _month_number(word: str) -> int | None:
    """The month a month's name or abbreviation names ("Sept." → 9)."""
    try:
        return date_parser.parse(word.rstrip("."), default=dt.datetime(2000, 1, 1)).month
    except (ValueError, OverflowError):
        return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _parse_month_year(text: str) -> dt.date | None:
    try:
        return date_parser.parse(text.replace(" of ", " "), default=dt.datetime(2000, 1, 1)).date()
    except (ValueError, OverflowError):
        return None


def nearest_date(dates: list[StatedDate], start: int, end: int) -> StatedDate | None:
    """The stated date closest to the span ``start:end`` (ties go to the one after it)."""
    if not dates:
        return None

    def distance(d: StatedDate) -> tuple[int, int]:
        gap = d.start - end if d.start >= end else start - d.end
        return (max(gap, 0), 0 if d.start >= end else 1)

    return min(dates, key=distance)


def shown_date(day: dt.date | None, precision: Precision = "day") -> str:
    """How a fact's date is shown after its value: " on 2025-03-03", " in 2024-10 (the month only)"."""
    if day is None:
        return ""
    if precision == "month":
        return f" in {day.strftime('%Y-%m')} (the month only)"
    if precision == "year":
        return f" in {day.year} (the year only)"
    return f" on {day.isoformat()}"
