"""Text helpers of the compiler: cleaning a criterion, reading time windows, checking leftover words."""

from __future__ import annotations

import re

from assistant.rules.compile import grammar as g


def clean(text: str) -> str:
    """The criterion without bullets, registry escapes (``\\>``), trailing punctuation and runs of spaces."""
    text = re.sub(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s*", "", text)
    text = text.replace("\\>", ">").replace("\\<", "<").replace("\\=", "=")
    return re.sub(r"\s+", " ", text).strip().rstrip(".;,:… ").strip()


def alternation(phrases: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of ``phrases``, longest first, any run of spaces matching a space."""
    return _alternation(phrases)


def _alternation(phrases: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len, reverse=True))


_NUMBER = rf"(?:\d+|{_alternation(list(g.NUMBER_WORDS))})"
_UNIT = _alternation(list(g.TIME_UNITS))
#: A window at the end of a phrase: "within the past 6 months (prior to screening)".
WINDOW = re.compile(
    rf"\s*,?\s*(?:{_alternation(g.WINDOW_OPENERS)})\s+(?:\(\s*)?(?P<n>{_NUMBER})\s*\)?\s*(?P<unit>{_UNIT})\b"
    rf"(?:\s+(?:{_alternation(g.ANCHOR_LINKS)})\s+(?:the\s+)?(?:(?:{_alternation(g.ANCHOR_MOMENTS)})\s+(?:the\s+)?)?"
    rf"(?:{_alternation(g.ANCHORS)}))?\s*$",
    re.IGNORECASE,
)
#: A window before its phrase: "in the last 6 months, a myocardial infarction" is rare; not read.


def duration(n: str, unit: str) -> dict[str, int]:
    """``{"months": 3}`` for ("3" | "three", "months")."""
    count = int(n) if n.isdigit() else g.NUMBER_WORDS[n.lower()]
    return {g.TIME_UNITS[unit.lower()]: count}


def split_window(text: str) -> tuple[str, dict[str, int] | None, str]:
    """(phrase, window, window text): the trailing window cut off, when there is one."""
    match = WINDOW.search(text)
    if match is None:
        return text, None, ""
    phrase = _NOW_OR.sub("", text[: match.start()]).strip(" ,")  # "X, currently or within 6 months": now is inside
    return phrase, duration(match.group("n"), match.group("unit")), match.group().strip()


_NOW_OR = re.compile(r"[\s,;]*(?:either\s+)?(?:currently|current|now|at\s+present)\s+(?:or|and/or)\s*$", re.IGNORECASE)


def strip_prefixes(text: str, phrases: tuple[str, ...] | list[str]) -> tuple[str, list[str]]:
    """``text`` with leading ``phrases`` removed (repeatedly), and the phrases removed, in order."""
    pattern = re.compile(rf"^(?:{_alternation(phrases)})\b\s*", re.IGNORECASE)
    removed: list[str] = []
    while True:
        match = pattern.match(text)
        if match is None or not match.group().strip():
            return text, removed
        removed.append(re.sub(r"\s+", " ", match.group().strip().lower()))
        text = text[match.end() :]


def words(text: str) -> list[str]:
    """Lower-case words of ``text`` (letters, hyphens, slashes)."""
    return re.findall(r"[a-z][a-z\-/]*", text.lower())
