"""Unit conversion with pint: UCUM and common lab spellings to each concept's canonical unit.

Counts (``10*9/L``, ``10*3/uL``, ``/mm3``, ``cells/uL``), mass and substance concentrations
(``mg/dL`` ↔ ``umol/L`` through the analyte's molar mass; ``mEq/L`` ↔ ``mmol/L`` through an ion's
charge), catalytic activity (``U/L``), lengths and per-high-power-field counts. A unit that cannot
be read or converted raises ``UnitError`` naming the unit, the concept and what would be accepted;
nothing is compared in a unit it was not converted to.
"""

from __future__ import annotations

import math
import re
import tokenize
from functools import lru_cache

import pint

from assistant.errors import UnitError
from assistant.patient.concepts import Concept

ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("high_power_field = [high_power_field] = HPF = hpf")
ureg.define("international_unit = enzyme_unit = IU")

#: Equivalents of an ion ("mEq/L", "meq/l"): moles times the ion's charge.
_EQUIVALENT = re.compile(r"(?<![A-Za-z])([muµμ]?)eq(?=\s*/)", re.IGNORECASE)

ULN_UNITS = frozenset({"uln", "xuln", "x uln", "×uln", "× uln", "times uln", "*uln"})

_REPLACEMENTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/\s*\{?1\.73\s*[_ ]?m\s*(2|\^2|²)\}?"), ""),  # eGFR "per 1.73 m2" is a normalisation, not a unit
    (re.compile(r"\bCel\b"), "degC"),  # UCUM spellings pint does not know
    (re.compile(r"\[degF\]"), "degF"),
    (re.compile(r"mm\[Hg\]"), "mmHg"),
    (re.compile(r"\[lb_av\]"), "lb"),
    (re.compile(r"\[in_i\]"), "inch"),
    (re.compile(r"[µμ]"), "u"),
    (re.compile(r"10\s*⁹"), "10^9"),  # "×10⁹/L"
    (re.compile(r"10\s*³"), "10^3"),
    (re.compile(r"^G\s*/\s*[lL]$"), "10^9/L"),  # giga per litre ("ANC 2.0 G/L"), not gauss
    (re.compile(r"³"), "3"),
    (re.compile(r"²"), "2"),
    (re.compile(r"⁹"), "9"),
    (re.compile(r"\{[^}]*\}"), ""),
    (re.compile(r"\bper\b", re.IGNORECASE), "/"),
    (re.compile(r"\bcu\.?\s*mm\b", re.IGNORECASE), "mm3"),
    (re.compile(r"(?<![A-Za-z])mc(?=[gLl]\b)"), "u"),
    (re.compile(r"(?<![A-Za-z])micro(?=[gLl]\b)"), "u"),  # UCUM annotations: {cells}/uL, {score}
    (re.compile(r"\[(IU|iU)\]"), "IU"),
    (re.compile(r"\[HPF\]", re.IGNORECASE), "HPF"),
    (re.compile(r"\bcells?\b", re.IGNORECASE), ""),
    (re.compile(r"\bcop(?:y|ies)\b", re.IGNORECASE), ""),  # a viral load's "copies/mL" is a count, as UCUM's {copies}
    (re.compile(r"\b(?:events?|episodes?)\b", re.IGNORECASE), ""),  # an AHI's "events/h" is a count per hour
    (re.compile(r"^\s*[x×]\s*(?=10)"), ""),  # "x10^9/L"
    (re.compile(r"^[kK]\s*/"), "10*3/"),  # "K/uL": thousands per microlitre, not kelvin
    (re.compile(r"(?<![\w.*^])([A-Za-z]+)(\d)(?![\w.])"), r"\1**\2"),  # mm3 → mm**3
    (re.compile(r"\b10\s*[*^]\s*(\d+)"), r"1e\1"),  # 10*9 → 1e9
    (re.compile(r"/\s*(\d+)\s*([A-Za-z]+)"), r"/(\1*\2)"),  # /50HPF → /(50*HPF)
    (re.compile(r"\bdl\b"), "dL"),
    (re.compile(r"\bml\b"), "mL"),
    (re.compile(r"\bl\b"), "L"),
    (re.compile(r"%"), "percent"),
)


def normalize_unit(unit: str) -> str:
    """A pint expression for a UCUM or common lab unit, e.g. ``10*3/uL`` → ``1e3/uL``."""
    text = unit.strip()
    for pattern, repl in _REPLACEMENTS:
        text = pattern.sub(repl, text)
    text = re.sub(r"\s+", "", text)
    if text.startswith("/"):
        text = "1" + text
    return text or "1"


def is_uln(unit: str | None) -> bool:
    """True when the unit states a multiple of the upper limit of normal."""
    return unit is not None and unit.strip().lower() in ULN_UNITS


@lru_cache(maxsize=1024)
def _factor(unit: str, canonical: str, molar_mass: float | None) -> float:
    """Multiplier from ``unit`` to ``canonical``; pint errors propagate."""
    source = ureg.parse_expression(normalize_unit(unit))
    target = ureg.parse_expression(normalize_unit(canonical))
    if not isinstance(source, pint.Quantity):
        source = ureg.Quantity(float(source), "")
    if not isinstance(target, pint.Quantity):
        target = ureg.Quantity(float(target), "")
    substance_per_volume = ureg.parse_expression("mol/L").dimensionality
    mass_per_volume = ureg.parse_expression("g/L").dimensionality
    if molar_mass is not None:
        molar = ureg.Quantity(molar_mass, "g/mol")
        if source.dimensionality == substance_per_volume and target.dimensionality == mass_per_volume:
            source = source * molar
        elif source.dimensionality == mass_per_volume and target.dimensionality == substance_per_volume:
            source = source / molar
    ratio = (source / target).to("dimensionless").magnitude
    factor = round_sig(float(ratio))
    if not math.isfinite(factor) or factor <= 0:
        raise ValueError(f"bad conversion factor {factor}")
    return factor


@lru_cache(maxsize=1024)
def _dimensionless(unit: str) -> bool:
    try:
        return bool(ureg.parse_expression(normalize_unit(unit)).dimensionless)  # type: ignore[union-attr]
    except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError, AssertionError, tokenize.TokenError):
        return False


def _other_scale(unit: str, concept: Concept) -> bool:
    """True for a dimensionless unit other than the concept's own or those it lists: ratios and
    percentages of one analyte may be different scales (HbA1c in mmol/mol is not % × 0.1)."""
    if concept.unit is None or not _dimensionless(concept.unit) or not _dimensionless(unit):
        return False
    same = {normalize_unit(u) for u in (concept.unit, *concept.units)}
    return normalize_unit(unit) not in same


@lru_cache(maxsize=256)
def _offset(unit: str, canonical: str) -> bool:
    """True when ``unit`` and ``canonical`` are different scales one of which has an offset (°F and °C): no factor
    takes one to the other (101.5 °F is 38.6 °C, not 101.5 × 0.93)."""
    try:
        source, target = (ureg.Quantity(1, normalize_unit(u)) for u in (unit, canonical))
    except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError, AssertionError, tokenize.TokenError):
        return False
    if source._is_multiplicative and target._is_multiplicative:
        return False
    return source.units != target.units


def is_offset(unit: str, canonical: str) -> bool:
    """True when ``unit`` and ``canonical`` are scales that differ by an offset (°F and °C)."""
    return _offset(unit.strip(), canonical)


def factor(unit: str | None, concept: Concept, where: str) -> float:
    """Multiplier that takes a value of ``concept`` in ``unit`` to the concept's canonical unit; a scale with an
    offset (°F for a concept in °C) has none and is a ``UnitError`` here (``to_canonical`` converts it)."""
    if concept.unit is None:
        return 1.0
    if unit is None or not unit.strip():
        raise UnitError(f"{where}: no unit given for {concept.name}; expected {_expects(concept)}")
    if _offset(unit.strip(), concept.unit):
        raise UnitError(
            f"{where}: unit {unit!r} is a scale with an offset from {concept.unit}: it converts by a formula, "
            "not a factor"
        )
    if _other_scale(unit.strip(), concept):
        raise UnitError(
            f"{where}: unit {unit!r} is a different scale for {concept.name}, not a multiple of {concept.unit}; "
            f"expected {_expects(concept)}"
        )
    equivalents = _EQUIVALENT.search(unit)
    if equivalents is not None and concept.charge is None:
        raise UnitError(
            f"{where}: unit {unit!r} counts equivalents, which convert only for an ion of known charge, and "
            f"{concept.name} has none; expected {_expects(concept)}"
        )
    try:
        if equivalents is not None and concept.charge is not None:  # 1 mEq of Ca²⁺ is 0.5 mmol
            moles = _EQUIVALENT.sub(lambda m: f"{m.group(1) or ''}mol", unit.strip())
            return round_sig(_factor(moles, concept.unit, concept.molar_mass) / concept.charge)
        return _factor(unit.strip(), concept.unit, concept.molar_mass)
    except pint.DimensionalityError:
        raise UnitError(
            f"{where}: unit {unit!r} does not convert to {concept.unit} for {concept.name}; "
            f"expected {_expects(concept)}"
        ) from None
    except (pint.PintError, ValueError, TypeError, AttributeError, SyntaxError, AssertionError, tokenize.TokenError):
        raise UnitError(f"{where}: unknown unit {unit!r} for {concept.name}; expected {_expects(concept)}") from None


def round_sig(value: float) -> float:
    """``value`` rounded to 12 significant digits, so 100,000/mm3 is exactly 100 10*9/L."""
    return float(f"{value:.12g}")


_KNOWN_FACTORS: dict[tuple[str | None, str | None, float | None, int | None], float] = {}


def to_canonical(value: float, unit: str | None, concept: Concept, where: str) -> float:
    """``value`` in ``unit`` expressed in the concept's canonical unit (12 significant digits); a scale with an
    offset by its formula (101.5 °F → 38.6111111111 °C)."""
    key = (unit, concept.unit, concept.molar_mass, concept.charge)
    f = _KNOWN_FACTORS.get(key)
    if f is None:
        if unit is not None and concept.unit is not None and _offset(unit.strip(), concept.unit):
            return convert_scale(value, unit.strip(), concept.unit)  # no factor to remember
        f = _KNOWN_FACTORS[key] = factor(unit, concept, where)
    return value if f == 1.0 else float(f"{value * f:.12g}")


def from_canonical(value: float, unit: str, concept: Concept, where: str) -> float:
    """``value`` in the concept's canonical unit expressed in ``unit`` (12 significant digits): the inverse of
    ``to_canonical``."""
    if concept.unit is not None and _offset(unit.strip(), concept.unit):
        return convert_scale(value, concept.unit, unit.strip())
    return round_sig(value / to_canonical(1.0, unit, concept, where))


def convert_scale(value: float, unit: str, canonical: str) -> float:
    """``value`` from one temperature scale to another (12 significant digits)."""
    return round_sig(float(ureg.Quantity(value, normalize_unit(unit)).to(normalize_unit(canonical)).magnitude))


def converts(unit: str | None, concept: Concept, where: str) -> None:
    """Raise ``UnitError`` unless a value of ``concept`` in ``unit`` converts to its canonical unit (by a factor
    or, for a scale with an offset, by its formula)."""
    to_canonical(1.0, unit, concept, where)


def _expects(concept: Concept) -> str:
    return concept.expects or f"a unit convertible to {concept.unit}"


@lru_cache(maxsize=65536)
def format_number(value: float) -> str:
    """A number as a clinician writes it: no trailing zeros, thousands separated (remembered per value)."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) >= 1 else f"{value:.4g}"
