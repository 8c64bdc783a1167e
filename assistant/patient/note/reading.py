"""The state of one note's reading, shared by the readers of its mentions: facts found, notes, spans used."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.patient.note.dates import StatedDate
from assistant.patient.note.types import NoteContext, NoteMention
from assistant.patient.note.values import StatedValue


class UsedSpans(list[tuple[int, int]]):
    """Spans of the note's text that a mention or value took, in the order taken, with look-ups of whether a
    position lies in one or a span overlaps one; each look-up scans only the spans that could (their starts
    kept sorted, no span longer than the longest), so reading a long note stays near linear."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        super().__init__()
        self._sorted: list[tuple[int, int]] = []
        self._longest = 0
        for span in spans:
            self.append(span)

    def append(self, span: tuple[int, int]) -> None:
        super().append(span)
        insort(self._sorted, span)
        self._longest = max(self._longest, span[1] - span[0])

    def covers(self, position: int) -> bool:
        """True when ``position`` lies in a span (start included, end not)."""
        return any(start <= position < end for start, end in self._near(position, position + 1))

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans that share a character with ``start``–``end``."""
        return [(s, e) for s, e in self._near(start, end) if s < end and start < e]

    def _near(self, start: int, end: int) -> list[tuple[int, int]]:
        first = bisect_left(self._sorted, (start - self._longest,))
        last = bisect_left(self._sorted, (end,))
        return self._sorted[first:last]


@dataclass
class Reading:
    """What the mentions of one note add up to, filled in as they are read."""

    text: str
    today: dt.date
    source: str
    age: float | None
    mentions: list[NoteMention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    used_spans: UsedSpans = field(default_factory=lambda: UsedSpans())
    series: list[tuple[NoteMention, StatedValue, StatedDate | None]] = field(default_factory=list)
    question: bool = False
    """The text is a clinician's message, not a note: a bound in it is a threshold asked about, not a result."""
    unusable: list[tuple[str, str, str]] = field(default_factory=list)
    """Values stated of the patient that cannot be used, as (concept, words, why): a unit missing or unknown,
    a range, a number off the scale or outside the plausible range."""
    second_values: dict[str, list[str]] = field(default_factory=dict)
    """Per concept, values no name claims that can only be a second value of it ("Correction: 200,000/mm3")."""


def not_used_reason(ctx: NoteContext) -> str | None:
    """Why a mention in this context states no fact of the patient: about a relative, hypothetical, uncertain,
    or about people in general."""
    for flag in ("family", "hypothetical", "uncertain"):
        if getattr(ctx, flag):
            return flag
    return "about people in general" if ctx.generic else None


def add_mention(
    reading: Reading, base: dict[str, object], start: int, end: int, rendering: str, fact: object
) -> NoteMention:
    """Record one mention read (``fact`` None when it is shown but not used) and the span it took."""
    mention = NoteMention(
        kind=base["kind"],  # type: ignore[arg-type]
        concept=str(base["concept"]),
        start=start,
        end=end,
        text=reading.text[start:end],
        rendering=rendering,
        fact=fact,  # type: ignore[arg-type]
        context=base["context"],  # type: ignore[arg-type]
        code=base["code"],  # type: ignore[arg-type]
        system=base["system"],  # type: ignore[arg-type]
    )
    reading.mentions.append(mention)
    reading.used_spans.append((start, end))
    return mention
