"""Check that every sentence of a phrased answer is supported by the quotes it was given.

A sentence is supported when

* every quantity it states occurs in a quote with the same value and unit (1.5 years = 18 months,
  compared with pint; a bare number only matches a bare number, a quantity with a unit may match a
  bare number such as "Age:18"), the same comparator, and — for a duration counted from something —
  the same anchor ("2–4 weeks after surgery" is not "2–4 weeks after completion");
* every dosing frequency it states ("twice daily") is quoted;
* at least half of its content words occur in the quotes, and none of them has the opposite
  polarity there ("patients with brain metastases may enroll" against "No known brain metastases").

Anything else is unsupported; the caller removes it. Known limit: a number quoted for one thing and
claimed for another ("the postoperative course lasts 6 months", when 6 months is the preoperative course)
is caught only for durations tied to an anchor ("6 weeks after surgery").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.llm.claims import Quantity, Word, content_words, frequencies, normalise, quantities

MIN_WORD_COVERAGE = 0.5
"""Least share of a sentence's content words that must occur in the quotes."""

_PINT_UNITS = {
    "hour", "day", "week", "month", "year", "milligram", "gram", "kilogram", "microgram", "milliliter",
    "centimeter", "millimeter",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    """The verifier's finding on one sentence."""

    sentence: str
    """The sentence as checked (citation markers removed)."""
    supported: bool
    """True when every claim of the sentence is found in the quotes."""
    problems: tuple[str, ...]
    """Why it is unsupported, one reason per claim; empty when supported."""
    quote_indices: tuple[int, ...]
    """Indices of the quotes that support it."""


@lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    return pint.UnitRegistry()


def _magnitude(quantity: Quantity) -> tuple[float, str | None]:
    """The value in base units for pint-known units (so 1.5 year == 18 month), else as stated."""
    if quantity.unit in _PINT_UNITS:
        base = _registry().Quantity(quantity.value, quantity.unit).to_base_units()
        return float(base.magnitude), str(base.units)
    return quantity.value, quantity.unit


def _same(claim: Quantity, quoted: Quantity) -> bool:
    """Whether a quoted quantity supports a claimed one."""
    claim_value, claim_unit = _magnitude(claim)
    quoted_value, quoted_unit = _magnitude(quoted)
    if claim.unit is None and quoted.unit is not None:
        return False  # a bare number is not supported by a quoted amount of something
    if claim.unit is not None and quoted.unit is not None:
        if claim_unit != quoted_unit or not math.isclose(claim_value, quoted_value, rel_tol=1e-9):
            return False
    elif not math.isclose(claim.value, quoted.value, rel_tol=1e-9):
        return False
    if claim.comparator != quoted.comparator:
        return False
    if claim.anchor is not None:
        return quoted.anchor == claim.anchor and quoted.relation == claim.relation
    return True


def clean_sentence(sentence: str) -> str:
    """A sentence without list bullets, citation markers like ``[1]`` and surrounding space."""
    text = re.sub(r"\s*\[\d+(?:\s*[,\u2013-]\s*\d+)*\]", "", sentence)
    text = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s+", "", text)
    return text.strip()


def split_sentences(text: str) -> list[str]:
    """The sentences of a model's text: one per line item, lines split after ``.``, ``!`` or ``?``."""
    sentences: list[str] = []
    for line in text.splitlines():
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9(\"\u201c])", line):
            cleaned = clean_sentence(piece)
            if re.search(r"[A-Za-z0-9]", cleaned):
                sentences.append(cleaned)
    return sentences


@dataclass(frozen=True, slots=True)
class _Quote:
    quantities: tuple[Quantity, ...]
    frequencies: frozenset[str]
    words: tuple[Word, ...]


def _prepare(quotes: Sequence[str]) -> list[_Quote]:
    prepared = []
    for quote in quotes:
        norm = normalise(quote)
        prepared.append(_Quote(tuple(quantities(norm)), frozenset(frequencies(norm)), tuple(content_words(norm))))
    return prepared


def _check(sentence: str, quotes: list[_Quote]) -> SentenceCheck:
    text = clean_sentence(sentence)
    norm = normalise(text)
    problems: list[str] = []
    support: set[int] = set()

    claimed = quantities(norm)
    for claim in claimed:
        hits = {i for i, quote in enumerate(quotes) if any(_same(claim, q) for q in quote.quantities)}
        if not hits:
            problems.append(f"'{claim.text()}' is not in the quoted text")
        support |= hits

    quoted_frequencies = set().union(*(q.frequencies for q in quotes)) if quotes else set()
    for frequency in sorted(frequencies(norm)):
        known = frequency in quoted_frequencies or (
            frequency == "daily" and any(f.endswith("daily") for f in quoted_frequencies)
        )
        if not known:
            problems.append(f"'{frequency}' is not in the quoted text")

    words = content_words(norm)
    stems = {w.stem for w in words}
    polarity: dict[str, set[bool]] = {}
    overlap = [0] * len(quotes)
    for index, quote in enumerate(quotes):
        quote_stems = {w.stem for w in quote.words}
        overlap[index] = len(stems & quote_stems)
        for word in quote.words:
            polarity.setdefault(word.stem, set()).add(word.negated)
    if not stems and not claimed:
        problems.append("it states nothing the quotes could support")
    elif stems:
        found = stems & polarity.keys()
        if not found:
            problems.append("none of its words are in the quoted text")
        elif len(found) / len(stems) < MIN_WORD_COVERAGE:
            missing = sorted({w.word for w in words if w.stem not in polarity})
            problems.append(f"words not in the quoted text: {', '.join(missing)}")
    for word in words:
        seen = polarity.get(word.stem)
        if seen and word.negated not in seen:
            stated = "negated" if word.negated else "affirmed"
            quoted = "affirmed" if word.negated else "negated"
            problem = f"'{word.word}' is {stated} in the sentence but {quoted} in the quoted text"
            if problem not in problems:
                problems.append(problem)

    best = max(overlap, default=0)
    if best and not support:
        support |= {i for i, count in enumerate(overlap) if count == best}
    return SentenceCheck(
        sentence=text, supported=not problems, problems=tuple(problems), quote_indices=tuple(sorted(support))
    )


def verify_sentence(sentence: str, quotes: Sequence[str]) -> SentenceCheck:
    """Whether ``quotes`` support every number, unit, duration, frequency and negation of ``sentence``."""
    return _check(sentence, _prepare(quotes))


def verify_text(text: str, quotes: Sequence[str]) -> list[SentenceCheck]:
    """One check per sentence of ``text`` (see ``split_sentences``), each against all ``quotes``."""
    prepared = _prepare(quotes)
    return [_check(sentence, prepared) for sentence in split_sentences(text)]
