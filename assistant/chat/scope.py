"""Where a phrase of a message stands: negated, uncertain, about people in general, or stated.

A small NegEx-style reading. A trigger ("no", "denies", "without" …) negates what follows it up to
the end of its scope (a comma, "but", "and she" … or ``SCOPE_WORDS`` words); a few triggers work
after the phrase ("… ruled out", "treatment-naive"). Uncertainty ("possible", "what if", "pending")
and generic subjects ("patients with", "pregnant women") work the same way and make the phrase
not a fact about this patient. The trigger lists are data in ``assistant.chat.lexicon``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from assistant.chat import lexicon as lx

Reading = Literal["stated", "negated", "uncertain", "generic"]
FLAGS = re.IGNORECASE


@cache
def rx(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled case-insensitively, once: every pattern is built from the lexicon and the
    vocabulary, never from a message, so the cache holds a bounded set (a bounded cache smaller than the
    vocabulary's phrases would compile every one anew for each message)."""
    return re.compile(pattern, FLAGS)


def any_of(patterns: tuple[str, ...] | list[str]) -> str:
    """One alternation of several patterns."""
    return "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


_SCOPE_END = rx(lx.SCOPE_END)
_GENERIC_END = rx(lx.GENERIC_END)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger found in the message."""

    start: int
    """Offset of the trigger."""
    end: int
    """Offset one past the trigger."""


def _triggers(text: str, patterns: tuple[str, ...]) -> list[Trigger]:
    return [Trigger(m.start(), m.end()) for m in rx(any_of(patterns)).finditer(text)]


def _reaches(text: str, trigger: Trigger, start: int, max_words: int | None, generic: bool = False) -> bool:
    """True when ``trigger`` lies before ``start`` and its scope reaches it."""
    if trigger.end > start:
        return False
    between = text[trigger.end : start]
    if _SCOPE_END.search(between):
        return False
    if generic and _GENERIC_END.search(between):
        return False
    return max_words is None or len(_WORD.findall(between)) <= max_words


class Scopes:
    """The negation, uncertainty and generic-subject triggers of one message."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.negations = _triggers(text, lx.NEGATION_PRE)
        self.uncertain = _triggers(text, lx.UNCERTAIN_PRE)
        self.generic = _triggers(text, lx.GENERIC_SUBJECTS)
        self._neg_post = rx(any_of(lx.NEGATION_POST))
        self._unc_post = rx(any_of(lx.UNCERTAIN_POST))
        self._gen_post = rx(lx.GENERIC_AFTER)

    def is_generic(self, start: int, end: int) -> bool:
        """True when the phrase at ``start:end`` speaks of people in general."""
        if any(_reaches(self.text, t, start, None, generic=True) for t in self.generic):
            return True
        return bool(self._gen_post.match(self.text, end))

    def is_uncertain(self, start: int, end: int) -> bool:
        """True when the phrase is hedged, asked about, or pending."""
        if any(_reaches(self.text, t, start, lx.SCOPE_WORDS) for t in self.uncertain):
            return True
        return bool(self._unc_post.match(self.text, end))

    def is_negated(self, start: int, end: int) -> bool:
        """True when the phrase is stated absent."""
        return self.negation(start, end) is not None

    def negation(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the negation of the phrase at ``start:end`` is written (a trigger before or after it)."""
        before = [t for t in self.negations if _reaches(self.text, t, start, lx.SCOPE_WORDS)]
        if before:
            return before[-1].start, before[-1].end
        after = self._neg_post.match(self.text, end)
        return (after.start(), after.end()) if after else None

    def reading(self, start: int, end: int) -> Reading:
        """How the phrase at ``start:end`` is stated; generic and uncertain win over negated."""
        if self.is_generic(start, end):
            return "generic"
        if self.is_uncertain(start, end):
            return "uncertain"
        if self.is_negated(start, end):
            return "negated"
        return "stated"


_CLAUSE_END = re.compile(r"[;!?\n]|,(?!\d{3}\b)|\.(?!\d)|\s[-–—]\s|\bbut\b")


@lru_cache(maxsize=64)
def _clause_ends(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Start and end offsets of every clause boundary in ``text``, found in one pass."""
    matches = [(m.start(), m.end()) for m in _CLAUSE_END.finditer(text)]
    return tuple(m[0] for m in matches), tuple(m[1] for m in matches)


def clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``start:end``: between the nearest ``, ; . ! ?``, dash, "but" or line break.
    Boundaries are found once per text, so many look-ups in one long message stay linear."""
    starts, ends = _clause_ends(text)
    before = bisect_right(ends, start) - 1
    left = ends[before] if before >= 0 else 0
    after = bisect_left(starts, end)
    return left, starts[after] if after < len(starts) else len(text)
