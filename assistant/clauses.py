"""Small text helpers shared by the readers of a chat message: compiled patterns and clause bounds."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import cache, lru_cache


@cache
def rx(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled case-insensitively, once: patterns are built from the modules' cue lists and the
    vocabulary, never from a message, so the cache holds a bounded set."""
    return re.compile(pattern, re.IGNORECASE)


def any_of(patterns: tuple[str, ...] | list[str]) -> str:
    """One alternation of several patterns."""
    return "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


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
