"""Values stated after a lab, vital or score: number, optional second number ("152/94", "6/15"), unit.

Conversion goes through ``assistant.patient.units`` (pint); temperatures, which pint keeps as
offset units, are converted by pint directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pint
from spacy.lang.en.stop_words import STOP_WORDS

from assistant.errors import UnitError
from assistant.patient.concepts import Concept
from assistant.patient.facts import Comparator
from assistant.patient.units import normalize_unit, round_sig, to_canonical, ureg

_LEAD = re.compile(
    r"(?:[\s:=,~(]|-(?=\s)|[–—]|\b(?:is|was|were|are|of|at|level|count|value|measured|remains|remained|"
    r"reading|score|status|class|grade|result|to|up|around|about|approximately|now|today|actually|still|currently|"
    r"only|this\s+(?:morning|afternoon|evening)|yesterday|overnight|on\s+(?:admission|arrival|presentation)"
    r"|(?:admission|presentation|screening))\b)*",
    re.IGNORECASE,
)
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])|\d+(?:\.\d+)?"
_ULN = (
    r"(?:[x×*]\s*|-?\s*fold\s+|times\s+)(?:the\s+)?(?:uln|upper\s+limits?(?:\s+of\s+(?:the\s+)?normal)?"
    r"|upper\s+(?:limit\s+of\s+)?normal)\b"
)
_ULN_UNIT = re.compile(_ULN, re.IGNORECASE)
_UNIT = (
    _ULN + r"|(?:[x×]\s*)?10\s*(?:[\^*]\s*\d+|[³⁹])\s*/\s*[a-zA-Zµμ]+"
    r"|%"
    r"|°\s*[CF]\b"
    r"|/\s*[a-zA-Zµμ]+[0-9³]?"
    r"|[a-zA-Zµμ][a-zA-Z0-9µμ³²\[\]]*(?:\s*/\s*[a-zA-Z0-9µμ³².\[\]]+)*"
)
_VALUE = re.compile(
    r"(?P<num>" + _NUMBER + r")(?:\s*/\s*(?P<den>\d+(?:\.\d+)?)(?!\d|,\d))?(?:\s*(?P<unit>" + _UNIT + r"))?",
    re.IGNORECASE,
)
_BOUND = re.compile(r"(?P<c>>=|<=|≥|≤|>|<|greater\s+than|more\s+than|less\s+than)\s*(?=\d)", re.IGNORECASE)
"""A comparator before a number: the value is a bound the lab reported ("eGFR >90", "HIV RNA <20 copies/mL")."""
_COMPARATORS: dict[str, Comparator] = {
    ">=": ">=",
    "<=": "<=",
    ">": ">",
    "<": "<",
    "≥": ">=",
    "≤": "<=",
    "greater than": ">",
    "more than": ">",
    "less than": "<",
}
_NAMED_RANGE = (
    r"(?:the\s+)?(?:uln|upper\s+limit(?:\s+of\s+normal)?|ref(?:erence)?(?:\s+(?:range|interval))?|normal\s+range)"
)
_REFERENCE = re.compile(
    r"\s*(?:[(\[]\s*(?:" + _NAMED_RANGE + r"|normal|nl|n)|[,;]\s*" + _NAMED_RANGE + r")"
    r"\s*(?:is\s+|of\s+)?[:=]?\s*(?:(?P<low>" + _NUMBER + r")\s*(?:-|–|to)\s*|[<≤]\s*)?"
    r"(?P<high>" + _NUMBER + r")(?:\s*(?P<unit>" + _UNIT + r"))?\s*[)\]]?",
    re.IGNORECASE,
)
"""A stated upper limit after a value: in brackets ("(ULN 110)", "(ref 7-40)", "(normal 0.6-1.2)", "(N < 40)"),
or after a comma only when it is named as one (", ULN 1.1 mg/dL"; not ", normal 2 weeks ago")."""
_WHEN_WORDS = frozenset(("today", "yesterday", "tonight", "tomorrow", "now", "currently", "earlier", "later", "ago"))
"""Words of time that follow a value ("BP 150/90 today") and are not its unit."""
THOUSANDS = "10*3/uL"
"""What the bare "k" of a cell count means ("platelets 90k": 90 thousand per microlitre)."""
_COMPOUND = {
    **dict.fromkeys(("ft", "feet", "foot"), (("in", "inch", "inches"), 12.0)),
    **dict.fromkeys(("st", "stone", "stones"), (("lb", "lbs", "pound", "pounds"), 14.0)),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), (("oz", "ounce", "ounces"), 16.0)),
}
"""A larger unit, the smaller units a value may continue in, and how many of those make one of it."""
_TEMPERATURE = {"c": "degC", "°c": "degC", "cel": "degC", "degc": "degC", "f": "degF", "°f": "degF", "degf": "degF"}


@dataclass(frozen=True, slots=True)
class StatedValue:
    """A number as written after a concept's name, with its offsets in the text searched."""

    start: int
    """Offset of the number."""
    end: int
    """Offset just past the unit (or the number when there is no unit)."""
    number: float
    """The first number."""
    second: float | None
    """The number after a slash: diastolic pressure, the maximum of a score."""
    unit: str | None
    """The unit as written, or None."""
    text: str
    """The value as written."""
    comparator: Comparator | None = None
    """``<``, ``<=``, ``>`` or ``>=`` when the value is a bound the note reports ("eGFR >90", "viral load <20
    copies/mL"), else None."""


@dataclass(frozen=True, slots=True)
class StatedRange:
    """The upper limit of normal the note states after a value: "(ULN 110)", "(ref 0.6-1.2 mg/dL)"."""

    end: int
    """Offset just past the range."""
    high: float
    """The upper limit."""
    unit: str | None
    """Its unit as written, or None (the value's unit then)."""


def reference_after(text: str, pos: int, limit: int) -> StatedRange | None:
    """The reference range written right after a value ending at ``pos``, if any."""
    match = _REFERENCE.match(text, pos, limit)
    if match is None:
        return None
    unit = _clean_unit(match.group("unit"))
    return StatedRange(match.end(), float(re.sub(r"[,\s\u00a0\u202f]", "", match.group("high"))), unit)


def is_thousands(unit: str | None) -> bool:
    """True for the bare "k" of "90k"."""
    return unit is not None and unit.lower() == "k"


def _clean_unit(unit: str | None) -> str | None:
    if unit is None:
        return None
    unit = unit.strip().rstrip(".,;:")
    if not unit or unit.lower() in STOP_WORDS or unit.lower() in _WHEN_WORDS:
        return None
    return "ULN" if _ULN_UNIT.fullmatch(unit) else unit


def value_after(text: str, pos: int, limit: int) -> StatedValue | None:
    """The value that follows position ``pos`` in ``text`` (within ``limit``), after linking words only;
    a value in two units ("5 ft 4 in", "11 st 6 lb") as one, in the smaller unit."""
    lead = _LEAD.match(text, pos, limit)
    at = lead.end() if lead else pos
    bound = _BOUND.match(text, at, limit)
    match = _VALUE.match(text, bound.end() if bound else at, limit)
    if match is None:
        return None
    value = _compound(text, _stated(match), limit)
    if bound is None:
        return value
    written = " ".join(bound.group("c").lower().split())
    comparator = _COMPARATORS[written]
    return replace(value, start=bound.start(), text=text[bound.start() : value.end], comparator=comparator)


_ROMAN = re.compile(r"(?i:[\s:=,(]|\b(?:class|grade|stage|is|was|of)\b)*(?P<r>IV|III|II|I)\b(?![-/.]\w)")
_ROMAN_VALUE = {"I": 1.0, "II": 2.0, "III": 3.0, "IV": 4.0}


def roman_after(text: str, pos: int, limit: int) -> StatedValue | None:
    """A class written in upper-case roman numerals after a score's name ("NYHA class III", "NYHA II")."""
    match = _ROMAN.match(text, pos, limit)
    if match is None:
        return None
    numeral = match.group("r")
    return StatedValue(match.start("r"), match.end("r"), _ROMAN_VALUE[numeral], None, None, numeral)


_COUNT_BEFORE = re.compile(r"(?<![\w.,/])(?P<num>\d+(?:\.\d+)?)\s*$")
_PER_UNIT_AFTER = re.compile(r"\s*(?P<unit>(?:per|/)\s*(?:\d+\s*)?[A-Za-z][A-Za-z0-9\[\]]*)\b", re.IGNORECASE)


_THOUSANDS_BEFORE = re.compile(r"(?<![\w.,/])(?P<num>\d+(?:\.\d+)?)(?P<k>[kK])\s+$")


def count_before(text: str, start: int, end: int, floor: int) -> StatedValue | None:
    """A count written before a name with its unit after it ("12 mitoses per 50 HPF"): the number just before
    ``start`` (not before ``floor``) and a unit of "per" or "/" just after ``end``; or a count in thousands
    written before its name ("90k platelets")."""
    thousands = _THOUSANDS_BEFORE.search(text, floor, start)
    if thousands is not None:
        words = text[thousands.start() : end]
        return StatedValue(thousands.start(), end, float(thousands.group("num")), None, thousands.group("k"), words)
    number = _COUNT_BEFORE.search(text, floor, start)
    unit = _PER_UNIT_AFTER.match(text, end)
    if number is None or unit is None:
        return None
    written = unit.group("unit")
    return StatedValue(
        number.start(), unit.end(), float(number.group("num")), None, written, text[number.start() : unit.end()]
    )


def _compound(text: str, value: StatedValue, limit: int) -> StatedValue:
    """``value`` with the smaller unit's part that follows it ("5 ft" of "5 ft 4 in" → 64 in)."""
    larger = _COMPOUND.get((value.unit or "").lower())
    if larger is None or value.second is not None:
        return value
    smaller, factor = larger
    gap = text[value.end : limit]
    more = _VALUE.match(text, value.end + len(gap) - len(gap.lstrip(" ")), limit)
    if more is None or more.group("den") or more.group("unit") is None or more.start() - value.end > 2:
        return value
    unit = more.group("unit").strip().rstrip(".,;:")  # "in" is a stop word to _clean_unit
    if unit.lower() not in smaller:
        return value
    end = more.start("unit") + len(unit)
    number = value.number * factor + float(more.group("num").replace(",", ""))
    return StatedValue(value.start, end, number, None, unit, text[value.start : end])


def values_in(text: str, pos: int, limit: int) -> list[StatedValue]:
    """Every value-shaped number in ``text[pos:limit]``."""
    return [_stated(m) for m in _VALUE.finditer(text, pos, limit)]


def _stated(match: re.Match[str]) -> StatedValue:
    unit = _clean_unit(match.group("unit"))
    written = match.group("unit")
    end = (
        match.start("unit") + len(written.strip().rstrip(".,;:"))
        if unit is not None and written
        else match.end("den")
        if match.group("den")
        else match.end("num")
    )
    return StatedValue(
        start=match.start(),
        end=end,
        number=float(re.sub(r"[,\s\u00a0\u202f]", "", match.group("num"))),
        second=float(match.group("den")) if match.group("den") else None,
        unit=unit,
        text=match.string[match.start() : end],
    )


def looks_like_unit(unit: str) -> bool:
    """True when pint reads ``unit`` as a physical unit (or it is a temperature symbol)."""
    if unit.replace(" ", "").lower() in _TEMPERATURE:
        return True
    try:
        parsed = ureg.parse_expression(normalize_unit(unit))
    except Exception:  # noqa: BLE001  (pint raises many kinds of errors on text that is not a unit)
        return "/" in unit or "%" in unit
    return isinstance(parsed, pint.Quantity) and not parsed.dimensionless or "/" in unit or "%" in unit


def convert(value: float, unit: str, concept: Concept, where: str) -> float:
    """``value`` in ``unit`` expressed in the concept's canonical unit; UnitError when it cannot be."""
    canonical = (concept.unit or "").replace(" ", "").lower()
    if canonical in _TEMPERATURE or unit.replace(" ", "").lower() in _TEMPERATURE:
        source = _TEMPERATURE.get(unit.replace(" ", "").lower())
        target = _TEMPERATURE.get(canonical)
        if source is None or target is None:
            raise UnitError(f"{where}: unit {unit!r} cannot be converted to {concept.unit}")
        return round_sig(float(ureg.Quantity(value, source).to(target).magnitude))
    return to_canonical(value, unit, concept, where)


def other_plausible_units(number: float, concept: Concept, bounds: tuple[float, float]) -> list[str]:
    """The concept's other customary units in which ``number`` would also be plausible, read differently.

    A concept with a molar mass is written in mass and in substance units, so it always has another; for
    the others, each of ``concept.units`` counts when ``number`` in it, converted, lies within ``bounds``."""
    if concept.molar_mass is not None:
        return ["a substance concentration"]
    found: list[str] = []
    for unit in concept.units:
        if unit.replace(" ", "") == (concept.unit or "").replace(" ", ""):
            continue
        try:
            converted = convert(number, unit, concept, concept.name)
        except UnitError:
            continue
        if abs(converted - number) > 1e-9 * max(1.0, abs(number)) and bounds[0] <= converted <= bounds[1]:
            found.append(unit)  # another spelling of the canonical unit (factor 1) is not another reading
    return found
