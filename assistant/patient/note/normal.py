"""Tests a note states normal without a number: "Creatinine normal", "LFTs within normal limits", "FBC, U&E and
LFTs WNL", "normal renal function". A normal result lies inside the lab's reference range, so each test whose
range an upper limit closes is at most 1 × ULN: enough for "AST ≤ 2.5 × ULN", nothing for "creatinine ≤ 1.5
mg/dL", which stays unknown. Panels and the tests each bounds are data (``panels.json``).

A statement is read only when every name before (or right after) the normal words is a panel or a laboratory
test of the vocabulary, nothing denies it ("not within normal limits"), it is not conditional or awaited ("if
LFTs are normal", "LFTs pending") and not in the family history; a test the note also gives a number for keeps
that number alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Doc

from assistant.patient.concepts import load_concepts, normalize_text
from assistant.patient.facts import Observation
from assistant.patient.note.dates import StatedDate, find_dates, nearest_date, shown_date
from assistant.patient.note.reading import Reading, add_mention
from assistant.patient.note.types import NoteContext
from assistant.patient.note.vocabulary import concept_details
from assistant.patient.units import format_number

_HERE = Path(__file__).resolve().parent
_NORMAL_WORDS = (
    r"(?:(?:is|are|was|were|all|both|otherwise|remains?|remained|came\s+back|returned)\s+)*"
    r"(?<![A-Za-z\-])(?:within\s+(?:the\s+)?normal\s+(?:limits|range)|wnl|normal|unremarkable)\b(?!\s*[-/]?\s*(?:range|limits?\b))"
)
_NORMAL = re.compile(_NORMAL_WORDS, re.IGNORECASE)
"""Normal words, searched for in a sentence (no leading spaces: a search from each of a run of spaces would
scan the whole run again)."""
_NORMAL_AFTER = re.compile(r"\s*" + _NORMAL_WORDS, re.IGNORECASE)
"""Normal words right after a test's name ("creatinine normal")."""
_NORMAL_BEFORE = re.compile(r"(?<![A-Za-z\-])(?:normal|wnl)\s+$", re.IGNORECASE)
_DENIED = re.compile(r"\b(?:not|no|never|non)\s*$", re.IGNORECASE)
_UNSETTLED = re.compile(
    r"\b(?:if|whether|unless|pending|awaited|awaiting|to\s+be|will|should|expected|hopefully|check(?:ing)?|repeat)\b",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*(?:,|/|&(?!\s*e)|\band\b|\bplus\b)\s*", re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:her|his|the|their|serum|blood|baseline|today'?s?|recent|latest|all)\s+)+", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[.;:\n(]|\bbut\b|\bwith\b|\bexcept\b", re.IGNORECASE)
_NAMES_AFTER = re.compile(
    r"\s+([A-Za-z&+][\w&+\-, ]{1,60}?)(?=\s*(?:[.;:)]|\b(?:but|with|while|although)\b|$))", re.IGNORECASE
)
"""The names right after normal words, a list joined by commas or "and" ("normal LFTs and renal function")."""
_NAME_AFTER = re.compile(
    r"\s+([A-Za-z&+][\w&+\- ]{1,40}?)(?=\s*(?:[.,;:)]|\b(?:and|but|with|while|although)\b|$))", re.IGNORECASE
)
_FAMILY = "family_history"
_ENDS_CLAUSE = re.compile(r"\s*(?:[.;,)\n]|$)")


@lru_cache(maxsize=1)
def panel_tests() -> dict[str, tuple[str, ...]]:
    """Each panel name (normalised) → the tests a normal result of it bounds."""
    raw = json.loads((_HERE / "panels.json").read_text(encoding="utf-8"))
    found: dict[str, tuple[str, ...]] = {}
    for panel in raw["panels"].values():
        for name in panel["names"]:
            found[normalize_text(name)] = tuple(panel["tests"])
    return found


@lru_cache(maxsize=1)
def multiple_panels() -> dict[str, tuple[str, ...]]:
    """Each name (normalised) of a panel whose stated multiple of the ULN describes each of its tests."""
    raw = json.loads((_HERE / "panels.json").read_text(encoding="utf-8"))
    found: dict[str, tuple[str, ...]] = {}
    for panel in raw["panels"].values():
        if panel.get("multiple_applies_to_each", False):
            for name in panel["names"]:
                found[normalize_text(name)] = tuple(panel["tests"])
    return found


def _tests_named(words: str) -> tuple[str, ...] | None:
    """The tests ``words`` names: a panel's, or one test of a panel named alone ("creatinine", "ALT"); a vital
    sign has no upper limit of normal, and "heart rate normal" is not read so."""
    norm = normalize_text(_LEAD.sub("", words.strip()))
    if not norm:
        return None
    panels = panel_tests()
    panel = panels.get(norm)
    if panel is not None:
        return panel
    concept = load_concepts().by_text(norm, "observation")
    if concept is None or not any(concept.name in tests for tests in panels.values()):
        return None
    return (concept.name,)


def _listed(words: str) -> tuple[str, ...] | None:
    """The tests of every item of a list ("FBC, U&E and LFTs"), or None when one item names none."""
    tests: list[str] = []
    for item in _SEPARATORS.split(words.strip()):
        if not item:
            continue
        named = _tests_named(item)
        if named is None:
            return None
        tests.extend(named)
    return tuple(dict.fromkeys(tests)) or None


def stated_normal(text: str, start: int, end: int, limit: int) -> bool:
    """True when the words after ``end`` ("creatinine normal") or just before ``start`` ("normal creatinine") say
    the test named at ``start:end`` is normal: the reader of normal statements reads it, not the reader of values."""
    found = _NORMAL_AFTER.match(text, end, limit)
    return (found is not None and bool(found.group().strip())) or _NORMAL_BEFORE.search(text, 0, start) is not None


def read_normal(doc: Doc, reading: Reading) -> None:
    """Add an at-most-1-×-ULN observation for each test a sentence of ``doc`` states normal (see the module)."""
    text = reading.text
    valued = {m.concept for m in reading.mentions if isinstance(m.fact, Observation)}
    for sent in doc.sents:
        for normal in _NORMAL.finditer(text, sent.start_char, sent.end_char):
            if not normal.group().strip() or _DENIED.search(text, sent.start_char, normal.start()):
                continue
            stop = normal.start()
            if _ENDS_CLAUSE.match(text, normal.end()):  # "LFTs: normal.", not "Renal function: normal creatinine"
                while stop > sent.start_char and text[stop - 1] in " \t:":
                    stop -= 1
            clause = max([sent.start_char] + [m.end() for m in _CLAUSE_START.finditer(text, sent.start_char, stop)])
            before = text[clause:stop]
            start, end, tests = clause + len(before) - len(before.lstrip()), normal.end(), _listed(before)
            if tests is None and not before.strip():  # "normal renal function", "normal LFTs and renal function"
                start = normal.start() + len(normal.group()) - len(normal.group().lstrip())
                for pattern in (_NAMES_AFTER, _NAME_AFTER):
                    after = pattern.match(text, normal.end(), sent.end_char)
                    tests = _listed(after.group(1)) if after is not None else None
                    if tests is not None and after is not None:
                        end = after.end(1)
                        break
            if tests is None or _UNSETTLED.search(text, sent.start_char, sent.end_char):
                continue
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or span[0]._.section_category == _FAMILY:
                continue
            dates = [
                replace(d, start=d.start + sent.start_char, end=d.end + sent.start_char)
                for d in find_dates(sent.text, reading.today, reading.age)
            ]
            stated = nearest_date(dates, start, end)
            _add(reading, [t for t in tests if t not in valued], start, end, stated)


def _add(reading: Reading, tests: list[str], start: int, end: int, stated: StatedDate | None) -> None:
    words = reading.text[start:end]
    date = stated.date if stated is not None else None
    precision = stated.precision if stated is not None else "day"
    for name in tests:
        concept = concept_details(name)
        if concept is None or concept.value != "quantity":
            continue
        fact = Observation(
            concept=name, value=1.0, unit="ULN", comparator="<=", date=date, dated_to=precision, source=reading.source
        )
        dated = shown_date(date, precision)
        code = sorted(concept.loinc)[0] if concept.loinc else None
        base = {"kind": "observation", "concept": name, "context": NoteContext(), "code": code, "system": "LOINC"}
        rendering = f"{concept.label} ≤ {format_number(1.0)} x ULN (stated normal){dated} (from '{words}')"
        add_mention(reading, base, start, end, rendering, fact)
