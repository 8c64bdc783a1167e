"""What a message said about its patient, as shown back: facts used, facts not used (why, how to state
them), and what looks like a patient fact but was not read: number-bearing phrases, and the conditions,
findings, medications and procedures the clinical note reader finds in the message that the chat's
reader did not use."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.chat.model import ExtractedFacts
from assistant.patient.facts import Conflict

_HOW: dict[str, str] = {
    "observation": "state one value with its unit and, if known, its date (e.g. '<test> <value> <unit> on <date>')",
    "condition": "say whether the patient has it or not, and since when",
    "medication": "say whether the patient takes it now, with dose and unit, or when it was stopped",
    "procedure": "say whether the patient had it and when",
    "age": "state one age in years, or the date of birth",
    "sex": "state the patient's sex once",
}
# A number standing alone ("2.0", "20", "90k"), with the word or two before it and a unit-like token after it.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?:k\b)?")
_WORD_BEFORE = re.compile(r"([A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*)?)\s*[:=]?\s*$")
_UNIT_AFTER = re.compile(r"^\s*([A-Za-z%µ/*][\w/*^%µ.]*)")


@dataclass(frozen=True, slots=True)
class NotUsed:
    """A fact the message stated that the check could not use."""

    text: str
    """What was stated, verbatim."""
    why: str
    """Why it was not used."""
    how: str
    """How to state it so that it can be used."""


@dataclass(frozen=True, slots=True)
class FactFeedback:
    """The read-back of one message."""

    used: tuple[str, ...] = ()
    """Facts read and used, as the reader rendered them."""
    not_used: tuple[NotUsed, ...] = ()
    """Facts stated but not used."""
    notes: tuple[str, ...] = ()
    """The reader's own notes on phrases it deliberately did not use."""
    not_understood: tuple[str, ...] = ()
    """Phrases that look like patient facts (a number with its words, a clinical term) but that nothing used."""

    @property
    def empty(self) -> bool:
        """True when there is nothing to show back."""
        return not (self.used or self.not_used or self.notes or self.not_understood)


def not_used(conflicts: Iterable[Conflict]) -> tuple[NotUsed, ...]:
    """The conflicts and unusable values, each with why and how to state it."""
    return tuple(
        NotUsed(
            text=", ".join(repr(v) for v in c.values),
            why=c.reason or ("stated with different values" if len(c.values) > 1 else "not usable"),
            how=_HOW.get(c.kind, "state it once, plainly"),
        )
        for c in conflicts
    )


def _covered(message: str, spans: Iterable[tuple[int, int]], texts: Iterable[str]) -> list[tuple[int, int]]:
    covered = list(spans)
    lowered = message.lower()
    for text in texts:
        needle = text.strip().lower()
        start = lowered.find(needle) if needle else -1
        while start >= 0:
            covered.append((start, start + len(needle)))
            start = lowered.find(needle, start + 1)
    return covered


def _number_spans(message: str, covered: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of the numbers outside ``covered``, each with the word or two before it and a unit-like token after."""
    spans: list[tuple[int, int]] = []
    for match in _NUMBER.finditer(message):
        if any(start <= match.start() < end for start, end in covered):
            continue
        before = _WORD_BEFORE.search(message[: match.start()])
        after = _UNIT_AFTER.match(message[match.end() :])
        spans.append((before.start(1) if before else match.start(), match.end() + (after.end(1) if after else 0)))
    return spans


def _phrases(message: str, spans: Iterable[tuple[int, int]]) -> tuple[str, ...]:
    found: list[str] = []
    for start, end in spans:
        phrase = " ".join(message[start:end].split()).strip(" -–—,;")
        if phrase and phrase not in found:
            found.append(phrase)
    return tuple(found)


def not_understood(message: str, spans: Iterable[tuple[int, int]], texts: Iterable[str] = ()) -> tuple[str, ...]:
    """Number-bearing phrases of ``message`` outside every span something read (``spans``, and
    wherever one of ``texts`` occurs): what the reader did not understand, with the words around it."""
    return _phrases(message, _number_spans(message, _covered(message, spans, texts)))


def _quoted(notes: Sequence[str]) -> list[str]:
    return [m.group(1) for note in notes for m in re.finditer(r"'([^']+)'", note)]


def feedback(
    message: str, extracted: ExtractedFacts | None, date_texts: Sequence[str] = (), today: dt.date | None = None
) -> FactFeedback:
    """The read-back of ``message`` from what the reader extracted (None: the message was not read for facts).

    ``date_texts`` are the date phrases the router read (used for the schedule), which are not facts. With
    ``today``, clinical terms the chat's reader left unread are listed as not understood too."""
    if extracted is None:
        return FactFeedback()
    spans = [(m.start, m.end) for m in extracted.mentions]
    texts = [*date_texts, *_quoted(extracted.notes), *(v for c in extracted.facts.conflicts for v in c.values)]
    covered = _covered(message, spans, texts)
    unread = _number_spans(message, covered)
    if today is not None:
        from assistant.patient.note.unread import merge_spans, unread_spans

        unread = merge_spans([*unread, *unread_spans(message, covered, today, extracted.read)])
    return FactFeedback(
        used=tuple(m.rendering for m in extracted.mentions),
        not_used=not_used(extracted.facts.conflicts),
        notes=tuple(extracted.notes),
        not_understood=_phrases(message, unread),
    )
