"""Spans grown to the whole identifier: a name's initials and generational suffix, an address's other lines.

A name found by any rule takes in an initial before it ("J Whitcombe"), an initial after it
("Okonjo R.", "whitcombe j") and a generational suffix ("Delacroix Jr.", "Ashby III"). An address
found by a confident part (a numbered street, a postcode, a ZIP, a PO box, a city and state) takes
in the parts written next to it, a comma or a line apart: a flat or unit (before or after it), a house
or building name ("Rose Cottage", "Carlton Court"), a street without a number ("Church Lane"),
localities, a county, state or province (name or code) and a postcode, or a place in brackets after
it ("M5V 2T6 (Toronto)"). Such parts are never replaced on their own ("Clinical Research Building"
stays).
"""

from __future__ import annotations

import regex

from assistant.deid.cues import SUFFIXES, alternation
from assistant.deid.patterns import (
    _AU_STATES,
    _CA_POSTCODE,
    _CA_PROVINCES,
    _POSTCODE,
    _STATES,
    _STREET_SUFFIXES,
    _TITLES,
    _WORD,
)
from assistant.deid.regions import region_names

BUILDINGS = (
    "House", "Cottage", "Cottages", "Farm", "Farmhouse", "Lodge", "Court", "Hall", "Manor", "Barn", "Mill", "Villa",
    "Villas", "Mansions", "Building", "Buildings", "Tower", "Towers", "Flats", "Apartments", "Bungalow", "Croft",
    "Grange", "Rectory", "Vicarage", "Chambers", "Heights", "Residences", "Estate", "Wharf", "Place",
)  # fmt: skip
"""Head words of a house or building name in an address ("Rose Cottage", "Carlton Court")."""

_FLAGS = regex.MULTILINE
_SUFFIX = regex.compile(rf",?[ \t]+{alternation(SUFFIXES, cased=True)}\b\.?", _FLAGS)
_ENDS_WITH_SUFFIX = regex.compile(rf"\b{alternation(SUFFIXES, cased=True)}\Z")
_INITIAL_END = r"(?=[ \t]*(?:[,;:)\n]|$|[ \t]+\p{Ll}|[ \t]+\d))"
_INITIAL_AFTER = regex.compile(rf",?[ \t]+\p{{Lu}}(?:\.|(?<![AI])\b){_INITIAL_END}", _FLAGS)
_LOWER_INITIAL_AFTER = regex.compile(rf",?[ \t]+(?![ai]\b)\p{{Ll}}\b{_INITIAL_END}", _FLAGS)
_INITIAL_BEFORE = regex.compile(r"(?<![\w.'’-])(?:\p{Lu}\.[ \t]*|(?![AI]\b)\p{Lu}[ \t]+)\Z", _FLAGS)

_PLACE_WORDS = rf"(?!{_TITLES}\b){_WORD}(?:[ \t]+{_WORD}){{0,3}}"
_STREET_WORDS = "|".join(s for s in _STREET_SUFFIXES.split("|") if s[-1].islower() and len(s) > 2)
_UNIT = (
    r"(?i:flat|apartment|appartement|apt|appt|app|unit|suite|ste|floor|room|bureau|piso|wohnung)"
    r"\.?[ \t]*#?\d+[A-Za-z]?"
)
_BUILDING = rf"{_PLACE_WORDS}[ \t]+(?:{'|'.join(BUILDINGS)})"
_UNNUMBERED_STREET = rf"{_PLACE_WORDS}[ \t]+(?:{_STREET_WORDS})"
_REGION = rf"(?:{region_names()}|{_STATES}|{_CA_PROVINCES}|{_AU_STATES})"
_CODE = rf"(?:{_POSTCODE}|{_CA_POSTCODE}|\b\d{{4}}[ \t]?[A-Z]{{2}}\b|\b\d{{4,5}}(?:-\d{{4}})?\b)"
"""UK, Canadian, Dutch ("1016 DV") postcodes and four- or five-digit codes and ZIPs."""
_SEPARATOR = r"[ \t]*(?:,[ \t]*\n?|\n)[ \t]*"
_END = r"(?=[ \t]*(?:[,;.:)\n—–]|[ \t]-|$))"
_CODE_END = r"(?=[ \t]*(?:[,;.:)\n—–]|[ \t]-|$|[ \t]+(?!(?:mg|mcg|g|kg|ml|mL|units?|iu|mm|cm|x)\b)\p{Ll}))"
"""After a postcode or ZIP the address may go on into the sentence ("…, Lyon 69003 please")."""

_PART = rf"(?:{_UNIT}|{_BUILDING}|{_UNNUMBERED_STREET})"
_BEFORE = regex.compile(
    rf"(?:(?:\A|(?<=[\n:;(]))[ \t]*{_PART}|(?<=,)[ \t]*(?:{_PART}|{_PLACE_WORDS})){_SEPARATOR}\Z", _FLAGS
)
_AFTER = regex.compile(
    rf"{_SEPARATOR}(?:(?:(?:{_BUILDING}|{_UNNUMBERED_STREET}|{_PLACE_WORDS})(?:,?[ \t]+{_REGION}\b)?|{_REGION}\b)?"
    rf"(?:,?[ \t]+)?{_CODE}(?:[ \t]+{_PLACE_WORDS})?{_CODE_END}"
    rf"|(?:{_UNIT}|(?:{_BUILDING}|{_UNNUMBERED_STREET}|{_PLACE_WORDS})(?:,?[ \t]+{_REGION}\b)?|{_REGION}\b){_END})"
    rf"|[ \t]*\([ \t]*{_PLACE_WORDS}(?:,?[ \t]+{_REGION}\b)?[ \t]*\)",
    _FLAGS,
)
_MAX_PARTS = 4


def grow_name(text: str, start: int, end: int) -> tuple[int, int]:
    """The name at ``text[start:end]`` with the initials and generational suffix written next to it."""
    if match := _INITIAL_BEFORE.search(text[:start]):
        start = match.start()
    initial = _LOWER_INITIAL_AFTER if text[start:end].islower() else _INITIAL_AFTER
    for pattern in (initial, _SUFFIX):
        if match := pattern.match(text, end):
            end = match.end()
    if text[end : end + 1] == "." and _ENDS_WITH_SUFFIX.search(text, start, end):
        end += 1  # "Pettigrew Jr." found as far as "Jr"
    return start, end


def grow_address(text: str, start: int, end: int) -> tuple[int, int]:
    """The address at ``text[start:end]`` with the address lines written a comma or a line before and after it."""
    for _ in range(_MAX_PARTS):
        match = _BEFORE.search(text[:start])
        if match is None:
            break
        start = match.start() + len(match.group()) - len(match.group().lstrip())
    for _ in range(_MAX_PARTS):
        match = _AFTER.match(text, end)
        if match is None:
            break
        end = match.end()
    return start, end
