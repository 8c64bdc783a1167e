"""A multiple of the upper limit of normal stated for a panel of tests of one kind ("transaminases 4 x ULN"):
each test of the panel is at that multiple. Only panels ``panels.json`` marks so are read: "LFTs 3 x ULN" may
describe one test of the panel. A bound ("transaminases < 2x ULN") is not read."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from spacy.tokens import Doc

from assistant.patient.facts import Observation
from assistant.patient.note.dates import find_dates, nearest_date, shown_date
from assistant.patient.note.normal import multiple_panels
from assistant.patient.note.reading import Reading, add_mention
from assistant.patient.note.types import NoteContext
from assistant.patient.note.values import value_after
from assistant.patient.note.vocabulary import concept_details
from assistant.patient.units import format_number, is_uln

_UNSETTLED = re.compile(r"\b(?:if|whether|unless|pending|awaited|to\s+be|should|goal|target|keep)\b", re.IGNORECASE)
_DENIED = re.compile(r"\b(?:not|no|never)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _names() -> re.Pattern[str]:
    names = sorted(multiple_panels(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.IGNORECASE)


def read_panel_multiples(doc: Doc, reading: Reading) -> None:
    """Add "<test> N x ULN" for each test of a panel a sentence of ``doc`` gives as a ULN multiple."""
    text = reading.text
    valued = {m.concept for m in reading.mentions if isinstance(m.fact, Observation)}
    for sent in doc.sents:
        for name in _names().finditer(text, sent.start_char, sent.end_char):
            value = value_after(text, name.end(), sent.end_char)
            if value is None or not is_uln(value.unit) or value.comparator is not None or value.second is not None:
                continue
            if _UNSETTLED.search(text, sent.start_char, sent.end_char) or _DENIED.search(
                text, sent.start_char, name.start()
            ):
                continue
            span = doc.char_span(name.start(), value.end, alignment_mode="expand")
            if span is None or span[0]._.section_category == "family_history":
                continue
            words = text[name.start() : value.end]
            dates = [
                replace(d, start=d.start + sent.start_char, end=d.end + sent.start_char)
                for d in find_dates(text[sent.start_char : sent.end_char], reading.today, reading.age)
            ]
            stated = nearest_date(dates, name.start(), value.end)
            day = stated.date if stated is not None else None
            for test in multiple_panels()[name.group().lower()]:
                concept = concept_details(test)
                if test in valued or concept is None or concept.value != "quantity":
                    continue
                fact = Observation(
                    concept=test,
                    value=value.number,
                    unit="ULN",
                    date=day,
                    dated_to=stated.precision if stated is not None else "day",
                    source=reading.source,
                )
                code = sorted(concept.loinc)[0] if concept.loinc else None
                base = {
                    "kind": "observation",
                    "concept": test,
                    "context": NoteContext(),
                    "code": code,
                    "system": "LOINC",
                }
                dated = shown_date(day, stated.precision if stated is not None else "day")
                shown = f"{concept.label} {format_number(value.number)} x ULN{dated} (from '{words}')"
                add_mention(reading, base, name.start(), value.end, shown, fact)
